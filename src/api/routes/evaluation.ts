import * as R from '../responses';
import { batchProgress } from '../../activities/evaluation';
import { batchWorkflowId } from '../../contracts/ids';
import { selectBatchUpdate } from '../../contracts/batch';
import { actorLabel } from '../auth';
import { auditEntry, type ApiDeps } from '../context';
import { conflict } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { batchRoutes } from './batches';
import { batchParams, evaluationSupport } from './evaluation-support';
import { scoreRoutes } from './scores';

export { assignEvaluatorsSchema } from './batches';
export { resourceChangeSchema, scoresSchema } from './scores';

/** Evaluators, scores, batches and selection (V2–V7, I4, S2, S4): batches.ts and scores.ts, then the selection. */
export function evaluationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;
  const { loadBatch } = evaluationSupport(deps);

  return [
    ...batchRoutes(deps),
    ...scoreRoutes(deps),
    defineRoute({
      method: 'post',
      path: '/calls/:id/batches/:batchId/selection',
      tag: 'evaluation',
      summary: 'Select the batch (V5–V7, K5): ranked from the database, results to every member; 409 until every application has its I4 minimum of evaluators',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the selection made', schema: R.selectionResponse },
      params: batchParams,
      handler: async ({ params, actor }) => {
        const batch = await loadBatch(params.id, params.batchId);
        if (!batch.closed_at) throw conflict(`V2: batch ${batch.id} closes at the end of its cutoff day ${batch.cutoff}; select after that`);
        if (batch.selection_started_at) {
          throw conflict(`V5: the selection of batch ${batch.id} ${batch.selected_at ? 'was made' : 'began'} at ${batch.selection_started_at.toISOString()}`);
        }
        const progress = await batchProgress(sql, batch.id, batch.min_evaluators);
        if (progress.inPlay === 0) throw conflict(`V5: batch ${batch.id} has no application to select`);
        // H1: I4's quorum is the batch workflow's to refuse (RULE:I4 → 422 with the short list).
        // S4/S5: the ranking's transaction writes this entry with the counts it produced.
        const entry = await auditEntry(sql, actor, 'batch.select', `batch:${batch.id}`);
        const summary = await client.workflow
          .getHandle(batchWorkflowId(batch.id))
          .executeUpdate(selectBatchUpdate, { updateId: entry.key, args: [{ actor: actorLabel(actor), audit: entry }] });
        // S4: the handler awaited the activity that wrote the audit row with the change, so its
        // answer proves the write: nothing to poll for.
        return summary;
      },
    }),
  ];
}
