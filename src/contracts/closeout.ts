import type { AuditEntry } from './audit';
import { defineUpdate } from '@temporalio/workflow';
import type { DataRegistrationType, IsoDate, MissingReportConsequence, OutcomeCategory, SharingTerm } from '../domain';

/** R1/R2: the two things a close-out asks for. */
export type CloseOutItemName = 'REPORT' | 'DATA_SHARING';
export const CLOSE_OUT_ITEMS: readonly CloseOutItemName[] = ['REPORT', 'DATA_SHARING'];

/**
 * DUE: nothing handed in; SUBMITTED: waiting for the operators; RETURNED: sent back with a
 * reason, to be handed in again; ACCEPTED: done. DUE and RETURNED are what reminders,
 * overdue notices and R5 look at.
 */
export type CloseOutItemStatus = 'DUE' | 'SUBMITTED' | 'RETURNED' | 'ACCEPTED';

/** An evidence file as stored (content-addressed): the report refers to it by name and hash. */
export interface EvidenceRef {
  name: string;
  sha256: string;
  sizeBytes: number;
}

/** R1/R4: the result report: outcomes by category with counts, and evidence files. */
export interface ResultReport {
  summary: string;
  outcomes: Array<{ category: OutcomeCategory; count: number; details?: string }>;
  evidence: EvidenceRef[];
}

/** R2/R3: how the data was registered on the agency's data portal. */
export interface DataSharing {
  registrationType: DataRegistrationType;
  dataName: string;
  portalReference: string;
  sharingTerms: SharingTerm[];
  policyReason?: string;
  deidentified?: boolean;
  publiclyAvailableOnWeb?: boolean;
  legalReason?: string;
  ownsSimilarData?: boolean;
}

export interface CloseOutItem<T> {
  status: CloseOutItemStatus;
  /** The latest hand-in; `round` counts hand-ins (a return asks for the next round). */
  submission?: T & { submittedOn: IsoDate; round: number };
  returns: Array<{ on: IsoDate; round: number; reason: string; actor: string }>;
  accepted?: { on: IsoDate; actor: string; note?: string };
}

/** R1–R5: the close-out as the status query shows it (from allocation on). */
export interface CloseOutView {
  reportDue: IsoDate;
  dataSharingDue: IsoDate;
  /** Whether the applicant can hand things in now (R1: a December end's are due before the end). */
  open: boolean;
  report: CloseOutItem<ResultReport>;
  dataSharing: CloseOutItem<DataSharing>;
  /** R5: what a missing report leads to in this case: the call's setting, or an operator's. */
  missingReport?: MissingReportCase;
  /** R5: the report was missing at its due date. */
  restriction?: { rule: 'R5'; on: IsoDate; dueOn: IsoDate; reclaimed: boolean; reason: string };
  completedOn?: IsoDate;
}

export interface CloseOutDecision {
  item: CloseOutItemName;
  decision: 'ACCEPT' | 'RETURN';
  /** Required to return (the applicant is told why); a note when accepting. */
  reason?: string;
  actor: string;
  /** S4: the operator's audit entry, written with the close-out row this decision changes. */
  audit?: AuditEntry;
}

/** R1/R4: the applicant hands in the result report (the API has checked the evidence). */
export const submitResultReportUpdate = defineUpdate<CloseOutView, [ResultReport]>('submitResultReport');
/** R2/R3: the applicant hands in the data-sharing registration (the API has checked R3). */
export const submitDataSharingUpdate = defineUpdate<CloseOutView, [DataSharing]>('submitDataSharing');
/** R1/R2: an operator accepts or returns (with a reason) what was handed in. */
export const reviewCloseOutUpdate = defineUpdate<CloseOutView, [CloseOutDecision]>('reviewCloseOut');

/** R5: the consequence a missing report has for one application, and who set it. */
export interface MissingReportCase {
  consequence: MissingReportConsequence;
  /** CALL: the call's `missingReportConsequence`; OPERATOR: overridden for this case. */
  setBy: 'CALL' | 'OPERATOR';
  actor?: string;
  reason?: string;
  on?: IsoDate;
  /** Set once R5 was taken (the report was missed): later overrides are refused. */
  takenOn?: IsoDate;
}

/** R5: an operator sets what a missing report leads to for this application (audited). */
export interface MissingReportOverride {
  consequence: MissingReportConsequence;
  reason: string;
  actor: string;
  /** S4: the operator's audit entry, written with the timeline row of the change. */
  audit?: AuditEntry;
}
export const setMissingReportConsequenceUpdate = defineUpdate<MissingReportCase, [MissingReportOverride]>('setMissingReportConsequence');
