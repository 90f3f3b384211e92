/**
 * S4/S5: the audit row of an operator's or evaluator's action that a workflow carries out.
 * The API builds it (after checking PostgreSQL can store it) and sends it with the Update;
 * the activity that persists the change writes it in the same transaction, once per `key`
 * (the Update's id), so a retried activity or a dead API process never loses or doubles it.
 */
export interface AuditEntry {
  key: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}
