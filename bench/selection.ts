/**
 * How long the selection of a big batch takes, and what it costs in workflow history.
 *
 *   npm run build && node dist/bench/selection.js [applications=5000] [evaluators=5]
 *
 * Starts its own PostgreSQL, SMTP inbox and Temporal dev server (like the test harness),
 * the real API and worker, and a real call workflow. What is set up directly, and why:
 * - applications, scores and the batch's members are rows inserted in the fresh database
 *   (that is where the selection reads them from; thousands of drafts, uploads and
 *   reviews through the API would measure intake, not selection);
 * - every member has a real application workflow, started with its real input on a task
 *   queue no worker polls: the selection's signals are accepted by the server and land in
 *   each history exactly as in production, while the members' own reaction (the RESULT
 *   e-mails) is left out — that is their work, not the selection's;
 * - the batch workflow is started as the call workflow starts it at the cutoff (same id,
 *   same input): the cutoff is today and the call closes it at 23:59:59 KST (T1), which a
 *   benchmark cannot wait for.
 * The selection itself goes through the real path: POST /calls/:id/batches/:batchId/selection
 * → the batch workflow's Update → the quorum and ranking activities → a signal per member.
 * Figures only; nothing is asserted about time.
 */
import { randomBytes } from 'node:crypto';
import {
  applicationWorkflowId,
  BOW_CARD_SIZES,
  CRITERIA,
  kstDateOf,
  poolOf,
  rankAndAllocate,
  type AcceleratorType,
  type RankingCandidate,
  type Scores,
} from '../src/domain';
import { batchWorkflow } from '../src/workflows/batch';
import { batchWorkflowId } from '../src/contracts/ids';
import type { ApplicationInput } from '../src/contracts/application';
import { seededRandom } from '../test/support/random';
import { pool, seconds, startIdleMemberWorkflows, step, took, withBenchStack } from './stack';

const APPLICATIONS = Number(process.argv[2] ?? 5000);
const EVALUATORS = Number(process.argv[3] ?? 5);

/** Deterministic pseudo-random numbers, so every run ranks the same batch. */
const random = seededRandom;

