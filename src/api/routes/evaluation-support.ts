import { z } from 'zod';
import type { Sql } from '../../db';
import { batchOfCall, isAssigned, type BatchRow } from '../../db/batches';
import { evaluatedApplication, type EvaluatedApplicationRow } from '../../db/evaluations';
import { batchSelectionLock } from '../../db/selection';
import type { Actor } from '../auth';
import type { ApiDeps } from '../context';
import { conflict, notFound } from '../errors';
import { callIdParam } from '../schemas';

export const batchParams = callIdParam.extend({
  batchId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a batch id (e.g. 2024-1-2024-03-31)'),
});

/** V3/V7: the statuses in which an application is evaluated. */
export { ACTIVE_MEMBER_STATUSES as ACTIVE } from '../../domain'; // V2–V4 (domain/lifecycle.ts)

export const staffId = (actor: Actor) => (actor as { id: string }).id;

/** What the evaluation routes (batches, scores, selection) share: load for the actor, the V5 lock. */
export function evaluationSupport(deps: ApiDeps) {
  const { sql } = deps;

  async function loadBatch(callId: string, batchId: string): Promise<BatchRow> {
    const row = await batchOfCall(sql, callId, batchId);
    if (!row) throw notFound(`batch ${batchId} of call ${callId}`);
    return row;
  }

  async function loadMember(id: string): Promise<EvaluatedApplicationRow> {
    const row = await evaluatedApplication(sql, id);
    if (!row) throw notFound(`application ${id}`);
    return row;
  }

  const assigned = (batchId: string, evaluatorId: string) => isAssigned(sql, batchId, evaluatorId);

  /**
   * V5: scores and resource changes stop when the selection begins. The batch row is
   * locked (shared) for the change's transaction; the selection locks it exclusively to
   * begin, so the two never interleave.
   */
  async function whileSelectionOpen<T>(batchId: string, f: (tx: Sql) => Promise<T>): Promise<T> {
    return sql.begin(async (tx) => {
      const b = await batchSelectionLock(tx as unknown as Sql, batchId);
      if (b?.selection_started_at) {
        throw conflict(`V5: the selection of batch ${batchId} ${b.selected_at ? 'was made' : 'began'} at ${b.selection_started_at.toISOString()}; nothing can change now`);
      }
      return f(tx as unknown as Sql);
    }) as Promise<T>;
  }

  return { loadBatch, loadMember, assigned, whileSelectionOpen };
}
