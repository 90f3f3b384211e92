import type { Migration } from '../migration';

/** V8: opinions and the committee's summary reason. Never edit once landed: add the next migration instead. */
export const EVALUATION_RULES_MIGRATION: Migration = {
  id: '015_evaluation_rules',
  sql: `
-- V8: an evaluator's opinion (평가의견) with their scores; operators see every one of them,
-- the applicant never does (S2).
alter table evaluations add column opinion text;

-- V8: the committee's summary reason for an application, written before the selection;
-- a not-selected applicant's result notice carries it (never an evaluator's opinion or scores).
alter table applications add column committee_summary text;
`,
};
