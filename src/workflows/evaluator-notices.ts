import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EvaluatorsAssignedInput } from '../contracts/evaluator-notices';

const { notifyEvaluatorsAssigned } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

/**
 * N3: the assignment notice of a batch's evaluators. Started by POST
 * .../batches/:batchId/evaluators once the assignment has committed (the API sends no
 * mail itself): retried by Temporal until it goes out, once per evaluator and batch (the
 * notice key), however often the assignment is posted.
 */
export async function evaluatorsAssignedWorkflow(input: EvaluatorsAssignedInput): Promise<{ notified: number }> {
  return notifyEvaluatorsAssigned(input);
}
