import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { createTransport } from '../../src/mail';
import { listMail, type CaughtMail } from '../../src/runtime/mail-inbox';
import { batchWorkflow } from '../../src/workflows/batch';
import { batchWorkflowId } from '../../src/contracts/ids';
import { LINK_KINDS, type TestApp } from './app';
import { FILES } from './fixtures';
import { createCall, submitApplication } from './lifecycle';
import type { TapMoment } from './smtp-fault';
import { testServices } from './services';

/**
 * N under SIGKILL: the worker runs as its own process (node dist/worker.js, configured by
 * environment like production), is killed with SIGKILL at seeded random moments while
 * applications go through intake and evaluation over the API, and is started again each
 * time. Shared by test/api/notices-sigkill.test.ts (~10 applications) and
 * bench/notices-sigkill.ts (~200 notices).
 */

export { seededRandom } from './random';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker as a child process, on the test app's database, task queue and SMTP server. */
export class WorkerProcess {
  private child?: ChildProcess;
  starts = 0;
  kills = 0;

  constructor(
    private readonly app: TestApp,
    private readonly logFile: string,
  ) {}

  start(): void {
    if (this.child) return; // one worker at a time
    const { config } = this.app;
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [path.resolve(__dirname, '..', '..', 'worker.js')], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: config.DATABASE_URL,
        TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
        SMTP_HOST: config.SMTP_HOST,
        SMTP_PORT: String(config.SMTP_PORT),
        OPERATIONS_EMAIL: config.OPERATIONS_EMAIL,
        DATA_DIR: config.DATA_DIR,
        WORKFLOW_BUNDLE_PATH: testServices().workflowBundlePath,
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.starts++;
  }

  /** SIGKILL: no shutdown, no flush; whatever the worker was doing stops mid-way. */
  /** Whether there was a worker to kill (another kill may have just taken it down). */
  async kill(): Promise<boolean> {
    const child = this.child;
    if (!child) return false;
    this.child = undefined;
    child.kill('SIGKILL');
    this.kills++;
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    return true;
  }

