import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { callWorkflowId, type IsoDate } from '../../domain';
import { applicationWaitingSignal } from '../../contracts/call';
import { batchAssignedSignal } from '../../contracts/application';
import type { ApplicationContext } from './context';
import { selectionResultSignal, type SelectionResult } from '../../contracts/evaluation';

/**
 * Evaluation (V2–V7): wait for the batch whose cutoff follows the day the documents were
 * accepted (the call workflow closes batches and tells each member), then for the
 * batch's selection result.
 */
export function evaluationPhase(ctx: ApplicationContext) {
  const { state, input } = ctx;
  let batch: { batchId: string; cutoff: IsoDate } | undefined;
  let result: SelectionResult | undefined;

  setHandler(batchAssignedSignal, (b) => {
    batch ??= b; // a retried batch closing repeats the same fact
  });
  setHandler(selectionResultSignal, (r) => {
    result ??= r; // a retried selection repeats the same fact
  });

  /** Resolves with the outcome that goes on to allocation, or false when the application ended here. */
  async function run(): Promise<'SELECTED' | 'WAITLISTED' | false> {
    // C2: the call learns an application is waiting (a quarter end may become a cutoff).
    await getExternalWorkflowHandle(callWorkflowId(input.callId)).signal(applicationWaitingSignal, {
      applicationId: input.applicationId,
      acceptedOn: state.documentsAcceptedOn!,
    });
    const out = () => ctx.withdrawal !== undefined || ctx.exclusion !== undefined; // E4/E6: ends here too
    await condition(() => batch !== undefined || out());
    if (out()) return false;
    state.batch = batch;
    ctx.facts.batchCutoff = batch!.cutoff;
    await ctx.transition('IN_EVALUATION', 'BATCH_ASSIGNED', { ...batch });
    await ctx.notify(
      'BATCH_ASSIGNED',
      { batchId: batch!.batchId, cutoff: batch!.cutoff, resultsBy: state.deadlines.notificationDue },
      batch!.batchId,
    );

    await condition(() => result !== undefined || out());
    if (out()) return false;
    const r = result!;
    state.evaluation = { result: r };
    // V7: the committee may have changed the resource; what follows uses the granted one.
    state.acceleratorType = r.resource.type;
    state.units = r.resource.units;
    await ctx.transition(r.outcome, `RESULT_${r.outcome}`, { rank: r.rank, total: r.total, resource: r.resource });
    await ctx.notify(`RESULT_${r.outcome}`, { ...r }, r.batchId);
    return r.outcome === 'NOT_SELECTED' ? false : r.outcome;
  }

  return { run };
}
