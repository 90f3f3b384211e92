import { sleep, workflowInfo } from '@temporalio/workflow';

/**
 * A harness-only workflow (not part of src/workflows): sleeps `days` days on a durable
 * timer and reports what the workflow clock said before and after, to prove that the
 * time-skipping test server skips time instead of waiting.
 */
export async function sleepForDays(days: number): Promise<{ startedAt: number; finishedAt: number; attempt: number }> {
  const startedAt = Date.now();
  await sleep(`${days} days`);
  return { startedAt, finishedAt: Date.now(), attempt: workflowInfo().attempt };
}
