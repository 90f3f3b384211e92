import type { IsoDate } from '../domain';

export interface BatchInput {
  callId: string;
  batchId: string;
  cutoff: IsoDate;
  /** I4: evaluators needed per application before selection. */
  minEvaluators: number;
}

/**
 * One evaluation batch (V2–V7), started by the call workflow when it closes the batch at
 * its cutoff: review due at cutoff + 14, results at cutoff + 21, selection as an Update.
 */
export async function batchWorkflow(input: BatchInput): Promise<void> {
  void input;
}
