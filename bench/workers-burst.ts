/**
 * Several worker processes share one Temporal: a burst of application intakes drained by
 * one worker process, then by two, against the real cluster (PostgreSQL persistence and
 * visibility), with the raw `client.workflow.start` rate on the same server for scale.
 *
 *   npm run build && node dist/bench/workers-burst.js [burst=400]
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 node dist/bench/workers-burst.js   # a running `npm run cluster`
 *
 * Without TEMPORAL_ADDRESS it starts its own PostgreSQL and Temporal cluster
 * (src/runtime/temporal-cluster.ts), plus an SMTP inbox and the API (for the call).
 * Each round: `burst` submitted applications (rows as the API leaves them at submission),
 * their application workflows started through the client exactly as the API starts them
 * (same input, summary and search attributes) on a fresh task queue nobody polls yet; then
 * k `node dist/worker.js` processes are spawned on that queue, and the burst is drained
 * when every application's RECEIPT notice (A6: recorded SUBMITTED, e-mail rendered, stored
 * in the outbox and sent over SMTP) has its sent_at. "drain" is first to last sent_at
 * (worker start-up excluded); "from spawn" includes it. Figures only; nothing asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalServer } from '../scripts/temporal-server-tools';
import { ensureTemporalCli } from '../scripts/tools';
import { loadConfig } from '../src/config';
import { addDays, applicationWorkflowId, kstDateOf, poolOf } from '../src/domain';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { startMailInbox } from '../src/runtime/mail-inbox';
import { freeLowPort, freePort } from '../src/runtime/ports';
import { startTemporalCluster } from '../src/runtime/temporal-cluster';
import type { ApplicationInput } from '../src/contracts/application';
import { AcceleratorTypeAttr, CallIdAttr, PoolAttr, PriorityAttr, StatusAttr } from '../src/contracts/search-attributes';
import { draftBody } from '../test/support/fixtures';
import { startApiOn } from './stack';

const BURST = Number(process.argv[2] ?? 400);
const START_CONCURRENCY = 32;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function pool<T>(items: T[], concurrency: number, f: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

/** CPU seconds (user + system) a live process has used, from /proc (Linux; 0 elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
  } catch {
    return 0;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-bench-burst-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const stops: Array<() => Promise<void>> = [];
  try {
    console.log(`workers-burst bench: ${BURST} intakes per round (services in ${dir})`);
    let t = Date.now();
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort() });
    stops.unshift(() => pg.stop());
    const mail = await startMailInbox({ smtpPort: 0, webPort: 0 });
    stops.unshift(() => mail.stop());
    let address = process.env.TEMPORAL_ADDRESS;
    let serverPid: number | undefined;
    if (!address) {
      const [server, cli] = await Promise.all([ensureTemporalServer(), ensureTemporalCli()]);
      if (!server || !cli) throw new Error('no Temporal server/CLI: install Go, or set TEMPORAL_ADDRESS to a running cluster');
      const cluster = await startTemporalCluster({
        ...server, cli, postgresAdminUrl: pg.adminUrl, dir: path.join(dir, 'temporal-cluster'), port: await freeLowPort(), namespace: 'default',
      });
      stops.unshift(() => cluster.stop());
      address = cluster.address;
      serverPid = cluster.pid;
    }
    console.log(`  services up in ${seconds(Date.now() - t)}: temporal ${address}${process.env.TEMPORAL_ADDRESS ? ' (TEMPORAL_ADDRESS)' : ' (own cluster on PostgreSQL)'}`);

    const env = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: 'bench-burst-calls', // the call workflow: nobody needs it to run here
      SMTP_HOST: mail.smtpHost,
      SMTP_PORT: String(mail.smtpPort),
      DATA_DIR: dir,
    };
    const config = loadConfig(env);
    const { sql, operatorKey, client, api } = await startApiOn(config, pg.url, stops, 10);
    const today = kstDateOf(Date.now());
    const callId = `burst-${randomBytes(3).toString('hex')}`;
    const supportEndsOn = addDays(today, 300);
    const res = await fetch(new URL('/calls', api.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
      body: JSON.stringify({ id: callId, title: '동시 접수 측정 공고', announcedOn: today, supportEndsOn, capacity: { T4: 10, H100: 10, BOW: 64, extraStorageTb: 0 } }),
    });
    if (res.status !== 201) throw new Error(`POST /calls: ${res.status} ${await res.text()}`);

    t = Date.now();
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: new DefaultLogger('WARN') });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, code);
    console.log(`  workflows bundled once for every worker process in ${seconds(Date.now() - t)}`);

    // ---- raw: the server's own start rate, same client, same concurrency ----
    t = Date.now();
    await pool(Array.from({ length: BURST }, (_, i) => i), START_CONCURRENCY, async (i) => {
      await client.workflow.start('benchRawStart', { taskQueue: 'bench-raw-unpolled', workflowId: `raw-${callId}-${i}`, args: [] });
    });
    const rawRate = BURST / ((Date.now() - t) / 1000);
    console.log(`\nraw client.workflow.start, ${START_CONCURRENCY} in flight: ${rawRate.toFixed(1)}/s`);

    const rounds: Array<{ workers: number; drainMs: number; fromSpawnMs: number; startRate: number }> = [];
    for (const workers of [1, 2]) {
      const queue = `bench-burst-${workers}w-${randomBytes(3).toString('hex')}`;
      const prefix = `W${workers}${randomBytes(2).toString('hex')}`;
      const apps = Array.from({ length: BURST }, (_, i) => {
        const body = draftBody({ practitionerEmail: `burst-${prefix}-${i}@bench.example`, resource: { pool: 'DEDICATED', type: 'H100', units: 1 } });
        return {
          id: `${prefix}${String(i).padStart(6, '0')}`,
          call_id: callId,
          status: 'UNDER_REVIEW',
          brn: body.organisation.businessRegistrationNumber,
          organisation_name: body.organisation.name,
          title: body.project.title,
          pool: poolOf('H100'),
          accelerator_type: 'H100',
          units: 1,
          priority: false,
          content: sql.json(body as never),
          token_hash: 'bench: no applicant login',
          submitted_at: new Date(),
        };
      });
      for (let i = 0; i < apps.length; i += 500) await sql`insert into applications ${sql(apps.slice(i, i + 500))}`;

      t = Date.now();
      await pool(apps, START_CONCURRENCY, async (a) => {
        const input: ApplicationInput = {
          applicationId: a.id, callId, pool: a.pool, acceleratorType: 'H100', units: 1, priority: false, supportEndsOn, supplementDays: 7,
        };
        await client.workflow.start('applicationWorkflow', {
          workflowId: applicationWorkflowId(callId, a.id),
          taskQueue: queue,
          args: [input],
          staticSummary: `${callId} · ${a.title} · ${a.pool} H100 × 1`,
          typedSearchAttributes: [
            { key: CallIdAttr, value: callId },
            { key: StatusAttr, value: 'UNDER_REVIEW' },
            { key: PoolAttr, value: a.pool },
            { key: AcceleratorTypeAttr, value: 'H100' },
            { key: PriorityAttr, value: false },
          ],
        });
      });
      const startRate = BURST / ((Date.now() - t) / 1000);

      const spawned = Date.now();
      const serverCpuBefore = cpuSeconds(serverPid);
      const logFd = openSync(path.join(dir, `worker-${workers}.log`), 'a');
      const children = Array.from({ length: workers }, () =>
        spawn(process.execPath, [path.join(__dirname, '..', 'worker.js')], {
          env: { ...process.env, ...env, TEMPORAL_TASK_QUEUE: queue, WORKFLOW_BUNDLE_PATH: bundlePath },
          stdio: ['ignore', logFd, logFd],
        }),
      );
      closeSync(logFd);
      let workerCpu = 0;
      let serverCpu = 0;
      let row: { sent: number; first: Date | null; last: Date | null } = { sent: 0, first: null, last: null };
      try {
        const deadline = Date.now() + 600_000;
        for (;;) {
          [row] = await sql<Array<typeof row>>`
            select count(*)::int as sent, min(sent_at) as first, max(sent_at) as last from email_outbox
            where kind = 'RECEIPT' and sent_at is not null and starts_with(application_id, ${prefix})`;
          if (row.sent >= BURST || Date.now() > deadline) break;
          if (children.some((c) => c.exitCode !== null)) throw new Error('a worker process exited during the burst');
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        workerCpu = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
        serverCpu = cpuSeconds(serverPid) - serverCpuBefore;
        await Promise.all(children.map(stopProcess));
      }
      if (row.sent < BURST) throw new Error(`${workers} worker(s): only ${row.sent}/${BURST} receipts sent in 10 minutes`);
      const drainMs = row.last!.getTime() - row.first!.getTime();
      const fromSpawnMs = row.last!.getTime() - spawned;
      rounds.push({ workers, drainMs, fromSpawnMs, startRate });
      console.log(
        `${workers} worker process${workers > 1 ? 'es' : ''}: burst started at ${startRate.toFixed(1)}/s (${(startRate / rawRate).toFixed(2)}× raw); ` +
          `drained in ${seconds(drainMs)} (${(BURST / (drainMs / 1000)).toFixed(1)} intakes/s), ${seconds(fromSpawnMs)} from spawn; ` +
          `CPU: workers ${workerCpu.toFixed(1)} s (${((workerCpu * 1000) / BURST).toFixed(0)} ms per intake)` +
          `${serverPid ? `, temporal-server ${serverCpu.toFixed(1)} s` : ''}; load average ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    const [one, two] = rounds as [typeof rounds[0], typeof rounds[0]];
    console.log(
      `\ntwo workers vs one: drain ${(one.drainMs / two.drainMs).toFixed(2)}× faster, from spawn ${(one.fromSpawnMs / two.fromSpawnMs).toFixed(2)}× ` +
        `(${cpus().length} cores, shared: a second process can only use CPU the first leaves idle)`,
    );
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => console.error(`stop: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
