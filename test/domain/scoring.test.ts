import {
  AcceleratorType, CRITERIA, evaluationViolations, isConflictOfInterest, meanScores, PASS_MARK, passes, rankAndAllocate,
  RankingCandidate, round2, Scores, scoreViolations, total,
} from '../../src/domain';
import { seededRandom } from '../support/random';

const s = (policyAlignment: number, projectExcellence: number, resourceFeasibility: number, targetOutcomes: number): Scores =>
  ({ policyAlignment, projectExcellence, resourceFeasibility, targetOutcomes });

const cand = (id: string, scores: Scores, submittedAt: number, type: AcceleratorType = 'T4', units = 1): RankingCandidate =>
  ({ applicationId: id, scores, submittedAt, resource: { type, units } });

const rng = seededRandom; // reproducible random batches

describe('scoring and selection (V3–V7, I4, I6, K5)', () => {
  test('V3: criteria and maxima 30/30/20/20, total 100, with Korean names', () => {
    expect(CRITERIA.map((c) => [c.key, c.max])).toEqual([
      ['policyAlignment', 30], ['projectExcellence', 30], ['resourceFeasibility', 20], ['targetOutcomes', 20],
    ]);
    expect(CRITERIA.reduce((a, c) => a + c.max, 0)).toBe(100);
    expect(CRITERIA.map((c) => c.nameKo)).toEqual(['정책의 부합성', '수행과제 우수성', '컴퓨팅자원 활용 가능성', '목표성과']);
  });

  test('V3: each score within 0..max; the boundaries are accepted', () => {
    expect(scoreViolations(s(30, 30, 20, 20))).toEqual([]);
    expect(scoreViolations(s(0, 0, 0, 0))).toEqual([]);
    expect(scoreViolations(s(30.5, 0, 0, 0)).map((v) => v.field)).toEqual(['policyAlignment']);
    expect(scoreViolations(s(0, 0, 21, -1)).map((v) => v.field)).toEqual(['resourceFeasibility', 'targetOutcomes']);
    expect(scoreViolations(s(Number.NaN, 0, 0, 0))).toHaveLength(1);
    expect(scoreViolations({ policyAlignment: 10, projectExcellence: 10, resourceFeasibility: 10 }).map((v) => v.field)).toEqual(['targetOutcomes']);
    expect(scoreViolations({ ...s(1, 1, 1, 1), bonus: 5 }).map((v) => v.field)).toEqual(['bonus']);
    for (const v of scoreViolations(s(31, 0, 0, 0))) expect(v.rule).toBe('V3');
  });

  test('V3: the criterion score is the mean over evaluators', () => {
    const m = meanScores([s(30, 20, 10, 20), s(20, 30, 20, 10), s(25, 25, 15, 15)]);
    expect(m).toEqual(s(25, 25, 15, 15));
    expect(total(m)).toBe(80);
    expect(() => meanScores([])).toThrow(/I4/);
  });

  test('V5: 60.00 passes, 59.99 does not', () => {
    expect(PASS_MARK).toBe(60);
    expect(passes(s(20, 20, 10, 10))).toBe(true);
    expect(passes(s(19.99, 20, 10, 10))).toBe(false);
    expect(passes(60)).toBe(true);
    expect(passes(59.99)).toBe(false);
    expect(passes(59.994)).toBe(false);
    expect(passes(59.995)).toBe(true);
  });

  test('V5: a mean of 7 evaluators that is 60 in exact arithmetic passes despite floating point', () => {
    // Each evaluator gives exactly 60 in 0.1 steps; in binary floating point the sum of the means is 59.99999999999999.
    const seven = [s(21.9, 20.9, 9.7, 7.5), s(23.5, 20.3, 5.5, 10.7), s(21.5, 19.2, 8.5, 10.8), s(24.1, 22.6, 6.3, 7),
      s(15.5, 22.4, 6.6, 15.5), s(21.3, 22.6, 10, 6.1), s(18.7, 17.5, 9.9, 13.9)];
    const m = meanScores(seven);
    const float = m.policyAlignment + m.projectExcellence + m.resourceFeasibility + m.targetOutcomes;
    expect(float).toBeLessThan(60);
    expect(float).toBeGreaterThan(59.9999999);
    expect(total(m)).toBe(60);
    expect(passes(m)).toBe(true);
    expect(passes(59.999999)).toBe(true);
    expect(round2(59.999999)).toBe(60);
    expect(round2(1.005)).toBe(1.01);
    expect(round2(75.714285)).toBe(75.71);
  });

  test('I4: at least 5 distinct evaluators; none of the applicant organisation', () => {
    const five = ['e1', 'e2', 'e3', 'e4', 'e5'].map((evaluatorId) => ({ evaluatorId, evaluatorOrganisation: '220-81-62517' }));
    expect(evaluationViolations(five, '124-81-00998')).toEqual([]);
    expect(evaluationViolations(five.slice(0, 4), '124-81-00998').map((v) => v.rule)).toEqual(['I4']);
    expect(evaluationViolations([...five.slice(0, 4), { evaluatorId: 'e1' }], '124-81-00998')).toHaveLength(1);
    expect(evaluationViolations(five.slice(0, 3), '124-81-00998', 3)).toEqual([]);
    const conflicted = [...five, { evaluatorId: 'e6', evaluatorOrganisation: '1248100998' }];
    expect(evaluationViolations(conflicted, '124-81-00998').map((v) => v.message)).toEqual([expect.stringMatching(/^I4: evaluator e6/)]);
    expect(isConflictOfInterest(null, '124-81-00998')).toBe(false);
  });

  test('V5: ranked by total, highest first; below 60 not selected', () => {
    const r = rankAndAllocate([
      cand('low', s(15, 15, 10, 10), 1),
      cand('top', s(28, 28, 18, 18), 2),
      cand('mid', s(20, 20, 15, 15), 3),
    ], { T4: 10 });
    expect(r.map((x) => [x.applicationId, x.rank, x.outcome, x.total])).toEqual([
      ['top', 1, 'SELECTED', 92],
      ['mid', 2, 'SELECTED', 70],
      ['low', 3, 'NOT_SELECTED', 50],
    ]);
    expect(r[2]?.rule).toBe('V5');
  });

  test('V6: equal totals are broken by policy, then excellence, then feasibility, then outcomes', () => {
    const r = rankAndAllocate([
      cand('outcomes', s(20, 20, 15, 20), 1),      // 75, policy 20, exc 20, feas 15
      cand('feasibility', s(20, 20, 20, 15), 2),   // 75, policy 20, exc 20, feas 20
      cand('excellence', s(20, 25, 15, 15), 3),    // 75, policy 20, exc 25
      cand('policy', s(25, 20, 15, 15), 4),        // 75, policy 25
    ], { T4: 10 });
    expect(r.map((x) => x.applicationId)).toEqual(['policy', 'excellence', 'feasibility', 'outcomes']);
    expect(new Set(r.map((x) => x.total))).toEqual(new Set([75]));
  });

  test('V6: target outcomes decide when totals and the first three criteria are equal at 2 decimals', () => {
    // a: 65.004 → 65.00, criteria 20/20/15.00/10.00; b: 65.0041 → 65.00, criteria 20/20/15.00/10.01.
    const r = rankAndAllocate([cand('a', s(20, 20, 15.004, 10), 1), cand('b', s(20, 20, 14.9951, 10.009), 2)], { T4: 5 });
    expect(r.map((x) => [x.applicationId, x.total])).toEqual([['b', 65], ['a', 65]]);
  });

  test('I6: after ties on all four criteria, the earlier submission wins', () => {
    const r = rankAndAllocate([
      cand('late', s(22, 22, 16, 16), Date.parse('2024-03-02T00:00:00Z')),
      cand('early', s(22, 22, 16, 16), Date.parse('2024-03-01T00:00:00Z')),
    ], { T4: 1 });
    expect(r.map((x) => [x.applicationId, x.outcome])).toEqual([['early', 'SELECTED'], ['late', 'WAITLISTED']]);
    expect(r[1]?.rule).toBe('V7');
  });

  test('V6: totals equal at 2 decimals are ties, broken by the criteria', () => {
    // 75.0049 and 75.0001 both show 75.00: policy (20.01 > 20.00) decides, not the hidden digits nor the earlier submission.
    const r = rankAndAllocate([cand('hidden', s(20, 25.0049, 15, 15), 1), cand('policy', s(20.01, 24.9901, 15, 15), 2)], { T4: 5 });
    expect(r.map((x) => x.applicationId)).toEqual(['policy', 'hidden']);
  });

  test('V7/K5: a request that no longer fits waits while a lower one of another type is selected', () => {
    const r = rankAndAllocate([
      cand('h100-1', s(28, 28, 18, 18), 1, 'H100', 1),
      cand('h100-2', s(27, 27, 18, 18), 2, 'H100', 1),
      cand('t4', s(20, 20, 12, 12), 3, 'T4', 1),
      cand('bow16', s(26, 26, 18, 18), 4, 'BOW', 16),
      cand('bow4', s(25, 25, 15, 15), 5, 'BOW', 4),
      cand('bow8', s(22, 22, 15, 15), 6, 'BOW', 8),
      cand('t4-failed', s(10, 10, 10, 10), 7, 'T4', 1),
    ], { H100: 1, T4: 1, BOW: 12 });
    const outcome = Object.fromEntries(r.map((x) => [x.applicationId, x.outcome]));
    expect(outcome).toEqual({
      'h100-1': 'SELECTED',
      'h100-2': 'WAITLISTED',
      bow16: 'WAITLISTED',   // 16 > 12 cards
      bow4: 'SELECTED',      // 4 of 12
      bow8: 'SELECTED',      // 8 of the remaining 8
      t4: 'SELECTED',
      't4-failed': 'NOT_SELECTED',
    });
  });

  test('K5: a type with no capacity configured selects nothing; an empty list gives an empty result', () => {
    const r = rankAndAllocate([cand('a', s(30, 30, 20, 20), 1, 'H100', 1)], { T4: 3 });
    expect(r[0]?.outcome).toBe('WAITLISTED');
    expect(rankAndAllocate([], { T4: 1 })).toEqual([]);
  });

  test('V5/V6/I6/K5: 5,000 seeded random candidates keep every invariant, in O(n log n) time', () => {
    const next = rng(20240213);
    const types: AcceleratorType[] = ['T4', 'H100', 'BOW'];
    const bowSizes = [1, 2, 4, 8, 16];
    const grid = (max: number) => Math.round(next() * max * 2) / 2; // half points create many ties
    const candidates: RankingCandidate[] = Array.from({ length: 5000 }, (_, i) => {
      const type = types[Math.floor(next() * 3)] as AcceleratorType;
      const units = type === 'BOW' ? (bowSizes[Math.floor(next() * 5)] as number) : 1 + Math.floor(next() * 2);
      return cand(`app-${i}`, meanScores([s(grid(30), grid(30), grid(20), grid(20)), s(grid(30), grid(30), grid(20), grid(20))]),
        1_700_000_000_000 + Math.floor(next() * 1000) * 1000, type, units);
    });
    const capacity = { T4: 120, H100: 40, BOW: 400 };
    const t0 = Date.now();
    const result = rankAndAllocate(candidates, capacity);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(1500);

    expect(result).toHaveLength(5000);
    expect(result.map((r) => r.rank)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(new Set(result.map((r) => r.applicationId)).size).toBe(5000);

    const byId = new Map(candidates.map((c) => [c.applicationId, c]));
    const used: Record<AcceleratorType, number> = { T4: 0, H100: 0, BOW: 0 };
    const firstWaitlistedUnits: Partial<Record<AcceleratorType, number>> = {};
    for (let i = 0; i < result.length; i++) {
      const r = result[i]!;
      const c = byId.get(r.applicationId)!;
      expect(r.total).toBe(total(c.scores));
      if (r.outcome === 'SELECTED') {
        expect(r.total).toBeGreaterThanOrEqual(60);
        used[c.resource.type] += c.resource.units;
      } else if (r.outcome === 'WAITLISTED') {
        expect(r.total).toBeGreaterThanOrEqual(60);
        // It did not fit when its turn came.
        expect(used[c.resource.type] + c.resource.units).toBeGreaterThan(capacity[c.resource.type]);
        firstWaitlistedUnits[c.resource.type] ??= c.resource.units;
      } else {
        expect(r.total).toBeLessThan(60);
      }
      if (i > 0) {
        const p = result[i - 1]!;
        const pc = byId.get(p.applicationId)!;
        expect(p.total).toBeGreaterThanOrEqual(r.total);
        if (p.total === r.total) {
          const pk = CRITERIA.map((k) => round2(pc.scores[k.key]));
          const ck = CRITERIA.map((k) => round2(c.scores[k.key]));
          const firstDiff = pk.findIndex((v, j) => v !== ck[j]);
          if (firstDiff >= 0) expect(pk[firstDiff]).toBeGreaterThan(ck[firstDiff]!);
          else expect(pc.submittedAt).toBeLessThanOrEqual(c.submittedAt);
        }
      }
    }
    for (const t of types) expect(used[t]).toBeLessThanOrEqual(capacity[t]);
    // Capacity was the binding constraint for at least one type, so the waitlist path ran.
    expect(result.some((r) => r.outcome === 'WAITLISTED')).toBe(true);
    expect(result.some((r) => r.outcome === 'NOT_SELECTED')).toBe(true);
    // Input is not mutated.
    expect(candidates[0]?.applicationId).toBe('app-0');
  });
});