  /** A graceful stop (SIGTERM): the worker finishes what it runs. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    clearTimeout(force);
  }
}

/**
 * Kills the worker `count` times (or until stopped) at seeded random moments, `minMs` to
 * `maxMs` apart, restarting it each time. A bounded count: each kill holds the workflows
 * it was running up for a while (an activity's timeout or heartbeat timeout, a workflow
 * task's 10 s), and kills faster than that would measure nothing but the stalls.
 */
export function killAtRandom(worker: WorkerProcess, random: () => number, opts: { count: number; minMs: number; maxMs: number }) {
  let running = true;
  let kills = 0;
  const loop = (async () => {
    while (running && kills < opts.count) {
      await sleep(opts.minMs + random() * (opts.maxMs - opts.minMs));
      if (!running) break;
      if (await worker.kill()) kills++;
      await sleep(random() * 500);
      worker.start();
    }
  })();
  return {
    get kills() {
      return kills;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * N: kills aimed at the one window exactly-once depends on: `midSend` sessions are cut at
 * MAIL FROM (the notice claimed, nothing delivered: it must still arrive, within seconds),
 * `accepted` ones right after the server accepted the message (delivered, the outbox not
 * yet told: it may arrive twice, with the same Message-ID). Session numbers are seeded.
 */
export function killMidSend(worker: WorkerProcess, random: () => number, opts: { midSend: number; accepted: number; withinSessions: number }) {
  const pick = () => 2 + Math.floor(random() * (opts.withinSessions - 2));
  const midSend = new Set<number>();
  const accepted = new Set<number>();
  while (midSend.size < opts.midSend) midSend.add(pick());
  while (accepted.size < opts.accepted) {
    const n = pick();
    if (!midSend.has(n)) accepted.add(n);
  }
  let kills = 0;
  return {
    get kills() {
      return kills;
    },
    async onMoment(moment: TapMoment, n: number): Promise<'CUT' | void> {
      if (!(moment === 'MAIL_FROM' ? midSend : accepted).has(n)) return;
      if (await worker.kill()) kills++;
      setTimeout(() => worker.start(), 300);
      return 'CUT';
    },
  };
}

type Plan = { path: 'COMPLETE' | 'SUPPLEMENT' | 'INELIGIBLE'; score: 'HIGH' | 'LOW' };
export interface PlannedApplication extends Plan {
  id: string;
  token: string;
  email: string;
  /** The notices this application must receive, by kind (N: each exactly once). */
  expected: string[];
  finalStatus: string;
}

/** Every e-mail to the practitioner of one of `apps`, from the shared MailDev inbox. */
export async function mailOf(apps: PlannedApplication[]): Promise<Map<string, CaughtMail[]>> {
  const byEmail = new Map(apps.map((a) => [a.email.toLowerCase(), a.id]));
  const out = new Map<string, CaughtMail[]>(apps.map((a) => [a.id, []]));
  for (const m of await listMail(testServices().mailWebUrl)) {
    if (LINK_KINDS.includes(m.kind ?? '')) continue; // S6/A7: the API's own link e-mails, not the worker's notices
    for (const to of m.to) {
      const id = byEmail.get(to);
      if (id) out.get(id)!.push(m);
    }
  }
  return out;
}

export const messageIdOf = (m: CaughtMail) => {
  const v = Object.entries(m.headers ?? {}).find(([k]) => k.toLowerCase() === 'message-id')?.[1];
  return Array.isArray(v) ? v[0] : v;
};

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let v: T | undefined;
    try {
      v = await f();
      if (ok(v)) return v;
    } catch {
      // a read that failed while the worker was down: ask again
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const expect2xx = async (what: string, p: Promise<{ status: number; body: unknown }>) => {
  const res = await p;
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

/** Runs `f` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, f: (item: T, i: number) => Promise<void>) {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length && !failed) {
        const i = next++;
        try {
          await f(items[i]!, i);
        } catch (err) {
          failed = true; // the others stop at their next item
          throw err;
        }
      }
    }),
  );
}

const HIGH = { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 }; // 80: selected (V5)
const LOW = { policyAlignment: 10, projectExcellence: 10, resourceFeasibility: 10, targetOutcomes: 10 }; // 40: not selected

/**
 * Intake and evaluation of `applications` applications over the API, with every kind of
 * intake notice: each gets its receipt; some a supplement request (re-upload, hand in,
 * then accepted), some are ineligible (E4); the rest are accepted, join one batch (its
 * assignment notice), are scored by five evaluators and get their result (selected at 80,
 * not selected at 40). The batch is closed the way the call workflow closes it at 23:59:59
 * KST of the cutoff (the closeBatch activity, then the batch's workflow): the dev server's
 * clock is the wall clock, and the cutoff is today.
 */
export async function driveIntakeAndEvaluation(app: TestApp, opts: { applications: number; random: () => number; timeoutMs: number; log?: (s: string) => void }) {
  const log = opts.log ?? (() => undefined);
  const stepTimeout = opts.timeoutMs;
  const callId = await createCall(app, { capacity: { H100: opts.applications, T4: 4, BOW: 32 } });
  const evaluators: Array<{ id: string; key: string }> = [];
  for (let i = 0; i < 5; i++) {
    const res = await expect2xx('api-key', app.api.post('/api-keys', { role: 'EVALUATOR', name: `평가위원 ${i + 1}` }, app.operatorKey));
    evaluators.push({ id: (res.body as { id: string }).id, key: (res.body as { key: string }).key });
  }
  const plans: Plan[] = Array.from({ length: opts.applications }, () => {
    const r = opts.random();
    return { path: r < 0.1 ? 'INELIGIBLE' : r < 0.35 ? 'SUPPLEMENT' : 'COMPLETE', score: opts.random() < 0.6 ? 'HIGH' : 'LOW' };
  });
  const apps: PlannedApplication[] = [];
  const statusOf = async (ids: string[]) =>
    app.sql<Array<{ id: string; status: string }>>`select id, status from applications where id in ${app.sql(ids)}`;
  const waitStatus = (ids: string[], status: string) =>
    until(`${ids.length} application(s) ${status}`, () => statusOf(ids), (rows) => rows.length === ids.length && rows.every((r) => r.status === status), stepTimeout);

  // Intake, four at a time.
  await pool(plans, 4, async (plan) => {
    const a = await submitApplication(app, callId);
    const review = (body: unknown) => expect2xx('document review', app.api.post(`/applications/${a.id}/document-review`, body, app.operatorKey));
    if (plan.path === 'INELIGIBLE') {
      await review({ decision: 'INELIGIBLE', rule: 'E4', reason: '업종 요건 미충족' });
      await waitStatus([a.id], 'INELIGIBLE');
    } else {
      if (plan.path === 'SUPPLEMENT') {
        await review({ decision: 'SUPPLEMENT', missingDocuments: ['DATA_DEFINITION'] });
        await waitStatus([a.id], 'SUPPLEMENT_REQUESTED'); // the row: uploads check it
        await expect2xx('re-upload', app.api.put(`/applications/${a.id}/documents/DATA_DEFINITION?filename=data-v2.hwp`, FILES.ole2, a.token));
        await expect2xx('supplement', app.api.post(`/applications/${a.id}/supplement`, {}, a.token));
        await waitStatus([a.id], 'UNDER_REVIEW');
      }
      await review({ decision: 'COMPLETE' });
      await waitStatus([a.id], 'DOCUMENTS_COMPLETE');
    }
    const evaluated = plan.path !== 'INELIGIBLE';
    apps.push({
      ...plan,
      ...a,
      expected: [
        'RECEIPT',
        ...(plan.path === 'SUPPLEMENT' ? ['SUPPLEMENT_REQUEST'] : []),
        ...(plan.path === 'INELIGIBLE' ? ['INELIGIBLE'] : []),
        ...(evaluated ? ['BATCH_ASSIGNED', plan.score === 'HIGH' ? 'RESULT_SELECTED' : 'RESULT_NOT_SELECTED'] : []),
      ].sort(),
      finalStatus: !evaluated ? 'INELIGIBLE' : plan.score === 'HIGH' ? 'SELECTED' : 'NOT_SELECTED',
    });
  });
  log(`intake done: ${apps.length} applications`);

  // Evaluation: one batch with today's cutoff, closed as the call workflow closes it.
  const members = apps.filter((a) => a.path !== 'INELIGIBLE');
  const cutoff = app.today();
  const added = await expect2xx('batch', app.api.post(`/calls/${callId}/batches`, { cutoff }, app.operatorKey));
  const batchId = (added.body as { batchId: string }).batchId;
  const transport = createTransport(app.config);
  try {
    const activities = createActivities({ sql: app.sql, transport, client: app.client, mailFrom: app.config.MAIL_FROM, operationsEmail: app.config.OPERATIONS_EMAIL });
    await activities.closeBatch({ callId, batchId, cutoff });
  } finally {
    transport.close();
  }
  try {
    await app.client.workflow.start(batchWorkflow, {
      workflowId: batchWorkflowId(batchId),
      taskQueue: app.config.TEMPORAL_TASK_QUEUE,
      args: [{ callId, batchId, cutoff, minEvaluators: 5 }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // the call closed it itself (run at 23:59 KST)
  }
  await waitStatus(members.map((m) => m.id), 'IN_EVALUATION');
  log('batch closed: every member in evaluation');
  await expect2xx('assign', app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: evaluators.map((e) => e.id) }, app.operatorKey));
  await pool(members, 4, async (m) => {
    for (const e of evaluators) {
      await expect2xx('scores', app.api.request('PUT', `/applications/${m.id}/scores`, { json: m.score === 'HIGH' ? HIGH : LOW, auth: e.key }));
    }
  });
  await expect2xx('selection', app.api.post(`/calls/${callId}/batches/${batchId}/selection`, {}, app.operatorKey));
  log('selection made');
  return { callId, batchId, apps };
}

export interface NoticeAudit {
  notices: number;
  missing: Array<{ id: string; kind: string }>;
  unexpected: Array<{ id: string; kind: string }>;
  /** Notices that arrived more than once: their copies and the Message-IDs they carried. */
  duplicates: Array<{ key: string; copies: number; messageIds: string[] }>;
  wrongStatus: Array<{ id: string; expected: string; actual?: string }>;
}

/**
 * N: each expected notice arrived (at least once), no other notice came, every duplicate
 * carries one Message-ID (receivers that dedupe drop it), and each application ended in
 * the status its plan leads to (no transition lost).
 */
export async function auditNotices(app: TestApp, apps: PlannedApplication[], opts: { timeoutMs: number }): Promise<NoticeAudit> {
  const complete = (mail: Map<string, CaughtMail[]>) =>
    apps.every((a) => a.expected.every((k) => mail.get(a.id)!.some((m) => m.kind === k)));
  const statuses = async () =>
    new Map((await app.sql<Array<{ id: string; status: string }>>`select id, status from applications where id in ${app.sql(apps.map((a) => a.id))}`).map((r) => [r.id, r.status]));
  const deadline = Date.now() + opts.timeoutMs;
  let mail = await mailOf(apps);
  let status = await statuses();
  while ((!complete(mail) || apps.some((a) => status.get(a.id) !== a.finalStatus)) && Date.now() < deadline) {
    await sleep(500);
    mail = await mailOf(apps);
    status = await statuses();
  }
  await sleep(2000); // a late duplicate would come now
  mail = await mailOf(apps);
  const audit: NoticeAudit = { notices: 0, missing: [], unexpected: [], duplicates: [], wrongStatus: [] };
  for (const a of apps) {
    const got = mail.get(a.id)!;
    audit.notices += a.expected.length;
    for (const k of a.expected) if (!got.some((m) => m.kind === k)) audit.missing.push({ id: a.id, kind: k });
    for (const m of got) if (!a.expected.includes(m.kind ?? '')) audit.unexpected.push({ id: a.id, kind: m.kind ?? '?' });
    const byKey = new Map<string, CaughtMail[]>();
    for (const m of got) byKey.set(m.noticeKey ?? m.id, [...(byKey.get(m.noticeKey ?? m.id) ?? []), m]);
    for (const [key, copies] of byKey) {
      if (copies.length > 1) audit.duplicates.push({ key, copies: copies.length, messageIds: [...new Set(copies.map((c) => messageIdOf(c) ?? '?'))] });
    }
    if (status.get(a.id) !== a.finalStatus) audit.wrongStatus.push({ id: a.id, expected: a.finalStatus, actual: status.get(a.id) });
  }
  return audit;
}
