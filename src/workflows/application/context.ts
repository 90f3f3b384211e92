import { ActivityFailure, ApplicationFailure, patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities, NoticeRequest } from '../../activities';
import {
  applicationDeadlines,
  endOfDayKst,
  kstDateOf,
  nextDeadline,
  type ApplicationFacts,
  type IsoDate,
} from '../../domain';
import type { ApplicationInput, ApplicationState, ApplicationStatus, AuditEntry } from '../messages';
import { noticeFailedReport } from '../../notices/failed';
import { NextDeadlineAttr, StatusAttr } from '../search-attributes';

/**
 * Each of these is one short transaction (milliseconds). The timeout is also how long an
 * attempt whose worker was killed holds its workflow up before Temporal retries it, so
 * it is kept short: a retry is harmless (every activity is idempotent).
 */
export const activities = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

/**
 * N: notices retry on their own, quicker schedule: a send that failed (SMTP down, a 4xx)
 * released its claim, so the next attempt goes at once, and backing off to at most 5 s
 * means delivery resumes within seconds of SMTP coming back, however long the outage
 * (an attempt is one refused connection: cheap). The attempt heartbeats, so one whose
 * worker was killed is retried within 10 s and its successor takes over its claim
 * (src/activities/outbox.ts); a send is bounded by the transport's timeouts (src/mail.ts),
 * well within the minute. Permanent failures are not retried at all (see deliver below).
 */
const notices = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** docs/PATCHING.md: a poison notice is recorded and reported instead of failing the workflow. */
export const NOTICE_FAILED_PATCH = 'notice-failed-goes-on-2026-12';

/** Workflow time: `Date.now()` is deterministic inside the workflow sandbox (replayed from history). */
export const now = () => Date.now();
export const today = (): IsoDate => kstDateOf(now());

/** The facts T2's deadlines are computed from, filled in as the lifecycle goes on. */
export type LifecycleFacts = Omit<ApplicationFacts, 'today' | 'pool' | 'supportEnd'>;

/**
 * What every phase of the application workflow shares: the state the status query shows,
 * the facts behind the deadlines, and the three moves every phase makes (record an event,
 * change status, send a notice). Phases live in their own files and get this object.
 */
export interface ApplicationContext {
  input: ApplicationInput;
  state: ApplicationState;
  facts: LifecycleFacts;
  /** Set by the withdraw Update; every phase's waits also wake on it. */
  withdrawal?: { reason?: string };
  /**
   * Set when another phase ends the support period early (R5: the close-out reclaims the
   * resources of a report missed while they are still held). The operation phase's waits
   * wake on it and return a SupportEnd { reason: 'RECLAIMED', endedOn, detail }.
   */
  supportEndRequest?: { endedOn: IsoDate; reason: 'RECLAIMED'; detail: string };
  /**
   * `audit`: the operator's audit entry of the action that caused this change (carried by
   * its Update); written with the row in the same activity and transaction (S4/S5).
   */
  record(event: string, detail?: Record<string, unknown>, audit?: AuditEntry): Promise<void>;
  transition(status: ApplicationStatus, event: string, detail?: Record<string, unknown>, audit?: AuditEntry): Promise<void>;
  /** N: a notice to the practitioner (PI in copy); `discriminator` makes repeated notices distinct keys. */
  notify(kind: NoticeRequest['kind'], data?: Record<string, unknown>, discriminator?: string): Promise<void>;
  /** N: a notice to the operators about this application. */
  notifyOperators(kind: NoticeRequest['kind'], data?: Record<string, unknown>, discriminator?: string): Promise<void>;
}