async function main() {
  console.log(`selection bench: ${APPLICATIONS} applications × ${EVALUATORS} evaluators`);
  await withBenchStack('bench-selection', {}, async ({ config, sql, client, api, operatorKey }) => {
    let t: number;
    const post = async (p: string, body: unknown) => {
      const res = await fetch(new URL(p, api.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok) throw new Error(`POST ${p}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };

    // ---- the call and its batch, through the API (the real call workflow) ----
    const today = kstDateOf(Date.now());
    const callId = `bench-${randomBytes(3).toString('hex')}`;
    const capacity = { T4: Math.round(APPLICATIONS * 0.12), H100: Math.round(APPLICATIONS * 0.06), BOW: APPLICATIONS, extraStorageTb: 0 };
    const supportEndsOn = `${Number(today.slice(0, 4)) + 1}-12-31`;
    await post('/calls', { id: callId, title: '성능 측정 공고', announcedOn: today, supportEndsOn, capacity, settings: { minEvaluators: EVALUATORS } });
    const batch = (await post(`/calls/${callId}/batches`, { cutoff: today })) as { batchId: string };
    const batchId = batch.batchId;

    // ---- rows: members, evaluators, scores ----
    t = Date.now();
    step(`rows: ${APPLICATIONS} applications, ${APPLICATIONS * EVALUATORS} scores`);
    const rnd = random(20240213);
    const types: AcceleratorType[] = ['H100', 'T4', 'BOW'];
    const t0 = Date.now() - APPLICATIONS * 60_000;
    const apps = Array.from({ length: APPLICATIONS }, (_, i) => {
      const type = types[Math.floor(rnd() * 3)]!;
      const units = type === 'BOW' ? BOW_CARD_SIZES[Math.floor(rnd() * 4)]! : 1 + Math.floor(rnd() * 2);
      return {
        id: `B${String(i).padStart(9, '0')}`,
        call_id: callId,
        status: 'IN_EVALUATION',
        brn: String(1000000000 + i),
        organisation_name: `기관 ${i}`,
        title: `과제 ${i}`,
        pool: poolOf(type),
        accelerator_type: type,
        units,
        priority: rnd() < 0.1,
        content: sql.json({ bench: true }),
        token_hash: 'bench: no applicant login',
        submitted_at: new Date(t0 + i * 60_000),
        documents_accepted_on: today,
        batch_id: batchId,
      };
    });
    for (let i = 0; i < apps.length; i += 1000) await sql`insert into applications ${sql(apps.slice(i, i + 1000))}`;
    const evaluators = Array.from({ length: EVALUATORS }, (_, i) => ({
      id: randomBytes(6).toString('hex'),
      role: 'EVALUATOR',
      name: `평가위원 ${i + 1}`,
      secret_hash: 'bench: no login',
    }));
    await sql`insert into api_keys ${sql(evaluators)}`;
    await sql`insert into evaluator_assignments ${sql(evaluators.map((e) => ({ batch_id: batchId, evaluator_id: e.id })))}`;
    const evaluations: Array<{ application_id: string; evaluator_id: string; scores: ReturnType<typeof sql.json> }> = [];
    for (const a of apps) {
      const quality = 0.35 + rnd() * 0.6; // some below 60, most above
      for (const e of evaluators) {
        const s = Object.fromEntries(
          CRITERIA.map((c) => [c.key, Math.round(Math.min(c.max, Math.max(0, c.max * (quality + (rnd() - 0.5) * 0.2))) * 10) / 10]),
        ) as Scores;
        evaluations.push({ application_id: a.id, evaluator_id: e.id, scores: sql.json(s) });
      }
    }
    for (let i = 0; i < evaluations.length; i += 5000) await sql`insert into evaluations ${sql(evaluations.slice(i, i + 5000))}`;
    await sql`update batches set closed_at = now() where id = ${batchId}`;
    took(t);

    // ---- real workflows for the members, on a queue nobody polls ----
    t = Date.now();
    step(`${APPLICATIONS} application workflows (idle task queue)`);
    await startIdleMemberWorkflows(client, callId, supportEndsOn, apps);
    took(t);

    // ---- the batch workflow, as the call workflow starts it at the cutoff ----
    const batchHandle = await client.workflow.start(batchWorkflow, {
      workflowId: batchWorkflowId(batchId),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ callId, batchId, cutoff: today, minEvaluators: EVALUATORS }],
    });
    const callHandle = client.workflow.getHandle(`call-${callId}`);
    await new Promise((r) => setTimeout(r, 1000)); // let the batch workflow take its first task
    const [callBefore, batchBefore] = await Promise.all([callHandle.describe(), batchHandle.describe()]);

    // ---- the measured part ----
    console.log('\nselection (POST /calls/:id/batches/:batchId/selection):');
    const started = Date.now();
    const summary = await post(`/calls/${callId}/batches/${batchId}/selection`, {});
    const elapsed = Date.now() - started;
    // Issue 13: the Update answers once the ranking is stored; the members are told after.
    for (;;) {
      const [r] = await sql<Array<{ left: number }>>`select count(*)::int as left from selection_results where batch_id = ${batchId} and signalled_at is null`;
      if (r!.left === 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const toldAll = Date.now() - started;
    const [callAfter, batchAfter] = await Promise.all([callHandle.describe(), batchHandle.describe()]);

    const history = await batchHandle.fetchHistory();
    const ms = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(ts?.seconds ?? 0) * 1000 + (ts?.nanos ?? 0) / 1e6;
    const activityTimes = new Map<string, number>();
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const e of history.events ?? []) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '?', at: ms(e.eventTime) });
      const c = e.activityTaskCompletedEventAttributes;
      if (c) {
        const from = scheduled.get(String(c.scheduledEventId));
        if (from) activityTimes.set(from.type, ms(e.eventTime) - from.at);
      }
    }

    // The domain ranking alone, in memory, for scale.
    const candidates: RankingCandidate[] = apps.map((a, i) => ({
      applicationId: a.id,
      scores: { policyAlignment: (i * 7) % 30, projectExcellence: (i * 11) % 30, resourceFeasibility: (i * 3) % 20, targetOutcomes: (i * 5) % 20 },
      submittedAt: a.submitted_at.getTime(),
      resource: { type: a.accelerator_type, units: a.units },
    }));
    const r0 = performance.now();
    rankAndAllocate(candidates, capacity);
    const rankOnly = performance.now() - r0;

    // Every member was told: count signals in a sample of the members' histories.
    const sample = apps.filter((_, i) => i % Math.max(1, Math.floor(APPLICATIONS / 50)) === 0);
    let told = 0;
    for (const a of sample) {
      const h = await client.workflow.getHandle(applicationWorkflowId(callId, a.id)).fetchHistory();
      told += (h.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'selectionResult').length;
    }
    const [{ signalled }] = await sql<Array<{ signalled: number }>>`
      select count(*)::int as signalled from selection_results where batch_id = ${batchId} and signalled_at is not null`;
    // Phases from the rows' own timestamps: the quorum check commits selection_started_at;
    // members are marked notified 100 at a time, right after their signals were accepted.
    const [phases] = await sql<Array<{ began: Date; first: Date; last: Date; selected: Date }>>`
      select b.selection_started_at as began, min(r.signalled_at) as first, max(r.signalled_at) as last, b.selected_at as selected
      from batches b join selection_results r on r.batch_id = b.id where b.id = ${batchId}
      group by b.selection_started_at, b.selected_at`;

    console.log(`  answered in ${seconds(elapsed)}: ${JSON.stringify(summary)}; every member told after ${seconds(toldAll)}`);
    for (const [type, d] of activityTimes) console.log(`  activity ${type}: ${seconds(d)} (scheduled → completed)`);
    if (phases) {
      const signalling = phases.last.getTime() - phases.first.getTime();
      console.log(`  ranking from the database and writing the results (quorum check → first 100 members signalled): ${seconds(phases.first.getTime() - phases.began.getTime())}`);
      console.log(`  signalling the other ${APPLICATIONS - 100} members: ${seconds(signalling)} (${Math.round(((APPLICATIONS - 100) * 1000) / Math.max(1, signalling))} signals/s)`);
    }
    console.log(`  domain rankAndAllocate alone (in memory): ${rankOnly.toFixed(1)} ms`);
    console.log(`  members marked notified: ${signalled}/${APPLICATIONS}; sampled ${sample.length} member histories: ${told} selectionResult signal(s)`);
    console.log('\nworkflow history:');
    const size = (d: { historySize?: number }) => (d.historySize ? `, ${(d.historySize / 1024).toFixed(1)} KiB` : '');
    console.log(`  call workflow:  ${callBefore.historyLength} → ${callAfter.historyLength} events (+${callAfter.historyLength - callBefore.historyLength})${size(callAfter)}`);
    console.log(`  batch workflow: ${batchBefore.historyLength} → ${batchAfter.historyLength} events (+${batchAfter.historyLength - batchBefore.historyLength})${size(batchAfter)}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
