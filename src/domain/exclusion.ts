/**
 * E4/E6: operators exclude an application at any stage before allocation, with the rule
 * and a reason. E4's grounds (a participation restriction at the date of receipt, a
 * sanction under the Personal Information Protection Act or similar law, a social
 * controversy) exclude the application; E6's false statement (허위, intentional or not)
 * also restricts the organisation from later calls (향후 지원제한) until an operator lifts
 * it (E5: the one restriction of this service).
 */
export const EXCLUSION_RULES = ['E4', 'E6'] as const;
export type ExclusionRule = (typeof EXCLUSION_RULES)[number];

/** E6: a false statement restricts the organisation; E4's other grounds do not. */
export const exclusionRestricts = (rule: ExclusionRule): boolean => rule === 'E6';
