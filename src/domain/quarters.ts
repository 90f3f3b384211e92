/**
 * Quarterly resource decisions (Q1, I2).
 *
 * Q1: every quarter the operator decides per allocation: increase, continue, decrease or
 *     reclaim (증량/지속지원/차감/회수).
 * I2: reviews fall on the last day of March, June and September (December is covered by
 *     the close-out); a quarter with under 30 days of operation after setup is skipped;
 *     with no decision 14 days after the quarter end the allocation continues and
 *     operators are reminded. The shared pool is reviewed too, without utilisation.
 */
import { z } from 'zod';
import { adjustResource, type AllocatedResource, type Pool } from './catalog';
import { addDays, compareDates, daysBetween, IsoDate } from './dates';
import { exclusionCandidate, flagForQuarter, monthlyCheckApplies, type UtilisationVerdict } from './utilisation';

export const QUARTERLY_DECISIONS = ['INCREASE', 'CONTINUE', 'DECREASE', 'RECLAIM'] as const;
export type QuarterlyDecision = (typeof QUARTERLY_DECISIONS)[number];
export const quarterlyDecisionSchema = z.enum(QUARTERLY_DECISIONS);

export const QUARTERLY_DECISION_NAMES: Record<QuarterlyDecision, { ko: string; en: string }> = {
  INCREASE: { ko: '자원증량', en: 'Increase' },
  CONTINUE: { ko: '지속지원', en: 'Continue' },
  DECREASE: { ko: '자원차감', en: 'Decrease' },
  RECLAIM: { ko: '자원회수', en: 'Reclaim' },
};

/** I2: days after the review date without a decision before the allocation continues. */
export const DECISION_GRACE_DAYS = 14;
/** I2: the decision taken when none is made in time. */
export const DEFAULT_QUARTERLY_DECISION: QuarterlyDecision = 'CONTINUE';
/** I2: a quarter with fewer days of operation after setup is skipped. */
export const MIN_OPERATION_DAYS_FOR_REVIEW = 30;

/** I2: the months whose last day is a review date (March, June, September). */
export const REVIEW_MONTH_ENDS = ['03-31', '06-30', '09-30'] as const;

/** I2: the review dates (31 March, 30 June, 30 September) within (from, to]. */
export function quarterlyReviewDates(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  if (compareDates(from, to) >= 0) return out;
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  for (let y = y0; y <= y1; y++) {
    for (const md of REVIEW_MONTH_ENDS) {
      const d = `${String(y).padStart(4, '0')}-${md}`;
      if (compareDates(d, from) > 0 && compareDates(d, to) <= 0) out.push(d);
    }
  }
  return out;
}

/**
 * I2: the review is skipped when the quarter had under 30 days of operation after setup:
 * operation runs from the day after `operationStart` (the setup end date) to the review
 * date, i.e. daysBetween(setupEnd, reviewDate) days.
 */
export function reviewSkipped(reviewDate: IsoDate, operationStart: IsoDate): boolean {
  return daysBetween(operationStart, reviewDate) < MIN_OPERATION_DAYS_FOR_REVIEW;
}

/** I2: the last day to decide; after it the allocation continues (CONTINUE) and operators are reminded. */
export function decisionDueDate(reviewDate: IsoDate): IsoDate {
  return addDays(reviewDate, DECISION_GRACE_DAYS);
}

/** I2: the next review (on or after `today`, within the support period) that is not skipped, or null. */
export function nextQuarterlyReview(today: IsoDate, setupEnd: IsoDate, supportEnd: IsoDate): IsoDate | null {
  for (const d of quarterlyReviewDates(addDays(today, -1), supportEnd)) {
    if (!reviewSkipped(d, setupEnd)) return d;
  }
  return null;
}

/**
 * Q1/I2: what the operators are advised at a quarterly review. The shared pool is
 * reviewed without utilisation (K2, I2): no recommendation. For the dedicated pool, from
 * the months judged since the previous review (O4/I1): a NONE month (an O5 exclusion
 * candidate) → RECLAIM; two LOW months in a row → DECREASE where a smaller step exists
 * (otherwise CONTINUE, still flagged); anything else → CONTINUE. Operators decide.
 */
export interface QuarterlyRecommendation {
  decision: QuarterlyDecision;
  flagged: boolean;
  reason: string;
}

export function quarterlyRecommendation(input: {
  pool: Pool;
  verdicts: readonly UtilisationVerdict[];
  resource: AllocatedResource;
}): QuarterlyRecommendation | null {
  if (!monthlyCheckApplies(input.pool)) return null;
  const flagged = flagForQuarter(input.verdicts);
  if (input.verdicts.some(exclusionCandidate)) {
    return { decision: 'RECLAIM', flagged, reason: 'O5: a month with no or negligible utilisation' };
  }
  if (flagged) {
    return adjustResource(input.resource, 'DECREASE')
      ? { decision: 'DECREASE', flagged, reason: 'I1: two low months in a row' }
      : { decision: 'CONTINUE', flagged, reason: `I1: two low months in a row, but ${input.resource.type} has no smaller step` };
  }
  return { decision: 'CONTINUE', flagged, reason: input.verdicts.length ? 'I1: utilisation not flagged' : 'O4: no month judged yet' };
}

/**
 * Q2/Q3: why an allocation is reclaimed. Misuse (Q3: mining, programs that only raise
 * accelerator utilisation such as GPU Burn, use outside the proposed project) also
 * restricts the organisation (E5); the other reasons end support without a restriction.
 */
export const RECLAIM_REASONS = [
  'MISUSE_MINING', 'MISUSE_UTILISATION_ONLY', 'OUT_OF_SCOPE', 'NO_USAGE', 'SANCTION', 'FALSE_STATEMENT',
] as const;
export type ReclaimReason = (typeof RECLAIM_REASONS)[number];
export const reclaimReasonSchema = z.enum(RECLAIM_REASONS);

export const RECLAIM_REASON_NAMES: Record<ReclaimReason, { ko: string; en: string }> = {
  MISUSE_MINING: { ko: '목적 외 사용 (가상화폐 채굴)', en: 'Misuse: cryptocurrency mining' },
  MISUSE_UTILISATION_ONLY: {
    ko: '목적 외 사용 (GPU Burn 등 활용률만 높이는 프로그램)',
    en: 'Misuse: programs that only raise accelerator utilisation (e.g. GPU Burn)',
  },
  OUT_OF_SCOPE: { ko: '제안 과제 외 용도로 사용', en: 'Use outside the proposed project' },
  NO_USAGE: { ko: '미사용 또는 사용 저조', en: 'No or negligible usage' },
  SANCTION: { ko: '제재 (참여제한 등)', en: 'Sanction' },
  FALSE_STATEMENT: { ko: '허위 기재', en: 'False statement' },
};

/** Q3: the reclaim reasons that also restrict the organisation (E5). */
export const MISUSE_RECLAIM_REASONS: readonly ReclaimReason[] = ['MISUSE_MINING', 'MISUSE_UTILISATION_ONLY', 'OUT_OF_SCOPE'];

/** Q3: whether a reclaim for this reason restricts the organisation (E5). */
export function reclaimRestricts(reason: ReclaimReason): boolean {
  return MISUSE_RECLAIM_REASONS.includes(reason);
}
