import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { callWorkflowId, type IsoDate } from '../../domain';
import { applicationWaitingSignal, batchAssignedSignal } from '../messages';
import type { ApplicationContext } from './context';

/**
 * Evaluation (V2): wait for the batch whose cutoff follows the day the documents were
 * accepted; the call workflow closes batches and tells each member.
 */
export function evaluationPhase(ctx: ApplicationContext) {
  const { state, input } = ctx;
  let batch: { batchId: string; cutoff: IsoDate } | undefined;

  setHandler(batchAssignedSignal, (b) => {
    batch ??= b; // a retried batch closing repeats the same fact
  });

  /** Resolves true when the application goes on to allocation, false when it ended here. */
  async function run(): Promise<boolean> {
    // C2: the call learns an application is waiting (a quarter end may become a cutoff).
    await getExternalWorkflowHandle(callWorkflowId(input.callId)).signal(applicationWaitingSignal, {
      applicationId: input.applicationId,
      acceptedOn: state.documentsAcceptedOn!,
    });
    await condition(() => batch !== undefined || ctx.withdrawal !== undefined);
    if (ctx.withdrawal) return false;
    state.batch = batch;
    ctx.facts.batchCutoff = batch!.cutoff;
    await ctx.transition('IN_EVALUATION', 'BATCH_ASSIGNED', { ...batch });
    await ctx.notify(
      'BATCH_ASSIGNED',
      { batchId: batch!.batchId, cutoff: batch!.cutoff, resultsBy: state.deadlines.notificationDue },
      batch!.batchId,
    );
    // Scores, selection and results (V3–V7) continue here.
    await condition(() => ctx.withdrawal !== undefined);
    return false;
  }

  return { run };
}
