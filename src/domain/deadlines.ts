/**
 * Deadlines of calls, batches and applications (T1, T2, V2, O2, C2, C3, I5, N).
 * T1: a deadline is a Seoul calendar date and lasts until the end of that day.
 */
import { Pool } from './catalog';
import { closeOutDueDate, dataSharingDueDate } from './closeout';
import {
  addDays, compareDates, daysBetween, firstDayOfNextMonth, firstDayOfQuarter, IsoDate, lastDayOfQuarter, maxDate, minDate,
} from './dates';
import { nextQuarterlyReview } from './quarters';
import { violation, Violation } from './rules';

/** V2: the committee evaluates within 14 days of the batch cutoff. */
export const REVIEW_DAYS = 14;
/** V2: results are notified within 21 days of the batch cutoff. */
export const NOTIFICATION_DAYS = 21;
/** O2/A3: environment setup lasts at most 2 weeks after allocation. */
export const SETUP_GRACE_DAYS = 14;
/** O2/N: the applicant is reminded this many days before the setup period ends. */
export const SETUP_REMINDER_DAYS_BEFORE = 3;
/** I5: a supplement request gives 7 days by default (configurable). */
export const SUPPLEMENT_DAYS = 7;
/** N/I5: the supplement reminder goes this many days before the supplement is due. */
export const SUPPLEMENT_REMINDER_DAYS_BEFORE = 3;
/** C3: early close needs notice at least 21 days before the new close date. */
export const EARLY_CLOSE_NOTICE_DAYS = 21;
/** N: applicants are reminded 14 and 3 days before each due date. */
export const REMINDER_DAYS_BEFORE = [14, 3] as const;
/** N: operators are warned 3 days before an evaluation or notification deadline. */
export const AT_RISK_DAYS_BEFORE = 3;

/** V2: the review and notification deadlines of a batch. */
export function batchDeadlines(cutoff: IsoDate): { reviewDue: IsoDate; notificationDue: IsoDate } {
  return { reviewDue: addDays(cutoff, REVIEW_DAYS), notificationDue: addDays(cutoff, NOTIFICATION_DAYS) };
}

/** O2: setup ends at the latest 14 days after allocation. */
export function setupEndDate(allocatedOn: IsoDate): IsoDate {
  return addDays(allocatedOn, SETUP_GRACE_DAYS);
}

/** O2: the effective setup end: the reported "setup done" day when earlier than the 14-day limit. */
export function effectiveSetupEnd(allocatedOn: IsoDate, setupDoneOn?: IsoDate | null): IsoDate {
  const limit = setupEndDate(allocatedOn);
  return setupDoneOn ? minDate(limit, maxDate(setupDoneOn, allocatedOn)) : limit;
}

/** I5: the day a supplement is due. */
export function supplementDueDate(requestedOn: IsoDate, days: number = SUPPLEMENT_DAYS): IsoDate {
  return addDays(requestedOn, days);
}

/** V2: the first cutoff on or after the day the documents were accepted, or null (waits for one). */
export function batchFor(acceptedOn: IsoDate, cutoffs: readonly IsoDate[]): IsoDate | null {
  let best: IsoDate | null = null;
  for (const c of cutoffs) {
    if (compareDates(c, acceptedOn) >= 0 && (best === null || compareDates(c, best) < 0)) best = c;
  }
  return best;
}

/** C2: the cutoff a quarter gets when it would end with waiting applications: its last day. */
export function nextQuarterCutoff(d: IsoDate): IsoDate {
  return lastDayOfQuarter(d);
}

/**
 * V2/C2/H2: the batch cutoff an application waiting for one (under review, supplement,
 * documents complete) can expect: the call's earliest open cutoff on or after today
 * (V2), or the quarter's last day when that comes first (C2 makes it a cutoff while
 * applications wait), within the support period; null when none is left.
 */
export function expectedBatchCutoff(openCutoff: IsoDate | null | undefined, today: IsoDate, supportEnd: IsoDate): IsoDate | null {
  const candidates = [openCutoff, nextQuarterCutoff(today)].filter(
    (c): c is IsoDate => !!c && compareDates(c, today) >= 0 && compareDates(c, supportEnd) <= 0,
  );
  return candidates.length ? minDate(candidates[0]!, ...candidates.slice(1)) : null;
}

/**
 * C2: the cutoff to add for the quarter of `day`: its last day when applications are
 * waiting and the quarter has no cutoff in it; null otherwise.
 */
export function quarterCutoffToAdd(day: IsoDate, cutoffs: readonly IsoDate[], applicationsWaiting: boolean): IsoDate | null {
  if (!applicationsWaiting) return null;
  const first = firstDayOfQuarter(day);
  const last = lastDayOfQuarter(day);
  const hasOne = cutoffs.some((c) => compareDates(c, first) >= 0 && compareDates(c, last) <= 0);
  return hasOne ? null : last;
}

