import { allHandlersFinished, condition, makeContinueAsNewFunc, workflowInfo, type Workflow } from '@temporalio/workflow';

/**
 * Issue 13 (bounded histories): a long-lived workflow (a call lives until its support end,
 * a batch until its selection) continues as new before its history gets long: past this
 * many events, or as soon as the server suggests it (10,240 events or 50 MB by default).
 * Under 1,024, a history replays in milliseconds on a worker that lost its cache. The bound
 * is checked when the workflow wakes, and one wake-up can bring every Signal that arrived
 * while the worker was busy (hundreds, for a call taking applications under load: bench/
 * scale.ts saw a run end at 1,059 events with a bound of 800), hence the slack below 1,024.
 */
export const DEFAULT_HISTORY_BOUND = 500;

export function historyTooLong(bound: number | undefined): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > (bound ?? DEFAULT_HISTORY_BOUND);
}

/**
 * Continues as new with the workflow's whole state, after every Update and Signal handler
 * has finished (their effects are in `carry()`, which is read only then). A Signal that
 * arrives while this run completes makes the server refuse the completion; the task runs
 * again with the Signal applied, so the carried state has it. Search attributes go along.
 */
export async function continueAsNewWith<W extends Workflow>(carry: () => Parameters<W>): Promise<never> {
  await condition(allHandlersFinished);
  const next = makeContinueAsNewFunc<W>({ typedSearchAttributes: workflowInfo().typedSearchAttributes });
  return next(...carry());
}
