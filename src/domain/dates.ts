/**
 * T1: dates are calendar dates in Asia/Seoul ('YYYY-MM-DD'); a deadline is the end of its
 * day (23:59:59.999 KST). "Within N days of D" is D + N days; "one month after" is the
 * same day of the next month clamped to that month's last day.
 *
 * Everything here is integer arithmetic on year/month/day (days since 1970-01-01), so it
 * never depends on the host time zone and is deterministic in the workflow sandbox.
 * KST is UTC+9 all year (no daylight saving since 1988).
 */
import { z } from 'zod';

/** 'YYYY-MM-DD', a calendar date in Asia/Seoul (T1). */
export type IsoDate = string;
/** 'YYYY-MM'. */
export type IsoMonth = string;
/** 'YYYY-Qn'. */
export type IsoQuarter = string;

export const MS_PER_DAY = 86_400_000;
/** T1: Korea Standard Time is UTC+9, no DST. */
export const KST_OFFSET_MS = 9 * 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

interface Ymd { y: number; m: number; d: number }

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonthOf(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function format({ y, m, d }: Ymd): IsoDate {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** T1: true for a real calendar date written 'YYYY-MM-DD' (years 0001–9999). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonthOf(y, mo);
}

export function isIsoMonth(value: unknown): value is IsoMonth {
  if (typeof value !== 'string') return false;
  const m = MONTH_RE.exec(value);
  return m !== null && Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** zod schema for request bodies: a T1 calendar date. */
export const isoDateSchema = z.string().refine(isIsoDate, { error: "T1: expected a calendar date 'YYYY-MM-DD'" });
export const isoMonthSchema = z.string().refine(isIsoMonth, { error: "T1: expected a month 'YYYY-MM'" });

function parse(d: IsoDate): Ymd {
  if (!isIsoDate(d)) throw new RangeError(`T1: not a calendar date 'YYYY-MM-DD': ${JSON.stringify(d)}`);
  return { y: Number(d.slice(0, 4)), m: Number(d.slice(5, 7)), d: Number(d.slice(8, 10)) };
}

function parseMonth(month: IsoMonth): { y: number; m: number } {
  if (!isIsoMonth(month)) throw new RangeError(`T1: not a month 'YYYY-MM': ${JSON.stringify(month)}`);
  return { y: Number(month.slice(0, 4)), m: Number(month.slice(5, 7)) };
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
function toDayNumber({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDayNumber(n: number): Ymd {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function checkedFormat(ymd: Ymd): IsoDate {
  if (ymd.y < 1 || ymd.y > 9999) throw new RangeError(`T1: date out of range (year ${ymd.y})`);
  return format(ymd);
}

/** Days since 1970-01-01 (negative before). */
export function dayNumber(d: IsoDate): number {
  return toDayNumber(parse(d));
}

export function fromDayNumberToDate(n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`T1: day number must be an integer: ${n}`);
  return checkedFormat(fromDayNumber(n));
}

/** T1: "within N days of D" is D + N days. */
export function addDays(d: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`T1: days must be an integer: ${n}`);
  return checkedFormat(fromDayNumber(toDayNumber(parse(d)) + n));
}

/** T1: the same day N months later, clamped to that month's last day (31 Jan + 1 → 28/29 Feb). */
export function addMonthsClamped(d: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`T1: months must be an integer: ${n}`);
  const { y, m, d: day } = parse(d);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return checkedFormat({ y: ty, m: tm, d: Math.min(day, daysInMonthOf(ty, tm)) });
}

export function lastDayOfMonth(d: IsoDate): IsoDate {
  const { y, m } = parse(d);
  return format({ y, m, d: daysInMonthOf(y, m) });
}

export function firstDayOfMonth(d: IsoDate): IsoDate {
  const { y, m } = parse(d);
  return format({ y, m, d: 1 });
}

export function firstDayOfNextMonth(d: IsoDate): IsoDate {
  const { y, m } = parse(d);
  return m === 12 ? checkedFormat({ y: y + 1, m: 1, d: 1 }) : format({ y, m: m + 1, d: 1 });
}

/** Whole days from `a` to `b` (b − a): daysBetween('2024-03-01', '2024-03-22') = 21. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(parse(b)) - toDayNumber(parse(a));
}

/** -1, 0 or 1, usable as a sort comparator. */
export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** The latest of the dates given. */
export function maxDate(first: IsoDate, ...rest: IsoDate[]): IsoDate {
  parse(first);
  return rest.reduce((acc, d) => (compareDates(d, acc) > 0 ? d : acc), first);
}

/** The earliest of the dates given. */
export function minDate(first: IsoDate, ...rest: IsoDate[]): IsoDate {
  parse(first);
  return rest.reduce((acc, d) => (compareDates(d, acc) < 0 ? d : acc), first);
}

/** T1: the Seoul calendar date of an instant (epoch milliseconds). */
export function kstDateOf(instantMs: number): IsoDate {
  if (!Number.isFinite(instantMs)) throw new RangeError(`T1: not an instant: ${instantMs}`);
  return checkedFormat(fromDayNumber(Math.floor((instantMs + KST_OFFSET_MS) / MS_PER_DAY)));
}

/** T1: epoch ms of 00:00:00.000 KST on `d`. */
export function startOfDayKst(d: IsoDate): number {
  return toDayNumber(parse(d)) * MS_PER_DAY - KST_OFFSET_MS;
}

/** T1: a deadline is the end of its day: epoch ms of 23:59:59.999 KST on `d`. */
export function endOfDayKst(d: IsoDate): number {
  return startOfDayKst(d) + MS_PER_DAY - 1;
}

/** 1–4. */
export function quarterNumber(d: IsoDate): 1 | 2 | 3 | 4 {
  return (Math.floor((parse(d).m - 1) / 3) + 1) as 1 | 2 | 3 | 4;
}

/** 'YYYY-Qn' of the date, e.g. '2024-Q2' for 2024-05-10. */
export function quarterOf(d: IsoDate): IsoQuarter {
  return `${d.slice(0, 4)}-Q${quarterNumber(d)}`;
}

/** 31 March, 30 June, 30 September or 31 December of the date's year. */
export function lastDayOfQuarter(d: IsoDate): IsoDate {
  const { y } = parse(d);
  const m = quarterNumber(d) * 3;
  return format({ y, m, d: daysInMonthOf(y, m) });
}

export function firstDayOfQuarter(d: IsoDate): IsoDate {
  const { y } = parse(d);
  return format({ y, m: (quarterNumber(d) - 1) * 3 + 1, d: 1 });
}

/** 'YYYY-MM'. */
export function monthOf(d: IsoDate): IsoMonth {
  parse(d);
  return d.slice(0, 7);
}

/** Number of days in a month ('2024-02' → 29). */
export function daysInMonth(month: IsoMonth): number {
  const { y, m } = parseMonth(month);
  return daysInMonthOf(y, m);
}

/** Every date of a month in order ('2024-02' → 2024-02-01 … 2024-02-29). */
export function daysOfMonth(month: IsoMonth): IsoDate[] {
  const { y, m } = parseMonth(month);
  const days: IsoDate[] = [];
  for (let d = 1; d <= daysInMonthOf(y, m); d++) days.push(format({ y, m, d }));
  return days;
}

/** The month before ('2024-01' → '2023-12'). */
export function previousMonth(month: IsoMonth): IsoMonth {
  const { y, m } = parseMonth(month);
  return m === 1 ? `${pad(y - 1, 4)}-12` : `${pad(y, 4)}-${pad(m - 1, 2)}`;
}

export function firstDayOfIsoMonth(month: IsoMonth): IsoDate {
  parseMonth(month);
  return `${month}-01`;
}

export function lastDayOfIsoMonth(month: IsoMonth): IsoDate {
  return lastDayOfMonth(firstDayOfIsoMonth(month));
}

const WEEKDAYS_KO = ['일', '월', '화', '수', '목', '금', '토'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekday = (d: IsoDate) => (dayNumber(d) % 7 + 7 + 4) % 7; // 1970-01-01 was a Thursday

/** N2/T1: a day as notices write it, "2027년 1월 2일(토)" / "Sat 2 January 2027". */
export function formatDayKo(d: IsoDate): string {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return `${y}년 ${m}월 ${day}일(${WEEKDAYS_KO[weekday(d)]})`;
}
/** English: the ISO date with its weekday, "2027-01-02 (Sat)", unambiguous for any reader. */
export function formatDayEn(d: IsoDate): string {
  return `${d} (${WEEKDAYS_EN[weekday(d)]})`;
}

/** N2/T1: a deadline is the end of its day in Seoul: "2027년 1월 2일(토) 23:59 (KST)". */
export const formatDeadlineKo = (d: IsoDate) => `${formatDayKo(d)} 23:59 (KST)`;
export const formatDeadlineEn = (d: IsoDate) => `${formatDayEn(d)} 23:59 KST`;

/** N2: an instant (a receipt's) in Seoul, "2026년 12월 1일(화) 14:05 (KST)". */
export function formatInstantKo(ms: number): string {
  const local = new Date(ms + KST_OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${formatDayKo(kstDateOf(ms))} ${hh}:${mm} (KST)`;
}
export function formatInstantEn(ms: number): string {
  const local = new Date(ms + KST_OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${formatDayEn(kstDateOf(ms))} ${hh}:${mm} KST`;
}