export function createContext(input: ApplicationInput): ApplicationContext {
  const facts: LifecycleFacts = {};
  const deadlines = () => applicationDeadlines({ ...facts, pool: input.pool, supportEnd: input.supportEndsOn, today: today() });
  const state: ApplicationState = {
    applicationId: input.applicationId,
    callId: input.callId,
    status: 'UNDER_REVIEW',
    pool: input.pool,
    acceleratorType: input.acceleratorType,
    units: input.units,
    priority: input.priority,
    deadlines: deadlines(),
    timeline: [],
  };
  const key = (kind: string, discriminator?: string) =>
    `${input.applicationId}:${kind}${discriminator ? `:${discriminator}` : ''}`;

  const ctx: ApplicationContext = {
    input,
    state,
    facts,
    /** Timeline, T2 deadlines, the database row and the search attributes move together. */
    async record(event, detail, audit) {
      state.timeline.push({ at: new Date(now()).toISOString(), event, ...(detail ? { detail } : {}) });
      state.deadlines = deadlines();
      const next = nextDeadline(state.deadlines, today());
      state.nextDeadline = next ?? undefined;
      upsertSearchAttributesIfRegistered(state.status, next?.date);
      await activities.recordApplication({
        applicationId: input.applicationId,
        status: state.status,
        deadlines: state.deadlines,
        documentsAcceptedOn: state.documentsAcceptedOn,
        batchId: state.batch?.batchId,
        // Only an argument of the same activity: no new command, old histories replay as before.
        ...(audit ? { audit } : {}),
      });
    },
    async transition(status, event, detail, audit) {
      state.status = status;
      await ctx.record(event, detail, audit);
    },
    async notify(kind, data, discriminator) {
      await deliver({ key: key(kind, discriminator), kind, applicationId: input.applicationId, data });
    },
    async notifyOperators(kind, data, discriminator) {
      await deliver({
        key: key(`OPS_${kind}`, discriminator),
        kind,
        applicationId: input.applicationId,
        callId: input.callId,
        audience: 'OPERATORS',
        data,
      });
    },
  };

  /**
   * N: every notice of the lifecycle goes through here. One that can never go out (the
   * activity failed non-retryably with a NOTICE_* type: SMTP refused it for good, PostgreSQL
   * cannot store it, its template cannot render) does not hold the lifecycle: it is recorded
   * on the timeline (NOTICE_FAILED, with its kind and why) and reported to the operations
   * mailbox, and the phase goes on. The report itself is never reported again: if it cannot
   * go either, the timeline has both entries and that is the end of it (no loop).
   */
  async function deliver(req: NoticeRequest): Promise<void> {
    try {
      await notices.notify(req);
    } catch (err) {
      const failure = poisonNotice(err);
      // Before the patch such a failure failed the workflow; no history holds one (notices
      // retried for ever), so the patch only keeps that promise explicit.
      if (!failure || !patched(NOTICE_FAILED_PATCH)) throw err;
      await ctx.record('NOTICE_FAILED', {
        kind: req.kind,
        audience: req.audience ?? 'APPLICANT',
        failure: failure.type ?? 'error',
        reason: failure.message,
      });
      if (req.kind !== 'NOTICE_FAILED') await deliver(noticeFailedReport(req, failure));
    }
  }
  return ctx;
}

/** The failure of a notice that can never go out (see src/activities/outbox.ts POISON_NOTICE), or undefined. */
function poisonNotice(err: unknown): ApplicationFailure | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const cause = err.cause;
  return cause.nonRetryable && cause.type?.startsWith('NOTICE_') ? cause : undefined;
}

/**
 * H2: only upsert what the starter set. A server without our search attributes registered
 * (the time-skipping test server, an unconfigured cluster) would fail the workflow task on
 * an unknown attribute, so the starter passes them only when the namespace has them.
 */
function upsertSearchAttributesIfRegistered(status: ApplicationStatus, nextDeadlineOn?: IsoDate) {
  if (workflowInfo().typedSearchAttributes.get(StatusAttr) === undefined) return;
  const pairs: SearchAttributePair[] = [{ key: StatusAttr, value: status }];
  if (nextDeadlineOn) pairs.push({ key: NextDeadlineAttr, value: new Date(endOfDayKst(nextDeadlineOn)) });
  upsertSearchAttributes(pairs as never);
}
