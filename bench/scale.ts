/**
 * Issue 13 "done when": one call, many applications across four batches.
 *
 *   npm run build && node dist/bench/scale.js [applications=20000] [batches=4] [concurrency=32] [waiting-in-flight=4]
 *
 * Prints: the call's and each batch's longest run (history events; target < 1,024), the
 * selection Update's answer time per batch (target < 1 s for 5,000 members), the rate at
 * which each selection's fan-out tells its members, and the raw client signal rate with the
 * same concurrency to the same workflows on the same server in the same run (target ≥ 0.9×).
 *
 * Starts its own PostgreSQL, SMTP inbox and Temporal dev server, the real API and worker.
 * Real workflows: the call (started with the input POST /calls gives it), its batch
 * workflows (started by the call when it closes them), one application workflow per
 * application. Shortcuts, and why:
 * - the call, batch, application and score rows are inserted in the fresh database (intake
 *   and scoring through the API would measure those, not this);
 * - the applications' workflows run on a task queue nobody polls: the signals they get are
 *   accepted and land in their histories as in production; their own reactions (status
 *   rows, e-mails) are theirs, not the batch's;
 * - the call's cutoffs lie in the past (the days before today), so the call closes its
 *   four batches at its first task instead of at the end of four cutoff days (T1); the
 *   "applications waiting" signals (C2) each application sends the call when its documents
 *   are accepted are sent by this script, one per application, after that.
 * Figures only; nothing is asserted.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { addDays, applicationWorkflowId, callWorkflowId, CRITERIA, kstDateOf, poolOf, type AcceleratorType, type Scores } from '../src/domain';
import { selectionResultSignal } from '../src/contracts/evaluation';
import { callWorkflow } from '../src/workflows/call';
import { batchIdOf, batchWorkflowId } from '../src/contracts/ids';
import { applicationWaitingSignal } from '../src/contracts/call';
import type { ApplicationInput } from '../src/contracts/application';
import { seededRandom } from '../test/support/random';
import { pool, seconds, startIdleMemberWorkflows, step, took, withBenchStack } from './stack';

const APPLICATIONS = Number(process.argv[2] ?? 20000);
const BATCHES = Number(process.argv[3] ?? 4);
const CONCURRENCY = Number(process.argv[4] ?? 32);
/**
 * The C2 "waiting" signals come from operators accepting documents, not in a blast: sent 32
 * at a time on this shared machine they arrived faster than the call's worker turned its
 * tasks around, the server force-failed the task in flight at 100 buffered signals
 * (WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND), the worker lost its cached run and
 * replayed ever longer histories (5,072 events at 5,000 signals): temporalio/temporal#4137.
 */
const WAITING_IN_FLIGHT = Number(process.argv[5] ?? 4);
const PER_BATCH = Math.ceil(APPLICATIONS / BATCHES);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every run of a workflow id with its history length (visibility), longest first. */
async function runLengths(client: Client, workflowId: string): Promise<number[]> {
  const lengths: number[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) lengths.push(w.historyLength);
  return lengths.sort((a, b) => b - a);
}

