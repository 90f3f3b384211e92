import { quarterlyRecommendation, RECLAIM_REASONS, reclaimRestricts } from '../../src/domain';

describe('quarterly recommendation and reclaim reasons (Q1, Q3, I1, I2, O5)', () => {
  test('I2/K2: the shared pool is reviewed without utilisation: no recommendation', () => {
    expect(quarterlyRecommendation({ pool: 'SHARED', verdicts: ['NONE', 'NONE'], resource: { type: 'BOW', units: 4 } })).toBeNull();
  });

  test('O5/Q1: a NONE month recommends RECLAIM; I1: two LOW in a row recommend DECREASE where a step exists', () => {
    expect(quarterlyRecommendation({ pool: 'DEDICATED', verdicts: ['OK', 'NONE'], resource: { type: 'H100', units: 1 } }))
      .toEqual(expect.objectContaining({ decision: 'RECLAIM', flagged: true }));
    expect(quarterlyRecommendation({ pool: 'DEDICATED', verdicts: ['LOW', 'LOW'], resource: { type: 'H100', units: 1 } }))
      .toEqual(expect.objectContaining({ decision: 'DECREASE', flagged: true }));
    // T4 has no smaller step: flagged, but the advice is to continue.
    expect(quarterlyRecommendation({ pool: 'DEDICATED', verdicts: ['LOW', 'LOW'], resource: { type: 'T4', units: 1 } }))
      .toEqual(expect.objectContaining({ decision: 'CONTINUE', flagged: true }));
  });

  test('I1: a single LOW month, or LOW months broken by NO_DATA, is not flagged: CONTINUE', () => {
    expect(quarterlyRecommendation({ pool: 'DEDICATED', verdicts: ['LOW', 'OK'], resource: { type: 'H100', units: 1 } }))
      .toEqual(expect.objectContaining({ decision: 'CONTINUE', flagged: false }));
    expect(quarterlyRecommendation({ pool: 'DEDICATED', verdicts: ['LOW', 'NO_DATA', 'LOW'], resource: { type: 'H100', units: 1 } }))
      .toEqual(expect.objectContaining({ decision: 'CONTINUE', flagged: false }));
  });

  test('Q3: mining, utilisation-only load and out-of-scope use restrict the organisation; the other reasons do not', () => {
    const restricting = RECLAIM_REASONS.filter(reclaimRestricts);
    expect(restricting).toEqual(['MISUSE_MINING', 'MISUSE_UTILISATION_ONLY', 'OUT_OF_SCOPE']);
  });
});
