/**
 * Intake at the speed of Temporal itself (issue 13): full intakes per second through the API
 * (draft + 7 uploads + submit) at 1 / 8 / 32 in flight, against raw `client.workflow.start`
 * of the same workflow with the same options on the same server, in the same run; then the
 * first operator document review (an Update) p50 through the API against raw `executeUpdate`.
 *
 *   npm run build && node dist/bench/intake.js [intakes per level=64] [updates=40]
 *
 * Starts its own PostgreSQL, SMTP inbox and Temporal dev server (TEMPORAL_ADDRESS: another
 * server), the real API. What is set up directly, and why:
 * - A7's practitioner confirmation is recorded in the row (one UPDATE inside the timed
 *   intake) as the redeemed link would: reading each link from the inbox would measure MailDev;
 *   the draft's confirmation e-mail itself is still sent by the API, as in production;
 * - during the intake phase no worker polls (the API's and the raw starts alike): both
 *   measure what the server does with a start, not the worker running the workflows on the
 *   same two cores; the worker is started for the Update phase.
 * Raw starts use their own task queue, which no worker polls. Figures only.
 */
import { randomBytes } from 'node:crypto';
import { applicationWorkflowId } from '../src/domain';
import { applicationWorkflow } from '../src/workflows/application/index';
import { reviewDocumentsUpdate, statusQuery, type ApplicationInput } from '../src/contracts/application';
import { AcceleratorTypeAttr, CallIdAttr, PoolAttr, PriorityAttr, StatusAttr } from '../src/contracts/search-attributes';
import { runWorker } from '../worker';
import { COMPANY_DOCUMENTS, draftBody } from '../test/support/fixtures';
import { inFlight, percentile, startBenchStack, timeEach } from './api-stack';
import { kstDateOf } from '../src/domain';

const PER_LEVEL = Number(process.argv[2] ?? 64);
const UPDATES = Number(process.argv[3] ?? 40);
const LEVELS = [1, 8, 32];

