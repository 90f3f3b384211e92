import { writeAudit } from './audit';
import type { Sql } from './index';

/** An application as the operators' case actions (R5 override, H1 withdrawal/setup on behalf) need it. */
export interface ApplicationRef {
  id: string;
  call_id: string;
  status: string;
  submitted_at: Date | null;
}

export async function findApplicationRef(sql: Sql, id: string): Promise<ApplicationRef | undefined> {
  const [row] = await sql<ApplicationRef[]>`select id, call_id, status, submitted_at from applications where id = ${id}`;
  return row;
}

/**
 * H1/S4: an operator withdraws a draft (no workflow runs for it yet) on the applicant's
 * behalf: the status and the audit row in one transaction. False when it is no longer a draft.
 */
export async function withdrawDraft(sql: Sql, id: string, audit: { actor: string; action: string; detail: Record<string, unknown> } | undefined): Promise<boolean> {
  return sql.begin(async (tx) => {
    const rows = await tx`update applications set status = 'WITHDRAWN', updated_at = now() where id = ${id} and status = 'DRAFT' returning id`;
    if (rows.length === 0) return false;
    if (audit) {
      await writeAudit(tx as never, { ...audit, subject: `application:${id}` });
    }
    return true;
  }) as Promise<boolean>;
}
