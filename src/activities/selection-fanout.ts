import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Sql } from '../db';
import { applicationWorkflowId, type AcceleratorType, type Scores, type SelectionOutcome } from '../domain';
import { selectionResultSignal, type SelectionResult } from '../contracts/evaluation';
import { fanOut, resumedProgress } from './fanout';

/** Issue 13: signals in flight at once when a batch tells its members (V2, V5); config FANOUT_CONCURRENCY. */
export const DEFAULT_FANOUT_CONCURRENCY = 32;

/** A signal to a workflow that has ended since (withdrawn, not selected) has nobody left to tell. */
export async function signalMember(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * V5 (issue 13): tells each ranked member of a batch its result, in rank order, with
 * `concurrency` signals in flight. Members already marked (`signalled_at`) and, on a retry,
 * those before the heartbeat's `through` are skipped; each finished prefix is marked in the
 * database (the API's `notified` progress) before the heartbeat reports it.
 */
export async function publishSelectionResults(
  deps: { sql: Sql; client: Client; concurrency: number },
  b: { callId: string; batchId: string },
): Promise<{ signalled: number }> {
  const { sql } = deps;
  const resumed = resumedProgress();
  const pending = await sql<
    Array<{ application_id: string; rank: number; total: string; scores: Scores; outcome: SelectionOutcome; resource_type: AcceleratorType; resource_units: number }>
  >`
    select application_id, rank, total, scores, outcome, resource_type, resource_units
    from selection_results where batch_id = ${b.batchId} and signalled_at is null
    order by rank`;
  // The heartbeat counts positions in the list of all ranks, so a resumed attempt skips by rank.
  const [{ n: already }] = await sql<Array<{ n: number }>>`
    select count(*)::int as n from selection_results where batch_id = ${b.batchId} and signalled_at is not null`;
  const todo = resumed?.cursor !== undefined ? pending.filter((p) => p.rank > Number(resumed.cursor)) : pending;
  const progress = await fanOut(todo, {
    concurrency: deps.concurrency,
    keyOf: (p) => p.rank,
    base: { done: already, total: already + pending.length, ...(resumed?.cursor !== undefined ? { cursor: resumed.cursor } : {}) },
    send: (p) => {
      const result: SelectionResult = {
        batchId: b.batchId,
        outcome: p.outcome,
        rank: p.rank,
        total: Number(p.total),
        scores: p.scores,
        resource: { type: p.resource_type, units: p.resource_units },
      };
      return signalMember(() => deps.client.workflow.getHandle(applicationWorkflowId(b.callId, p.application_id)).signal(selectionResultSignal, result));
    },
    flush: async (done) => {
      await sql`update selection_results set signalled_at = now()
                where batch_id = ${b.batchId} and application_id in ${sql(done.map((p) => p.application_id))}`;
    },
  });
  return { signalled: progress.done - already };
}
