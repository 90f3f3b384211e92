import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  addDays,
  compareDates,
  daysBetween,
  endOfDayKst,
  REMINDER_DAYS_BEFORE,
  resultReportViolations,
  dataSharingViolations,
  startOfDayKst,
  SUPPORT_RUNNING_STATUSES,
  hasStatus,
  type IsoDate,
} from '../../domain';
import type { ApplicationStatus } from '../../contracts/application';
import type { AuditEntry } from '../../contracts/audit';
import { CLOSE_OUT_ITEMS, reviewCloseOutUpdate, submitDataSharingUpdate, submitResultReportUpdate, type CloseOutItem, type CloseOutDecision, type CloseOutItemName, type CloseOutView } from '../../contracts/closeout';
import { activities, now, today, type ApplicationContext } from './context';
import type { SupportEnd } from '../../contracts/operation';
import { missingReportPolicy } from './missing-report';
import { refuseRule, refuseState, refuseViolations } from '../../contracts/refusal';


/**
 * The close-out acts at 00:30 KST, not at midnight: the operation phase's monthly check runs
 * at 00:00 on the 1st, and R5 (which ends support) must not land in the same instant as
 * that timer (the time-skipping test server rejects the resulting commands), nor race it.
 */
export const AFTER_MIDNIGHT_CHECKS_MS = 30 * 60_000;

/** N: the overdue notice repeats weekly. */
const OVERDUE_REPEAT_DAYS = 7;

const EVENT_PREFIX: Record<CloseOutItemName, string> = { REPORT: 'RESULT_REPORT', DATA_SHARING: 'DATA_SHARING' };
const LABEL: Record<CloseOutItemName, string> = { REPORT: 'R1: the result report', DATA_SHARING: 'R2: the data sharing' };

interface Event {
  at: number;
  /** Ties at the same instant: R5 before the overdue notice it explains. */
  order: number;
  run: () => Promise<void>;
  /** H2: what the timer waiting for it is, as the Temporal UI shows it. */
  summary?: string;
}

/**
 * Close-out (R1–R5, T2, N): the result report and the data sharing, each due on the
 * R1/R2 date, reminded 14 and 3 days before, overdue from the day after (repeated weekly,
 * operators told), and R5 when the report is missing at its due date.
 *
 * It is tracked from allocation on (`watch`), not only after the end: a 31 December end
 * is due on 30 November, while the machines are still in use, so reminders, hand-ins and
 * R5 (which then reclaims the resources still held) happen during operation. `run(end)`
 * takes over when support ends and completes the workflow once both are accepted.
 */
