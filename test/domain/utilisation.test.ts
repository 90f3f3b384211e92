import {
  addDays, DEFAULT_UTILISATION_THRESHOLDS, exclusionCandidate, flagForQuarter, judgeMonth, monthJudgedOn, monthlyCheckApplies,
  UtilisationSample, warnsApplicant,
} from '../../src/domain';

/** One sample a day with the same value, from `from` for `n` days. */
function daily(from: string, n: number, meanPercent: number): UtilisationSample[] {
  return Array.from({ length: n }, (_, i) => ({ day: addDays(from, i), meanPercent }));
}

describe('monthly utilisation (O4, O5, I1)', () => {
  test('I1: default thresholds none < 1 %, low < 20 %', () => {
    expect(DEFAULT_UTILISATION_THRESHOLDS).toEqual({ nonePercent: 1, lowPercent: 20 });
  });

  test('O4/K2: only the dedicated pool is checked monthly; a check judges the previous month', () => {
    expect(monthlyCheckApplies('DEDICATED')).toBe(true);
    expect(monthlyCheckApplies('SHARED')).toBe(false);
    expect(monthJudgedOn('2024-05-01')).toBe('2024-04');
    expect(monthJudgedOn('2025-01-01')).toBe('2024-12');
  });

  test('I1: the verdict boundaries: 20 is OK, 19.99 LOW, 1 is LOW, 0.99 NONE', () => {
    const j = (p: number) => judgeMonth({ month: '2024-04', samples: daily('2024-04-01', 30, p), countFrom: '2024-04-01' });
    expect(j(20).verdict).toBe('OK');
    expect(j(19.99).verdict).toBe('LOW');
    expect(j(1).verdict).toBe('LOW');
    expect(j(0.99).verdict).toBe('NONE');
    expect(j(0).verdict).toBe('NONE');
    expect(j(85).mean).toBe(85);
  });

  test('I1: thresholds are configuration', () => {
    const samples = daily('2024-04-01', 30, 25);
    expect(judgeMonth({ month: '2024-04', samples, countFrom: '2024-04-01', thresholds: { nonePercent: 5, lowPercent: 30 } }).verdict).toBe('LOW');
    expect(() => judgeMonth({ month: '2024-04', samples, countFrom: '2024-04-01', thresholds: { nonePercent: 30, lowPercent: 5 } })).toThrow(/I1/);
  });

  test('O4/O2: days inside setup are excluded from the mean', () => {
    // Setup until 14 Apr with 0 %, then 40 % from 15 Apr: judged on the 40 % days only.
    const samples = [...daily('2024-04-01', 14, 0), ...daily('2024-04-15', 16, 40)];
    const j = judgeMonth({ month: '2024-04', samples, countFrom: '2024-04-15' });
    expect(j).toEqual({ month: '2024-04', verdict: 'OK', mean: 40, daysCounted: 16, daysMissing: 0 });
  });

  test('O4: missing samples are not zeros; counted days with no sample at all → NO_DATA', () => {
    const few = judgeMonth({ month: '2024-04', samples: daily('2024-04-10', 3, 50), countFrom: '2024-04-01' });
    expect(few).toEqual({ month: '2024-04', verdict: 'OK', mean: 50, daysCounted: 3, daysMissing: 27 });
    const none = judgeMonth({ month: '2024-04', samples: [], countFrom: '2024-04-01' });
    expect(none).toEqual({ month: '2024-04', verdict: 'NO_DATA', mean: null, daysCounted: 0, daysMissing: 30 });
    // Samples only inside setup do not count.
    const setupOnly = judgeMonth({ month: '2024-04', samples: daily('2024-04-01', 10, 90), countFrom: '2024-04-20' });
    expect(setupOnly.verdict).toBe('NO_DATA');
    expect(setupOnly.daysMissing).toBe(11);
  });

  test('O4: a month with no operation day after setup (or after the end) is NOT_JUDGED', () => {
    expect(judgeMonth({ month: '2024-04', samples: daily('2024-04-01', 30, 0), countFrom: '2024-05-01' }).verdict).toBe('NOT_JUDGED');
    expect(judgeMonth({ month: '2024-04', samples: [], countFrom: '2024-05-01' }).verdict).toBe('NOT_JUDGED');
    expect(judgeMonth({ month: '2024-06', samples: daily('2024-06-01', 30, 0), countFrom: '2024-01-01', until: '2024-05-31' }).verdict).toBe('NOT_JUDGED');
    // Last day of the month only.
    const one = judgeMonth({ month: '2024-04', samples: daily('2024-04-30', 1, 0.5), countFrom: '2024-04-30' });
    expect(one).toMatchObject({ verdict: 'NONE', daysCounted: 1, daysMissing: 0 });
  });

  test('O4: days after the support end are not counted', () => {
    const samples = [...daily('2024-06-01', 10, 50), ...daily('2024-06-11', 20, 0)];
    expect(judgeMonth({ month: '2024-06', samples, countFrom: '2024-01-01', until: '2024-06-10' })).toMatchObject({ verdict: 'OK', mean: 50, daysCounted: 10 });
  });

  test('O4: a corrected sample for a day replaces the earlier one; bad percentages are refused', () => {
    const samples = [{ day: '2024-04-01', meanPercent: 0 }, { day: '2024-04-01', meanPercent: 30 }];
    expect(judgeMonth({ month: '2024-04', samples, countFrom: '2024-04-01' })).toMatchObject({ verdict: 'OK', mean: 30, daysCounted: 1 });
    expect(() => judgeMonth({ month: '2024-04', samples: [{ day: '2024-04-01', meanPercent: 101 }], countFrom: '2024-04-01' })).toThrow(/O4/);
    expect(() => judgeMonth({ month: '2024-04', samples: [{ day: '2024-04-01', meanPercent: Number.NaN }], countFrom: '2024-04-01' })).toThrow(/O4/);
  });

  test('I1: two LOW months in a row or any NONE month flag; LOW, OK, LOW does not', () => {
    expect(flagForQuarter(['LOW', 'LOW'])).toBe(true);
    expect(flagForQuarter(['OK', 'LOW', 'LOW'])).toBe(true);
    expect(flagForQuarter(['NONE'])).toBe(true);
    expect(flagForQuarter(['OK', 'OK', 'NONE'])).toBe(true);
    expect(flagForQuarter(['LOW', 'OK', 'LOW'])).toBe(false);
    expect(flagForQuarter(['LOW', 'NO_DATA', 'LOW'])).toBe(false);
    expect(flagForQuarter(['LOW'])).toBe(false);
    expect(flagForQuarter([])).toBe(false);
    expect(flagForQuarter(['NOT_JUDGED', 'NO_DATA', 'OK'])).toBe(false);
  });

  test('O5: only a NONE month makes an exclusion candidate; O4: LOW and NONE warn', () => {
    expect(exclusionCandidate('NONE')).toBe(true);
    for (const v of ['LOW', 'OK', 'NO_DATA', 'NOT_JUDGED'] as const) expect(exclusionCandidate(v)).toBe(false);
    expect(warnsApplicant('LOW')).toBe(true);
    expect(warnsApplicant('NONE')).toBe(true);
    expect(warnsApplicant('NO_DATA')).toBe(false);
  });
});
