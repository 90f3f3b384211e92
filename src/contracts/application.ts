import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AcceleratorType, ApplicationDeadlines, ApplicationFacts, IsoDate, MissingReportConsequence, Pool, RuleId } from '../domain';
import type { AuditEntry } from './audit';
import type { CloseOutView } from './closeout';
import type { EvaluationView } from './evaluation';
import type { AllocationView, SupportEnd } from './operation';

/**
 * The application workflow's contract (intake and the whole lifecycle), shared by the workflow,
 * the activities and the API. Operator and applicant actions
 * that can be refused are Updates (H2): the validator refuses an invalid transition
 * synchronously, before anything is written to history, so the API can answer 409 at once
 * instead of firing a Signal and hoping. Signals are kept for facts the workflow cannot
 * refuse (a batch closed, a result computed).
 */

export type { ApplicationStatus } from '../domain/lifecycle';
import type { ApplicationStatus } from '../domain/lifecycle';

export interface TimelineEntry {
  at: string; // ISO instant, workflow time
  event: string;
  detail?: Record<string, unknown>;
}

/** T2: every deadline known so far (computed by the domain's applicationDeadlines). */
export type ApplicationDeadlinesView = ApplicationDeadlines;

export interface ApplicationState {
  applicationId: string;
  callId: string;
  status: ApplicationStatus;
  pool: Pool;
  acceleratorType: AcceleratorType;
  units: number;
  priority: boolean;
  deadlines: ApplicationDeadlinesView;
  nextDeadline?: { name: string; date: IsoDate };
  /**
   * T2: the facts the deadlines come from, so a reader computes them for its own "now"
   * (src/domain/deadlines.ts currentDeadlines) instead of seeing the ones of the last event.
   */
  deadlineFacts?: Omit<ApplicationFacts, 'today'>;
  supplement?: { missingDocuments: string[]; dueOn: IsoDate; round: number };
  ineligibility?: { rule: RuleId; reason: string };
  batch?: { batchId: string; cutoff: IsoDate };
  documentsAcceptedOn?: IsoDate;
  evaluation?: EvaluationView;
  allocation?: AllocationView;
  supportEnd?: SupportEnd;
  closeOut?: CloseOutView;
  timeline: TimelineEntry[];
}

export interface ApplicationInput {
  applicationId: string;
  callId: string;
  pool: Pool;
  acceleratorType: AcceleratorType;
  units: number;
  priority: boolean;
  supportEndsOn: IsoDate;
  supplementDays: number; // I5, from the call's settings
  /** R2, from the call's settings; absent (histories before it): true. */
  dataSharingDecemberException?: boolean;
  /** R5, from the call's settings; absent (histories before it): BOTH. */
  missingReportConsequence?: MissingReportConsequence;
  /** V9, from the call's settings (absent in workflows started before it: 30 days). */
  selectedReleaseDays?: number;
}

export type DocumentReviewDecision =
  | { decision: 'COMPLETE' }
  | { decision: 'SUPPLEMENT'; missingDocuments: string[]; dueDays?: number; note?: string }
  | { decision: 'INELIGIBLE'; rule: RuleId; reason: string };

export const statusQuery = defineQuery<ApplicationState>('status');
/** Operator's document review (A4, A5, E4). */
export const reviewDocumentsUpdate = defineUpdate<ApplicationState, [DocumentReviewDecision & { actor: string; audit?: AuditEntry }]>(
  'reviewDocuments',
);
/** Applicant hands in the requested supplement (I5); the API has checked the documents. */
export const submitSupplementUpdate = defineUpdate<ApplicationState, []>('submitSupplement');
/**
 * The applicant withdraws, or an operator on the applicant's behalf (H1: with a reason, its
 * audit entry written with the status change, S4). Before allocation it just ends (Q2/R).
 */
export interface WithdrawRequest {
  reason?: string;
  /** H1: the operator acting on behalf; absent: the applicant. */
  actor?: string;
  audit?: AuditEntry;
}
export const withdrawUpdate = defineUpdate<ApplicationState, [WithdrawRequest]>('withdraw');
/** V2: the call workflow put the application into a batch at its cutoff. */
export const batchAssignedSignal = defineSignal<[{ batchId: string; cutoff: IsoDate }]>('batchAssigned');
