import type { Sql } from './index';
import { writeAudit } from './audit';
import type { AcceleratorType, ChangeRequestDetail, IsoDate } from '../domain';
import type { AuditEntry } from '../contracts/audit';

export interface ChangeRequestRow {
  id: string;
  applicationId: string;
  kind: ChangeRequestDetail['kind'];
  detail: ChangeRequestDetail;
  reason: string;
  status: 'PENDING' | 'APPROVED' | 'REFUSED';
  requestedOn: IsoDate;
  decidedBy: string | null;
  decidedOn: IsoDate | null;
  decisionReason: string | null;
}

/** O6: the application a change request concerns, with what the routes need of it. */
export async function changeRequestTarget(sql: Sql, id: string) {
  const [row] = await sql<Array<{ id: string; call_id: string; status: string; granted_type: AcceleratorType | null }>>`
    select id, call_id, status, granted_type from applications where id = ${id}`;
  return row;
}

/** O6: an application's change requests, oldest first. */
export async function listChangeRequests(sql: Sql, applicationId: string): Promise<ChangeRequestRow[]> {
  return sql<ChangeRequestRow[]>`
    select id, application_id as "applicationId", kind, detail, reason, status, requested_on as "requestedOn",
      decided_by as "decidedBy", decided_on as "decidedOn", decision_reason as "decisionReason"
    from change_requests where application_id = ${applicationId} order by created_at, id`;
}

/** O6: stores a new request (idempotent by its id: a retried activity writes it once). */
export async function insertChangeRequest(
  sql: Sql,
  r: { id: string; applicationId: string; callId: string; change: ChangeRequestDetail; reason: string; requestedOn: IsoDate },
) {
  await sql`
    insert into change_requests (id, application_id, call_id, kind, detail, reason, status, requested_on)
    values (${r.id}, ${r.applicationId}, ${r.callId}, ${r.change.kind}, ${sql.json(r.change as never)}, ${r.reason}, 'PENDING', ${r.requestedOn})
    on conflict (id) do nothing`;
}

/**
 * O6/S4: the decision on a request and what it changes in the granted resource (K3 storage,
 * K1 BOW cards), with the operator's audit row, in the caller's transaction. A request
 * already decided is left as it is (a retried activity).
 */
export async function storeChangeDecision(
  tx: Sql,
  d: {
    id: string;
    applicationId: string;
    status: 'APPROVED' | 'REFUSED';
    decidedBy: string;
    decidedOn: IsoDate;
    reason: string;
    grant?: { extraStorageTb?: number; units?: number };
    audit?: AuditEntry;
  },
) {
  const done = await tx`
    update change_requests set status = ${d.status}, decided_by = ${d.decidedBy}, decided_on = ${d.decidedOn},
      decision_reason = ${d.reason}
    where id = ${d.id} and status = 'PENDING' returning id`;
  if (done.length === 0) return;
  if (d.grant?.extraStorageTb !== undefined) {
    await tx`update applications set granted_extra_storage_tb = ${d.grant.extraStorageTb}, updated_at = now() where id = ${d.applicationId}`;
  }
  if (d.grant?.units !== undefined) {
    await tx`update applications set granted_units = ${d.grant.units}, updated_at = now() where id = ${d.applicationId}`;
  }
  if (d.audit) await writeAudit(tx, d.audit);
}
