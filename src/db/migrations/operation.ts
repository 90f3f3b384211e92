import type { Migration } from '../migrations';

/** Tables of the operation phase. Never edit once landed: add the next migration instead. */
export const OPERATION_MIGRATION: Migration = {
  id: '004_operation',
  sql: `select 1;`,
};
