import type { Sql } from '../db';
import { ACTIVE_MEMBER_STATUSES, batchDeadlines, type IsoDate } from '../domain';
import { createNotify, type ActivityDeps } from './notify';

export type EvaluatorDeadlineKind = 'EVALUATOR_REVIEW_DUE_SOON' | 'EVALUATOR_REVIEW_MISSED';

/** N3: each evaluator of a batch with the number of members in play still without their score. */
async function pendingByEvaluator(sql: Sql, batchId: string) {
  return sql<Array<{ evaluator_id: string; pending: number }>>`
    select x.evaluator_id,
      (select count(*)::int from applications a
        where a.batch_id = x.batch_id and a.status in ${sql(ACTIVE_MEMBER_STATUSES)}
          and not exists (select 1 from evaluations e where e.application_id = a.id and e.evaluator_id = x.evaluator_id)) as pending
    from evaluator_assignments x where x.batch_id = ${batchId} order by x.evaluator_id`;
}

/** N3: the evaluators' notices. Each goes out once per (batch, kind, evaluator) key. */
export function evaluatorActivities(deps: ActivityDeps) {
  const { sql } = deps;
  const notify = createNotify(deps);
  return {
    /** N3: on assignment, with the link to their queue and the review deadline (V2). */
    async notifyEvaluatorsAssigned(a: { callId: string; batchId: string; evaluatorIds: string[] }): Promise<{ notified: number }> {
      const [batch] = await sql<Array<{ cutoff: IsoDate }>>`select cutoff from batches where id = ${a.batchId}`;
      if (!batch) return { notified: 0 };
      const { reviewDue } = batchDeadlines(batch.cutoff);
      let notified = 0;
      for (const evaluatorId of a.evaluatorIds) {
        const r = await notify({
          key: `batch:${a.batchId}:EVALUATOR_BATCH_ASSIGNED:${evaluatorId}`,
          kind: 'EVALUATOR_BATCH_ASSIGNED',
          audience: 'EVALUATOR',
          evaluatorId,
          callId: a.callId,
          data: { batchId: a.batchId, cutoff: batch.cutoff, reviewDue },
        });
        if (r.sent) notified++;
      }
      return { notified };
    },

    /**
     * N3: 3 days before the review deadline and when it is missed, every assigned
     * evaluator who still owes scores is told how many (the batch clock calls this).
     */
    async notifyEvaluatorsOfDeadline(d: { callId: string; batchId: string; kind: EvaluatorDeadlineKind; reviewDue: IsoDate }): Promise<{ notified: number }> {
      let notified = 0;
      for (const e of await pendingByEvaluator(sql, d.batchId)) {
        if (e.pending === 0) continue;
        const r = await notify({
          key: `batch:${d.batchId}:${d.kind}:${e.evaluator_id}`,
          kind: d.kind,
          audience: 'EVALUATOR',
          evaluatorId: e.evaluator_id,
          callId: d.callId,
          data: { batchId: d.batchId, reviewDue: d.reviewDue, pending: e.pending },
        });
        if (r.sent) notified++;
      }
      return { notified };
    },
  };
}
