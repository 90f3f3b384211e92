import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { notifyEvaluatorsAssigned } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export interface EvaluatorsAssignedInput {
  callId: string;
  batchId: string;
  evaluatorIds: string[];
}

/**
 * N3: the assignment notice of a batch's evaluators. Started by POST
 * .../batches/:batchId/evaluators once the assignment has committed (the API sends no
 * mail itself): retried by Temporal until it goes out, once per evaluator and batch (the
 * notice key), however often the assignment is posted.
 */
export async function evaluatorsAssignedWorkflow(input: EvaluatorsAssignedInput): Promise<{ notified: number }> {
  return notifyEvaluatorsAssigned(input);
}
