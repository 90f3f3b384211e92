/**
 * H2: Temporal workflow ids, built from the call and application ids: one workflow per
 * call and one per application.
 */

const CALL_ID_RE = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
export const MAX_CALL_ID_LENGTH = 64;

/** C1: a call id such as '2024-1': letters and digits in groups joined by single dashes. */
export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_CALL_ID_LENGTH && CALL_ID_RE.test(value);
}

/** H2: the id of a call's workflow. */
export function callWorkflowId(callId: string): string {
  return `call-${callId}`;
}

/** H2: the id of an application's workflow. */
export function applicationWorkflowId(callId: string, applicationId: string): string {
  return `application-${callId}-${applicationId}`;
}
