import { ActivityFailure, ApplicationFailure, patched, proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, NoticeRequest } from '../../activities';
import {
  applicationDeadlines,
  compareDates,
  endOfDayKst,
  expectedBatchCutoff,
  kstDateOf,
  nextDeadline,
  poolOf,
  WAITING_FOR_BATCH_STATUSES,
  hasStatus,
  type ApplicationFacts,
  type IsoDate,
} from '../../domain';
import type { ApplicationInput, ApplicationState, ApplicationStatus, WithdrawRequest } from '../../contracts/application';
import type { AuditEntry } from '../../contracts/audit';
import { noticeFailedReport } from '../../notices/request';
import type { ExclusionRequest } from '../../contracts/selection';
import { AcceleratorTypeAttr, NextDeadlineAttr, PoolAttr, StatusAttr } from '../../contracts/search-attributes';

/**
 * H2 (docs/PATCHING.md): the readable Temporal UI. Under this patch `record` stores the row
 * first and then upserts status, pool, type and the next deadline (a waiting application's
 * next deadline is its expected batch cutoff, read with the row); the end of the workflow
 * removes it. (A background timer that re-shows the next deadline when the shown one passes
 * unattended made the time-skipping test server's env.sleep hang; left out for now.)
 * Histories recorded before it replay the old order (upsert, then the row).
 */
export const READABLE_UI_PATCH = 'h2-readable-temporal-ui-2026-12';

/** H2: the deadline names as the Temporal UI shows them (a summary, not a field name). */
const DEADLINE_LABELS: Record<string, string> = {
  batchCutoff: 'batch cutoff',
  supplementDue: 'supplement due',
  reviewDue: 'committee review due',
  notificationDue: 'results due',
  setupEnd: 'setup ends',
  nextUtilisationCheck: 'monthly utilisation check',
  nextQuarterlyReview: 'quarterly review',
  supportEnd: 'support ends',
  reportDue: 'result report due',
  dataSharingDue: 'data sharing due',
};
export const deadlineLabel = (name: string) => DEADLINE_LABELS[name] ?? name;

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
  withdrawal?: WithdrawRequest;
  /** E4/E6: set by the exclude Update; every wait before allocation also wakes on it. */
  exclusion?: ExclusionRequest;
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
  /** S4: whether `record` has stored the audit entry with this key (its activity completed). */
  auditWritten(key: string): boolean;
  /** N: a notice to the practitioner (PI in copy); `discriminator` makes repeated notices distinct keys. */
  notify(kind: NoticeRequest['kind'], data?: Record<string, unknown>, discriminator?: string): Promise<void>;
  /** N: a notice to the operators about this application. */
  notifyOperators(kind: NoticeRequest['kind'], data?: Record<string, unknown>, discriminator?: string): Promise<void>;
  /**
   * H2: the workflow ends: the final status stays, the next deadline is removed from the
   * search attributes (a closed workflow has none) and the details say how it ended.
   */
  finish(): void;
}

