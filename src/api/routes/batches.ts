import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import * as R from '../responses';
import { z } from 'zod';
import { addDays, AT_RISK_DAYS_BEFORE, batchDeadlines, compareDates, endOfDayKst, type IsoDate } from '../../domain';
import { batchProgress, missingList } from '../../activities/evaluation';
import {
  apiKeysByIds,
  assignEvaluators,
  batchesOfEvaluator,
  batchSlaEvents,
  evaluatorsOfBatch,
  memberResources,
  selectionResults,
} from '../../db/batches';
import { evaluatorsAssignedWorkflow } from '../../workflows/evaluator-notices';
import { audit, type ApiDeps } from '../context';
import { badRequest, conflict } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { batchParams, evaluationSupport, staffId } from './evaluation-support';

export const assignEvaluatorsSchema = z.strictObject({
  evaluatorIds: z.array(z.string().regex(/^[0-9a-f]{12}$/, 'an API key id')).min(1).max(50).describe('ids of EVALUATOR API keys'),
});

/** Evaluators of a batch, the batch as operators follow it, an evaluator's batches (V2, V4–V7, I4, S2, N). */
export function batchRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;
  const { loadBatch } = evaluationSupport(deps);

  return [
    defineRoute({
      method: 'post',
      path: '/calls/:id/batches/:batchId/evaluators',
      tag: 'evaluation',
      summary: 'Assign evaluators (EVALUATOR API keys) to a batch (S2: they see only assigned batches)',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the evaluators of the batch', schema: R.evaluatorsAssignedResponse },
      params: batchParams,
      body: assignEvaluatorsSchema,
      handler: async ({ params, body, actor, res }) => {
        const batch = await loadBatch(params.id, params.batchId);
        if (batch.selection_started_at) throw conflict(`V5: the selection of batch ${batch.id} has begun; the committee is fixed`);
        const keys = await apiKeysByIds(sql, body.evaluatorIds);
        const bad = body.evaluatorIds
          .map((id, i) => ({ id, i, key: keys.find((k) => k.id === id) }))
          .filter((x) => !x.key || x.key.role !== 'EVALUATOR' || x.key.revoked_at);
        if (bad.length) {
          throw badRequest(bad.map((b) => ({ field: `evaluatorIds.${b.i}`, message: `${b.id} is not an active EVALUATOR API key` })));
        }
        // S4/S5: the assignment and its audit row commit together.
        await sql.begin(async (tx) => {
          await assignEvaluators(tx as never, batch.id, body.evaluatorIds);
          await audit(tx as never, actor, 'batch.evaluators.assign', `batch:${batch.id}`, { evaluatorIds: body.evaluatorIds });
        });
        // N3: each evaluator is e-mailed the assignment with the link to their queue, by a
        // workflow (retried until sent; once per evaluator and batch by its notice key).
        // After the commit: a failed start answers 5xx and a repeated POST starts it again;
        // the same set posted while its notice is on the way is that same workflow.
        const evaluatorIds = [...new Set(body.evaluatorIds)].sort();
        const digest = createHash('sha256').update(evaluatorIds.join(',')).digest('hex').slice(0, 16);
        await client.workflow
          .start(evaluatorsAssignedWorkflow, {
            workflowId: `n3-assigned-${batch.id}-${digest}`,
            taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
            args: [{ callId: batch.call_id, batchId: batch.id, evaluatorIds }],
          })
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          });
        res.status(201);
        return { batchId: batch.id, evaluators: await evaluatorsOfBatch(sql, batch.id) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/calls/:id/batches/:batchId',
      tag: 'evaluation',
      summary: 'A batch: members (V4 order), score progress (I4), ranking after selection (V5–V7), SLA state (V2, N)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the batch', schema: R.batchResponse },
      params: batchParams,
      handler: async ({ params }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const progress = await batchProgress(sql, batch.id, batch.min_evaluators);
        const details = await memberResources(sql, batch.id);
        const byId = new Map(details.map((d) => [d.id, d]));
        const ranking = await selectionResults(sql, batch.id);
        const events = await batchSlaEvents(sql, batch.id);
        const { reviewDue, notificationDue } = batchDeadlines(batch.cutoff);
        const today = deps.today();
        const reviewComplete = progress.short.length === 0 && progress.members.length > 0;
        const deadline = (kind: 'REVIEW' | 'RESULTS', dueOn: IsoDate, doneAt: Date | null, done: boolean) => {
          const warnings = events.filter((e) => e.kind === `${kind}_AT_RISK`);
          const escalations = events.filter((e) => e.kind === `${kind}_OVERDUE`);
          const late = doneAt ? doneAt.getTime() > endOfDayKst(dueOn) : compareDates(today, dueOn) > 0;
          const breached = escalations.length > 0 || (late && (!done || doneAt !== null));
          const atRisk = compareDates(today, addDays(dueOn, -AT_RISK_DAYS_BEFORE)) >= 0;
          return {
            dueOn,
            warnOn: addDays(dueOn, -AT_RISK_DAYS_BEFORE),
            state: done ? (breached ? 'MET_LATE' : 'MET') : breached ? 'BREACHED' : atRisk ? 'AT_RISK' : 'ON_TRACK',
            breached,
            warnedOn: warnings[0]?.on_day ?? null,
            escalations: escalations.map((e) => ({ day: e.on_day, missing: e.missing, recordedAt: e.recorded_at })),
          };
        };
        return {
          batchId: batch.id,
          callId: batch.call_id,
          cutoff: batch.cutoff,
          closed: batch.closed_at !== null,
          closedAt: batch.closed_at,
          addedBy: batch.created_by,
          reviewDue,
          notificationDue,
          minEvaluators: batch.min_evaluators,
          evaluators: await evaluatorsOfBatch(sql, batch.id),
          progress: {
            members: progress.members.length,
            complete: progress.members.length - progress.short.length,
            short: missingList(progress, progress.short.length),
          },
          members: progress.members.map((m) => {
            const d = byId.get(m.applicationId)!;
            return {
              id: m.applicationId,
              title: m.title,
              organisation: m.organisationName,
              priority: m.priority,
              status: m.status,
              submittedAt: m.submittedAt,
              evaluators: m.evaluators,
              complete: m.complete,
              requested: { type: d.accelerator_type, units: d.units },
              committee: d.committee_type ? { type: d.committee_type, units: d.committee_units, reason: d.committee_reason } : null,
            };
          }),
          selection: {
            state: batch.selected_at ? 'DONE' : batch.selection_started_at ? 'IN_PROGRESS' : 'NOT_STARTED',
            startedAt: batch.selection_started_at,
            by: batch.selection_started_by,
            selectedAt: batch.selected_at,
            // Issue 13: the selection answers once the ranking is stored; this is how many
            // members have been told their result so far (V5, the RESULT_* notices follow).
            notified: { done: ranking.filter((r) => r.signalled_at !== null).length, total: ranking.length },
          },
          ranking: ranking.map((r) => ({
            rank: r.rank,
            applicationId: r.application_id,
            total: Number(r.total),
            scores: r.scores,
            evaluators: r.evaluators,
            outcome: r.outcome,
            rule: r.rule,
            resource: { type: r.resource_type, units: r.resource_units },
            notified: r.signalled_at !== null,
          })),
          sla: {
            review: { ...deadline('REVIEW', reviewDue, null, reviewComplete || batch.selection_started_at !== null), complete: reviewComplete },
            results: deadline('RESULTS', notificationDue, batch.selected_at, batch.selected_at !== null),
          },
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/evaluator/batches',
      tag: 'evaluation',
      summary: "The batches assigned to the calling evaluator (S2), with the review deadline (V2)",
      access: ['EVALUATOR'],
      success: { status: 200, description: 'assigned batches', schema: R.evaluatorBatchesResponse },
      handler: async ({ actor }) => {
        const rows = await batchesOfEvaluator(sql, staffId(actor));
        return {
          items: rows.map((b) => ({ batchId: b.id, callId: b.call_id, cutoff: b.cutoff, ...batchDeadlines(b.cutoff), selected: b.selected_at !== null })),
        };
      },
    }),
  ];
}
