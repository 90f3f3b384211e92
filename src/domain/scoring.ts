/**
 * Evaluation and selection: criteria (V3), evaluators (I4), pass mark (V5), ranking with
 * tie-breaks (V6, I6) and allocation within capacity (V5, V7, K5).
 */
import { AcceleratorType } from './catalog';
import { violation, Violation } from './rules';

/** V3: the four criteria with their maxima (total 100), in V6 tie-break order. */
export const CRITERIA = [
  { key: 'policyAlignment', max: 30, nameKo: '정책의 부합성', nameEn: 'Policy alignment' },
  { key: 'projectExcellence', max: 30, nameKo: '수행과제 우수성', nameEn: 'Project excellence' },
  { key: 'resourceFeasibility', max: 20, nameKo: '컴퓨팅자원 활용 가능성', nameEn: 'Computing-resource feasibility' },
  { key: 'targetOutcomes', max: 20, nameKo: '목표성과', nameEn: 'Target outcomes' },
] as const;

export type CriterionKey = (typeof CRITERIA)[number]['key'];
/** One evaluator's scores, or the mean over evaluators (V3). */
export type Scores = Record<CriterionKey, number>;

export const CRITERION_KEYS: readonly CriterionKey[] = CRITERIA.map((c) => c.key);
export const MAX_TOTAL = 100;

/** V5: applications scoring 60 or more can be selected. */
export const PASS_MARK = 60;
/** I4: scores are needed from at least this many evaluators (configurable per call). */
export const MIN_EVALUATORS = 5;

/**
 * Scores are shown and compared to 2 decimals (V5). The product by 100 is first cleaned
 * of binary floating-point noise (12 significant digits), then rounded half up, so
 * 59.995 → 60.00, 59.99999999 → 60.00 and 59.99 stays 59.99.
 */
export function round2(x: number): number {
  return Math.round(Number((x * 100).toPrecision(12))) / 100;
}

/** V3: each criterion present, a finite number within 0..max. */
export function scoreViolations(scores: Partial<Record<string, unknown>>): Violation[] {
  const out: Violation[] = [];
  for (const c of CRITERIA) {
    const v = scores[c.key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      out.push(violation('V3', `${c.nameEn} (${c.nameKo}) needs a score from 0 to ${c.max}`, c.key));
    } else if (v < 0 || v > c.max) {
      out.push(violation('V3', `${c.nameEn} (${c.nameKo}) must be within 0..${c.max}, not ${v}`, c.key));
    }
  }
  for (const k of Object.keys(scores)) {
    if (!(CRITERION_KEYS as readonly string[]).includes(k)) out.push(violation('V3', `unknown criterion '${k}'`, k));
  }
  return out;
}

/** V3: the criterion-wise mean over evaluators (unrounded). Throws I4 on an empty list. */
export function meanScores(list: readonly Scores[]): Scores {
  if (list.length === 0) throw new RangeError('I4: no evaluator scores to average');
  const sum: Scores = { policyAlignment: 0, projectExcellence: 0, resourceFeasibility: 0, targetOutcomes: 0 };
  for (const s of list) for (const k of CRITERION_KEYS) sum[k] += s[k];
  for (const k of CRITERION_KEYS) sum[k] /= list.length;
  return sum;
}

/** V3/V5: the total out of 100, rounded to 2 decimals (the number shown and compared). */
export function total(scores: Scores): number {
  return round2(scores.policyAlignment + scores.projectExcellence + scores.resourceFeasibility + scores.targetOutcomes);
}

/** V5: a total of 60.00 or more passes (compared at 2 decimals). */
export function passes(scoresOrTotal: Scores | number): boolean {
  const t = typeof scoresOrTotal === 'number' ? round2(scoresOrTotal) : total(scoresOrTotal);
  return t >= PASS_MARK;
}

/**
 * I4: whether enough evaluators scored, and no evaluator of the applicant's own
 * organisation (compared by business registration number or any organisation key).
 */
export function evaluationViolations(
  evaluations: ReadonlyArray<{ evaluatorId: string; evaluatorOrganisation?: string | null }>,
  applicantOrganisation: string,
  minEvaluators: number = MIN_EVALUATORS,
): Violation[] {
  const out: Violation[] = [];
  const distinct = new Set(evaluations.map((e) => e.evaluatorId));
  if (distinct.size < minEvaluators) {
    out.push(violation('I4', `scores from at least ${minEvaluators} evaluators are needed, ${distinct.size} so far`));
  }
  for (const e of evaluations) {
    if (isConflictOfInterest(e.evaluatorOrganisation, applicantOrganisation)) {
      out.push(violation('I4', `evaluator ${e.evaluatorId} belongs to the applicant's organisation and cannot score it`));
    }
  }
  return out;
}

