import type { Sql } from './index';

/**
 * S4: one row of the append-only audit log. With a `key` (an Update's id) the row is written
 * once however often the activity that carries it runs; without one (an action done by the
 * API in its own transaction) every call is a new row.
 */
export interface AuditRow {
  key?: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

export async function writeAudit(sql: Sql, r: AuditRow): Promise<void> {
  await sql`
    insert into audit_log (key, actor, action, subject, detail)
    values (${r.key ?? null}, ${r.actor}, ${r.action}, ${r.subject}, ${sql.json(r.detail as never)})
    on conflict (key) do nothing`;
}
