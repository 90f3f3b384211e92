import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import type { Sql } from '../db';
import { writeAudit } from '../db/audit';
import { kstDateOf, type IsoDate } from '../domain';
import type { AuditEntry } from '../contracts/audit';
import type { Actor } from './auth';
import { actorLabel } from './auth';
import { jsonTextErrors } from './boundary';
import { badRequest } from './errors';
import type { EmailRateLimiter } from './rate-limit';

/** What every route handler gets: the database, Temporal, configuration and the clock. */
export interface ApiDeps {
  config: Config;
  sql: Sql;
  client: Client;
  /** H2: whether the namespace has our search attributes (the dev server does; a test server does not). */
  searchAttributes: boolean;
  documentDir: string;
  /** T1: "today" in Asia/Seoul. */
  today(): IsoDate;
  /** S6: the clock of sign-in links and sessions (30 minutes), injectable like today(). */
  now(): number;
  /** S6/A7: the API sends sign-in and confirmation links itself, through the outbox (N). */
  mail: { transport: Transporter; from: string };
  /** S6: one limiter for every public endpoint that sends e-mail (createApp makes it). */
  emailLimit: EmailRateLimiter;
}

export const systemToday = (): IsoDate => kstDateOf(Date.now());

/**
 * S4: every operator and evaluator action, append-only. Call it with the transaction that
 * makes the change (`sql.begin(async (tx) => { change; await audit(tx, …) })`), so the
 * action and its audit row are committed together or not at all (S5).
 */
export async function audit(sql: Sql, actor: Actor, action: string, subject: string, detail: Record<string, unknown> = {}) {
  await writeAudit(sql, { actor: actorLabel(actor), action, subject, detail });
}

/**
 * S4/S5: the audit entry of an action a workflow carries out (an Update). Its key is also
 * the Update's id (`updateId: entry.key`), so a retried request is the same Update and the
 * same audit row. Checked against PostgreSQL first: the activity that writes it later must
 * not meet a value the database refuses (a NUL, a lone surrogate) and retry for ever while
 * the change stays half done, so such input is refused here, before anything changed.
 */
export async function auditEntry(
  sql: Sql,
  actor: Actor,
  action: string,
  subject: string,
  detail: Record<string, unknown> = {},
): Promise<AuditEntry> {
  const entry: AuditEntry = { key: randomUUID(), actor: actorLabel(actor), action, subject, detail };
  assertStorable(entry);
  return entry;
}

/**
 * S5: refuses with 400, before anything changes, a value that holds text PostgreSQL or
 * SMTP cannot carry. The boundary (src/api/boundary.ts) already checked every string of
 * the request; this guards values an action builds from them (audit entries, file names)
 * with the same rule (domain/text.ts), so an activity never meets a value the database
 * refuses and retries for ever while its change stays half done.
 */
export function assertStorable(value: object): void {
  const errors = jsonTextErrors(value, '');
  if (errors.length) throw badRequest(errors);
}

/**
 * S4: an Update's audit row is written by the workflow's activity, with the change, a moment
 * after the Update is accepted. The answer waits for it (bounded) so that what the client
 * reads next (the row, the log) already shows the action; past the bound the workflow still
 * writes both, durably, and the answer says so.
 */
export async function auditWritten(sql: Sql, key: string, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    const [row] = await sql`select 1 from audit_log where key = ${key}`;
    if (row) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, wait));
  }
}
