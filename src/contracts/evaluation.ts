import { defineSignal } from '@temporalio/workflow';
import type { AcceleratorType, Scores, SelectionOutcome } from '../domain';

/** V5–V7: what the batch's selection decided for one application. */
export interface SelectionResult {
  batchId: string;
  outcome: SelectionOutcome;
  rank: number;
  total: number;
  scores: Scores;
  /** The resource granted (SELECTED) or waited for (WAITLISTED), after any V7 change. */
  resource: { type: AcceleratorType; units: number };
}

export interface EvaluationView {
  result?: SelectionResult;
}

/** Sent by the selection activity to each member of the batch; repeats carry the same fact. */
export const selectionResultSignal = defineSignal<[SelectionResult]>('selectionResult');
