/**
 * Close-out due dates (R1, R2, I3).
 *
 * R1: the result report is due within one month after the end of use (T1: same day of the
 *     next month, clamped); where the end is in December it is due by 30 November of
 *     that year.
 * R2: data sharing is due on the same rule.
 * I3: a December end whose 30 November has already passed when the end is recorded (an
 *     early end in December) gets 14 days after the end.
 */
import { addDays, addMonthsClamped, compareDates, IsoDate } from './dates';

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
/** R2: data sharing is due on the same rule as the report. */
export const dataSharingDueDate = closeOutDueDate;
