import { existsSync, readFileSync } from 'fs';
import { assertNoViolations, isRuleId, isRuleViolation, RULE_IDS, RULES, RuleViolation, violation } from '../../src/domain';

const SPEC_PATH = '/work/shared/SPEC.md';

describe('rules: the ids of SPEC.md', () => {
  test('every id has a one-line English title, and no id is listed twice', () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    expect(Object.keys(RULES).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) {
      expect(RULES[id].length).toBeGreaterThan(10);
      expect(RULES[id]).not.toMatch(/\n/);
    }
    for (const id of ['C1', 'C4', 'K5', 'E5', 'A6', 'V7', 'O5', 'Q3', 'R6', 'T1', 'T2', 'S5', 'I1', 'I6']) {
      expect(isRuleId(id)).toBe(true);
    }
    expect(isRuleId('V99')).toBe(false);
    expect(isRuleId('toString')).toBe(false);
  });

  (existsSync(SPEC_PATH) ? test : test.skip)('every bold rule id of the spec text is known', () => {
    const spec = readFileSync(SPEC_PATH, 'utf8');
    const ids = [...spec.matchAll(/\*\*([A-Z]\d)\*\*/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(50);
    for (const id of ids) expect(isRuleId(id)).toBe(true);
  });

  test('E2: a RuleViolation names its rule in the message and carries the detail', () => {
    const e = new RuleViolation('E2', 'individuals may not apply');
    expect(e).toBeInstanceOf(Error);
    expect(e.rule).toBe('E2');
    expect(e.message).toBe('E2: individuals may not apply');
    expect(e.detail).toBe('individuals may not apply');
    expect(e.violations).toEqual([{ rule: 'E2', message: 'E2: individuals may not apply' }]);
    expect(isRuleViolation(e)).toBe(true);
    expect(isRuleViolation(new Error('E2: x'))).toBe(false);
  });

  test('E3: violation() prefixes the id once; RuleViolation.of keeps every violation', () => {
    expect(violation('E3', 'large enterprise')).toEqual({ rule: 'E3', message: 'E3: large enterprise' });
    expect(violation('E3', 'E3: already prefixed', 'companySize')).toEqual({ rule: 'E3', message: 'E3: already prefixed', field: 'companySize' });
    const list = [violation('E2', 'a'), violation('E5', 'b')];
    const e = RuleViolation.of(list);
    expect(e.rule).toBe('E2');
    expect(e.message).toBe('E2: a');
    expect(e.violations).toHaveLength(2);
    expect(() => assertNoViolations([])).not.toThrow();
    expect(() => assertNoViolations(list)).toThrow(RuleViolation);
    expect(() => RuleViolation.of([])).toThrow(RangeError);
  });
});
