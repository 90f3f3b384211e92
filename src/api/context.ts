import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db';
import { kstDateOf, type IsoDate } from '../domain';
import type { Actor } from './auth';
import { actorLabel } from './auth';

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
}

export const systemToday = (): IsoDate => kstDateOf(Date.now());

/** S4: every operator and evaluator action, append-only. */
export async function audit(sql: Sql, actor: Actor, action: string, subject: string, detail: Record<string, unknown> = {}) {
  await sql`insert into audit_log (actor, action, subject, detail) values (${actorLabel(actor)}, ${action}, ${subject}, ${sql.json(detail as never)})`;
}
