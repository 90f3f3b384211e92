/**
 * Monthly utilisation check (O4) of 2,000 dedicated allocations whose samples are pulled
 * from a real Prometheus (Debian's package), backfilled with a month of DCGM_FI_DEV_GPU_UTIL
 * (2 GPUs per server) by promtool. Timed in one run, each against its raw baseline:
 *   pull:   the collector (src/collector/pull.ts) for the month, vs the same 2,000
 *           query_range calls by plain fetch (same concurrency) + the same rows by a plain INSERT;
 *   re-run: the collector again (idempotent: nothing to query, nothing written);
 *   check:  2,000 judgeUtilisationMonth activities (10 in flight) with Prometheus configured
 *           (each first looks for days to pull: none), vs the same without Prometheus;
 *   check that pulls: the samples deleted, each check pulls its own month first (the 1st
 *           of a month when no daily pull ran).
 *
 *   npm run build && node dist/bench/monthly-check-prometheus.js
 *   (BENCH_SAMPLES_PER_DAY, default 12: samples per GPU and day in the backfill)
 */
import { createWriteStream, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ActivityDeps } from '../src/activities';
import { operationActivities } from '../src/activities/operation';
import { pullUtilisation, type CollectorSettings } from '../src/collector/pull';
import { dayEndSeconds, DEFAULT_UTILISATION_QUERY, serverDailyUtilisation } from '../src/collector/prometheus';
import { connectDatabase, type Sql } from '../src/db';
import { migrate } from '../src/db/migrate';
import { daysOfMonth, startOfDayKst, type IsoDate } from '../src/domain';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { freePort } from '../src/runtime/ports';
import { backfillFile, startPrometheus } from '../src/runtime/prometheus';

const ALLOCATIONS = 2000;
const GPUS = 2;
const CHECK_CONCURRENCY = 10;
const PER_DAY = Number(process.env.BENCH_SAMPLES_PER_DAY ?? 12);
const MONTH = '2026-10';
const CHECK_ON: IsoDate = '2026-11-01';
const DAYS = daysOfMonth(MONTH);
const server = (n: number) => `bench-h100-${String(n).padStart(4, '0')}`;
const percentOf = (n: number, gpu: number) => (n % 40) + gpu * 2; // servers n % 40 < 19 come out LOW

