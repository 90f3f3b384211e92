/**
 * S3: personal data never in logs. postgres.js errors carry the statement's `parameters`
 * (a practitioner's phone, e-mail, name), the `query`, and `detail`/`where` with row
 * excerpts ("Failing row contains (…, 010-1234-5678, …)"); printing the error object
 * (console.error(err), the Temporal worker's "Activity failed" log) prints all of them.
 * Errors are logged here, reduced to what helps an operator and names no one: the error's
 * name, message and SQL state code, the table / column / constraint it concerns, and the
 * route or activity it happened in. Never parameters, query, detail, where, hint or bodies.
 */

/** The loggable part of an error (and of its causes). */
export interface ErrorSummary {
  name: string;
  message: string;
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  cause?: ErrorSummary;
}

/** Fields of a PostgreSQL error that name schema objects, never values. */
const SCHEMA_FIELDS = { table: 'table_name', column: 'column_name', constraint: 'constraint_name' } as const;

/**
 * PostgreSQL quotes the offending value in some messages (22P02: `invalid input syntax for
 * type integer: "010-1234-5678"`, 22003: `value "…" is out of range`). Quoted text stays only
 * where it names a schema object or an encoding (`relation "applications"`, `constraint "…"`).
 */
const NAMES_BEFORE_QUOTE = /(?:relation|table|column|constraint|index|type|function|schema|database|role|sequence|view|trigger|encoding|operator|extension|cursor|statement|savepoint|namespace)\s*$/i;

export function redactPostgresMessage(message: string): string {
  return message.replace(/"((?:[^"]|"")*)"/g, (quoted, _inner, offset: number) =>
    NAMES_BEFORE_QUOTE.test(message.slice(0, offset)) ? quoted : '"…"');
}

/** A postgres.js server error (it carries PostgreSQL's severity and routine). */
function isPostgresError(e: Record<string, unknown>): boolean {
  return e.name === 'PostgresError' || (typeof e.severity === 'string' && typeof e.routine === 'string');
}

export function errorSummary(err: unknown, depth = 0): ErrorSummary {
  if (!(err instanceof Error)) return { name: typeof err, message: typeof err === 'string' ? err : 'a non-Error value was thrown' };
  const e = err as Error & Record<string, unknown>;
  const out: ErrorSummary = { name: e.name, message: isPostgresError(e) ? redactPostgresMessage(e.message) : e.message };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  for (const [key, field] of Object.entries(SCHEMA_FIELDS)) {
    if (typeof e[field] === 'string') out[key as keyof typeof SCHEMA_FIELDS] = e[field] as string;
  }
  if (e.cause !== undefined && depth < 3) out.cause = errorSummary(e.cause, depth + 1);
  return out;
}

/** One line for the log: `context: Name [code] message (table/column/constraint) ← cause`. */
export function formatErrorSummary(s: ErrorSummary): string {
  const where = [s.table, s.column, s.constraint].filter(Boolean).join('/');
  return `${s.name}${s.code ? ` [${s.code}]` : ''}: ${s.message}${where ? ` (${where})` : ''}${s.cause ? ` ← ${formatErrorSummary(s.cause)}` : ''}`;
}

/** S3: logs an error with where it happened (route, activity), and nothing personal. */
export function logErrorSafely(context: string, err: unknown): void {
  console.error(`${context} failed: ${formatErrorSummary(errorSummary(err))}`);
}

/**
 * S3: an error fit to travel on (to the Temporal worker's log and the workflow history):
 * same name, message, code and stack frames, none of the SQL parameters or row excerpts.
 * Errors that carry none of those (e.g. Temporal's ApplicationFailure) pass unchanged.
 */
const PERSONAL_FIELDS = ['parameters', 'query', 'detail', 'where', 'hint', 'body'];

/** True when the error or one of its causes carries fields that may hold personal data. */
function carriesPersonalData(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 3) return false;
  return PERSONAL_FIELDS.some((k) => k in err) || carriesPersonalData((err as { cause?: unknown }).cause, depth + 1);
}

export function withoutPersonalData(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || !carriesPersonalData(err)) return err;
  const e = err as Error & Record<string, unknown>;
  const s = errorSummary(err);
  const clean = new Error(s.message) as Error & Partial<Omit<ErrorSummary, 'cause'>> & { cause?: unknown };
  clean.name = s.name;
  if (s.code) clean.code = s.code;
  for (const key of Object.keys(SCHEMA_FIELDS) as Array<keyof typeof SCHEMA_FIELDS>) if (s[key]) clean[key] = s[key];
  if (e.cause !== undefined && depth < 3) clean.cause = withoutPersonalData(e.cause, depth + 1);
  // The frames show where it failed; postgres.js puts only the message on the first line.
  clean.stack = `${s.name}: ${s.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
  return clean;
}
