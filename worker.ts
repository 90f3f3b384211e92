import { Worker, type ActivityInterceptorsFactory, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './src/activities';
import { collectorSettingsOf, loadConfigOrExit, publicUrlOf, type Config } from './src/config';
import { ensureCollectorSchedule } from './src/runtime/collector-schedule';
import { connectDatabase, type Sql } from './src/db';
import { createTransport } from './src/mail';
import { logErrorSafely, withoutPersonalData } from './src/safe-log';
import { connectClient, connectWorkerConnection } from './src/temporal';
import { workerOptionsOf } from './src/worker-settings';

/**
 * S3: an activity's error leaves it without SQL parameters or row excerpts, so neither the
 * worker's "Activity failed" log nor the workflow history carries a practitioner's data.
 */
export const safeActivityErrors: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        throw withoutPersonalData(err);
      }
    },
  },
});

export interface RunningWorker {
  shutdown(): Promise<void>;
  done: Promise<void>;
}

/**
 * Runs the worker that hosts both workflows and all activities on one task queue.
 * `workflowBundle` lets tests reuse one pre-built bundle instead of bundling per test.
 */
export async function runWorker(opts: {
  config: Config;
  sql: Sql;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** false: do not create the daily collector Schedule (tests that start the collector themselves). */
  collectorSchedule?: boolean;
}): Promise<RunningWorker> {
  const { config, sql } = opts;
  const connection = await connectWorkerConnection(config);
  const client = await connectClient(config);
  const transport = createTransport(config);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('./src/workflows') }),
    // Cache, task slots, polls, sticky queue, shutdown grace: docs/OPERATIONS.md "Worker settings".
    ...workerOptionsOf(config),
    interceptors: { activity: [safeActivityErrors] },
    activities: createActivities({
      sql,
      transport,
      client,
      mailFrom: config.MAIL_FROM,
      operationsEmail: config.OPERATIONS_EMAIL,
      publicUrl: publicUrlOf(config),
      fanOutConcurrency: config.FANOUT_CONCURRENCY,
      collector: collectorSettingsOf(config),
    }),
  });
  if (config.PROMETHEUS_URL && opts.collectorSchedule !== false) {
    // O4: best effort: a Temporal without Schedules (the time-skipping test server) still runs
    // the worker; the monthly check pulls its own month in any case.
    await ensureCollectorSchedule(client, config).catch((err: unknown) =>
      logErrorSafely('O4: creating the utilisation-collector schedule', err));
  }
  const done = worker.run().finally(async () => {
    transport.close();
    await client.connection.close();
    await connection.close();
  });
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const sql = connectDatabase(config.DATABASE_URL ?? 'postgres://localhost:5433/aidc');
  runWorker({ config, sql, workflowBundle: config.WORKFLOW_BUNDLE_PATH ? { codePath: config.WORKFLOW_BUNDLE_PATH } : undefined })
    .then((w) => {
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => void w.shutdown());
      return w.done;
    })
    .then(() => sql.end())
    .catch((err) => {
      logErrorSafely('worker', err);
      process.exit(1);
    });
}
