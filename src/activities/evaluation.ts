import type postgres from 'postgres';
import type { Sql } from '../db';
import {
  CRITERION_KEYS,
  evaluationViolations,
  meanScores,
  rankAndAllocate,
  round2,
  type AcceleratorType,
  type IsoDate,
  type RankingCandidate,
  type Scores,
  type SelectionOutcome,
  ACTIVE_MEMBER_STATUSES,
} from '../domain';
import type { AuditEntry } from '../contracts/audit';
import type { BatchDeadlineKind, SelectionSummary } from '../contracts/batch';
import { writeAudit } from '../db/audit';
import { capacityBeyondWaitlist } from './capacity';
import { createNotify, notifyOrReport, type ActivityDeps } from './notify';
import { DEFAULT_FANOUT_CONCURRENCY, publishSelectionResults } from './selection-fanout';

type Db = Sql | postgres.TransactionSql;


export interface MemberProgress {
  applicationId: string;
  title: string;
  organisationName: string;
  brn: string;
  priority: boolean;
  status: string;
  submittedAt: Date | null;
  /** I4: distinct evaluators who scored it. */
  evaluators: number;
  /** I4: enough evaluators and none of the applicant's organisation (only for members still in play). */
  complete: boolean;
}

export interface BatchProgress {
  minEvaluators: number;
  members: MemberProgress[];
  /** Members not withdrawn or otherwise out: the ones to evaluate and select. */
  inPlay: number;
  /** Members in play that are short of the I4 minimum, V4 order. */
  short: MemberProgress[];
}

/**
 * I4: how far the committee got with a batch, from the database (scores never travel
 * through workflow history). Members in V4 order: priority applicants first, then by
 * submission. The quorum rule itself is the domain's `evaluationViolations`.
 */
export async function batchProgress(sql: Db, batchId: string, minEvaluators: number): Promise<BatchProgress> {
  const rows = await (sql as Sql)<
    Array<{
      id: string;
      title: string;
      organisation_name: string;
      brn: string;
      priority: boolean;
      status: string;
      submitted_at: Date | null;
      evaluations: Array<{ evaluatorId: string; evaluatorOrganisation: string | null }>;
    }>
  >`
    select a.id, a.title, a.organisation_name, a.brn, a.priority, a.status, a.submitted_at,
      coalesce(json_agg(json_build_object('evaluatorId', e.evaluator_id, 'evaluatorOrganisation', k.organisation_brn))
        filter (where e.evaluator_id is not null), '[]'::json) as evaluations
    from applications a
      left join evaluations e on e.application_id = a.id
      left join api_keys k on k.id = e.evaluator_id
    where a.batch_id = ${batchId}
    group by a.id
    order by a.priority desc, a.submitted_at nulls last, a.id`;
  const members = rows.map((r): MemberProgress => {
    const active = (ACTIVE_MEMBER_STATUSES as readonly string[]).includes(r.status);
    return {
      applicationId: r.id,
      title: r.title,
      organisationName: r.organisation_name,
      brn: r.brn,
      priority: r.priority,
      status: r.status,
      submittedAt: r.submitted_at,
      evaluators: new Set(r.evaluations.map((e) => e.evaluatorId)).size,
      complete: !active || evaluationViolations(r.evaluations, r.brn, minEvaluators).length === 0,
    };
  });
  const inPlay = members.filter((m) => (ACTIVE_MEMBER_STATUSES as readonly string[]).includes(m.status)).length;
  return { minEvaluators, members, inPlay, short: members.filter((m) => !m.complete) };
}

/**
 * V3/I6: the candidates of a batch's ranking, from the database: the members still in play
 * with the committee's resource (V7), the criterion-wise mean over their evaluators and
 * their submission time. The selection ranks them; the console's preview (H4) ranks the
 * same list, so what operators see before they confirm is what the selection will do.
 * Members without any score yet are left out (the selection refuses until I4 is met).
 */
export async function batchRankingCandidates(sql: Db, batchId: string) {
  const db = sql as Sql;
  const members = await db<Array<{ id: string; submitted_at: Date | null; created_at: Date; type: AcceleratorType; units: number }>>`
    select id, submitted_at, created_at, coalesce(committee_type, accelerator_type) as type,
      coalesce(committee_units, units) as units
    from applications where batch_id = ${batchId} and status in ${db(ACTIVE_MEMBER_STATUSES)}`;
  const evaluations = members.length
    ? await db<Array<{ application_id: string; scores: Scores }>>`
        select e.application_id, e.scores from evaluations e join applications a on a.id = e.application_id
        where a.batch_id = ${batchId} and a.status in ${db(ACTIVE_MEMBER_STATUSES)}`
    : [];
  const byApplication = new Map<string, Scores[]>();
  for (const e of evaluations) {
    const list = byApplication.get(e.application_id) ?? [];
    list.push(e.scores);
    byApplication.set(e.application_id, list);
  }
  const means = new Map<string, Scores>();
  const candidates: RankingCandidate[] = [];
  for (const m of members) {
    const list = byApplication.get(m.id);
    if (!list?.length) continue;
    const scores = meanScores(list);
    means.set(m.id, scores);
    candidates.push({
      applicationId: m.id,
      scores,
      submittedAt: (m.submitted_at ?? m.created_at).getTime(), // I6
      resource: { type: m.type, units: m.units },
    });
  }
  return { candidates, means, byApplication, members: members.length };
}