const ms = (t: number) => `${t.toFixed(0)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

async function inParallel<T>(items: readonly T[], width: number, f: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

/** A month of DCGM_FI_DEV_GPU_UTIL for every server and GPU, streamed to an OpenMetrics file. */
async function writeBackfill(file: string): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n');
  const step = 86_400_000 / PER_DAY;
  for (let n = 1; n <= ALLOCATIONS; n++) {
    for (let gpu = 0; gpu < GPUS; gpu++) {
      const head = `DCGM_FI_DEV_GPU_UTIL{gpu="${gpu}",instance="${server(n)}"} ${percentOf(n, gpu)} `;
      let chunk = '';
      for (const d of DAYS) {
        for (let i = 0; i < PER_DAY; i++) chunk += `${head}${((startOfDayKst(d) + i * step) / 1000).toFixed(3)}\n`;
      }
      lines += DAYS.length * PER_DAY;
      await write(chunk);
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
  return lines;
}

async function seed(sql: Sql) {
  await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
            values ('bench-prom', 'bench', '2026-08-01', '2027-06-30', ${sql.json({ T4: 0, H100: 5000, BOW: 0, extraStorageTb: 0 })},
                    ${sql.json({ supplementDays: 7, minEvaluators: 5, utilisationNonePercent: 1, utilisationLowPercent: 20 })})`;
  await sql`
    insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority,
                              content, token_hash, granted_type, granted_units, allocated_on, submitted_at)
    select 'P' || lpad(n::text, 9, '0'), 'bench-prom', 'IN_OPERATION', lpad(n::text, 10, '0'), 'org ' || n, 'project ' || n,
           'DEDICATED', 'H100', 1, false, '{}'::jsonb, 'x', 'H100', 1, '2026-09-15'::date, now()
    from generate_series(1, ${ALLOCATIONS}) n`;
  await sql`insert into allocation_servers (application_id, call_id, name, starts_on)
            select 'P' || lpad(n::text, 9, '0'), 'bench-prom', 'bench-h100-' || lpad(n::text, 4, '0'), '2026-09-15'::date
            from generate_series(1, ${ALLOCATIONS}) n`;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-bench-prom-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const sql = connectDatabase(pg.url, CHECK_CONCURRENCY);
  let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  try {
    await migrate(sql);
    await seed(sql);
    const file = path.join(dir, 'dcgm.om');
    const [lines, writeMs] = await timed(() => writeBackfill(file));
    const [, backfillMs] = await timed(() => backfillFile(path.join(dir, 'tsdb'), file));
    rmSync(file);
    const [p, startMs] = await timed(async () => startPrometheus({ tsdbDir: path.join(dir, 'tsdb'), port: await freePort() }));
    prom = p;
    const settings: CollectorSettings = {
      url: p.url, query: DEFAULT_UTILISATION_QUERY, label: 'instance', timeoutMs: 30_000, concurrency: 4, lookbackDays: 35, batchSize: 100,
    };
    const perServer: CollectorSettings = { ...settings, query: 'avg_over_time(DCGM_FI_DEV_GPU_UTIL{$label="$server"}[1d])' };
    const first = DAYS[0]!;
    const last = DAYS.at(-1)!;
    const servers = Array.from({ length: ALLOCATIONS }, (_, i) => server(i + 1));
    // Warm Prometheus (block index, query engine) and PostgreSQL before any timing.
    await serverDailyUtilisation(settings, servers[0]!, first, last);

    // Raw baselines: the same query_range calls by plain fetch, and a plain INSERT of the same rows.
    const range = { start: String(dayEndSeconds(first)), end: String(dayEndSeconds(last)), step: '86400' };
    const rawQuery = async (query: string) => {
      const res = await fetch(`${p.url}/api/v1/query_range`, { method: 'POST', body: new URLSearchParams({ query, ...range }) });
      return res.json();
    };
    const [, rawQueryMs] = await timed(() => inParallel(servers, settings.concurrency, (s) =>
      rawQuery(`avg_over_time(DCGM_FI_DEV_GPU_UTIL{instance="${s}"}[1d])`)));
    const batches = Array.from({ length: Math.ceil(servers.length / settings.batchSize) }, (_, i) =>
      servers.slice(i * settings.batchSize, (i + 1) * settings.batchSize));
    const [, rawBatchedMs] = await timed(() => inParallel(batches, settings.concurrency, (b) =>
      rawQuery(`avg by (instance) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{instance=~"${b.join('|')}"}[1d]))`)));
    const [, setQueryMs] = await timed(() => rawQuery('avg by (instance) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[1d]))'));
    await sql`create table raw_samples (like utilisation_samples including all)`;
    const rows = servers.flatMap((_, i) => DAYS.map((day) => ({
      application_id: `P${String(i + 1).padStart(9, '0')}`, day, mean_percent: percentOf(i + 1, 0) + 1,
    })));
    const [, rawInsertMs] = await timed(async () => {
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        await sql`insert into raw_samples ${sql(chunk, 'application_id', 'day', 'mean_percent')} on conflict do nothing`;
      }
    });

    const window = { from: first, through: last };
    const [reportPerServer, pullPerServerMs] = await timed(() => pullUtilisation(sql, perServer, window));
    await sql`delete from utilisation_samples`;
    const [report, pullMs] = await timed(() => pullUtilisation(sql, settings, window));
    const [again, rerunMs] = await timed(() => pullUtilisation(sql, settings, window));

    const judgeWith = (collector?: CollectorSettings) => {
      const acts = operationActivities({ sql, collector } as unknown as ActivityDeps);
      const ids = rows.filter((_, i) => i % DAYS.length === 0).map((r) => r.application_id);
      return timed(() => inParallel(ids, CHECK_CONCURRENCY, (applicationId) =>
        acts.judgeUtilisationMonth({ applicationId, month: MONTH, countFrom: '2026-09-30', until: '2027-06-30', checkedOn: CHECK_ON })));
    };
    await judgeWith(); // warm the plans
    const [, checkRawMs] = await judgeWith();
    const [, checkMs] = await judgeWith(settings);
    await sql`delete from utilisation_samples`;
    const [, checkPullsMs] = await judgeWith(settings);
    const verdicts = await sql<Array<{ verdict: string; n: number }>>`
      select verdict, count(*)::int as n from utilisation_months where month = ${MONTH} group by verdict order by verdict`;
    const [{ n: samples }] = await sql<Array<{ n: number }>>`select count(*)::int as n from utilisation_samples`;

    console.log(`\n== Monthly check (O4) of ${ALLOCATIONS} dedicated allocations, samples from Prometheus ==`);
    console.log(`backfill: ${lines.toLocaleString('en')} samples (${ALLOCATIONS} servers × ${GPUS} GPUs × ${DAYS.length} days × ${PER_DAY}/day): file ${ms(writeMs)}, promtool ${ms(backfillMs)}, prometheus ready ${ms(startMs)}`);
    const raw = (q: number) => `${ms(q)} + INSERT of ${rows.length} rows ${ms(rawInsertMs)} = ${ms(q + rawInsertMs)}`;
    console.log(`pull ${MONTH}, ${settings.concurrency} queries in flight:`);
    console.log(`  batched (${settings.batchSize} servers a query, the default): ${ms(pullMs)}: ${report.queries} queries, ${report.stored} samples stored, ${report.missing} missing`);
    console.log(`    raw: the same ${batches.length} query_range by fetch ${raw(rawBatchedMs)}; ratio ${ratio(pullMs, rawBatchedMs + rawInsertMs)}`);
    console.log(`  one server a query ($server): ${ms(pullPerServerMs)}: ${reportPerServer.queries} queries, ${reportPerServer.stored} stored`);
    console.log(`    raw: ${ALLOCATIONS} query_range by fetch ${raw(rawQueryMs)}; ratio ${ratio(pullPerServerMs, rawQueryMs + rawInsertMs)}`);
    console.log(`  for comparison, one query_range for all 2,000 servers: ${ms(setQueryMs)}`);
    console.log(`re-run (idempotent): ${ms(rerunMs)}: ${again.queries} queries, ${again.stored} stored`);
    console.log(`monthly check, ${ALLOCATIONS} judgeUtilisationMonth, ${CHECK_CONCURRENCY} in flight:`);
    console.log(`  with Prometheus configured (nothing left to pull): ${ms(checkMs)}; without: ${ms(checkRawMs)}; ratio ${ratio(checkMs, checkRawMs)}`);
    console.log(`  each check pulling its own month first (samples deleted): ${ms(checkPullsMs)}; ratio to pull-free ${ratio(checkPullsMs, checkRawMs)}`);
    console.log(`samples now ${samples.toLocaleString('en')}; verdicts: ${verdicts.map((v) => `${v.verdict} ${v.n}`).join(', ')}`);
  } finally {
    await prom?.stop();
    await sql.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