async function main() {
  console.log(`scale bench: ${APPLICATIONS} applications, ${BATCHES} batches of ${PER_BATCH}, fan-out ${CONCURRENCY} in flight`);
  await withBenchStack('bench-scale', { FANOUT_CONCURRENCY: String(CONCURRENCY) }, async ({ config, sql, client, api, operatorKey }) => {
    // ---- rows: the call, its batches (cutoffs on the days before today), applications, scores ----
    let t = Date.now();
    step(`rows: call, ${BATCHES} batches, ${APPLICATIONS} applications and their scores`);
    const today = kstDateOf(Date.now());
    const callId = `scale-${randomBytes(3).toString('hex')}`;
    const supportEndsOn = `${Number(today.slice(0, 4)) + 1}-12-31`;
    const capacity = { T4: Math.round(APPLICATIONS * 0.12), H100: Math.round(APPLICATIONS * 0.06), BOW: APPLICATIONS, extraStorageTb: 0 };
    const settings = { supplementDays: 7, minEvaluators: 1, utilisationNonePercent: 1, utilisationLowPercent: 20 };
    await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
              values (${callId}, '규모 측정 공고', ${addDays(today, -30)}, ${supportEndsOn}, ${sql.json(capacity)}, ${sql.json(settings)})`;
    const cutoffs = Array.from({ length: BATCHES }, (_, i) => addDays(today, i - BATCHES));
    const batchIds = cutoffs.map((c) => batchIdOf(callId, c));
    await sql`insert into batches ${sql(cutoffs.map((c) => ({ id: batchIdOf(callId, c), call_id: callId, cutoff: c, created_by: 'bench' })))}`;
    const rnd = seededRandom(20261202);
    const types: AcceleratorType[] = ['H100', 'T4', 'BOW'];
    const t0 = Date.now() - APPLICATIONS * 1000;
    const apps = Array.from({ length: APPLICATIONS }, (_, i) => {
      const type = types[Math.floor(rnd() * 3)]!;
      return {
        id: `S${String(i).padStart(9, '0')}`,
        call_id: callId,
        status: 'DOCUMENTS_COMPLETE',
        brn: String(2000000000 + i),
        organisation_name: `기관 ${i}`,
        title: `과제 ${i}`,
        pool: poolOf(type),
        accelerator_type: type,
        units: type === 'BOW' ? 8 : 1,
        priority: rnd() < 0.1,
        content: sql.json({ bench: true }),
        token_hash: 'bench: no applicant login',
        submitted_at: new Date(t0 + i * 1000),
        documents_accepted_on: cutoffs[Math.min(BATCHES - 1, Math.floor(i / PER_BATCH))]!,
      };
    });
    for (let i = 0; i < apps.length; i += 1000) await sql`insert into applications ${sql(apps.slice(i, i + 1000))}`;
    const evaluatorId = randomBytes(6).toString('hex');
    await sql`insert into api_keys ${sql([{ id: evaluatorId, role: 'EVALUATOR', name: '평가위원', secret_hash: 'bench: no login' }])}`;
    await sql`insert into evaluator_assignments ${sql(batchIds.map((b) => ({ batch_id: b, evaluator_id: evaluatorId })))}`;
    const evaluations = apps.map((a) => {
      const quality = 0.35 + rnd() * 0.6;
      const s = Object.fromEntries(CRITERIA.map((c) => [c.key, Math.round(c.max * quality * 10) / 10])) as Scores;
      return { application_id: a.id, evaluator_id: evaluatorId, scores: sql.json(s) };
    });
    for (let i = 0; i < evaluations.length; i += 5000) await sql`insert into evaluations ${sql(evaluations.slice(i, i + 5000))}`;
    took(t);

    t = Date.now();
    step(`${APPLICATIONS} application workflows (idle task queue)`);
    await startIdleMemberWorkflows(client, callId, supportEndsOn, apps);
    took(t);

    // ---- the call: closes its batches (V2 fan-out of batchAssigned), starts their workflows ----
    t = Date.now();
    step(`call workflow closes ${BATCHES} batches (${PER_BATCH} members each, signalled ${CONCURRENCY} at a time)`);
    const call = await client.workflow.start(callWorkflow, {
      workflowId: callWorkflowId(callId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ callId, supportEndsOn, cutoffs, cutoffsAddedBy: 'bench', minEvaluators: 1 }],
    });
    for (;;) {
      const [{ n }] = await sql<Array<{ n: number }>>`select count(*)::int as n from batches where call_id = ${callId} and closed_at is not null`;
      const started = await Promise.all(batchIds.map((b) => client.workflow.getHandle(batchWorkflowId(b)).describe().then(() => true, () => false)));
      if (n === BATCHES && started.every(Boolean)) break;
      await sleep(200);
    }
    const closingMs = Date.now() - t;
    took(t);

    // ---- C2: every application tells the call it waits (the history grows one signal at a time) ----
    t = Date.now();
    step(`${APPLICATIONS} applicationWaiting signals to the call, ${WAITING_IN_FLIGHT} in flight`);
    await pool(apps, WAITING_IN_FLIGHT, (a) => call.signal(applicationWaitingSignal, { applicationId: a.id, acceptedOn: a.documents_accepted_on }));
    took(t);

    // ---- the selections, through the API ----
    console.log('\nselection (POST /calls/:id/batches/:batchId/selection), then its fan-out:');
    const answers: number[] = [];
    const fanOutRates: number[] = [];
    const rawRates: number[] = [];
    for (const batchId of batchIds) {
      const started = Date.now();
      const res = await fetch(new URL(`/calls/${callId}/batches/${batchId}/selection`, api.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
        body: '{}',
      });
      const answeredAt = Date.now();
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`selection ${batchId}: ${res.status} ${JSON.stringify(body)}`);
      let total = 0;
      for (;;) {
        const [r] = await sql<Array<{ done: number; total: number }>>`
          select count(signalled_at)::int as done, count(*)::int as total from selection_results where batch_id = ${batchId}`;
        total = r!.total;
        if (r!.done === r!.total) break;
        await sleep(50);
      }
      const fanOutMs = Date.now() - answeredAt;
      // The raw client: the same signal to the same workflows, as many in flight.
      const rows = await sql<Array<{ application_id: string; rank: number; outcome: 'SELECTED' | 'WAITLISTED' | 'NOT_SELECTED'; resource_type: AcceleratorType; resource_units: number }>>`
        select application_id, rank, outcome, resource_type, resource_units from selection_results where batch_id = ${batchId} order by rank`;
      const r0 = Date.now();
      await pool(rows, CONCURRENCY, (r) =>
        client.workflow.getHandle(applicationWorkflowId(callId, r.application_id)).signal(selectionResultSignal, {
          batchId,
          outcome: r.outcome,
          rank: r.rank,
          total: 70,
          scores: { policyAlignment: 21, projectExcellence: 21, resourceFeasibility: 14, targetOutcomes: 14 },
          resource: { type: r.resource_type, units: r.resource_units },
        }),
      );
      const rawMs = Date.now() - r0;
      answers.push(answeredAt - started);
      fanOutRates.push((total * 1000) / fanOutMs);
      rawRates.push((total * 1000) / rawMs);
      console.log(
        `  ${batchId}: answered in ${seconds(answeredAt - started)} (${JSON.stringify(body)}); ${total} members told in ${seconds(fanOutMs)} after the answer ` +
          `= ${Math.round((total * 1000) / fanOutMs)}/s; raw client ${Math.round((total * 1000) / rawMs)}/s → ${((total * 1000) / fanOutMs / ((total * 1000) / rawMs)).toFixed(2)}×`,
      );
    }

    // ---- histories ----
    await sleep(2000); // the batches finish their last task; visibility catches up
    console.log('\nworkflow history (every run of the id; longest first):');
    const callRuns = await runLengths(client, callWorkflowId(callId));
    console.log(`  call ${callId}: ${callRuns.length} run(s), longest ${callRuns[0]} events (target < 1,024); all: ${callRuns.join(', ')}`);
    const batchMax: number[] = [];
    for (const b of batchIds) {
      const runs = await runLengths(client, batchWorkflowId(b));
      batchMax.push(runs[0] ?? 0);
      console.log(`  batch ${b}: ${runs.length} run(s), longest ${runs[0]} events`);
    }
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    console.log('\nsummary:');
    console.log(`  applications ${APPLICATIONS}, batches ${BATCHES} × ${PER_BATCH}`);
    console.log(`  max history: call ${callRuns[0]}, batches ${Math.max(...batchMax)} (target < 1,024)`);
    console.log(`  closing ${BATCHES} batches (batchAssigned fan-out + batch workflows started): ${seconds(closingMs)} = ${Math.round((APPLICATIONS * 1000) / closingMs)} signals/s`);
    console.log(`  selection answer: ${answers.map((a) => seconds(a)).join(', ')} (target < 1 s for 5,000 members)`);
    const fan = sum(fanOutRates) / fanOutRates.length;
    const raw = sum(rawRates) / rawRates.length;
    console.log(`  selection fan-out ${Math.round(fan)}/s vs raw client ${Math.round(raw)}/s at ${CONCURRENCY} in flight: ${(fan / raw).toFixed(2)}× (target ≥ 0.9×)`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
