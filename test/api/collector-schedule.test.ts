import { COLLECTOR_SCHEDULE_ID } from '../../src/runtime/collector-schedule';
import { startTestApp, type TestApp } from '../support/app';
import { eventually } from '../support/lifecycle';

/**
 * O4: with PROMETHEUS_URL set, the worker creates the daily Temporal Schedule that runs the
 * Prometheus pull (on the dev server: the time-skipping server has no Schedules), at the
 * configured KST time, on its task queue; triggering it starts the collector workflow.
 */
let app: TestApp;
beforeAll(async () => {
  // Nothing listens on port 9: the triggered run's activity fails and retries, which is not what is tested here.
  app = await startTestApp({ config: { PROMETHEUS_URL: 'http://127.0.0.1:9', UTILISATION_COLLECTOR_AT_KST: '00:45' } });
});
afterAll(async () => {
  const handle = app?.client.schedule.getHandle(COLLECTOR_SCHEDULE_ID);
  await handle?.delete().catch(() => undefined); // the dev server is shared by every test file
  await app?.close();
});

test('O4: the worker creates the utilisation-collector Schedule (daily, Asia/Seoul, overlaps skipped); a trigger starts the collector workflow', async () => {
  const handle = app.client.schedule.getHandle(COLLECTOR_SCHEDULE_ID);
  const d = await handle.describe();
  expect(d.spec.timezone).toBe('Asia/Seoul');
  expect(d.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 45, end: 45, step: 1 }] })]);
  expect(d.action).toEqual(expect.objectContaining({ type: 'startWorkflow', workflowType: 'utilisationCollectorWorkflow', taskQueue: app.config.TEMPORAL_TASK_QUEUE }));
  expect(d.policies.overlap).toBe('SKIP');
  await handle.trigger();
  const after = await eventually(() => handle.describe(), (s) => s.info.recentActions.length > 0);
  const started = after.info.recentActions[0]!.action.workflow;
  const run = await app.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).describe();
  expect(run.type).toBe('utilisationCollectorWorkflow');
  await app.client.workflow.getHandle(started.workflowId).terminate('test over');
});
