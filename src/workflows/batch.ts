import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { continueAsNewWith, historyTooLong } from './history-bound';
import {
  batchStatusQuery,
  selectBatchUpdate,
  type BatchDeadlineKind,
  type BatchInput,
  type BatchState,
  type SelectionSummary,
} from '../contracts/batch';
import type { AuditEntry } from '../contracts/audit';
import {
  addDays,
  AT_RISK_DAYS_BEFORE,
  batchDeadlines,
  endOfDayKst,
  kstDateOf,
  MS_PER_DAY,
  startOfDayKst,
  type IsoDate,
} from '../domain';
import { refuseRule, refuseState } from '../contracts/refusal';

/** Issue 13: what a batch carries into its next run: its state and where its clock stands. */
export interface BatchCarry {
  state: BatchState;
  clock: { reviewWarned: boolean; resultsWarned: boolean; reviewOverdueAt: number; resultsOverdueAt: number; evaluatorsToldMissed: boolean };
  /** The selection was made and its results are still to be told to the members. */
  publishPending: boolean;
}

/** docs/PATCHING.md (issue 13): the Update answers once the ranking is stored; the members are told after. */
export const SELECTION_EARLY_ANSWER_PATCH = 'scale-selection-early-answer-2026-12';
/** docs/PATCHING.md (issue 13): the batch continues as new past its history bound. */
export const BATCH_BOUNDED_HISTORY_PATCH = 'scale-batch-bounded-history-2026-12';

