import type { WorkerOptions } from '@temporalio/worker';
import { z } from 'zod';

/**
 * The worker's capacity settings (issue 13), from environment variables; the defaults and the
 * reason for each are in docs/OPERATIONS.md ("Worker settings"). Several worker processes may
 * poll the same task queue on one Temporal: each takes these settings for itself.
 */
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** A duration as the SDK reads it: `500ms`, `10s`, `2m`. */
const duration = z.string().regex(/^\d+(ms|s|m)$/, 'a duration such as 500ms, 10s or 2m');

export const workerSettingsSchema = z.object({
  /** Workflows kept in memory between tasks (no replay on their next signal or Update). */
  WORKER_MAX_CACHED_WORKFLOWS: count(0, 100_000).default(1000),
  /** Workflow tasks run at once (CPU in this process). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count(2, 1000).default(40),
  /** Activities run at once (PostgreSQL, SMTP, the Temporal client: mostly waiting on I/O). */
  WORKER_MAX_CONCURRENT_ACTIVITIES: count(1, 1000).default(50),
  /** Long polls held open for workflow / activity tasks. */
  WORKER_WORKFLOW_TASK_POLLS: count(2, 100).default(10),
  WORKER_ACTIVITY_TASK_POLLS: count(1, 100).default(10),
  /** How long a task waits for the worker that has its workflow cached before any worker may take it. */
  WORKER_STICKY_QUEUE_TIMEOUT: duration.default('5s'),
  /** On SIGTERM, how long running activities get to finish before they are cancelled. */
  WORKER_SHUTDOWN_GRACE: duration.default('10s'),
});

export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

/** What the SDK would refuse at start, said as the variables at fault (checked by loadConfig). */
export function workerSettingsErrors(s: WorkerSettings): string[] {
  return s.WORKER_WORKFLOW_TASK_POLLS > s.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS
    ? ['  WORKER_WORKFLOW_TASK_POLLS, WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: the polls cannot exceed the tasks']
    : [];
}

export function workerOptionsOf(s: WorkerSettings): Partial<WorkerOptions> {
  return {
    maxCachedWorkflows: s.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: s.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: s.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskPolls: s.WORKER_WORKFLOW_TASK_POLLS,
    maxConcurrentActivityTaskPolls: Math.min(s.WORKER_ACTIVITY_TASK_POLLS, s.WORKER_MAX_CONCURRENT_ACTIVITIES),
    stickyQueueScheduleToStartTimeout: s.WORKER_STICKY_QUEUE_TIMEOUT as `${number}s`,
    shutdownGraceTime: s.WORKER_SHUTDOWN_GRACE as `${number}s`,
  };
}
