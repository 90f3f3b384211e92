import type { Client } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { CollectorSettings } from '../collector/pull';
import type { Sql } from '../db';
import type { CallContacts, CallTraining } from '../domain';
import { renderNotice, type NoticeContext, type NoticeKind } from '../notices/templates';
import { noticeFailedReport, type NoticeRequest } from '../notices/request';
import { enqueueAndSend, POISON_NOTICE, poisonNoticeType, type ClaimingAttempt, type PoisonNoticeType } from './outbox';

export interface ActivityDeps {
  sql: Sql;
  transport: Transporter;
  client: Client;
  mailFrom: string;
  operationsEmail: string;
  /** N2/N3: the service's public URL, under which notices link to applications and queues. */
  publicUrl?: string;
  /** Issue 13: signals in flight at once when a batch tells its members (FANOUT_CONCURRENCY). */
  fanOutConcurrency?: number;
  /** O4: Prometheus, when configured: the monthly check pulls its month first, the collector workflow daily. */
  collector?: CollectorSettings;
}

export type { NoticeRequest } from '../notices/request';

interface CallNoticeRow {
  call_title: string;
  contacts: Partial<CallContacts> | null;
  training: CallTraining | null;
  survey_url: string | null;
}
interface ApplicationContactRow extends CallNoticeRow {
  id: string;
  call_id: string;
  title: string;
  status: string;
  submitted_at: Date | null;
  organisation_name: string;
  committee_summary: string | null;
  content: { practitioner: { name: string; email: string }; principalInvestigator: { name: string; email: string } };
}

/** N2: where an applicant opens the application, and (N3) where an evaluator finds the queue. */
export const applicationLink = (publicUrl: string, id: string) => `${publicUrl}/applications/${id}`;
export const committeeQueueLink = (publicUrl: string, callId?: string, batchId?: string) =>
  callId && batchId ? `${publicUrl}/console/committee/${encodeURIComponent(callId)}/${encodeURIComponent(batchId)}` : `${publicUrl}/console/committee`;

