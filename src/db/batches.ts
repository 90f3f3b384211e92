import type { IsoDate } from '../domain';
import type { Sql } from './index';

/** V2/I4: an evaluation batch with its call's minimum of evaluators per application. */
export interface BatchRow {
  id: string;
  call_id: string;
  cutoff: IsoDate;
  closed_at: Date | null;
  created_by: string;
  selection_started_at: Date | null;
  selection_started_by: string | null;
  selected_at: Date | null;
  min_evaluators: number;
}

export async function batchOfCall(sql: Sql, callId: string, batchId: string): Promise<BatchRow | undefined> {
  const [row] = await sql<BatchRow[]>`
    select b.*, coalesce((c.settings->>'minEvaluators')::int, 5) as min_evaluators
    from batches b join calls c on c.id = b.call_id where b.id = ${batchId} and b.call_id = ${callId}`;
  return row;
}

export interface EvaluatorKeyRow {
  id: string;
  role: string;
  name: string;
  organisation_brn: string | null;
  revoked_at: Date | null;
}

/** S2: the API keys among `ids` (any role, revoked ones too: the caller says which may evaluate). */
export async function apiKeysByIds(sql: Sql, ids: string[]): Promise<EvaluatorKeyRow[]> {
  return sql<EvaluatorKeyRow[]>`
    select id, role, name, organisation_brn, revoked_at from api_keys where id in ${sql(ids)}`;
}

/** S2: assigns evaluators to a batch; an evaluator already assigned stays so. */
export async function assignEvaluators(sql: Sql, batchId: string, evaluatorIds: string[]): Promise<void> {
  await sql`insert into evaluator_assignments ${sql(evaluatorIds.map((id) => ({ batch_id: batchId, evaluator_id: id })))}
            on conflict do nothing`;
}

export async function isAssigned(sql: Sql, batchId: string, evaluatorId: string): Promise<boolean> {
  const [row] = await sql`select 1 from evaluator_assignments where batch_id = ${batchId} and evaluator_id = ${evaluatorId}`;
  return Boolean(row);
}

export interface BatchEvaluator {
  id: string;
  name: string;
  organisationBrn: string | null;
}

export async function evaluatorsOfBatch(sql: Sql, batchId: string): Promise<BatchEvaluator[]> {
  const rows = await sql<Array<{ id: string; name: string; organisation_brn: string | null }>>`
    select k.id, k.name, k.organisation_brn from evaluator_assignments x join api_keys k on k.id = x.evaluator_id
    where x.batch_id = ${batchId} order by k.name, k.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, organisationBrn: r.organisation_brn }));
}

/** V7: each member's requested resource and the committee's change of it. */
export interface MemberResourceRow {
  id: string;
  accelerator_type: string;
  units: number;
  committee_type: string | null;
  committee_units: number | null;
  committee_reason: string | null;
}

export async function memberResources(sql: Sql, batchId: string): Promise<MemberResourceRow[]> {
  return sql<MemberResourceRow[]>`
    select id, accelerator_type, units, committee_type, committee_units, committee_reason from applications where batch_id = ${batchId}`;
}

/** V5–V7: one member's place in the stored ranking. */
export interface SelectionResultRow {
  application_id: string;
  rank: number;
  total: string;
  scores: unknown;
  evaluators: number;
  outcome: string;
  rule: string;
  resource_type: string;
  resource_units: number;
  signalled_at: Date | null;
}

export async function selectionResults(sql: Sql, batchId: string): Promise<SelectionResultRow[]> {
  return sql<SelectionResultRow[]>`select * from selection_results where batch_id = ${batchId} order by rank`;
}

/** V2/N: a warning or escalation recorded for a batch deadline (`REVIEW_AT_RISK`, `RESULTS_OVERDUE`, ...). */
export interface BatchSlaEventRow {
  kind: string;
  on_day: IsoDate;
  missing: number;
  recorded_at: Date;
}

export async function batchSlaEvents(sql: Sql, batchId: string): Promise<BatchSlaEventRow[]> {
  return sql<BatchSlaEventRow[]>`
    select kind, on_day, missing, recorded_at from batch_sla_events where batch_id = ${batchId} order by on_day, kind`;
}

export interface AssignedBatchRow {
  id: string;
  call_id: string;
  cutoff: IsoDate;
  selected_at: Date | null;
}

/** S2: the batches an evaluator is assigned to, by cutoff. */
export async function batchesOfEvaluator(sql: Sql, evaluatorId: string): Promise<AssignedBatchRow[]> {
  return sql<AssignedBatchRow[]>`
    select b.id, b.call_id, b.cutoff, b.selected_at from evaluator_assignments x join batches b on b.id = x.batch_id
    where x.evaluator_id = ${evaluatorId} order by b.cutoff, b.id`;
}
