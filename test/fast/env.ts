import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv, workflowBundle } from '../support/services';
import { stubActivities, type Stubs } from './stubs';

/**
 * One time-skipping test server per test file and one worker over stub activities, started
 * once (the workflow bundle is built once per run by the global setup). Each workflow gets
 * its own stubs (`stubsFor(workflowId, answers)`): the worker routes an activity to the
 * stubs of the workflow that called it, so a workflow left running by one test never
 * writes into the next test's call log.
 */
export interface FastEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  stubsFor(workflowId: string, answers?: Parameters<typeof stubActivities>[0]): Stubs;
  close(): Promise<void>;
}

export async function startFastEnv(): Promise<FastEnv> {
  const env = await createTimeSkippingEnv();
  const taskQueue = `fast-${randomUUID()}`;
  const byWorkflow = new Map<string, Stubs>();
  const fallback = stubActivities();
  const dispatch = Object.fromEntries(
    Object.keys(fallback.activities).map((name) => [
      name,
      (...args: unknown[]) => {
        const stubs = byWorkflow.get(Context.current().info.workflowExecution?.workflowId ?? '') ?? fallback;
        return (stubs.activities as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
      },
    ]),
  );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: workflowBundle(),
    activities: dispatch,
  });
  const running = worker.run();
  return {
    env,
    taskQueue,
    stubsFor(workflowId, answers) {
      const stubs = stubActivities(answers);
      byWorkflow.set(workflowId, stubs);
      return stubs;
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