export function closeOutPhase(ctx: ApplicationContext) {
  const { state, input } = ctx;
  const missing = missingReportPolicy(ctx); // R5: the call's consequence, or an operator's for this case
  // Getters, so the query and the mirror never show due dates or openness older than the
  // status beside them (the due dates move with an early end, T2).
  const view: CloseOutView = {
    get reportDue() {
      return state.deadlines.reportDue;
    },
    get dataSharingDue() {
      return state.deadlines.dataSharingDue;
    },
    get open() {
      return isOpen();
    },
    get missingReport() {
      return missing.view();
    },
    report: { status: 'DUE', returns: [] },
    dataSharing: { status: 'DUE', returns: [] },
  };
  let watching = false;
  let stopped = false;
  /** Support has ended and the end was announced (set by run). */
  let ended = false;
  let completing = false;
  let changed = 0;
  let version = 0;
  let tracking: Promise<void> | undefined;
  /** Reminders and R5 checks already handled, by key. */
  const done = new Set<string>();
  /** The last overdue week notified, per due date. */
  const overdueWeek = new Map<IsoDate, number>();
  /** R5 taken for a due date; the restriction waits until a reclaim has ended support. */
  let r5: { dueOn: IsoDate; reclaimed: boolean; restrict: boolean; restricted: boolean; reason: string } | undefined;

  const itemOf = (name: CloseOutItemName): CloseOutItem<unknown> => (name === 'REPORT' ? view.report : view.dataSharing);
  const dueOf = (name: CloseOutItemName) => (name === 'REPORT' ? view.reportDue : view.dataSharingDue);
  const outstanding = (i: CloseOutItem<unknown>) => i.status === 'DUE' || i.status === 'RETURNED';
  const bothAccepted = () => CLOSE_OUT_ITEMS.every((n) => itemOf(n).status === 'ACCEPTED');

  function isOpen(): boolean {
    if (!watching || completing || state.status === 'COMPLETED') return false;
    if (state.status === 'CLOSE_OUT') return true;
    // R1: a December end is due on 30 November, before the end: hand-ins open with the support period.
    return hasStatus(SUPPORT_RUNNING_STATUSES, state.status) && compareDates(state.deadlines.reportDue, state.deadlines.supportEnd) <= 0;
  }

  /** One close-out step at a time, so its records and e-mails keep their order. */
  let locked = false;
  async function exclusive<T>(f: () => Promise<T>): Promise<T> {
    await condition(() => !locked);
    locked = true;
    try {
      return await f();
    } finally {
      locked = false;
    }
  }

  /** Mirrors the close-out into its row (operators' overdue listing); the timeline only when final. */
  async function persist(final = false, audit?: AuditEntry) {
    changed++;
    await activities.recordCloseOut({
      applicationId: input.applicationId,
      callId: input.callId,
      version: ++version,
      closeOut: view,
      supportEndedOn: state.supportEnd?.endedOn,
      ...(final ? { final: { status: state.status, timeline: state.timeline } } : {}),
      // S4: an operator's decision is audited in the transaction that stores it (an argument, not a command).
      ...(audit ? { audit } : {}),
    });
  }

  function assertCanSubmit(name: CloseOutItemName) {
    if (!isOpen()) {
      refuseState(`${LABEL[name]} can be handed in once the close-out is open (status is ${state.status}; due ${dueOf(name)})`);
    }
    const item = itemOf(name);
    if (item.status === 'ACCEPTED') refuseState(`${LABEL[name]} was already accepted`);
    if (item.status === 'SUBMITTED') refuseState(`${LABEL[name]} is waiting for the operators' review`);
  }

  setHandler(
    submitResultReportUpdate,
    (report) =>
      exclusive(async () => {
        const round = (view.report.submission?.round ?? 0) + 1;
        view.report.status = 'SUBMITTED';
        view.report.submission = { ...report, submittedOn: today(), round };
        await ctx.record('RESULT_REPORT_SUBMITTED', {
          round,
          outcomes: report.outcomes.map((o) => `${o.category}:${o.count}`),
          evidence: report.evidence.map((e) => e.name),
        });
        await persist();
        return view;
      }),
    {
      validator: (report) => {
        assertCanSubmit('REPORT');
        const broken = resultReportViolations(report.outcomes);
        refuseViolations(broken);
        if (report.evidence.length === 0) refuseRule('R1', 'R1: the result report comes with evidence files');
      },
    },
  );

  setHandler(
    submitDataSharingUpdate,
    (sharing) =>
      exclusive(async () => {
        const round = (view.dataSharing.submission?.round ?? 0) + 1;
        view.dataSharing.status = 'SUBMITTED';
        view.dataSharing.submission = { ...sharing, submittedOn: today(), round };
        await ctx.record('DATA_SHARING_SUBMITTED', {
          round,
          registrationType: sharing.registrationType,
          portalReference: sharing.portalReference,
        });
        await persist();
        return view;
      }),
    {
      validator: (sharing) => {
        assertCanSubmit('DATA_SHARING');
        const broken = dataSharingViolations(sharing);
        refuseViolations(broken);
      },
    },
  );

  setHandler(
    reviewCloseOutUpdate,
    (d) =>
      exclusive(async () => {
        const item = itemOf(d.item);
        const round = item.submission?.round ?? 0;
        if (d.decision === 'ACCEPT') {
          item.status = 'ACCEPTED';
          item.accepted = { on: today(), actor: d.actor, ...(d.reason ? { note: d.reason } : {}) };
          await ctx.record(`${EVENT_PREFIX[d.item]}_ACCEPTED`, { round, actor: d.actor });
          await persist(false, d.audit);
          // The acceptance that completes the close-out is announced by the completion notice.
          if (!(bothAccepted() && ended)) {
            await ctx.notify('CLOSE_OUT_ACCEPTED', { item: d.item, note: d.reason, ...pendingOther(d.item) }, d.item);
          }
        } else {
          item.status = 'RETURNED';
          item.returns.push({ on: today(), round, reason: d.reason!, actor: d.actor });
          await ctx.record(`${EVENT_PREFIX[d.item]}_RETURNED`, { round, reason: d.reason, actor: d.actor });
          await persist(false, d.audit);
          await ctx.notify('CLOSE_OUT_RETURNED', { item: d.item, reason: d.reason, dueOn: dueOf(d.item) }, `${d.item}:${round}`);
        }
        return view;
      }),
    {
      validator: (d: CloseOutDecision) => {
        const item = itemOf(d.item);
        if (!watching || item.status !== 'SUBMITTED') {
          refuseState(`${LABEL[d.item]} has nothing to review (it is ${watching ? item.status : `not due yet: status ${state.status}`})`);
        }
        if (d.decision === 'RETURN' && !d.reason?.trim()) refuseState('a return needs a reason for the applicant');
      },
    },
  );

  function pendingOther(name: CloseOutItemName) {
    const other: CloseOutItemName = name === 'REPORT' ? 'DATA_SHARING' : 'REPORT';
    return { other, otherStatus: itemOf(other).status, otherDueOn: dueOf(other) };
  }

  // ---- reminders, overdue notices and R5, planned from the current due dates ----

  function nextEvent(): Event | undefined {
    if (r5 && r5.restrict && !r5.restricted) {
      // R5 takes effect once a reclaim it asked for has ended support (the operation phase ends it).
      return !r5.reclaimed || ended ? { at: now(), order: 0, run: restrict, summary: 'R5: restrict the organisation' } : undefined;
    }
    const t = now();
    const events: Event[] = [];
    const byDue = new Map<IsoDate, CloseOutItemName[]>();
    for (const n of CLOSE_OUT_ITEMS) byDue.set(dueOf(n), [...(byDue.get(dueOf(n)) ?? []), n]);
    for (const [due, names] of byDue) {
      const open = names.filter((n) => outstanding(itemOf(n)));
      if (open.length > 0) {
        for (const days of REMINDER_DAYS_BEFORE) {
          const day = addDays(due, -days);
          const key = `REMIND:${due}:${days}`;
          // A reminder whose day has passed (e.g. a late allocation) is not sent late.
          if (!done.has(key) && t <= endOfDayKst(day)) {
            events.push({
              at: startOfDayKst(day) + AFTER_MIDNIGHT_CHECKS_MS,
              order: 2,
              run: () => remind(due, days, key),
              summary: `close-out reminder ${day} (${days} days before ${due})`,
            });
          }
        }
        const week = (overdueWeek.get(due) ?? -1) + 1;
        events.push({
          at: startOfDayKst(addDays(due, 1 + OVERDUE_REPEAT_DAYS * week)) + AFTER_MIDNIGHT_CHECKS_MS,
          order: 1,
          run: () => overdue(due),
          summary: `close-out overdue notice (due ${due}, week ${week + 1})`,
        });
      }
      // R5 looks at the report at the end of its due date, even when it is waiting for review then.
      if (names.includes('REPORT') && view.report.status !== 'ACCEPTED' && !done.has(`R5:${due}`)) {
        events.push({
          at: startOfDayKst(addDays(due, 1)) + AFTER_MIDNIGHT_CHECKS_MS,
          order: 0,
          run: () => missedReport(due),
          summary: `R5: result report check (due ${due})`,
        });
      }
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    return events[0];
  }

  async function remind(due: IsoDate, days: number, key: string) {
    done.add(key);
    const items = CLOSE_OUT_ITEMS.filter((n) => dueOf(n) === due && outstanding(itemOf(n)));
    if (items.length > 0) await ctx.notify('CLOSE_OUT_REMINDER', { dueOn: due, daysBefore: days, items }, `${due}:${days}`);
  }

  async function overdue(due: IsoDate) {
    const week = Math.floor(daysBetween(addDays(due, 1), today()) / OVERDUE_REPEAT_DAYS);
    overdueWeek.set(due, week);
    const items = CLOSE_OUT_ITEMS.filter((n) => dueOf(n) === due && outstanding(itemOf(n)));
    if (items.length === 0) return;
    const restricted = view.restriction !== undefined;
    if (week === 0) await ctx.record('CLOSE_OUT_OVERDUE', { dueOn: due, items });
    await ctx.notify('CLOSE_OUT_OVERDUE', { dueOn: due, items, week, restricted }, `${due}:${week}`);
    if (!done.has(`OPS:${due}`)) {
      // N: the operators hear of every overdue close-out once; GET /close-outs?overdue=true lists it until done.
      done.add(`OPS:${due}`);
      await ctx.notifyOperators('CLOSE_OUT_OVERDUE_OPERATORS', { dueOn: due, items, restricted, status: state.status }, due);
    }
  }

  /** R5: the report is missing at the end of its due date. */
  async function missedReport(due: IsoDate) {
    done.add(`R5:${due}`);
    if (!outstanding(view.report)) return;
    const acts = missing.take(); // R5: reclaim, restrict or both, as the call or the operator said
    const holding = hasStatus(SUPPORT_RUNNING_STATUSES, state.status) && !ended && acts.reclaim;
    const reason = `R5: the result report was not received by ${due}`;
    r5 = { dueOn: due, reclaimed: holding, restrict: acts.restrict, restricted: false, reason };
    if (holding) {
      // The resources still held are reclaimed: support ends with the missed due date, which
      // stays the due date (domain closeOutDue) instead of moving a month on from the reclaim.
      ctx.facts.closeOutDue = due;
      ctx.supportEndRequest = { endedOn: due, reason: 'RECLAIMED', detail: reason };
    }
    changed++;
  }

  async function restrict() {
    const r = r5!;
    const { restrictionId } = await activities.restrictOrganisation({
      key: `${input.applicationId}:R5:${r.dueOn}`,
      applicationId: input.applicationId,
      rule: 'R5',
      reason: r.reason,
    });
    r.restricted = true;
    view.restriction = { rule: 'R5', on: today(), dueOn: r.dueOn, reclaimed: r.reclaimed, reason: r.reason };
    await ctx.record('RESTRICTED', { rule: 'R5', dueOn: r.dueOn, reclaimed: r.reclaimed, restrictionId });
    await persist();
    await ctx.notify('CLOSE_OUT_RESTRICTED', { dueOn: r.dueOn, reclaimed: r.reclaimed, endedOn: state.supportEnd?.endedOn }, r.dueOn);
  }

  async function track(): Promise<void> {
    await condition(() => state.allocation !== undefined || stopped);
    if (stopped) return;
    watching = true;
    state.closeOut = view;
    await exclusive(() => persist());
    for (;;) {
      if (completing || stopped) return;
      const seen = changed;
      const next = nextEvent();
      const woke = () => changed !== seen || completing || stopped;
      if (!next) {
        await condition(woke);
        continue;
      }
      const wait = next.at - now();
      if (wait > 0 && (await condition(woke, wait, { summary: next.summary ?? 'close-out: next due date' }))) continue;
      await exclusive(async () => {
        if (!completing) await next.run();
      });
    }
  }

  /** From allocation on (T2): due dates, reminders and R5 follow the application. */
  function watch(): void {
    tracking ??= track();
  }

  /** The support period never started (not allocated, or withdrawn before). */
  function stop(): void {
    stopped = true;
    changed++;
  }

  /** The support period ended: announce it with both due dates, then wait for both to be accepted. */
  async function run(end: SupportEnd): Promise<void> {
    watch();
    await exclusive(async () => {
      // The call's scheduled end was known from allocation on (R1: a 31 December end stays
      // due on 30 November); only an earlier end moves the due dates (Q2, withdrawal, I3).
      if (end.reason !== 'SUPPORT_END' || end.endedOn !== input.supportEndsOn) {
        ctx.facts.endedOn = end.endedOn;
        ctx.facts.endRecordedOn = end.recordedOn;
      }
      state.supportEnd = end;
      await ctx.transition('CLOSE_OUT', 'SUPPORT_ENDED', { ...end });
      await persist();
      await ctx.notify(
        'CLOSE_OUT_SUPPORT_ENDED',
        {
          ...end,
          reportDue: view.reportDue,
          dataSharingDue: view.dataSharingDue,
          report: view.report.status,
          dataSharing: view.dataSharing.status,
        },
        end.endedOn,
      );
      ended = true;
      changed++;
    });
    await condition(bothAccepted);
    completing = true;
    changed++;
    await tracking;
    await exclusive(async () => {
      view.completedOn = today();
      await ctx.transition('COMPLETED', 'COMPLETED', { reportAccepted: view.report.accepted?.on, dataSharingAccepted: view.dataSharing.accepted?.on });
      await persist(true);
      await ctx.notify('CLOSE_OUT_COMPLETED', { restricted: view.restriction !== undefined });
    });
    // An Update that accepted the last item returns only after its own records are written.
    await condition(allHandlersFinished);
  }

  return { watch, stop, run };
}
