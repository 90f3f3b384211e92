import type { NoticeKind } from './templates';

export interface NoticeRequest {
  /** Unique per notice: the outbox key that makes it go out exactly once (N). */
  key: string;
  kind: NoticeKind;
  applicationId?: string;
  callId?: string;
  /** Operators' notices go to the operations mailbox, evaluators' (N3) to the key's address. */
  audience?: 'APPLICANT' | 'OPERATORS' | 'EVALUATOR';
  /** N3: the EVALUATOR key the notice is for. */
  evaluatorId?: string;
  data?: Record<string, unknown>;
}

/**
 * N: the operators' notice about a notice that can never be sent, from the failed notice
 * and its failure (type and message, both in a fixed form without personal data, S3).
 * Its key follows the failed one's, so each failure is reported once. Shared by the
 * application workflow (src/workflows/application/context.ts) and the activities that
 * send many notices at once (notifyOrReport in src/activities/notify.ts).
 */
export function noticeFailedReport(
  req: Pick<NoticeRequest, 'key' | 'kind' | 'applicationId' | 'callId'>,
  failure: { type?: string | null; message: string },
): NoticeRequest {
  return {
    key: `${req.key}:OPS_NOTICE_FAILED`,
    kind: 'NOTICE_FAILED',
    applicationId: req.applicationId,
    callId: req.callId,
    audience: 'OPERATORS',
    data: { kind: req.kind, noticeKey: req.key, failure: failure.type ?? 'error', reason: failure.message },
  };
}
