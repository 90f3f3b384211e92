import type { Sql } from './index';
import type { Scores } from '../domain';

/** The row a route needs to reach an application's workflow (H2: its id is built from both). */
export interface ApplicationRef {
  id: string;
  call_id: string;
  status: string;
  batch_id: string | null;
}

export async function applicationRef(sql: Sql, id: string): Promise<ApplicationRef | undefined> {
  const [row] = await sql<ApplicationRef[]>`select id, call_id, status, batch_id from applications where id = ${id}`;
  return row;
}

/**
 * V5: the batch row, locked (shared) for the transaction of a change the committee makes
 * before the selection; the selection locks it exclusively to begin, so the two never
 * interleave. Undefined when the batch has no row.
 */
export async function batchSelectionLock(tx: Sql, batchId: string) {
  const [b] = await tx<Array<{ selection_started_at: Date | null; selected_at: Date | null }>>`
    select selection_started_at, selected_at from batches where id = ${batchId} for share`;
  return b;
}

/** V8: the committee's summary reason of an application (the not-selected notice carries it). */
export async function writeCommitteeSummary(tx: Sql, applicationId: string, summary: string): Promise<string | null> {
  const [before] = await tx<Array<{ committee_summary: string | null }>>`
    select committee_summary from applications where id = ${applicationId} for update`;
  await tx`update applications set committee_summary = ${summary}, updated_at = now() where id = ${applicationId}`;
  return before?.committee_summary ?? null;
}

/** V8: every evaluator's scores and opinion of one application (operators only; S2). */
export async function opinionsOf(sql: Sql, applicationId: string) {
  return sql<Array<{ evaluatorId: string; evaluatorName: string; scores: Scores; opinion: string | null; updatedAt: Date }>>`
    select e.evaluator_id as "evaluatorId", k.name as "evaluatorName", e.scores, e.opinion, e.updated_at as "updatedAt"
    from evaluations e join api_keys k on k.id = e.evaluator_id
    where e.application_id = ${applicationId} order by e.created_at, e.evaluator_id`;
}

export async function committeeSummaryOf(sql: Sql, applicationId: string): Promise<string | null> {
  const [row] = await sql<Array<{ committee_summary: string | null }>>`select committee_summary from applications where id = ${applicationId}`;
  return row?.committee_summary ?? null;
}
