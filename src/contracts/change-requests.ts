import { defineUpdate } from '@temporalio/workflow';
import type { ChangeRequestDetail, IsoDate } from '../domain';
import type { AuditEntry } from './audit';

/** O6: a change request as the allocation keeps it. */
export interface ChangeRequestView {
  id: string;
  change: ChangeRequestDetail;
  reason: string;
  status: 'PENDING' | 'APPROVED' | 'REFUSED';
  requestedOn: IsoDate;
  decidedOn?: IsoDate;
  decidedBy?: string;
  decisionReason?: string;
}

/** O6: the applicant asks (more storage, another BOW size, an earlier end) with a reason. */
export interface ChangeRequestInput {
  requestId: string;
  actor: string;
  change: ChangeRequestDetail;
  reason: string;
}

/** O6: the operators approve (within K5) or refuse, with a reason. */
export interface ChangeDecisionInput {
  requestId: string;
  decision: 'APPROVE' | 'REFUSE';
  reason: string;
  actor: string;
  /** S4: written with the decision's row change. */
  audit?: AuditEntry;
}

export const requestChangeUpdate = defineUpdate<ChangeRequestView, [ChangeRequestInput]>('requestChange');
export const decideChangeUpdate = defineUpdate<ChangeRequestView, [ChangeDecisionInput]>('decideChange');
