import {
  allHandlersFinished,
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  compareDates,
  cutoffProblem,
  earlyCloseAllowed,
  EARLY_CLOSE_NOTICE_DAYS,
  endOfDayKst,
  kstDateOf,
  lastDayOfQuarter,
  quarterOf,
  type IsoDate,
} from '../domain';
import { batchWorkflow } from './batch';
import { continueAsNewWith, historyTooLong } from './history-bound';
import {
  addBatchUpdate,
  applicationWaitingSignal,
  callStatusQuery,
  earlyCloseUpdate,
  type CallInput,
  type CallState,
} from '../contracts/call';
import { batchIdOf, batchWorkflowId } from '../contracts/ids';
import { refuseRule, refuseState } from '../contracts/refusal';

// notifyEarlyClose e-mails every applicant: minutes for thousands.
const { notifyEarlyClose } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});
// Issue 13: closeBatch signals every member, many at a time; its heartbeat carries how far it
// got, so a killed attempt is noticed within the heartbeat timeout and the retry goes on from
// there (no single deadline for the whole batch, however large). Options are no command
// attribute that replay compares.
const { closeBatch } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});
// One row each. The timeout is also how long an attempt whose worker was killed holds up
// the operator's Update (POST /calls/:id/batches, early close) before it is retried.
const { recordBatch, recordCallClose } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

const now = () => Date.now(); // workflow time, deterministic
const today = (): IsoDate => kstDateOf(now());

export interface CallWorkflowCarry {
  state: CallState;
  /** Applications with complete documents and no batch yet (C2), as last counted. */
  waiting: number;
}

/**
 * One call (모집공고): its batch cutoffs (C2), its close date and early close (C3). It lives
 * until the call's support end; applications live in their own workflows.
 */
