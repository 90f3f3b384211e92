import type { AcceleratorType } from '../domain';
import type { Sql } from './index';

/** V3/V7: an application as evaluation sees it. */
export interface EvaluatedApplicationRow {
  id: string;
  call_id: string;
  batch_id: string | null;
  status: string;
  brn: string;
  pool: string;
  accelerator_type: AcceleratorType;
  units: number;
  committee_type: AcceleratorType | null;
  committee_units: number | null;
  content: { resource?: { os?: string } };
}

export async function evaluatedApplication(sql: Sql, id: string): Promise<EvaluatedApplicationRow | undefined> {
  const [row] = await sql<EvaluatedApplicationRow[]>`
    select id, call_id, batch_id, status, brn, pool, accelerator_type, units, committee_type, committee_units, content
    from applications where id = ${id}`;
  return row;
}

/** V4/S2: one line of an evaluator's review queue, with only that evaluator's scores. */
export interface ReviewQueueRow {
  id: string;
  title: string;
  brn: string;
  priority: boolean;
  status: string;
  submitted_at: Date | null;
  pool: string;
  type: string;
  units: number;
  content: { organisation: Record<string, unknown>; project: unknown; readiness?: unknown };
  my_scores: unknown;
  my_scores_at: Date | null;
  documents: string[] | null;
}

/** V4: priority applicants first, then by submission. */
export async function reviewQueue(sql: Sql, batchId: string, evaluatorId: string): Promise<ReviewQueueRow[]> {
  return sql<ReviewQueueRow[]>`
    select a.id, a.title, a.brn, a.priority, a.status, a.submitted_at, a.pool,
      coalesce(a.committee_type, a.accelerator_type) as type, coalesce(a.committee_units, a.units) as units,
      a.content, e.scores as my_scores, e.updated_at as my_scores_at,
      (select json_agg(d.type order by d.type) from documents d where d.application_id = a.id) as documents
    from applications a left join evaluations e on e.application_id = a.id and e.evaluator_id = ${evaluatorId}
    where a.batch_id = ${batchId}
    order by a.priority desc, a.submitted_at nulls last, a.id`;
}

export async function applicationDocument(sql: Sql, applicationId: string, type: string): Promise<{ sha256: string; filename: string } | undefined> {
  const [doc] = await sql<Array<{ sha256: string; filename: string }>>`
    select sha256, filename from documents where application_id = ${applicationId} and type = ${type}`;
  return doc;
}

export async function applicationStatus(sql: Sql, id: string): Promise<string | undefined> {
  const [row] = await sql<Array<{ status: string }>>`select status from applications where id = ${id}`;
  return row?.status;
}

/** S4: the scores an evaluator gave before, locked for the transaction that replaces them. */
export async function priorScoresForUpdate(
  sql: Sql,
  applicationId: string,
  evaluatorId: string,
): Promise<{ scores: unknown; opinion: string | null } | undefined> {
  const [prior] = await sql<Array<{ scores: unknown; opinion: string | null }>>`
    select scores, opinion from evaluations where application_id = ${applicationId} and evaluator_id = ${evaluatorId} for update`;
  return prior;
}

/** V3/V8: an evaluator's scores and opinion; a repeat replaces them. */
export async function upsertScores(
  sql: Sql,
  s: { applicationId: string; evaluatorId: string; scores: Record<string, number>; opinion: string | null },
): Promise<void> {
  await sql`
    insert into evaluations (application_id, evaluator_id, scores, opinion) values (${s.applicationId}, ${s.evaluatorId}, ${sql.json(s.scores)}, ${s.opinion})
    on conflict (application_id, evaluator_id) do update set scores = excluded.scores, opinion = excluded.opinion, updated_at = now()`;
}

/** V7: the committee's resource for an application, with its reason. */
export async function setCommitteeResource(sql: Sql, id: string, c: { type: string; units: number; reason: string }): Promise<void> {
  await sql`update applications set committee_type = ${c.type}, committee_units = ${c.units},
             committee_reason = ${c.reason}, updated_at = now() where id = ${id}`;
}
