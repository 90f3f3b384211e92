import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config';

export const COLLECTOR_SCHEDULE_ID = 'utilisation-collector';

/**
 * O4: the Temporal Schedule that runs the Prometheus pull once a day (HH:MM KST from
 * UTILISATION_COLLECTOR_AT_KST). A Schedule rather than a timer loop in a workflow: it is
 * visible and pausable in the Temporal UI (`temporal schedule toggle --pause`), a missed
 * run is caught up within a day after an outage, and overlapping runs are skipped. The
 * worker creates it on start when PROMETHEUS_URL is set, or brings an existing one to
 * the configured time (several workers: the first creates, the others update to the same).
 */
export function collectorScheduleOptions(config: Config): ScheduleOptions {
  const [hour, minute] = config.UTILISATION_COLLECTOR_AT_KST.split(':').map(Number) as [number, number];
  return {
    scheduleId: COLLECTOR_SCHEDULE_ID,
    spec: { calendars: [{ hour, minute, comment: 'O4: yesterday (KST) from Prometheus' }], timezone: 'Asia/Seoul' },
    action: {
      type: 'startWorkflow',
      workflowType: 'utilisationCollectorWorkflow',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{}],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

export async function ensureCollectorSchedule(client: Client, config: Config): Promise<'created' | 'updated'> {
  const options = collectorScheduleOptions(config);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(options.scheduleId).update((prev) => ({ ...prev, spec: options.spec, action: options.action as never }));
    return 'updated';
  }
}
