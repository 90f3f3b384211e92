/**
 * Monthly utilisation check at scale (O4, I1) and the history it leaves (H2).
 *
 * 1. 2,000 active dedicated allocations with a year of daily samples (730,000 rows,
 *    bulk-inserted), then the monthly check as production runs it: each application
 *    workflow, on the 1st, runs the `judgeUtilisationMonth` activity for its own previous
 *    month, so 2,000 activity executions against PostgreSQL. Timed one after another and
 *    with 10 in flight (the worker's database pool size); a single set-based query over
 *    all of them is timed for comparison.
 * 2. One real application workflow on the time-skipping server, allocated and run through
 *    10 monthly checks (with the quarterly reviews in between, left to the 14-day default):
 *    its history size in events and bytes. Samples live in PostgreSQL, so they never
 *    appear in the history.
 *
 *   npm run build && node dist/bench/monthly-check.js
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { ensureTestServer } from '../scripts/tools';
import type { ActivityDeps } from '../src/activities';
import { operationActivities } from '../src/activities/operation';
import { loadConfig } from '../src/config';
import { connectDatabase, type Sql } from '../src/db';
import { migrate } from '../src/db/migrate';
import {
  addDays,
  applicationWorkflowId,
  callWorkflowId,
  firstDayOfNextMonth,
  kstDateOf,
  monthOf,
  startOfDayKst,
  type IsoDate,
} from '../src/domain';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { startMailInbox } from '../src/runtime/mail-inbox';
import { freePort } from '../src/runtime/ports';
import { applicationWorkflow } from '../src/workflows/application/index';
import { selectionResultSignal } from '../src/contracts/evaluation';
import { allocateUpdate } from '../src/contracts/operation';
import { callWorkflow } from '../src/workflows/call';
import { batchAssignedSignal, reviewDocumentsUpdate, statusQuery } from '../src/contracts/application';
import { runWorker } from '../worker';

const ALLOCATIONS = 2000;
const CONCURRENCY = 10;
const MONTHS = 10;
const DAY = 86_400_000;

const ms = (t: number) => `${t.toFixed(0)} ms`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function monthlyCheckAtScale(sql: Sql) {
  const callId = 'bench-scale';
  // A year of samples up to the end of the judged month; the check runs on the 1st after it.
  const checkOn: IsoDate = '2026-11-01';
  const month = '2026-10';
  const firstSample: IsoDate = '2025-11-01';
  const allocatedOn: IsoDate = '2025-10-15';
  await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
            values (${callId}, 'bench', '2025-09-01', '2026-12-31', ${sql.json({ T4: 1000, H100: 1000, BOW: 0, extraStorageTb: 0 })},
                    ${sql.json({ supplementDays: 7, minEvaluators: 5, utilisationNonePercent: 1, utilisationLowPercent: 20 })})`;
  let t = performance.now();
  await sql`
    insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority,
                              content, token_hash, granted_type, granted_units, allocated_on, submitted_at)
    select 'B' || lpad(n::text, 9, '0'), ${callId}, 'IN_OPERATION', lpad(n::text, 10, '0'), 'org ' || n, 'project ' || n,
           'DEDICATED', case when n % 2 = 0 then 'T4' else 'H100' end, 1, false, '{}'::jsonb, 'x',
           case when n % 2 = 0 then 'T4' else 'H100' end, 1, ${allocatedOn}::date, now()
    from generate_series(1, ${ALLOCATIONS}) n`;
  const [{ count }] = await sql<Array<{ count: number }>>`
    with ins as (
      insert into utilisation_samples (application_id, day, mean_percent)
      select a.id, d::date, round((random() * 60)::numeric, 3)
      from applications a, generate_series(${firstSample}::date, ${addDays(checkOn, -1)}::date, interval '1 day') d
      where a.call_id = ${callId}
      returning 1)
    select count(*)::int as count from ins`;
  await sql`analyze utilisation_samples`;
  const insertMs = performance.now() - t;
  const [{ size }] = await sql<Array<{ size: string }>>`select pg_size_pretty(pg_total_relation_size('utilisation_samples')) as size`;

  const acts = operationActivities({ sql } as unknown as ActivityDeps);
  const ids = (await sql<Array<{ id: string }>>`select id from applications where call_id = ${callId} order by id`).map((r) => r.id);
  const judge = (applicationId: string) =>
    acts.judgeUtilisationMonth({ applicationId, month, countFrom: '2025-10-30', until: '2026-12-31', checkedOn: checkOn });

  await judge(ids[0]!); // warm the pool and the plan
  const latencies: number[] = [];
  t = performance.now();
  for (const id of ids) {
    const s = performance.now();
    await judge(id);
    latencies.push(performance.now() - s);
  }
  const sequentialMs = performance.now() - t;
  latencies.sort((a, b) => a - b);

  t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await judge(ids[next++]!);
    }),
  );
  const concurrentMs = performance.now() - t;

  t = performance.now();
  const all = await sql`
    select application_id, avg(mean_percent)::float8 as mean, count(*)::int as days from utilisation_samples
    where application_id = any(${ids}) and day between '2026-10-01' and '2026-10-31' group by application_id`;
  const setMs = performance.now() - t;
  const verdicts = await sql<Array<{ verdict: string; n: number }>>`
    select verdict, count(*)::int as n from utilisation_months where month = ${month} group by verdict order by verdict`;

  console.log('\n== Monthly check (O4) over 2,000 dedicated allocations ==');
  console.log(`samples: ${count.toLocaleString('en')} rows (${ALLOCATIONS} allocations × 365 days), bulk insert + analyze ${ms(insertMs)}, table + index ${size}`);
  console.log(`per allocation, as production runs it (one activity per workflow on the 1st):`);
  console.log(`  sequential:        ${ms(sequentialMs)} for ${ALLOCATIONS} (${(sequentialMs / ALLOCATIONS).toFixed(2)} ms each; p50 ${pct(latencies, 50).toFixed(2)} ms, p95 ${pct(latencies, 95).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms)`);
  console.log(`  ${CONCURRENCY} in flight:      ${ms(concurrentMs)} for ${ALLOCATIONS} (${(ALLOCATIONS / (concurrentMs / 1000)).toFixed(0)} checks/s)`);
  console.log(`for comparison, one set-based query for the whole month: ${ms(setMs)} (${all.length} allocations)`);
  console.log(`verdicts stored: ${verdicts.map((v) => `${v.verdict} ${v.n}`).join(', ')}`);
}

async function historyAfterTenMonths(sql: Sql) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const testServerPath = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    testServerPath ? { server: { executable: { type: 'existing-path', path: testServerPath } } } : undefined,
  );
  const mail = await startMailInbox({ smtpPort: 0, webPort: 0 });
  const config = loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: 'bench-monthly',
    SMTP_HOST: mail.smtpHost,
    SMTP_PORT: String(mail.smtpPort),
    OPERATIONS_EMAIL: 'ops@bench.example',
  });
  const started = performance.now();
  const worker = await runWorker({ config, sql });
  const workerMs = performance.now() - started;
  try {
    const client = env.client;
    const today = kstDateOf(await env.currentTimeMs());
    const callId = 'bench-history';
    const applicationId = 'HISTORY001';
    const supportEndsOn = addDays(today, 400);
    await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
              values (${callId}, 'bench history', ${today}, ${supportEndsOn}, ${sql.json({ T4: 2, H100: 2, BOW: 16, extraStorageTb: 0 })},
                      ${sql.json({ supplementDays: 7, minEvaluators: 5, utilisationNonePercent: 1, utilisationLowPercent: 20 })})`;
    await client.workflow.start(callWorkflow, {
      workflowId: callWorkflowId(callId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ callId, minEvaluators: 5, supportEndsOn, cutoffs: [] }],
    });
    const person = (name: string, email: string) => ({ name, email, phone: '010-1234-5678' });
    await sql`insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority, content, token_hash, submitted_at)
              values (${applicationId}, ${callId}, 'UNDER_REVIEW', '1234567891', 'bench org', 'bench project', 'DEDICATED', 'H100', 1, false,
                      ${sql.json({ practitioner: person('이개발', 'dev@bench.example'), principalInvestigator: person('김연구', 'pi@bench.example') })}, 'x', now())`;
    const handle = await client.workflow.start(applicationWorkflow, {
      workflowId: applicationWorkflowId(callId, applicationId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ applicationId, callId, pool: 'DEDICATED', acceleratorType: 'H100', units: 1, priority: false, supportEndsOn, supplementDays: 7 }],
    });
    await handle.executeUpdate(reviewDocumentsUpdate, { args: [{ decision: 'COMPLETE', actor: 'bench' }] });
    // As the batch's selection does it (row, then signals).
    const batchId = `${callId}-b1`;
    await sql`insert into batches (id, call_id, cutoff, created_by) values (${batchId}, ${callId}, ${today}, 'bench')`;
    await sql`update applications set granted_type = 'H100', granted_units = 1, selection_outcome = 'SELECTED', selection_rank = 1, batch_id = ${batchId}
              where id = ${applicationId}`;
    await handle.signal(batchAssignedSignal, { batchId, cutoff: today });
    await handle.signal(selectionResultSignal, {
      batchId, outcome: 'SELECTED', rank: 1, total: 80,
      scores: { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 },
      resource: { type: 'H100', units: 1 },
    });
    for (let i = 0; (await handle.query(statusQuery)).status !== 'SELECTED'; i++) {
      if (i > 100) throw new Error('the application never became SELECTED');
      await new Promise((r) => setTimeout(r, 100));
    }
    const alloc = await handle.executeUpdate(allocateUpdate, {
      args: [{ actor: 'bench', type: 'H100', units: 1, storageTb: 50, backupTb: 20, extraStorageTb: 0 }],
    });
    // A year of daily samples in PostgreSQL: two LOW months among OK ones (warnings, a flag).
    const lowMonths = new Set([monthOf(addDays(alloc.setupEnd, 70)), monthOf(addDays(alloc.setupEnd, 100))]);
    await sql`
      insert into utilisation_samples (application_id, day, mean_percent)
      select ${applicationId}, d::date, case when to_char(d, 'YYYY-MM') = any(${[...lowMonths]}) then 10 else 45 end
      from generate_series(${alloc.allocatedOn}::date, ${addDays(alloc.allocatedOn, 365)}::date, interval '1 day') d`;

    const t = performance.now();
    let check = firstDayOfNextMonth(addDays(alloc.setupEnd, 1));
    for (let judged = 1; judged <= MONTHS; judged++) {
      const nowMs = await env.currentTimeMs();
      await env.sleep(startOfDayKst(check) + 2 * 3_600_000 - nowMs);
      for (let i = 0; ; i++) {
        const s = await handle.query(statusQuery);
        if ((s.allocation?.months.length ?? 0) >= judged) break;
        if (i > 300) throw new Error(`month ${judged} was never judged`);
        await new Promise((r) => setTimeout(r, 50));
      }
      check = firstDayOfNextMonth(check);
    }
    // Let a review still in its 14 days of grace close, as it would in production.
    await env.sleep(15 * DAY);
    await new Promise((r) => setTimeout(r, 1000));
    const skipMs = performance.now() - t;

    const state = await handle.query(statusQuery);
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    const byType = new Map<string, number>();
    for (const e of events) {
      const name = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
      byType.set(name, (byType.get(name) ?? 0) + 1);
    }
    const samples = await sql<Array<{ n: number }>>`select count(*)::int as n from utilisation_samples where application_id = ${applicationId}`;

    console.log('\n== History of one application workflow after 10 months of operation (H2) ==');
    console.log(`worker start (bundling the workflows) ${ms(workerMs)}; 10 months skipped in ${ms(skipMs)} of wall time`);
    console.log(`status ${state.status}; months judged ${state.allocation?.months.length} (${state.allocation?.months.map((m) => `${m.month} ${m.verdict}`).join(', ')})`);
    console.log(`quarterly reviews ${state.allocation?.reviews.length} (${state.allocation?.reviews.map((r) => `${r.reviewDate} ${r.decision ?? 'open'}${r.defaulted ? ' (default)' : ''}`).join(', ')})`);
    console.log(`samples in PostgreSQL: ${samples[0]!.n} (none in the history); timeline entries: ${state.timeline.length}`);
    console.log(`history: ${events.length} events, ${(bytes / 1024).toFixed(1)} KiB (Temporal's default warning is at 10,240 events / 10 MiB)`);
    console.log(`  by type: ${[...byType].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k.replace('EVENT_TYPE_', '')} ${v}`).join(', ')}`);
  } finally {
    await worker.shutdown();
    await env.teardown();
    await mail.stop();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
  const sql = connectDatabase(pg.url, CONCURRENCY);
  try {
    await migrate(sql);
    await monthlyCheckAtScale(sql);
    await historyAfterTenMonths(sql);
  } finally {
    await sql.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