/** The one way any activity sends a notice: rendered, through the outbox, exactly once per key (N). */
export function createNotify(deps: ActivityDeps) {
  const { sql } = deps;
  const publicUrl = (deps.publicUrl ?? 'http://localhost:3000').replace(/\/$/, '');
  async function loadApplication(applicationId: string) {
    const [row] = await sql<ApplicationContactRow[]>`
      select a.id, a.call_id, c.title as call_title, c.contacts, c.training, c.survey_url, a.title, a.status, a.submitted_at,
             a.organisation_name, a.committee_summary, a.content
      from applications a join calls c on c.id = a.call_id where a.id = ${applicationId}`;
    if (!row) throw new Error(`application ${applicationId} not found`);
    return row;
  }
  async function loadCall(callId: string | undefined) {
    if (!callId) return undefined;
    const [row] = await sql<CallNoticeRow[]>`select title as call_title, contacts, training, survey_url from calls where id = ${callId}`;
    return row;
  }

  return async function notify(req: NoticeRequest): Promise<{ sent: boolean; alreadySent: boolean }> {
    const activity = currentActivity();
    // N: heartbeats tell Temporal this attempt is alive; when they stop (a killed worker),
    // the next attempt starts within the heartbeat timeout and takes over the claim.
    const beat = activity ? setInterval(() => activity.context.heartbeat(), 1000) : undefined;
    try {
      activity?.context.heartbeat();
      return await send(req, activity?.attempt);
    } finally {
      clearInterval(beat);
    }
  };

  async function send(req: NoticeRequest, attempt: ClaimingAttempt | undefined): Promise<{ sent: boolean; alreadySent: boolean }> {
      const data = req.data ?? {};
      if (req.audience === 'EVALUATOR') return notifyEvaluator(req, data, attempt);
      if (req.applicationId && req.audience !== 'OPERATORS') {
        const app = await loadApplication(req.applicationId);
        const { practitioner, principalInvestigator } = app.content;
        const body = render(req, {
          applicationId: app.id,
          callId: app.call_id,
          callTitle: app.call_title,
          projectTitle: app.title,
          organisationName: app.organisation_name,
          recipientName: practitioner.name,
          status: app.status,
          submittedAt: app.submitted_at?.getTime(),
          contacts: app.contacts as CallContacts | undefined,
          training: app.training,
          surveyUrl: app.survey_url,
          committeeSummary: app.committee_summary, // V8
          links: { application: applicationLink(publicUrl, app.id) },
          data,
        });
        // N: the practitioner receives every notice, the PI in copy.
        return enqueueAndSend(sql, deps.transport, deps.mailFrom, {
          key: req.key,
          kind: req.kind,
          applicationId: app.id,
          to: practitioner.email,
          cc: principalInvestigator.email !== practitioner.email ? principalInvestigator.email : undefined,
          ...body,
        }, attempt);
      }
      const body = render(req, { applicationId: req.applicationId, callId: req.callId, data });
      return enqueueAndSend(sql, deps.transport, deps.mailFrom, {
        key: req.key,
        kind: req.kind,
        applicationId: req.applicationId,
        to: deps.operationsEmail,
        ...body,
      }, attempt);
  }

  /** N3: an evaluator's notice, at the key's address; a key created before N3 has none and is not e-mailed. */
  async function notifyEvaluator(req: NoticeRequest, data: Record<string, unknown>, attempt: ClaimingAttempt | undefined): Promise<{ sent: boolean; alreadySent: boolean }> {
    const [key] = await sql<Array<{ name: string; email: string | null }>>`select name, email from api_keys where id = ${req.evaluatorId ?? ''}`;
    if (!key?.email) return { sent: false, alreadySent: false };
    const call = await loadCall(req.callId);
    const body = render(req, {
      callId: req.callId,
      callTitle: call?.call_title,
      contacts: call?.contacts as CallContacts | undefined,
      recipientName: key.name,
      // N3: the batch's queue in the console (signed in; otherwise the sign-in page comes first).
      links: { queue: committeeQueueLink(publicUrl, req.callId, typeof data.batchId === 'string' ? data.batchId : undefined) },
      data,
    });
    return enqueueAndSend(sql, deps.transport, deps.mailFrom, { key: req.key, kind: req.kind, to: key.email, ...body }, attempt);
  }
}

/** The running activity attempt, if notify runs inside one (tests also call it directly). */
function currentActivity(): { context: Context; attempt: ClaimingAttempt } | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return undefined;
  }
  const { workflowExecution: run, activityId, attempt } = context.info;
  return { context, attempt: { activity: `${run?.workflowId ?? ''}/${run?.runId ?? ''}/${activityId}`, attempt } };
}

/**
 * N: a template that throws on this notice's data throws on every retry: the notice fails
 * non-retryably (S3: the error's name only; its message may quote the data).
 */
function render(req: NoticeRequest, c: NoticeContext) {
  try {
    return renderNotice(req.kind, c);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `N: notice ${req.kind}${req.applicationId ? ` of ${req.applicationId}` : ''} cannot be rendered (${err instanceof Error ? err.name : 'error'})`,
      POISON_NOTICE.UNRENDERABLE,
    );
  }
}

type Notify = ReturnType<typeof createNotify>;

/**
 * N: for activities that send many notices in one go (C3's early close, R6's survey, V2's
 * deadline notices to operators): a notice that can never be sent must not stop the others
 * nor fail the activity for good. It is reported to the operations mailbox instead, and
 * that report is never reported again (no loop): if it cannot go either, a log line says so.
 */
export async function notifyOrReport(notify: Notify, req: NoticeRequest): Promise<{ sent: boolean; failed?: PoisonNoticeType }> {
  try {
    return await notify(req);
  } catch (err) {
    const failed = poisonNoticeType(err);
    if (!failed) throw err;
    if (req.kind !== 'NOTICE_FAILED') {
      try {
        await notify(noticeFailedReport(req, err as ApplicationFailure));
        return { sent: false, failed };
      } catch (reportErr) {
        if (!poisonNoticeType(reportErr)) throw reportErr;
      }
    }
    console.error(`N: notice ${req.kind}${req.applicationId ? ` of ${req.applicationId}` : ''} failed for good (${failed}) and the operators could not be told`);
    return { sent: false, failed };
  }
}
