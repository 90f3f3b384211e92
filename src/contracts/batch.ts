import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain';
import type { AuditEntry } from './audit';

/** The batch workflow's contract (V2–V6): its input, its state and its messages. */
export interface BatchInput {
  callId: string;
  batchId: string;
  cutoff: IsoDate;
  /** I4: evaluators needed per application before selection. */
  minEvaluators: number;
  /** Issue 13: continue as new past this many history events (absent: the default). */
  historyBound?: number;
}

export type BatchDeadlineKind = 'REVIEW_AT_RISK' | 'REVIEW_OVERDUE' | 'RESULTS_AT_RISK' | 'RESULTS_OVERDUE';

export interface SelectionSummary {
  batchId: string;
  members: number;
  selected: number;
  waitlisted: number;
  notSelected: number;
  /** Members whose application workflow got its result (repeats included on retry). */
  signalled: number;
}

export type SelectionState =
  | { state: 'NOT_STARTED' }
  | { state: 'IN_PROGRESS'; by: string; startedAt: string }
  | { state: 'DONE'; by: string; startedAt: string; doneAt: string; summary: SelectionSummary };

export interface BatchState {
  callId: string;
  batchId: string;
  cutoff: IsoDate;
  minEvaluators: number;
  /** V2: cutoff + 14 and cutoff + 21. */
  reviewDue: IsoDate;
  notificationDue: IsoDate;
  /** Whether the last review check found every member with its I4 minimum. */
  reviewComplete: boolean;
  /** A deadline check found no member left in play (none joined, or all withdrew): nothing to keep. */
  empty: boolean;
  selection: SelectionState;
  /** N: the deadline notices sent so far (kind and the day each stands for). */
  notices: Array<{ kind: BatchDeadlineKind; day: IsoDate; missing: number }>;
}

export const batchStatusQuery = defineQuery<BatchState>('batchStatus');
/** V5: the operator runs the batch's selection; refused (409) once it has begun or been made. */
/** V5: the operator selects; `audit` (S4) is written in the ranking's transaction. */
export const selectBatchUpdate = defineUpdate<SelectionSummary, [{ actor: string; audit?: AuditEntry }]>('selectBatch');
