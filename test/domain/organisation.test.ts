import {
  COMPANY_SIZES, eligibilityViolations, formatBusinessRegistrationNumber, isPriorityApplicant, isValidBusinessRegistrationNumber,
  normaliseBusinessRegistrationNumber, ORGANISATION_TYPES, priorityViolations, restrictionActive,
} from '../../src/domain';

const rules = (f: Parameters<typeof eligibilityViolations>[0]) => eligibilityViolations(f).map((v) => v.rule);

/** Computes the valid check digit, to build test numbers. */
function withCheckDigit(nine: string): string {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const d = Array.from(nine, Number);
  let sum = d.reduce((s, x, i) => s + x * (w[i] as number), 0);
  sum += Math.floor(((d[8] as number) * 5) / 10);
  return nine + String((10 - (sum % 10)) % 10);
}

describe('organisation (E1–E5, V4)', () => {
  test('E1/E2: the organisation types and company sizes', () => {
    expect(ORGANISATION_TYPES).toEqual(['COMPANY', 'PUBLIC_INSTITUTION', 'RESEARCH_INSTITUTE', 'UNIVERSITY', 'ASSOCIATION', 'INDIVIDUAL']);
    expect(COMPANY_SIZES).toEqual(expect.arrayContaining(['LARGE', 'MIDDLE', 'SME', 'STARTUP']));
  });

  test('E5: known business registration numbers pass the checksum, with or without hyphens', () => {
    for (const brn of ['124-81-00998', '1248100998', '220-81-62517', '120-81-47521', ' 104-81-53114 ']) {
      expect(isValidBusinessRegistrationNumber(brn)).toBe(true);
    }
  });

  test('E5: a wrong check digit, wrong length or hyphens elsewhere are refused', () => {
    expect(isValidBusinessRegistrationNumber('124-81-00997')).toBe(false);
    expect(isValidBusinessRegistrationNumber('124-81-0099')).toBe(false);
    expect(isValidBusinessRegistrationNumber('12481009980')).toBe(false);
    expect(isValidBusinessRegistrationNumber('1248-10-0998')).toBe(false);
    expect(isValidBusinessRegistrationNumber('124-8100998')).toBe(false);
    expect(isValidBusinessRegistrationNumber('12a-81-00998')).toBe(false);
    expect(isValidBusinessRegistrationNumber('')).toBe(false);
  });

  test('E5: the checksum uses the floor(d9 × 5 / 10) term (a 9th digit ≥ 2 changes the result)', () => {
    // Every 9th digit with its computed check digit passes; with the term left out, some would not.
    for (let d9 = 0; d9 <= 9; d9++) {
      const valid = withCheckDigit(`12345678${d9}`);
      expect(isValidBusinessRegistrationNumber(valid)).toBe(true);
      const wrong = valid.slice(0, 9) + String((Number(valid[9]) + 1) % 10);
      expect(isValidBusinessRegistrationNumber(wrong)).toBe(false);
    }
    // Digits 1..8 weigh 1+6+21+4+15+42+7+24 = 120.
    // 9th digit 1: 120 + 5 + floor(5/10)=0 = 125 → check digit 5.
    expect(isValidBusinessRegistrationNumber('123-45-67815')).toBe(true);
    // 9th digit 9: 120 + 45 + floor(45/10)=4 = 169 → check digit 1 (without the term it would be 5).
    expect(isValidBusinessRegistrationNumber('123-45-67891')).toBe(true);
    expect(isValidBusinessRegistrationNumber('123-45-67895')).toBe(false);
  });

  test('E5: normalise and format', () => {
    expect(normaliseBusinessRegistrationNumber('124-81-00998')).toBe('1248100998');
    expect(normaliseBusinessRegistrationNumber('1248100998')).toBe('1248100998');
    expect(normaliseBusinessRegistrationNumber('124 81 00998')).toBeNull();
    expect(formatBusinessRegistrationNumber('1248100998')).toBe('124-81-00998');
  });

  test('E1: companies of eligible sizes, institutes, universities, public institutions and associations may apply', () => {
    for (const t of ['PUBLIC_INSTITUTION', 'RESEARCH_INSTITUTE', 'UNIVERSITY', 'ASSOCIATION']) {
      expect(eligibilityViolations({ organisationType: t })).toEqual([]);
    }
    for (const s of ['MIDDLE', 'SME', 'STARTUP']) {
      expect(eligibilityViolations({ organisationType: 'COMPANY', companySize: s, businessRegistrationNumber: '124-81-00998' })).toEqual([]);
    }
    expect(rules({ organisationType: 'FOREIGN_COMPANY' })).toEqual(['E1']);
  });

  test('E2: individuals with no affiliation are refused', () => {
    const v = eligibilityViolations({ organisationType: 'INDIVIDUAL' });
    expect(v.map((x) => x.rule)).toEqual(['E2']);
    expect(v[0]?.message).toMatch(/^E2: /);
  });

  test('E3: a large enterprise is refused unless Digital Leaders Club', () => {
    expect(rules({ organisationType: 'COMPANY', companySize: 'LARGE' })).toEqual(['E3']);
    expect(rules({ organisationType: 'COMPANY', companySize: 'LARGE', digitalLeadersClub: false })).toEqual(['E3']);
    expect(rules({ organisationType: 'COMPANY', companySize: 'LARGE', digitalLeadersClub: true })).toEqual([]);
  });

  test('A1: a company must state a known size', () => {
    expect(rules({ organisationType: 'COMPANY' })).toEqual(['A1']);
    expect(rules({ organisationType: 'COMPANY', companySize: 'HUGE' })).toEqual(['A1']);
  });

  test('E5: an invalid registration number and an active restriction are refused; a lapsed one is not', () => {
    expect(rules({ organisationType: 'UNIVERSITY', businessRegistrationNumber: '124-81-00997' })).toEqual(['E5']);
    expect(rules({ organisationType: 'UNIVERSITY', restriction: { until: '2024-12-31' }, today: '2024-12-31' })).toEqual(['E5']);
    expect(rules({ organisationType: 'UNIVERSITY', restriction: { until: '2024-12-31' }, today: '2025-01-01' })).toEqual([]);
    expect(rules({ organisationType: 'UNIVERSITY', restriction: { until: null, reason: 'R5 report missing' }, today: '2030-01-01' })).toEqual(['E5']);
    expect(restrictionActive({}, '2024-01-01')).toBe(true);
  });

  test('E4: an operator exclusion with a reason is refused', () => {
    const v = eligibilityViolations({ organisationType: 'RESEARCH_INSTITUTE', exclusionReason: '정부지원사업 참여제한' });
    expect(v.map((x) => x.rule)).toEqual(['E4']);
    expect(v[0]?.message).toContain('참여제한');
  });

  test('E2/E5: several reasons are all reported', () => {
    expect(rules({ organisationType: 'INDIVIDUAL', businessRegistrationNumber: 'x' })).toEqual(['E2', 'E5']);
  });

  test('V4: priority needs a claim and the name of the project performed', () => {
    expect(isPriorityApplicant({ clusterProjectPerformer: true, priorityProjectName: 'AI 집적단지 실증' })).toBe(true);
    expect(isPriorityApplicant({ digitalLeadersClub: true, priorityProjectName: 'DLC 과제' })).toBe(true);
    expect(isPriorityApplicant({ clusterProjectPerformer: true })).toBe(false);
    expect(isPriorityApplicant({ clusterProjectPerformer: true, priorityProjectName: '  ' })).toBe(false);
    expect(isPriorityApplicant({ priorityProjectName: 'something' })).toBe(false);
    expect(priorityViolations({ digitalLeadersClub: true }).map((v) => v.rule)).toEqual(['V4']);
    expect(priorityViolations({})).toEqual([]);
  });
});