async function main() {
  const stack = await startBenchStack('intake', { worker: false, pool: 20 });
  const { sql, client, config } = stack;
  try {
    const call = async (method: string, p: string, body: unknown, token?: string) => {
      const res = await fetch(`${stack.apiUrl}${p}`, {
        method,
        headers: {
          ...(Buffer.isBuffer(body) ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const today = kstDateOf(Date.now()); // T1: today in Seoul, through the rule
    const callId = `bench-${randomBytes(3).toString('hex')}`;
    const supportEndsOn = `${Number(today.slice(0, 4)) + 1}-12-31`;
    await call('POST', '/calls', { id: callId, title: '성능 측정 공고', announcedOn: today, supportEndsOn, capacity: { T4: 100, H100: 100, BOW: 1000, extraStorageTb: 0 } }, stack.operatorKey);

    let n = 0;
    const submitted: string[] = [];
    /** Where an intake's time goes: milliseconds per step, summed (read at 1 in flight). */
    const steps: Record<string, number> = {};
    const timed = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await f();
      } finally {
        steps[step] = (steps[step] ?? 0) + performance.now() - t;
      }
    };
    const intake = async () => {
      const i = n++;
      const created = await timed('draft (incl. the A7 e-mail)', () => call('POST', `/calls/${callId}/applications`, draftBody({ project: { title: `성능 과제 ${i}` } })));
      const id = created.id as string;
      const token = created.accessToken as string;
      for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
        await timed('7 uploads', () => call('PUT', `/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, token));
      }
      await sql`update applications set practitioner_confirmed_email = lower(btrim(content #>> '{practitioner,email}')) where id = ${id}`;
      await timed('submit (incl. workflow.start)', () => call('POST', `/applications/${id}/submit`, {}, token));
      submitted.push(id);
    };
    const rawQueue = `${config.TEMPORAL_TASK_QUEUE}-raw`;
    const rawStart = async () => {
      const id = `R${randomBytes(5).toString('hex').toUpperCase()}`;
      const input: ApplicationInput = { applicationId: id, callId, pool: 'DEDICATED', acceleratorType: 'H100', units: 1, priority: false, supportEndsOn, supplementDays: 7 };
      await client.workflow.start(applicationWorkflow, {
        workflowId: applicationWorkflowId(callId, id),
        taskQueue: rawQueue,
        args: [input],
        staticSummary: `${callId} · 성능 과제 · DEDICATED H100 × 1`,
        staticDetails: `- **Application** ${id} of call **${callId}**`,
        typedSearchAttributes: [
          { key: CallIdAttr, value: callId },
          { key: StatusAttr, value: 'UNDER_REVIEW' },
          { key: PoolAttr, value: 'DEDICATED' },
          { key: AcceleratorTypeAttr, value: 'H100' },
          { key: PriorityAttr, value: false },
        ],
      });
    };
    const rate = async (f: () => Promise<void>, concurrency: number, count: number) => {
      await inFlight(Array.from({ length: Math.min(concurrency, 4) }), concurrency, f); // warm
      const t = Date.now();
      await inFlight(Array.from({ length: count }), concurrency, f);
      return (count * 1000) / (Date.now() - t);
    };

    console.log(`intake bench: ${PER_LEVEL} intakes per level (draft + ${COMPANY_DOCUMENTS.length} uploads + submit) vs raw workflow.start`);
    console.log('in flight   API intakes/s   raw starts/s   ratio');
    let breakdown = '';
    for (const c of LEVELS) {
      for (const k of Object.keys(steps)) delete steps[k];
      const api = await rate(intake, c, PER_LEVEL);
      if (c === 1) breakdown = Object.entries(steps).map(([k, v]) => `${k} ${(v / (PER_LEVEL + 1)).toFixed(1)} ms`).join(', ');
      const raw = await rate(rawStart, c, PER_LEVEL * 2);
      console.log(`${String(c).padStart(9)}   ${api.toFixed(1).padStart(13)}   ${raw.toFixed(1).padStart(12)}   ×${(api / raw).toFixed(2)}`);
    }

    console.log(`  one intake at 1 in flight: ${breakdown}`);

    // ---- the first document review: API vs raw executeUpdate, one at a time ----
    const worker = await runWorker({ config, sql });
    try {
      const ready = submitted.slice(0, UPDATES * 2 + 10);
      for (const id of ready) {
        for (let k = 0; ; k++) {
          const s = await client.workflow.getHandle(applicationWorkflowId(callId, id)).query(statusQuery).catch(() => undefined);
          if (s?.timeline.some((e) => e.event === 'SUBMITTED')) break;
          if (k > 300) throw new Error(`workflow of ${id} never recorded SUBMITTED`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const viaApi = ready.slice(0, UPDATES + 5);
      const viaRaw = ready.slice(UPDATES + 5);
      let a = 0;
      let r = 0;
      const api = await timeEach(UPDATES, () => call('POST', `/applications/${viaApi[a++]}/document-review`, { decision: 'COMPLETE' }, stack.operatorKey), 5);
      const raw = await timeEach(
        UPDATES,
        () => {
          const id = viaRaw[r++]!;
          const audit = { key: randomBytes(16).toString('hex'), actor: 'operator:bench', action: 'application.document-review', subject: `application:${id}`, detail: { decision: 'COMPLETE' } };
          return client.workflow.getHandle(applicationWorkflowId(callId, id)).executeUpdate(reviewDocumentsUpdate, {
            updateId: audit.key,
            args: [{ decision: 'COMPLETE', actor: audit.actor, audit }],
          });
        },
        5,
      );
      const [a50, r50] = [percentile(api, 50), percentile(raw, 50)];
      console.log(`\nfirst document review (Update), 1 in flight, ${UPDATES} each:`);
      console.log(`  API POST /applications/:id/document-review  p50 ${a50.toFixed(1)} ms  p95 ${percentile(api, 95).toFixed(1)} ms`);
      console.log(`  raw executeUpdate                           p50 ${r50.toFixed(1)} ms  p95 ${percentile(raw, 95).toFixed(1)} ms`);
      console.log(`  ratio p50 ×${(a50 / r50).toFixed(2)}`);
    } finally {
      await worker.shutdown();
    }
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