const { checkBatchDeadline, beginSelection, notifyEvaluatorsOfDeadline } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});
// Thousands of members: the activity heartbeats while it signals them, and resumes on retry.
const { rankAndPublishBatch, publishSelection } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});
// The ranking over the database: seconds for thousands; what the operator's Update waits for.
const { rankBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

const now = () => Date.now(); // workflow time, deterministic
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One evaluation batch (V2–V7), started by the call workflow when it closes the batch at
 * its cutoff. It keeps the batch's clock (N, V2): operators are warned 3 days before the
 * review is due (cutoff + 14) with what is missing, escalated when it passes and every day
 * after until every member has its I4 minimum of scores; the same for the results
 * (cutoff + 21) until the selection is made. The selection is an Update: the ranking
 * itself happens in an activity over the database, so history stays small for any size.
 */
export async function batchWorkflow(input: BatchInput, carried?: BatchCarry): Promise<BatchState> {
  const { reviewDue, notificationDue } = batchDeadlines(input.cutoff);
  const state: BatchState = carried?.state ?? {
    ...input,
    reviewDue,
    notificationDue,
    reviewComplete: false,
    empty: false,
    selection: { state: 'NOT_STARTED' },
    notices: [],
  };

  let publishPending = carried?.publishPending ?? false;

  setHandler(batchStatusQuery, () => state);

  setHandler(
    selectBatchUpdate,
    async ({ actor, audit }: { actor: string; audit?: AuditEntry }): Promise<SelectionSummary> => {
      const startedAt = iso(now());
      state.selection = { state: 'IN_PROGRESS', by: actor, startedAt };
      try {
        const begun = await beginSelection({ batchId: input.batchId, minEvaluators: input.minEvaluators, actor });
        if (!begun.ok) {
          const names = begun.short.map((s) => `${s.applicationId} (${s.evaluators}/${s.needed})`).join(', ');
          refuseRule(
            'I4',
            `I4: ${begun.shortTotal} application(s) lack scores from ${input.minEvaluators} evaluators: ${names}${begun.shortTotal > begun.short.length ? ', …' : ''}`,
            undefined,
            { short: begun.short, shortTotal: begun.shortTotal },
          );
        }
        const args = { callId: input.callId, batchId: input.batchId, ...(audit ? { audit } : {}) };
        // Issue 13: answer once the ranking is stored; telling thousands of members follows
        // in the workflow (publishSelection), and GET of the batch shows how far it got.
        const early = patched(SELECTION_EARLY_ANSWER_PATCH);
        const summary = early ? await rankBatch(args) : await rankAndPublishBatch(args);
        if (early) publishPending = true;
        state.reviewComplete = true;
        state.selection = { state: 'DONE', by: actor, startedAt, doneAt: iso(now()), summary };
        return summary;
      } catch (err) {
        state.selection = { state: 'NOT_STARTED' };
        throw err;
      }
    },
    {
      validator: (_req) => {
        if (state.selection.state === 'DONE') {
          refuseState(`V5: the selection of batch ${input.batchId} was made at ${state.selection.doneAt}`);
        }
        if (state.selection.state === 'IN_PROGRESS') {
          refuseState(`V5: the selection of batch ${input.batchId} is in progress (since ${state.selection.startedAt})`);
        }
      },
    },
  );

  // ---- the clock (V2, N): warnings at cutoff + 11 and + 18, escalations from the end of
  // cutoff + 14 and + 21, daily, until the review is complete / the selection is made ----
  const reviewWarnAt = startOfDayKst(addDays(reviewDue, -AT_RISK_DAYS_BEFORE));
  const resultsWarnAt = startOfDayKst(addDays(notificationDue, -AT_RISK_DAYS_BEFORE));
  let reviewWarned = carried?.clock.reviewWarned ?? false;
  let resultsWarned = carried?.clock.resultsWarned ?? false;
  let reviewOverdueAt = carried?.clock.reviewOverdueAt ?? endOfDayKst(reviewDue) + 1; // T1: the day after the due day has begun
  let resultsOverdueAt = carried?.clock.resultsOverdueAt ?? endOfDayKst(notificationDue) + 1;

  const check = async (kind: BatchDeadlineKind, day: IsoDate, dueOn: IsoDate) => {
    const r = await checkBatchDeadline({ ...input, kind, day, dueOn });
    if (r.notified) state.notices.push({ kind, day, missing: r.missing });
    if (r.inPlay === 0) state.empty = true;
    return r;
  };
  // N3: the evaluators who still owe scores are told 3 days before the review is due and
  // once when it is missed (the operators' escalation repeats daily; theirs does not).
  // Gated (docs/PATCHING.md): batches recorded before N3 replay without these activities.
  let evaluatorsToldMissed = carried?.clock.evaluatorsToldMissed ?? false;
  const tellEvaluators = async (kind: 'EVALUATOR_REVIEW_DUE_SOON' | 'EVALUATOR_REVIEW_MISSED') => {
    if (!patched('n3-evaluator-review-notices')) return;
    await notifyEvaluatorsOfDeadline({ callId: input.callId, batchId: input.batchId, kind, reviewDue });
  };

  const done = () => state.selection.state === 'DONE' || (state.empty && state.selection.state === 'NOT_STARTED');
  const carry = (): Parameters<typeof batchWorkflow> => [
    input,
    { state, clock: { reviewWarned, resultsWarned, reviewOverdueAt, resultsOverdueAt, evaluatorsToldMissed }, publishPending },
  ];
  while (!done()) {
    // Issue 13: a batch nobody selects escalates daily; its history stays bounded.
    if (patched(BATCH_BOUNDED_HISTORY_PATCH) && historyTooLong(input.historyBound)) await continueAsNewWith<typeof batchWorkflow>(carry);
    const events: Array<{ at: number; run: () => Promise<void> }> = [];
    if (!state.reviewComplete) {
      if (!reviewWarned) {
        events.push({
          at: reviewWarnAt,
          run: async () => {
            reviewWarned = true;
            // Started late (past the due day): the escalation says it all.
            if (now() >= reviewOverdueAt) return;
            state.reviewComplete = (await check('REVIEW_AT_RISK', kstDateOf(reviewWarnAt), reviewDue)).complete;
            if (!state.reviewComplete) await tellEvaluators('EVALUATOR_REVIEW_DUE_SOON');
          },
        });
      } else {
        events.push({
          at: reviewOverdueAt,
          run: async () => {
            const r = await check('REVIEW_OVERDUE', kstDateOf(reviewOverdueAt), reviewDue);
            state.reviewComplete = r.complete;
            if (!r.complete && !evaluatorsToldMissed) {
              evaluatorsToldMissed = true;
              await tellEvaluators('EVALUATOR_REVIEW_MISSED');
            }
            reviewOverdueAt += MS_PER_DAY;
          },
        });
      }
    }
    if (!resultsWarned) {
      events.push({
        at: resultsWarnAt,
        run: async () => {
          resultsWarned = true;
          if (now() >= resultsOverdueAt) return;
          await check('RESULTS_AT_RISK', kstDateOf(resultsWarnAt), notificationDue);
        },
      });
    } else {
      events.push({
        at: resultsOverdueAt,
        run: async () => {
          await check('RESULTS_OVERDUE', kstDateOf(resultsOverdueAt), notificationDue);
          resultsOverdueAt += MS_PER_DAY;
        },
      });
    }
    events.sort((a, b) => a.at - b.at);
    const next = events[0]!;
    const wait = next.at - now();
    // A selection that begins wakes the loop; while it runs, deadlines are not escalated
    // (it either finishes, which ends the clock, or fails on I4 and the clock goes on).
    const summary = `batch ${input.batchId}: review/results deadline check ${kstDateOf(next.at)} (V2)`; // H2
    if (wait > 0 && (await condition(() => state.selection.state !== 'NOT_STARTED', wait, { summary }))) {
      await condition(() => state.selection.state !== 'IN_PROGRESS');
      continue;
    }
    if (state.selection.state === 'IN_PROGRESS') {
      await condition(() => state.selection.state !== 'IN_PROGRESS');
      continue;
    }
    await next.run();
  }
  await condition(allHandlersFinished);
  if (publishPending && state.selection.state === 'DONE') {
    const told = await publishSelection({ callId: input.callId, batchId: input.batchId });
    state.selection = { ...state.selection, summary: { ...state.selection.summary, signalled: told.signalled } };
    publishPending = false;
  }
  return state;
}
