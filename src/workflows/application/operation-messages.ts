import { defineUpdate } from '@temporalio/workflow';
import type { AcceleratorType, IsoDate } from '../../domain';

/** O1/K3: what the operator allocates. */
export interface AllocationRequest {
  actor: string;
  /** Dedicated: server names/ids (one per unit); shared: the card count is `units`. */
  servers?: string[];
  type: AcceleratorType;
  units: number;
  storageTb: number;
  backupTb: number;
  extraStorageTb: number;
}

export interface AllocationView {
  allocatedOn: IsoDate;
  resource: { type: AcceleratorType; units: number };
  servers?: string[];
  storageTb: number;
  backupTb: number;
  extraStorageTb: number;
}

/** How the support period ended (O1): the scheduled end, or earlier (Q2, Q3, withdrawal). */
export interface SupportEnd {
  endedOn: IsoDate;
  recordedOn: IsoDate;
  reason: 'SUPPORT_END' | 'RECLAIMED' | 'WITHDRAWN';
  detail?: string;
}

export const allocateUpdate = defineUpdate<AllocationView, [AllocationRequest]>('allocate');
