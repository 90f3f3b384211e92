import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addDays, kstDateOf } from '../domain';

/**
 * O4: one daily pull of utilisation from Prometheus, started by the Temporal Schedule
 * `utilisation-collector` (src/runtime/collector-schedule.ts). Why daily and not only
 * before the monthly check (which pulls its own month too): operators and applicants see
 * the month's samples as it goes (GET .../utilisation), and Prometheus keeps little
 * history (15 days by default): pulled every day, nothing is lost to its retention.
 */
const { pullUtilisationFromPrometheus } = proxyActivities<Activities>({
  // 2,000 allocations at a few ms per query take seconds; it heartbeats per allocation.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
});

export async function utilisationCollectorWorkflow(input: { through?: string } = {}) {
  // T1: the day that ended last in Seoul, by the time the Schedule fired (deterministic in a workflow).
  const fired = workflowInfo().startTime.getTime();
  const through = input.through ?? addDays(kstDateOf(fired), -1);
  return pullUtilisationFromPrometheus({ through });
}