/** I4: an evaluator cannot score an application of their own organisation. */
export function isConflictOfInterest(evaluatorOrganisation: string | null | undefined, applicantOrganisation: string): boolean {
  if (!evaluatorOrganisation) return false;
  const norm = (s: string): string => s.replace(/[\s-]/g, '').toLowerCase();
  return norm(evaluatorOrganisation) === norm(applicantOrganisation);
}

export interface RankingCandidate {
  applicationId: string;
  /** The mean scores over evaluators (V3). */
  scores: Scores;
  /** Epoch ms of submission (I6). */
  submittedAt: number;
  resource: { type: AcceleratorType; units: number };
}

export type SelectionOutcome = 'SELECTED' | 'WAITLISTED' | 'NOT_SELECTED';

export interface RankedResult {
  applicationId: string;
  /** 1-based position in the V5/V6/I6 order (unique). */
  rank: number;
  /** Total to 2 decimals. */
  total: number;
  outcome: SelectionOutcome;
  /** Why: V5 (selected in order / below 60) or V7 (no capacity left: waitlist). */
  rule: 'V5' | 'V7';
  resource: { type: AcceleratorType; units: number };
}

interface Keyed {
  c: RankingCandidate;
  total: number;
  crit: number[];
}

/**
 * V5/V6/I6 order: higher total first; ties by policy alignment, project excellence,
 * resource feasibility, target outcomes (higher first; each at 2 decimals); then the
 * earlier submission (I6); finally the application id, so the order is total.
 */
function compareKeyed(a: Keyed, b: Keyed): number {
  if (a.total !== b.total) return b.total - a.total;
  for (let i = 0; i < a.crit.length; i++) {
    const d = (b.crit[i] as number) - (a.crit[i] as number);
    if (d !== 0) return d;
  }
  if (a.c.submittedAt !== b.c.submittedAt) return a.c.submittedAt - b.c.submittedAt;
  return a.c.applicationId < b.c.applicationId ? -1 : a.c.applicationId > b.c.applicationId ? 1 : 0;
}

const keyOf = (c: RankingCandidate): Keyed => ({ c, total: total(c.scores), crit: CRITERION_KEYS.map((k) => round2(c.scores[k])) });

/**
 * V5/V6/I6: candidates in selection order (the one order of this service: a batch's ranking
 * and the call's waitlist across batches, V7, are both this order).
 */
export function inRankOrder<C extends RankingCandidate>(candidates: readonly C[]): C[] {
  return candidates.map(keyOf).sort(compareKeyed).map((k) => k.c as C);
}

/**
 * V5/V6/I6/V7/K5: rank every candidate and allocate in rank order within the remaining
 * capacity of the type each asks for. Below 60 → NOT_SELECTED (V5). A candidate whose
 * request no longer fits its type goes to the waitlist (V7) while lower-ranked
 * candidates that still fit (another type, or a smaller request of the same type) are
 * selected. Capacity never goes below zero (K5). O(n log n).
 */
export function rankAndAllocate(
  candidates: readonly RankingCandidate[],
  capacity: Partial<Record<AcceleratorType, number>>,
): RankedResult[] {
  const keyed = candidates.map(keyOf).sort(compareKeyed);
  const remaining: Partial<Record<AcceleratorType, number>> = { ...capacity };
  return keyed.map((k, i): RankedResult => {
    const { type, units } = k.c.resource;
    const base = { applicationId: k.c.applicationId, rank: i + 1, total: k.total, resource: { type, units } };
    if (k.total < PASS_MARK) return { ...base, outcome: 'NOT_SELECTED', rule: 'V5' };
    const left = remaining[type] ?? 0;
    if (Number.isFinite(units) && units > 0 && units <= left) {
      remaining[type] = left - units;
      return { ...base, outcome: 'SELECTED', rule: 'V5' };
    }
    return { ...base, outcome: 'WAITLISTED', rule: 'V7' };
  });
}

/** K5: capacity left per type after the selected results. */
export function remainingCapacity(
  capacity: Partial<Record<AcceleratorType, number>>,
  allocated: ReadonlyArray<{ resource: { type: AcceleratorType; units: number } }>,
): Record<AcceleratorType, number> {
  const left: Record<AcceleratorType, number> = { T4: capacity.T4 ?? 0, H100: capacity.H100 ?? 0, BOW: capacity.BOW ?? 0 };
  for (const a of allocated) left[a.resource.type] -= a.resource.units;
  return left;
}
