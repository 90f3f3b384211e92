import type { IsoDate } from '../domain';

/**
 * H2: every Temporal workflow id in one place. The call's and the application's ids are
 * built in src/domain/ids.ts (next to the C1 call id rule, and used by some hundred call
 * sites through the domain barrel); they are re-exported here so a reader of the contracts
 * finds them all.
 */
export { applicationWorkflowId, callWorkflowId } from '../domain/ids';

/** V2: a batch's id: its call and its cutoff. */
export function batchIdOf(callId: string, cutoff: IsoDate): string {
  return `${callId}-${cutoff}`;
}

export const batchWorkflowId = (batchId: string) => `batch-${batchId}`;

/** R6: one survey workflow per call. */
export const surveyWorkflowId = (callId: string) => `survey-${callId}`;
