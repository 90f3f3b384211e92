import type { Migration } from '../migrations';

/** Tables of the evaluation phase. Never edit once landed: add the next migration instead. */
export const EVALUATION_MIGRATION: Migration = {
  id: '003_evaluation',
  sql: `select 1;`,
};