/**
 * C2: why a batch cutoff cannot be added (undefined when it can): not in the past, not after
 * the support end, not twice. The call workflow's validator and POST /calls (which checks
 * every initial cutoff before it writes anything, S5) both ask this.
 */
export function cutoffProblem(cutoff: IsoDate, today: IsoDate, supportEndsOn: IsoDate, existing: readonly IsoDate[]): string | undefined {
  if (compareDates(cutoff, today) < 0) return `C2: cutoff ${cutoff} is in the past`;
  if (compareDates(cutoff, supportEndsOn) > 0) return `C2: cutoff ${cutoff} is after the support end ${supportEndsOn}`;
  if (existing.includes(cutoff)) return `C2: a batch with cutoff ${cutoff} exists`;
  return undefined;
}

/** C3: notice at least 21 days before the new close date (20 days → refused, 21 → allowed). */
export function earlyCloseAllowed(noticeOn: IsoDate, closeOn: IsoDate): boolean {
  return daysBetween(noticeOn, closeOn) >= EARLY_CLOSE_NOTICE_DAYS;
}

/** C3: why an early close is refused; empty when allowed. */
export function earlyCloseViolations(noticeOn: IsoDate, closeOn: IsoDate, currentCloseOn?: IsoDate | null): Violation[] {
  const out: Violation[] = [];
  if (!earlyCloseAllowed(noticeOn, closeOn)) {
    out.push(violation('C3', `early close needs notice at least ${EARLY_CLOSE_NOTICE_DAYS} days before the close date: the earliest close date for notice on ${noticeOn} is ${addDays(noticeOn, EARLY_CLOSE_NOTICE_DAYS)}`, 'closeOn'));
  }
  if (currentCloseOn && compareDates(closeOn, currentCloseOn) >= 0) {
    out.push(violation('C3', `an early close must come before the current close date ${currentCloseOn}`, 'closeOn'));
  }
  return out;
}

/**
 * C1/C3: the intake is open from the announcement through the close date (if any), and
 * never after the support end: an application accepted then could never be evaluated,
 * allocated or supported (its call workflow has finished), so a call whose support period
 * is over is closed for intake even when it has no close date (a rolling call).
 */
export function intakeViolations(
  call: { announcedOn: IsoDate; closesOn?: IsoDate | null; supportEndsOn?: IsoDate },
  today: IsoDate,
): Violation[] {
  if (compareDates(today, call.announcedOn) < 0) {
    return [violation('C1', `the call opens on ${call.announcedOn}; no application is accepted before the announcement`)];
  }
  if (call.supportEndsOn && compareDates(today, call.supportEndsOn) > 0) {
    return [violation('C1', `the call's support period ended on ${call.supportEndsOn}; no application is accepted`)];
  }
  if (call.closesOn && compareDates(today, call.closesOn) > 0) {
    return [violation('C3', `the call closed on ${call.closesOn}; no application is accepted after the close date`)];
  }
  return [];
}

/** T1: past the end of the due day. */
export function isOverdue(due: IsoDate, today: IsoDate): boolean {
  return compareDates(today, due) > 0;
}

/** N: the days applicants are reminded of a due date (14 and 3 days before). */
export function reminderDates(due: IsoDate): IsoDate[] {
  return REMINDER_DAYS_BEFORE.map((n) => addDays(due, -n));
}

export interface ApplicationFacts {
  /** V2: the cutoff of the batch the application joined. */
  batchCutoff?: IsoDate | null;
  /** O1: the day the resource was allocated. */
  allocatedOn?: IsoDate | null;
  /** O2: the day the applicant reported setup done. */
  setupDoneOn?: IsoDate | null;
  /** C1/O1: the call's support end. */
  supportEnd: IsoDate;
  /** Q2/Q3/withdrawal: an earlier end of support. */
  endedOn?: IsoDate | null;
  /** I3: the day the earlier end was recorded (defaults to `endedOn`). */
  endRecordedOn?: IsoDate | null;
  /** I5: the due date of an open supplement request, passed through. */
  supplementDue?: IsoDate | null;
  /**
   * R5: the due date a reclaim for a missing report enforced. That reclaim ends support
   * early, but the report and data sharing stay due on the day that was missed instead of
   * getting a new month from the reclaim (which would reward the missing report).
   */
  closeOutDue?: IsoDate | null;
  /** T2/O4: the monthly check that ran last: the next one is the 1st after it, never it again. */
  utilisationCheckedOn?: IsoDate | null;
  /**
   * R2: the call's `dataSharingDecemberException` (absent: true, the default). False:
   * data sharing is due one month after the end even for a December end.
   */
  dataSharingDecemberException?: boolean;
  pool: Pool;
  today: IsoDate;
}

export interface ApplicationDeadlines {
  /** I5: an open supplement request. */
  supplementDue?: IsoDate;
  reviewDue?: IsoDate;
  notificationDue?: IsoDate;
  setupEnd?: IsoDate;
  nextUtilisationCheck?: IsoDate;
  nextQuarterlyReview?: IsoDate;
  /** The end of support: the earlier end when there is one, else the call's support end. */
  supportEnd: IsoDate;
  reportDue: IsoDate;
  dataSharingDue: IsoDate;
}