export async function callWorkflow(input: CallInput, carry?: CallWorkflowCarry): Promise<CallState> {
  const state: CallState = carry?.state ?? {
    callId: input.callId,
    closesOn: input.closesOn,
    supportEndsOn: input.supportEndsOn,
    // S4/S5: POST /calls writes its initial batches' rows in the transaction that creates the
    // call (checked by C2 first); the workflow starts knowing them, with no command of its own.
    // Histories before this always had `cutoffs: []`, so they replay the same.
    batches: (input.cutoffs ?? []).map((cutoff) => ({ batchId: batchIdOf(input.callId, cutoff), cutoff, closed: false, addedBy: input.cutoffsAddedBy ?? 'C1' })),
    open: true,
  };
  let waiting = carry?.waiting ?? 0;
  let changed = 0;

  setHandler(callStatusQuery, () => state);

  setHandler(
    addBatchUpdate,
    async ({ cutoff, actor, audit }) => {
      const batch = { batchId: batchIdOf(state.callId, cutoff), cutoff, closed: false, addedBy: actor };
      state.batches.push(batch);
      state.batches.sort((a, b) => compareDates(a.cutoff, b.cutoff));
      // S4: the operator's audit entry is written with the batch row (same activity, same command).
      await recordBatch({ callId: state.callId, batchId: batch.batchId, cutoff, addedBy: actor, ...(audit ? { audit } : {}) });
      changed++;
      return batch;
    },
    {
      validator: ({ cutoff }) => {
        const problem = cutoffProblem(cutoff, today(), state.supportEndsOn, state.batches.map((b) => b.cutoff));
        if (problem) refuseRule('C2', problem);
      },
    },
  );

  setHandler(
    earlyCloseUpdate,
    async ({ closesOn, actor, audit }) => {
      state.earlyClose = { closesOn, noticeOn: today() };
      state.closesOn = closesOn;
      await recordCallClose({ callId: state.callId, closesOn, actor, ...(audit ? { audit } : {}) }); // S4: audit with the change
      await notifyEarlyClose({ callId: state.callId, closesOn });
      changed++;
      return state;
    },
    {
      validator: ({ closesOn }) => {
        if (!state.open) refuseState('C3: the call is already closed');
        if (!earlyCloseAllowed(today(), closesOn)) {
          refuseRule('C3', `C3: an early close needs at least ${EARLY_CLOSE_NOTICE_DAYS} days' notice (${closesOn})`);
        }
        if (state.closesOn && compareDates(closesOn, state.closesOn) >= 0) {
          refuseRule('C3', `C3: ${closesOn} is not earlier than the current close date ${state.closesOn}`);
        }
      },
    },
  );

  setHandler(applicationWaitingSignal, () => {
    waiting += 1;
    changed++;
  });

  // ---- main loop: sleep until the next date that matters, or until something changes ----
  for (;;) {
    // Issue 13: every wake-up (an application waiting, an Update, a timer) may continue as
    // new, not only a timer's: thousands of applicationWaiting signals between two dates used
    // to grow the history without bound. Gated: calls recorded before replay without it.
    if (patched(BOUNDED_HISTORY_PATCH) && historyTooLong(input.historyBound)) await continueAsNewWith<typeof callWorkflow>(nextRun);
    const due = nextEvent();
    if (!due) break;
    const seen = changed;
    const wait = endOfDayKst(due.date) - now();
    // Re-plan only when a handler changed something; when the timer fires, the planned event
    // runs even though "today" has already moved past its day (e.g. a C2 quarter end).
    showDetails(due);
    if (wait > 0 && (await condition(() => changed !== seen, wait, { summary: due.summary }))) continue;
    await due.run();
    if (workflowInfo().continueAsNewSuggested) await continueAsNewWith<typeof callWorkflow>(nextRun);
  }
  await condition(allHandlersFinished);
  setCurrentDetails(`**Call ${state.callId}** finished (support end ${state.supportEndsOn})`);
  return state;

  /** Everything the next run needs so that no caller sees a difference (queries, dates, batches, C2 tally). */
  function nextRun(): Parameters<typeof callWorkflow> {
    return [input, { state, waiting }];
  }

  /** H2: the call's current details: intake, batches, what it waits for next. */
  function showDetails(next: CallEvent) {
    const open = state.batches.filter((b) => !b.closed).map((b) => b.cutoff);
    setCurrentDetails(
      [
        `- **Intake** ${state.open ? `open${state.closesOn ? ` until ${state.closesOn}` : ' (rolling)'}` : 'closed'}`,
        `- **Open batch cutoffs** ${open.length ? open.join(', ') : 'none'} · closed batches ${state.batches.length - open.length}`,
        `- **Applications waiting for a batch** ${waiting}`,
        `- **Next** ${next.summary}`,
      ].join('\n'),
    );
  }

  /** The earliest of: an open batch's cutoff, the close date, a C2 quarter end, the support end. */
  function nextEvent(): CallEvent | undefined {
    const events: CallEvent[] = [];
    const openBatch = state.batches.find((b) => !b.closed);
    if (openBatch) events.push({ date: openBatch.cutoff, summary: `batch cutoff ${openBatch.cutoff} (V2)`, run: () => close(openBatch) });
    if (state.open && state.closesOn) {
      events.push({
        date: state.closesOn,
        summary: `close date ${state.closesOn} (C3)`,
        run: async () => {
          state.open = false;
        },
      });
    }
    const quarterEnd = lastDayOfQuarter(today());
    if (waiting > 0 && compareDates(quarterEnd, state.supportEndsOn) <= 0) {
      // C2: a quarter that would end with applications waiting and no cutoff gets its last day.
      const hasCutoff = state.batches.some((b) => quarterOf(b.cutoff) === quarterOf(quarterEnd));
      if (!hasCutoff) {
        events.push({
          date: quarterEnd,
          summary: `quarter-end cutoff ${quarterEnd} (C2: applications waiting)`,
          run: async () => {
            const batch = { batchId: batchIdOf(state.callId, quarterEnd), cutoff: quarterEnd, closed: false, addedBy: 'C2' };
            state.batches.push(batch);
            await recordBatch({ callId: state.callId, batchId: batch.batchId, cutoff: quarterEnd, addedBy: 'C2' });
            await close(batch);
          },
        });
      }
    }
    if (events.length === 0) {
      // Nothing pending: wait for the support end (handlers may still add work), then finish.
      if (compareDates(today(), state.supportEndsOn) > 0) return undefined;
      return { date: state.supportEndsOn, summary: `support end ${state.supportEndsOn}`, run: async () => undefined };
    }
    events.sort((a, b) => compareDates(a.date, b.date));
    return events[0];
  }

  async function close(batch: CallState['batches'][number]) {
    // V2: members are those accepted as complete on or before the cutoff; the activity
    // decides from the database (no unbounded lists in history) and signals each member.
    const { members, stillWaiting } = await closeBatch({ callId: state.callId, batchId: batch.batchId, cutoff: batch.cutoff });
    batch.closed = true;
    batch.members = members;
    waiting = stillWaiting; // the database's count replaces the signals' tally
    // The batch's own workflow keeps its review and notification clock (V2) and runs the
    // selection; it outlives this one if the call continues as new.
    await startChild(batchWorkflow, {
      workflowId: batchWorkflowId(batch.batchId),
      // H2: readable in the Temporal UI's list (metadata of the command, not replayed).
      staticSummary: `batch ${batch.batchId} · call ${state.callId} · cutoff ${batch.cutoff} · ${members} applications`,
      staticDetails: `Evaluation batch of call **${state.callId}**, cutoff ${batch.cutoff} (V2): committee review, then selection.`,
      args: [
        {
          callId: state.callId,
          batchId: batch.batchId,
          cutoff: batch.cutoff,
          minEvaluators: input.minEvaluators,
          ...(input.historyBound ? { historyBound: input.historyBound } : {}),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }
}

/** docs/PATCHING.md: the call continues as new on any wake-up past its history bound (issue 13). */
export const BOUNDED_HISTORY_PATCH = 'scale-call-bounded-history-2026-12';

interface CallEvent {
  date: IsoDate;
  /** H2: the timer's summary in the Temporal UI. */
  summary: string;
  run: () => Promise<void>;
}