export function createContext(input: ApplicationInput): ApplicationContext {
  const facts: LifecycleFacts = {};
  const deadlines = () =>
    applicationDeadlines({
      ...facts,
      pool: input.pool,
      supportEnd: input.supportEndsOn,
      today: today(),
      dataSharingDecemberException: input.dataSharingDecemberException, // R2
    });
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
  // T2: the live facts (the same object), read by the query so the API computes the deadlines for today.
  Object.defineProperty(state, 'deadlineFacts', {
    enumerable: true,
    get: () => ({ ...facts, pool: input.pool, supportEnd: input.supportEndsOn, dataSharingDecemberException: input.dataSharingDecemberException }), // R2 too
  });
  let openCutoffs: IsoDate[] = [];
  let shown: { name: string; date: IsoDate } | undefined;
  let ended = false;
  const writtenAudits = new Set<string>();
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
      const row = {
        applicationId: input.applicationId,
        status: state.status,
        deadlines: state.deadlines,
        documentsAcceptedOn: state.documentsAcceptedOn,
        batchId: state.batch?.batchId,
        // Only an argument of the same activity: no new command, old histories replay as before.
        ...(audit ? { audit } : {}),
      };
      if (!patched(READABLE_UI_PATCH)) {
        upsertSearchAttributesIfRegistered(state.status, next?.date);
        await activities.recordApplication(row);
        if (audit) writtenAudits.add(audit.key);
        showDetails(event);
        return;
      }
      const stored = await activities.recordApplication.executeWithOptions(
        { summary: `record ${event} (${state.status})` },
        [row],
      );
      if (audit) writtenAudits.add(audit.key); // no command: workflow state only
      // Histories from before the row answered cutoffs have none (undefined).
      openCutoffs = stored?.openCutoffs ?? openCutoffs;
      showCurrent(event);
    },
    auditWritten: (k) => writtenAudits.has(k),
    async transition(status, event, detail, audit) {
      state.status = status;
      await ctx.record(event, detail, audit);
    },
    async notify(kind, data, discriminator) {
      await deliver(
        { key: key(kind, discriminator), kind, applicationId: input.applicationId, data },
        `notice ${kind}${discriminator ? ` ${discriminator}` : ''} to the applicant`,
      );
    },
    async notifyOperators(kind, data, discriminator) {
      await deliver({
        key: key(`OPS_${kind}`, discriminator),
        kind,
        applicationId: input.applicationId,
        callId: input.callId,
        audience: 'OPERATORS',
        data,
      }, `notice ${kind}${discriminator ? ` ${discriminator}` : ''} to the operators`);
    },
    finish() {
      ended = true;
      if (!patched(READABLE_UI_PATCH)) return;
      state.nextDeadline = undefined;
      if (searchAttributesRegistered()) {
        const removal: SearchAttributeUpdatePair[] = [{ key: StatusAttr, value: state.status }, { key: NextDeadlineAttr, value: null }];
        upsertSearchAttributes(removal);
      }
      showDetails('ended');
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
  async function deliver(req: NoticeRequest, summary?: string): Promise<void> {
    try {
      // H2: the activity's summary names the notice in the Temporal UI (metadata: replay ignores it).
      await (summary ? notices.notify.executeWithOptions({ summary }, [req]) : notices.notify(req));
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

  /**
   * H2: what the Temporal UI shows now: the next deadline (never one in the past; a waiting
   * application's expected batch cutoff counts), in the search attributes and the details.
   */
  function currentNextDeadline(): { name: string; date: IsoDate } | undefined {
    const next = nextDeadline(state.deadlines, today());
    const cutoff = hasStatus(WAITING_FOR_BATCH_STATUSES, state.status)
      ? expectedBatchCutoff(openCutoffs.find((c) => compareDates(c, today()) >= 0), today(), input.supportEndsOn)
      : null;
    if (cutoff && (!next || compareDates(cutoff, next.date) < 0)) return { name: 'batchCutoff', date: cutoff };
    return next ?? undefined;
  }

  function showCurrent(event: string) {
    shown = currentNextDeadline();
    state.nextDeadline = shown;
    if (searchAttributesRegistered()) {
      const type = state.acceleratorType;
      const pairs: SearchAttributeUpdatePair[] = [
        { key: StatusAttr, value: state.status },
        // V7/Q1: the committee or a quarterly decision may have changed the resource.
        { key: PoolAttr, value: poolOf(type) },
        { key: AcceleratorTypeAttr, value: type },
        { key: NextDeadlineAttr, value: shown ? new Date(endOfDayKst(shown.date)) : null },
      ];
      upsertSearchAttributes(pairs);
    }
    showDetails(event);
  }

  /** H2: the workflow's current details (Markdown, no personal data): status, resource, next deadline, last event. */
  function showDetails(event: string) {
    const next = state.nextDeadline;
    setCurrentDetails(
      [
        `- **Status** ${state.status}${ended ? ' (ended)' : ''}`,
        `- **Resource** ${poolOf(state.acceleratorType)} ${state.acceleratorType} × ${state.units}${state.priority ? ' (priority)' : ''}`,
        `- **Next deadline** ${next ? `${deadlineLabel(next.name)} ${next.date} (end of day, KST)` : 'none'}`,
        `- **Last event** ${event} on ${today()}`,
      ].join('\n'),
    );
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
  if (!searchAttributesRegistered()) return;
  const pairs: SearchAttributePair[] = [{ key: StatusAttr, value: status }];
  if (nextDeadlineOn) pairs.push({ key: NextDeadlineAttr, value: new Date(endOfDayKst(nextDeadlineOn)) });
  upsertSearchAttributes(pairs as never);
}

function searchAttributesRegistered(): boolean {
  return workflowInfo().typedSearchAttributes.get(StatusAttr) !== undefined;
}
