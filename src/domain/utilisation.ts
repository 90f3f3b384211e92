/**
 * Monthly utilisation of the dedicated pool (O4, O5, I1).
 *
 * O4: each month the previous month's accelerator utilisation is judged, days inside
 *     environment setup excluded (O2: setup is not counted). The shared pool has no
 *     monthly checks (K2).
 * I1: thresholds are configuration: none below 1 % mean, low below 20 %; two low months
 *     in a row or one none month flag the allocation for the next quarterly decision.
 * O5: no or negligible usage during the last month → candidate for immediate exclusion.
 */
import { Pool } from './catalog';
import { compareDates, daysOfMonth, IsoDate, IsoMonth, isIsoMonth, previousMonth, monthOf } from './dates';
import { round2 } from './scoring';

export interface UtilisationThresholds {
  /** Below this mean % → NONE. */
  nonePercent: number;
  /** Below this mean % → LOW. */
  lowPercent: number;
}

/** I1 defaults. */
export const DEFAULT_UTILISATION_THRESHOLDS: UtilisationThresholds = { nonePercent: 1, lowPercent: 20 };

export type UtilisationVerdict = 'OK' | 'LOW' | 'NONE' | 'NO_DATA' | 'NOT_JUDGED';

export interface UtilisationSample {
  day: IsoDate;
  /** Mean accelerator utilisation of that day, 0–100. */
  meanPercent: number;
}

export interface MonthJudgement {
  month: IsoMonth;
  verdict: UtilisationVerdict;
  /** Mean over the counted days that have a sample, 2 decimals; null without data. */
  mean: number | null;
  /** Counted days (after setup, up to the end) that have a sample. */
  daysCounted: number;
  /** Counted days without a sample (not treated as zero). */
  daysMissing: number;
}

/** O4/K2: only the dedicated pool is managed monthly. */
export function monthlyCheckApplies(pool: Pool): boolean {
  return pool === 'DEDICATED';
}

/** O4: the check run on `checkDate` judges the month before it. */
export function monthJudgedOn(checkDate: IsoDate): IsoMonth {
  return previousMonth(monthOf(checkDate));
}

export function thresholdViolations(t: UtilisationThresholds): string[] {
  const out: string[] = [];
  if (!Number.isFinite(t.nonePercent) || t.nonePercent < 0 || t.nonePercent > 100) out.push('I1: nonePercent must be within 0..100');
  if (!Number.isFinite(t.lowPercent) || t.lowPercent < 0 || t.lowPercent > 100) out.push('I1: lowPercent must be within 0..100');
  if (t.nonePercent > t.lowPercent) out.push('I1: nonePercent must not exceed lowPercent');
  return out;
}

/**
 * O4/I1: judge one month. Counted days are the days of `month` on or after `countFrom`
 * (the first day after setup) and, when given, on or before `until` (the support end).
 * No counted day → NOT_JUDGED; counted days but no sample → NO_DATA (missing samples are
 * not zeros). Otherwise the mean of the sampled days, at 2 decimals, against the
 * thresholds: < none → NONE, < low → LOW, else OK. Several samples for one day: the last
 * one given wins (a correction). Samples outside the counted days are ignored.
 */
export function judgeMonth(input: {
  month: IsoMonth;
  samples: readonly UtilisationSample[];
  countFrom: IsoDate;
  until?: IsoDate | null;
  thresholds?: UtilisationThresholds;
}): MonthJudgement {
  const { month, samples, countFrom, until } = input;
  const thresholds = input.thresholds ?? DEFAULT_UTILISATION_THRESHOLDS;
  if (!isIsoMonth(month)) throw new RangeError(`T1: not a month 'YYYY-MM': ${JSON.stringify(month)}`);
  const bad = thresholdViolations(thresholds);
  if (bad.length > 0) throw new RangeError(bad.join('; '));

  const counted = daysOfMonth(month).filter(
    (d) => compareDates(d, countFrom) >= 0 && (until === undefined || until === null || compareDates(d, until) <= 0),
  );
  if (counted.length === 0) return { month, verdict: 'NOT_JUDGED', mean: null, daysCounted: 0, daysMissing: 0 };

  const countedSet = new Set(counted);
  const byDay = new Map<IsoDate, number>();
  for (const s of samples) {
    if (typeof s.meanPercent !== 'number' || !Number.isFinite(s.meanPercent) || s.meanPercent < 0 || s.meanPercent > 100) {
      throw new RangeError(`O4: utilisation of ${s.day} must be a percentage within 0..100, not ${String(s.meanPercent)}`);
    }
    if (countedSet.has(s.day)) byDay.set(s.day, s.meanPercent);
  }
  const daysCounted = byDay.size;
  const daysMissing = counted.length - daysCounted;
  if (daysCounted === 0) return { month, verdict: 'NO_DATA', mean: null, daysCounted: 0, daysMissing };

  let sum = 0;
  for (const v of byDay.values()) sum += v;
  const mean = round2(sum / daysCounted);
  const verdict: UtilisationVerdict = mean < thresholds.nonePercent ? 'NONE' : mean < thresholds.lowPercent ? 'LOW' : 'OK';
  return { month, verdict, mean, daysCounted, daysMissing };
}

/**
 * I1: flag the allocation for the next quarterly decision: any NONE month, or two LOW
 * months in a row. `verdicts` are consecutive months in month order: the months judged
 * since the previous quarterly review (I2). NO_DATA and NOT_JUDGED break a run of LOW
 * months (missing data is not evidence of low use).
 */
export function flagForQuarter(verdicts: readonly UtilisationVerdict[]): boolean {
  for (let i = 0; i < verdicts.length; i++) {
    if (verdicts[i] === 'NONE') return true;
    if (i > 0 && verdicts[i] === 'LOW' && verdicts[i - 1] === 'LOW') return true;
  }
  return false;
}

/** O5: a NONE month (no or negligible usage) makes the user a candidate for immediate exclusion. */
export function exclusionCandidate(verdict: UtilisationVerdict): boolean {
  return verdict === 'NONE';
}

/** O4: a month judged NONE or LOW warns the applicant. */
export function warnsApplicant(verdict: UtilisationVerdict): boolean {
  return verdict === 'NONE' || verdict === 'LOW';
}

/**
 * O4: one dedicated allocation's day from its servers' means of that day (each already the
 * mean over the server's GPUs): the mean over the servers that reported, clamped to 0–100
 * and kept at the 3 decimals the samples hold. No server reported → null: the day is
 * missing (judgeMonth counts it in daysMissing), never a 0 % day.
 */
export function allocationDayMean(serverMeans: readonly number[]): number | null {
  const known = serverMeans.filter((v) => Number.isFinite(v));
  if (known.length === 0) return null;
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  return Math.round(Math.min(100, Math.max(0, mean)) * 1000) / 1000;
}
