import {
  DATA_REGISTRATION_TYPE_NAMES, DATA_REGISTRATION_TYPES, OUTCOME_CATEGORIES, OUTCOME_CATEGORY_NAMES, SHARING_TERM_NAMES, SHARING_TERMS,
} from '../../src/domain';

describe('close-out content (R3, R4)', () => {
  test('R4: the eleven outcome categories, each with a Korean name', () => {
    expect(OUTCOME_CATEGORIES).toHaveLength(11);
    expect(OUTCOME_CATEGORIES[0]).toBe('TRAINED_MODEL');
    expect(OUTCOME_CATEGORIES[OUTCOME_CATEGORIES.length - 1]).toBe('OTHER');
    for (const c of OUTCOME_CATEGORIES) expect(OUTCOME_CATEGORY_NAMES[c].ko).toMatch(/[가-힣]/);
  });

  test('R3: registration types (1), (2a), (2b), (3) and the five sharing terms', () => {
    expect(DATA_REGISTRATION_TYPES).toEqual(['PLANNED_DATA', 'DEIDENTIFIED_SAFE_ZONE', 'SIMILAR_OWN_DATA', 'DATA_USE_STORY']);
    expect(DATA_REGISTRATION_TYPE_NAMES.SIMILAR_OWN_DATA.en).toMatch(/not data already public/);
    expect(SHARING_TERMS).toEqual(['FREE', 'PAID', 'PROVIDER_APPROVAL', 'PUBLIC_RESEARCH_ONLY', 'PRICE_NEGOTIATION']);
    for (const t of SHARING_TERMS) expect(SHARING_TERM_NAMES[t].ko).toMatch(/[가-힣]/);
  });
});
