/** One schema migration: an id that sorts in order of application, and its SQL. */
export interface Migration {
  id: string;
  sql: string;
}