export type DeadlineName = keyof ApplicationDeadlines;

/** T2: the deadline fields in display order. */
export const DEADLINE_NAMES: readonly DeadlineName[] = [
  'supplementDue', 'reviewDue', 'notificationDue', 'setupEnd', 'nextUtilisationCheck', 'nextQuarterlyReview', 'supportEnd', 'reportDue', 'dataSharingDue',
];

/**
 * T2: every deadline of an application known from the facts so far.
 * - supplementDue (I5) when a supplement request is open (passed through);
 * - reviewDue / notificationDue (V2) once in a batch;
 * - setupEnd (O2) once allocated: 14 days after allocation, earlier if setup was reported done;
 * - nextUtilisationCheck (O4, dedicated only): the next 1st of a month, on or after today,
 *   whose previous month has operation days (after setup), while support still runs;
 * - nextQuarterlyReview (Q1/I2) once allocated: the next review date not skipped;
 * - supportEnd, reportDue, dataSharingDue (R1/R2/I3): for the scheduled end, the end is
 *   taken as recorded on the allocation day (or today before allocation); for an earlier
 *   end, on `endRecordedOn` (default `endedOn`).
 */
export function applicationDeadlines(facts: ApplicationFacts): ApplicationDeadlines {
  const { today, pool } = facts;
  const end = facts.endedOn ?? facts.supportEnd;
  const recordedOn = facts.endedOn ? (facts.endRecordedOn ?? facts.endedOn) : (facts.allocatedOn ?? today);
  const due = facts.closeOutDue ?? closeOutDueDate(end, recordedOn);
  // R2: on the report's rule (and R5's held due date) unless the call turned the December
  // exception off for data sharing; then one month after the end, a reclaim's end included.
  const dataSharingDue = facts.dataSharingDecemberException === false ? dataSharingDueDate(end, recordedOn, false) : due;
  const out: ApplicationDeadlines = { supportEnd: end, reportDue: due, dataSharingDue };

  if (facts.supplementDue) out.supplementDue = facts.supplementDue;
  if (facts.batchCutoff) {
    const b = batchDeadlines(facts.batchCutoff);
    out.reviewDue = b.reviewDue;
    out.notificationDue = b.notificationDue;
  }
  if (facts.allocatedOn) {
    const setupEnd = effectiveSetupEnd(facts.allocatedOn, facts.setupDoneOn);
    out.setupEnd = setupEnd;
    if (pool === 'DEDICATED') {
      const firstCheck = firstDayOfNextMonth(addDays(setupEnd, 1));
      const fromToday = today.endsWith('-01') ? today : firstDayOfNextMonth(today);
      let check = maxDate(firstCheck, fromToday);
      // T2: on the day a check ran, the next check is next month's, not the one just done.
      if (facts.utilisationCheckedOn && compareDates(check, facts.utilisationCheckedOn) <= 0) {
        check = firstDayOfNextMonth(facts.utilisationCheckedOn);
      }
      if (compareDates(check, end) <= 0) out.nextUtilisationCheck = check;
    }
    const review = nextQuarterlyReview(today, setupEnd, end);
    if (review) out.nextQuarterlyReview = review;
  }
  return out;
}

/** T2/H2: the earliest deadline on or after today (ties: display order), or null. */
export function nextDeadline(
  deadlines: Partial<ApplicationDeadlines>,
  today: IsoDate,
  ignore: readonly DeadlineName[] = [],
): { name: DeadlineName; date: IsoDate } | null {
  let best: { name: DeadlineName; date: IsoDate } | null = null;
  for (const name of DEADLINE_NAMES) {
    const date = deadlines[name];
    if (!date || ignore.includes(name) || compareDates(date, today) < 0) continue;
    if (best === null || compareDates(date, best.date) < 0) best = { name, date };
  }
  return best;
}

/**
 * T2: the deadlines and the next one as of `today`, from the facts a workflow keeps (its
 * status query's `deadlineFacts`), so nothing shows a past date or a check that already ran
 * until the next event. `shown` is what the workflow showed last: its expected batch cutoff
 * (H2, V2/C2) is kept while it is still ahead and comes first.
 */
export function currentDeadlines(
  facts: Omit<ApplicationFacts, 'today'>,
  today: IsoDate,
  shown?: { name: string; date: IsoDate } | null,
): { deadlines: ApplicationDeadlines; next: { name: string; date: IsoDate } | null } {
  const deadlines = applicationDeadlines({ ...facts, today });
  const next: { name: string; date: IsoDate } | null = nextDeadline(deadlines, today);
  if (shown?.name === 'batchCutoff' && compareDates(shown.date, today) >= 0 && (!next || compareDates(shown.date, next.date) < 0)) {
    return { deadlines, next: shown };
  }
  return { deadlines, next };
}
