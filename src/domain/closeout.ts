/**
 * Close-out due dates (R1, R2, I3).
 *
 * R1: the result report is due within one month after the end of use (T1: same day of the
 *     next month, clamped); where the end is in December it is due by 30 November of
 *     that year.
 * R2: data sharing is due on the same rule, December exception included, unless the call
 *     sets `dataSharingDecemberException: false` (the seed states the exception for the
 *     report only): then one month after the end, whatever the month.
 * I3: a December end whose 30 November has already passed when the end is recorded (an
 *     early end in December) gets 14 days after the end.
 */
import { addDays, addMonthsClamped, compareDates, IsoDate, lastDayOfMonth } from './dates';

/** I3: days given after a December end recorded after its 30 November. */
export const DECEMBER_LATE_RECORD_DAYS = 14;

/**
 * R1/R2/I3: the due date of the result report and of data sharing.
 *
 * `recordedOn` is the day the end became known: for the call's scheduled support end,
 * the day the support period started (allocation) — not the end itself, or every
 * 31 December end would fall under I3; for an early end (reclaim, withdrawal,
 * restriction), the day it was recorded.
 */
export function closeOutDueDate(supportEnd: IsoDate, recordedOn: IsoDate): IsoDate {
  if (supportEnd.slice(5, 7) === '12') {
    const november30 = `${supportEnd.slice(0, 4)}-11-30`;
    // I3: 30 November already passed (strictly before the recording day: a deadline is the
    // end of its day, T1) → 14 days after the end.
    if (compareDates(november30, recordedOn) < 0) return addDays(supportEnd, DECEMBER_LATE_RECORD_DAYS);
    // R1: December end → 30 November of that year.
    return november30;
  }
  // R1 + T1: one month after the end, clamped to the last day of that month.
  return addMonthsClamped(supportEnd, 1);
}

/** R1: the result report's due date. */
export const reportDueDate = closeOutDueDate;
/** R2: the call setting's default: the design card applies the December exception to both deadlines. */
export const DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT = true;

/**
 * R2: data sharing is due on the report's rule (R1 with I3) when the call applies the
 * December exception to it (the default); with `decemberException: false` (the seed's
 * letter: "이용 종료 1개월 이내") it is due one month after the end (T1), December ends too.
 * I3 is the December exception's own remedy, so it goes with it.
 */
export function dataSharingDueDate(
  supportEnd: IsoDate,
  recordedOn: IsoDate,
  decemberException: boolean = DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT,
): IsoDate {
  return decemberException ? closeOutDueDate(supportEnd, recordedOn) : addMonthsClamped(supportEnd, 1);
}

/**
 * R5: what a missing report leads to: "자원 회수 또는 향후 이용에 제한" (reclamation of the
 * resources still held, or restriction of future use, E5). The call says which (default
 * both, as the service did before the setting); an operator may set another for one case.
 */
export const MISSING_REPORT_CONSEQUENCES = ['RECLAIM', 'RESTRICT', 'BOTH'] as const;
export type MissingReportConsequence = (typeof MISSING_REPORT_CONSEQUENCES)[number];
export const MISSING_REPORT_CONSEQUENCE_DEFAULT: MissingReportConsequence = 'BOTH';

/** R5: whether the consequence reclaims what is still held, and whether it restricts the organisation. */
export function missingReportActs(c: MissingReportConsequence | undefined): { reclaim: boolean; restrict: boolean } {
  const v = c ?? MISSING_REPORT_CONSEQUENCE_DEFAULT;
  return { reclaim: v !== 'RESTRICT', restrict: v !== 'RECLAIM' };
}

/**
 * R6: the yearly survey day of a call is written 'MM-DD' (calls.survey_on). Any day of the
 * calendar is allowed; 29 February falls on 28 February in other years (T1's clamping).
 */
export function isSurveyDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{2}-\d{2}$/.test(value)) return false;
  const month = Number(value.slice(0, 2));
  const day = Number(value.slice(3, 5));
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 ? 29 : [4, 6, 9, 11].includes(month) ? 30 : 31);
}

/** R6: the survey day of `year`, 29 February clamped to the 28th in a common year. */
export function surveyDateIn(year: number, surveyOn: string): IsoDate {
  if (!isSurveyDay(surveyOn)) throw new RangeError(`R6: not a survey day 'MM-DD': ${JSON.stringify(surveyOn)}`);
  const first = `${String(year).padStart(4, '0')}-${surveyOn.slice(0, 2)}-01`;
  return addDays(first, Math.min(Number(surveyOn.slice(3, 5)), Number(lastDayOfMonth(first).slice(8, 10))) - 1);
}

/**
 * R6: the first survey date on or after `from` and not after `until` (the call's support
 * end: there are no users to ask afterwards), or null.
 */
export function nextSurveyDate(surveyOn: string, from: IsoDate, until: IsoDate): IsoDate | null {
  const year = Number(from.slice(0, 4));
  for (const y of [year, year + 1]) {
    const d = surveyDateIn(y, surveyOn);
    if (compareDates(d, from) >= 0) return compareDates(d, until) <= 0 ? d : null;
  }
  return null;
}

/**
 * R6 (a call created without a survey day): one month before the support end, so every
 * call asks its users at least once while they still use the machines.
 */
export function defaultSurveyDay(supportEnd: IsoDate): string {
  return addMonthsClamped(supportEnd, -1).slice(5);
}
