import { addMonthsClamped, isIsoDate, type IsoDate } from '../src/domain';

/**
 * C1/C4: the seed's call moved by whole years (`npm run seed -- --this-year`), so the
 * agency's 2024-1 call can be tried as it would run this year: every calendar date in it
 * (announcement, close date, support end, cutoffs, and any date a later field adds) moves
 * by the same number of years through the domain's date arithmetic (29 February clamps to
 * the 28th); `MM-DD` days of the year (the survey day) stay; the id's and the title's year
 * follow, so `2024-1` becomes e.g. `2026-1`.
 */
export function callMovedToYear<T extends Record<string, unknown>>(call: T, year: number): T {
  const fromYear = Number(/^(\d{4})/.exec(String(call.announcedOn))?.[1]);
  if (!Number.isInteger(fromYear)) throw new Error('C1: the call has no announcedOn date to move from');
  const years = year - fromYear;
  const moved = shiftDates(call, years) as T;
  const yearWord = new RegExp(`(?<!\\d)${fromYear}(?!\\d)`, 'g');
  return {
    ...moved,
    ...(typeof call.id === 'string' ? { id: call.id.replace(yearWord, String(year)) } : {}),
    ...(typeof call.title === 'string' ? { title: call.title.replace(yearWord, String(year)) } : {}),
  };
}

function shiftDates(value: unknown, years: number): unknown {
  if (isIsoDate(value)) return addMonthsClamped(value as IsoDate, 12 * years);
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, years));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, years)]));
  }
  return value;
}