/** How many of the applications short of the quorum a notice or an error lists by name. */
export const MISSING_LISTED = 50;

export const missingList = (p: BatchProgress, limit = MISSING_LISTED) =>
  p.short.slice(0, limit).map((m) => ({ applicationId: m.applicationId, title: m.title, evaluators: m.evaluators, needed: p.minEvaluators }));

/** Activities of the evaluation phase (idempotent: Temporal may run any of them again). */
export function evaluationActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const notify = createNotify(deps);

  return {
    /**
     * V2/N: one of the batch's deadline checks. Review checks look at the scores (I4) and
     * stay silent once every member has its minimum; results checks stay silent once the
     * selection has begun. Otherwise the event is recorded (an OVERDUE one is a breach) and
     * the operators are told what is missing, exactly once per key.
     */
    async checkBatchDeadline(c: {
      callId: string;
      batchId: string;
      cutoff: IsoDate;
      kind: BatchDeadlineKind;
      /** The day this check stands for (the schedule's, not the clock's: stable on retry). */
      day: IsoDate;
      dueOn: IsoDate;
      minEvaluators: number;
    }): Promise<{ complete: boolean; missing: number; notified: boolean; inPlay: number }> {
      const progress = await batchProgress(sql, c.batchId, c.minEvaluators);
      const { inPlay } = progress;
      // A batch with nobody left in it (none joined, or all withdrew) has no deadline to keep.
      if (inPlay === 0) return { complete: true, missing: 0, notified: false, inPlay };
      const review = c.kind.startsWith('REVIEW');
      if (review && progress.short.length === 0) return { complete: true, missing: 0, notified: false, inPlay };
      if (!review) {
        const [b] = await sql<Array<{ selection_started_at: Date | null }>>`
          select selection_started_at from batches where id = ${c.batchId}`;
        if (b?.selection_started_at) return { complete: true, missing: progress.short.length, notified: false, inPlay };
      }
      await sql`
        insert into batch_sla_events (batch_id, kind, on_day, due_on, missing)
        values (${c.batchId}, ${c.kind}, ${c.day}, ${c.dueOn}, ${progress.short.length})
        on conflict do nothing`;
      const overdue = c.kind.endsWith('OVERDUE');
      // N: an operators' notice that can never go out is reported, not retried for ever.
      await notifyOrReport(notify, {
        key: `batch:${c.batchId}:${c.kind}${overdue ? `:${c.day}` : ''}`,
        kind: `BATCH_${c.kind}`,
        callId: c.callId,
        audience: 'OPERATORS',
        data: {
          batchId: c.batchId,
          cutoff: c.cutoff,
          dueOn: c.dueOn,
          day: c.day,
          missing: missingList(progress),
          missingTotal: progress.short.length,
        },
      });
      return { complete: false, missing: progress.short.length, notified: true, inPlay };
    },

    /**
     * V5/I4: the selection may begin only when every member in play has scores from the
     * minimum number of evaluators. Under the batch row's lock, so no score or resource
     * change slips in between this check and the ranking: once begun, those are refused.
     */
    async beginSelection(b: { batchId: string; minEvaluators: number; actor: string }): Promise<
      { ok: true } | { ok: false; shortTotal: number; short: ReturnType<typeof missingList> }
    > {
      return sql.begin(async (tx) => {
        const [batch] = await tx<Array<{ selection_started_at: Date | null }>>`
          select selection_started_at from batches where id = ${b.batchId} for update`;
        if (!batch) throw new Error(`batch ${b.batchId} is not recorded`);
        if (batch.selection_started_at) return { ok: true as const }; // this step, retried after it committed
        const progress = await batchProgress(tx, b.batchId, b.minEvaluators);
        if (progress.short.length > 0) {
          return { ok: false as const, shortTotal: progress.short.length, short: missingList(progress, 20) };
        }
        await tx`update batches set selection_started_at = now(), selection_started_by = ${b.actor} where id = ${b.batchId}`;
        return { ok: true as const };
      });
    },

    /**
     * V3/V5/V6/I6/V7/K5: ranks the whole batch from the database (mean per criterion over
     * evaluators, the domain's rankAndAllocate within the call's remaining capacity) and
     * writes the results once; then the selection is made (`selected_at`).
     * A retry reuses the written ranking (recomputing would see its own grants as used
     * capacity). Issue 13: the batch's selection Update answers after this step; telling
     * the members is `publishSelection`, which the batch workflow runs after.
     */
    rankBatch,
    publishSelection,

    /**
     * Ranks (rankBatch) and tells the members (publishSelection) in one step: what batches
     * selected before issue 13 run (docs/PATCHING.md), and scripts re-running a selection.
     */
    async rankAndPublishBatch(b: { callId: string; batchId: string; audit?: AuditEntry }): Promise<SelectionSummary> {
      await rankBatch(b);
      return publishSelection(b);
    },
  };

  async function rankBatch(b: { callId: string; batchId: string; audit?: AuditEntry }): Promise<SelectionSummary> {
      /** S4: the operator's selection is audited in the transaction that makes it, with its counts; once per key. */
      const auditSelection = async (tx: Sql) => {
        if (!b.audit) return;
        const counts = await tx<Array<{ outcome: SelectionOutcome; n: number }>>`
          select outcome, count(*)::int as n from selection_results where batch_id = ${b.batchId} group by outcome`;
        const count = (o: SelectionOutcome) => counts.find((c) => c.outcome === o)?.n ?? 0;
        await writeAudit(tx, {
          ...b.audit,
          detail: { ...b.audit.detail, batchId: b.batchId, members: counts.reduce((s, c) => s + c.n, 0), selected: count('SELECTED'), waitlisted: count('WAITLISTED'), notSelected: count('NOT_SELECTED') },
        });
      };
      await sql.begin(async (tx) => {
        // K5: one ranking per call at a time, so two batches never grant the same capacity.
        await tx`select id from calls where id = ${b.callId} for update`;
        const [{ n }] = await tx<Array<{ n: number }>>`select count(*)::int as n from selection_results where batch_id = ${b.batchId}`;
        if (n > 0) return;
        const { candidates, means, byApplication } = await batchRankingCandidates(tx, b.batchId);
        if (candidates.length === 0) return auditSelection(tx as unknown as Sql);
        // V7: capacity the call's waitlist can use is not this batch's to take.
        const capacity = await capacityBeyondWaitlist(tx as unknown as Sql, b.callId);
        const ranked = rankAndAllocate(candidates, capacity);
        const rows = ranked.map((r) => {
          const mean = means.get(r.applicationId)!;
          return {
            application_id: r.applicationId,
            batch_id: b.batchId,
            rank: r.rank,
            total: r.total,
            scores: Object.fromEntries(CRITERION_KEYS.map((k) => [k, round2(mean[k])])),
            evaluators: byApplication.get(r.applicationId)?.length ?? 0,
            outcome: r.outcome,
            rule: r.rule,
            resource_type: r.resource.type,
            resource_units: r.resource.units,
          };
        });
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows.slice(i, i + 1000).map((r) => ({ ...r, scores: tx.json(r.scores) }));
          await tx`insert into selection_results ${tx(chunk)}`;
        }
        // The row's status moves with the grant, in this transaction, so K5's count
        // (callRemainingCapacity, by holding status) sees the capacity taken at once, before
        // each application workflow records the same status itself.
        await tx`
          update applications a set
            selection_outcome = r.outcome, selection_rank = r.rank, total_score = r.total, status = r.outcome,
            granted_type = case when r.outcome = 'NOT_SELECTED' then null else r.resource_type end,
            granted_units = case when r.outcome = 'NOT_SELECTED' then null else r.resource_units end,
            updated_at = now()
          from selection_results r
          where r.batch_id = ${b.batchId} and r.application_id = a.id`;
        await auditSelection(tx as unknown as Sql);
      });
      await sql`update batches set selected_at = coalesce(selected_at, now()) where id = ${b.batchId}`;
      return { ...(await selectionSummary(b.batchId)), signalled: 0 };
  }

  /**
   * V5 (issue 13): tells each member of a ranked batch its result (which sends the RESULT_*
   * e-mail), `FANOUT_CONCURRENCY` signals in flight, progress in the heartbeat and in
   * `selection_results.signalled_at`, so a retry goes on where the last attempt stopped;
   * a repeated signal is harmless (the application keeps the first result).
   */
  async function publishSelection(b: { callId: string; batchId: string }): Promise<SelectionSummary> {
    const { signalled } = await publishSelectionResults({ sql, client: deps.client, concurrency: deps.fanOutConcurrency ?? DEFAULT_FANOUT_CONCURRENCY }, b);
    return { ...(await selectionSummary(b.batchId)), signalled };
  }

  /** V5: the counts of a batch's written ranking. */
  async function selectionSummary(batchId: string): Promise<Omit<SelectionSummary, 'signalled'>> {
    const counts = await sql<Array<{ outcome: SelectionOutcome; n: number }>>`
      select outcome, count(*)::int as n from selection_results where batch_id = ${batchId} group by outcome`;
    const count = (o: SelectionOutcome) => counts.find((c) => c.outcome === o)?.n ?? 0;
    return {
      batchId,
      members: counts.reduce((s, c) => s + c.n, 0),
      selected: count('SELECTED'),
      waitlisted: count('WAITLISTED'),
      notSelected: count('NOT_SELECTED'),
    };
  }
}
