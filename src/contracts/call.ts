import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IsoDate } from '../domain';
import type { AuditEntry } from './audit';

/** The call workflow's contract (C1–C3): its input, its state and its messages. */

export interface CallInput {
  callId: string;
  /** I4, from the call's settings. */
  minEvaluators: number;
  closesOn?: IsoDate;
  supportEndsOn: IsoDate;
  /** C2: the call's initial cutoffs; their batch rows are written by POST /calls (S4). */
  cutoffs: IsoDate[];
  /** Who set the initial cutoffs (the creating operator). */
  cutoffsAddedBy?: string;
  /** Issue 13: continue as new past this many history events (config WORKFLOW_HISTORY_BOUND; absent: the default). */
  historyBound?: number;
}

export interface CallState {
  callId: string;
  closesOn?: IsoDate;
  earlyClose?: { closesOn: IsoDate; noticeOn: IsoDate };
  supportEndsOn: IsoDate;
  batches: Array<{ batchId: string; cutoff: IsoDate; closed: boolean; members?: number; addedBy: string }>;
  open: boolean;
}

export const callStatusQuery = defineQuery<CallState>('callStatus');
/** C2: an operator adds a batch cutoff. */
export const addBatchUpdate = defineUpdate<CallState['batches'][number], [{ cutoff: IsoDate; actor: string; audit?: AuditEntry }]>(
  'addBatch',
);
/** C3: early close with at least 21 days' notice. */
export const earlyCloseUpdate = defineUpdate<CallState, [{ closesOn: IsoDate; actor: string; audit?: AuditEntry }]>('earlyClose');
/** An application's documents were accepted: the call may need a C2 quarter cutoff. */
export const applicationWaitingSignal = defineSignal<[{ applicationId: string; acceptedOn: IsoDate }]>(
  'applicationWaiting',
);
