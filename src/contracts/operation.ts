import { defineUpdate } from '@temporalio/workflow';
import type { AuditEntry } from './audit';
import type { ChangeRequestView } from './change-requests';
import type {
  AcceleratorType,
  IsoDate,
  IsoMonth,
  QuarterlyDecision,
  QuarterlyRecommendation,
  ReclaimReason,
  UtilisationVerdict,
} from '../domain';

/** O1/K3: what the operator allocates. */
export interface AllocationRequest {
  actor: string;
  /** S4: the operator's audit entry, written with the allocation's row change. */
  audit?: AuditEntry;
  /** Dedicated: server names/ids (one per unit); shared: the card count is `units`. */
  servers?: string[];
  type: AcceleratorType;
  units: number;
  storageTb: number;
  backupTb: number;
  extraStorageTb: number;
}

/** O4/I1: one month's judgement as the workflow keeps it. */
export interface MonthView {
  month: IsoMonth;
  checkedOn: IsoDate;
  verdict: UtilisationVerdict;
  mean: number | null;
  daysCounted: number;
  daysMissing: number;
}

/** Q1/I2: a quarterly review, open until decided or until its 14 days of grace pass. */
export interface QuarterlyReviewView {
  reviewDate: IsoDate;
  dueOn: IsoDate;
  /** Dedicated: from the months judged since the previous review; shared: none (I2). */
  recommendation: QuarterlyRecommendation | null;
  verdicts: UtilisationVerdict[];
  decision?: QuarterlyDecision;
  decidedOn?: IsoDate;
  decidedBy?: string;
  /** I2: no decision in time → CONTINUE. */
  defaulted?: boolean;
  from?: { type: AcceleratorType; units: number };
  to?: { type: AcceleratorType; units: number };
}

export interface AllocationView {
  allocatedOn: IsoDate;
  resource: { type: AcceleratorType; units: number };
  servers?: string[];
  storageTb: number;
  backupTb: number;
  extraStorageTb: number;
  /** O2: the 14-day limit, or the day the applicant reported setup done. */
  setupEnd: IsoDate;
  setupDoneOn?: IsoDate;
  /** O2: false while the environment is being set up (status ALLOCATED). */
  inOperation: boolean;
  /** O4: the dedicated pool's judged months, oldest first (the shared pool has none, K2). */
  months: MonthView[];
  /** I1: flagged for the next quarterly decision (two LOW months in a row, or a NONE month). */
  flagged: boolean;
  /** Q1: the open review, if any, then the past ones. */
  reviews: QuarterlyReviewView[];
  /** O6: the applicant's change requests and their decisions, oldest first. */
  changeRequests?: ChangeRequestView[];
  reclaim?: { reason: ReclaimReason; text: string; on: IsoDate; restricted: boolean };
}

/** How the support period ended (O1): the scheduled end, or earlier (Q2, Q3, withdrawal). */
export interface SupportEnd {
  endedOn: IsoDate;
  recordedOn: IsoDate;
  /** EARLY_END: an earlier end the operators approved (O6). */
  reason: 'SUPPORT_END' | 'RECLAIMED' | 'WITHDRAWN' | 'EARLY_END';
  detail?: string;
}

/** O2: the applicant reports the environment is set up (ends the grace early), or an operator records it for them (H1). */
export interface SetupDoneRequest {
  actor: string;
  /** S4: an operator's audit entry, written with the status change. */
  audit?: AuditEntry;
}

/** Q1: the operator's decision on the open quarterly review. INCREASE/DECREASE carry the target the API checked (K5). */
export type QuarterlyDecisionRequest = (
  | { decision: 'CONTINUE'; actor: string; note?: string }
  | {
      decision: 'INCREASE' | 'DECREASE';
      actor: string;
      note?: string;
      to: { type: AcceleratorType; units: number };
      servers?: string[];
    }
  | { decision: 'RECLAIM'; actor: string; note?: string; reason: ReclaimReason; text: string }
) & {
  /** S4: the operator's audit entry, written with the decision's row. */
  audit?: AuditEntry;
};

/** Q2/Q3: reclaim at any time during the support period. */
export interface ReclaimRequest {
  actor: string;
  reason: ReclaimReason;
  text: string;
  /** S4: the operator's audit entry, written with the support end it causes. */
  audit?: AuditEntry;
}

export interface ReclaimResult {
  supportEnd: SupportEnd;
  /** Q3/E5: whether the organisation is now restricted. */
  restricted: boolean;
}

/** Failure types a refused Update carries, so the API can answer with the rule (422) instead of 409. */
export const CAPACITY_REFUSED = 'K5';

export const allocateUpdate = defineUpdate<AllocationView, [AllocationRequest]>('allocate');
export const setupDoneUpdate = defineUpdate<AllocationView, [SetupDoneRequest]>('setupDone');
export const quarterlyDecisionUpdate = defineUpdate<QuarterlyReviewView, [QuarterlyDecisionRequest]>('quarterlyDecision');
export const reclaimUpdate = defineUpdate<ReclaimResult, [ReclaimRequest]>('reclaim');
