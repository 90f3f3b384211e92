import { defineUpdate } from '@temporalio/workflow';
import type { AcceleratorType, ExclusionRule } from '../domain';
import type { ApplicationState } from './application';
import type { AuditEntry } from './audit';

/** E4/E6: an operator excludes the application before allocation, with the rule and the reason. */
export interface ExclusionRequest {
  rule: ExclusionRule;
  reason: string;
  actor: string;
  audit?: AuditEntry;
}
export const excludeUpdate = defineUpdate<ApplicationState, [ExclusionRequest]>('exclude');

/** V9: an operator releases a selected application before its release date, with a reason. */
export interface ReleaseRequest {
  reason: string;
  actor: string;
  audit?: AuditEntry;
}
export const releaseSelectionUpdate = defineUpdate<ApplicationState, [ReleaseRequest]>('releaseSelection');

/** V7: the committee (or an operator) changes a waitlisted request to a type that has capacity (K5). */
export interface WaitlistChangeRequest {
  type: AcceleratorType;
  units: number;
  reason: string;
  actor: string;
  audit?: AuditEntry;
}
export const changeWaitlistedResourceUpdate = defineUpdate<ApplicationState, [WaitlistChangeRequest]>('changeWaitlistedResource');
