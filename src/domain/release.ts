/**
 * V9: a selected application that is not allocated within 30 days of its result
 * (configurable per call) is released; the operators are warned 7 days before. T1: the
 * release happens at the end of the release day (23:59:59 KST), the warning on the morning
 * of the seventh day before.
 */
import { addDays, type IsoDate } from './dates';

export const SELECTION_RELEASE_DAYS = 30;
export const RELEASE_WARNING_DAYS_BEFORE = 7;

export function selectionReleaseDates(resultOn: IsoDate, releaseDays: number = SELECTION_RELEASE_DAYS): { warnOn: IsoDate; releaseOn: IsoDate } {
  const releaseOn = addDays(resultOn, releaseDays);
  return { releaseOn, warnOn: addDays(releaseOn, -RELEASE_WARNING_DAYS_BEFORE) };
}
