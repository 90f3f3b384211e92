import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { addDays, applicationWorkflowId, callWorkflowId, endOfDayKst, MS_PER_DAY } from '../../src/domain';
import { batchStatusQuery } from '../../src/contracts/batch';
import { batchWorkflowId } from '../../src/contracts/ids';
import { callStatusQuery } from '../../src/contracts/call';
import { directActivities } from '../support/activities';
import { startTestApp, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { uniqueBrn } from '../support/fixtures';
import { createCall, eventually, submitAndAccept } from '../support/lifecycle';

/**
 * Issue 13 through the HTTP API on the real stack (time skipping only to pass the cutoff
 * and the batch's deadlines): the call and batch workflows continue as new past a small
 * history bound (WORKFLOW_HISTORY_BOUND=40 here, 800 by default) and nobody calling the
 * API can tell; the selection answers once the ranking is stored and the members are told
 * after, the batch showing how far that got; a killed fan-out resumes from its heartbeat.
 */
let app: TestApp;
let callId: string;
let batchId: string;
const MEMBERS = 6;
const members: Array<{ id: string }> = [];
let evaluator: { id: string; key: string };

type Client = TestApp['client'];
/** Every run of a workflow id, oldest first (a run that continued as new names its successor). */
async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<string[]> {
  const runs = [firstRunId];
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runs[runs.length - 1]).fetchHistory();
    const last = history.events?.[history.events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runs;
    runs.push(next);
  }
}
const historyLength = async (client: Client, workflowId: string, runId: string) =>
  (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.length ?? 0;
/** What a run was started with: for a continued run, the state the previous one carried (its second argument). */
async function carriedInto<T>(client: Client, workflowId: string, runId: string): Promise<T> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  return defaultPayloadConverter.fromPayload(payloads[1]!) as T;
}
async function firstRunId(workflowId: string): Promise<string> {
  const d = await app.client.workflow.getHandle(workflowId).describe();
  return (d.raw.workflowExecutionInfo?.firstRunId as string | undefined) || d.runId;
}

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true, config: { WORKFLOW_HISTORY_BOUND: '40', FANOUT_CONCURRENCY: '4' } });
  const res = await app.api.post('/api-keys', { role: 'EVALUATOR', name: '평가위원 (issue 13)', organisationBrn: uniqueBrn() }, app.operatorKey);
  expect(res.status).toBe(201);
  evaluator = { id: res.body.id as string, key: res.body.key as string };
  callId = await createCall(app, {
    capacity: { H100: 20 },
    extra: { settings: { supplementDays: 7, minEvaluators: 1, utilisationNonePercent: 1, utilisationLowPercent: 20 } },
  });
}, 120_000);
afterAll(() => app?.close());

describe('issue 13: bounded histories', () => {
  test('C2/V2 issue 13: a call whose workflow continues as new (bound 40 events) answers GET /calls/:id the same, keeps its batches, its waiting tally and closes the batch with every member', async () => {
    const workflowId = callWorkflowId(callId);
    const first = await firstRunId(workflowId);
    const added = await app.api.post(`/calls/${callId}/batches`, { cutoff: app.today() }, app.operatorKey);
    expect(added.status).toBe(201);
    batchId = added.body.batchId as string;
    // Every accepted application signals the call (applicationWaiting): the history grows by
    // a handful of events each, past 40 well before the sixth.
    for (let i = 0; i < MEMBERS; i++) members.push(await submitAndAccept(app, callId));
    const later = await app.api.post(`/calls/${callId}/batches`, { cutoff: addDays(app.today(), 60) } /* T3: inside the support period on any day */, app.operatorKey);
    expect(later.status).toBe(201);

    const runs = await eventually(() => runsOf(app.client, workflowId, first), (r) => r.length >= 2);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs.slice(0, -1)) expect(await historyLength(app.client, workflowId, run)).toBeLessThan(40 + 30);
    // What each run answered at its end is what the next one started with (and so answers).
    for (let i = 0; i + 1 < runs.length; i++) {
      const previous = await app.client.workflow.getHandle(workflowId, runs[i]).query(callStatusQuery);
      const carried = await carriedInto<{ state: unknown; waiting: number }>(app.client, workflowId, runs[i + 1]!);
      expect(carried.state).toEqual(previous);
    }
    // C2: the tally of applications waiting for a batch went along with it.
    const lastCarry = await carriedInto<{ waiting: number }>(app.client, workflowId, runs[runs.length - 1]!);
    expect(lastCarry.waiting).toBeGreaterThan(0);
    const current = await app.client.workflow.getHandle(workflowId).query(callStatusQuery);
    const view = (await app.api.get(`/calls/${callId}`, app.operatorKey)).body;
    expect(view.batches.map((b: { batchId: string }) => b.batchId)).toEqual(current.batches.map((b) => b.batchId));
    expect(view.batches).toHaveLength(2);

    // V2 (T1): at the end of the cutoff day the continued call closes the batch with all six.
    await app.advance(endOfDayKst(app.today()) - (await app.env!.currentTimeMs()) + 60_000);
    const closed = await eventually(
      () => app.client.workflow.getHandle(workflowId).query(callStatusQuery),
      (s) => s.batches[0]!.closed,
      30_000,
    );
    expect(closed.batches[0]).toMatchObject({ batchId, closed: true, members: MEMBERS });
    for (const m of members) {
      await eventually(async () => (await app.api.get(`/applications/${m.id}`, app.operatorKey)).body.status, (s) => s === 'IN_EVALUATION');
    }
    await saveHistory(app, workflowId, 'call-issue13-continued-as-new', runs[0]); // docs/PATCHING.md
  }, 240_000);

  test('V2/N issue 13: a batch that escalates daily continues as new (bound 40) and answers its query and GET the same', async () => {
    const workflowId = batchWorkflowId(batchId);
    const first = await firstRunId(workflowId);
    const before = (await app.api.get(`/calls/${callId}/batches/${batchId}`, app.operatorKey)).body;
    expect(before.progress.members).toBe(MEMBERS);
    // Past the review due day (cutoff + 14): daily escalations, a few events each.
    for (let day = 0; day < 20; day++) await app.advance(MS_PER_DAY);
    const runs = await eventually(() => runsOf(app.client, workflowId, first), (r) => r.length >= 2, 30_000);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs.slice(0, -1)) expect(await historyLength(app.client, workflowId, run)).toBeLessThan(40 + 30);
    for (let i = 0; i + 1 < runs.length; i++) {
      const previous = await app.client.workflow.getHandle(workflowId, runs[i]).query(batchStatusQuery);
      const carried = await carriedInto<{ state: unknown; clock: { reviewWarned: boolean } }>(app.client, workflowId, runs[i + 1]!);
      expect(carried.state).toEqual(previous);
      expect(carried.clock.reviewWarned).toBe(true);
    }
    const current = await app.client.workflow.getHandle(workflowId).query(batchStatusQuery);
    expect(current.notices.length).toBeGreaterThanOrEqual(before.sla.review.escalations.length);
    const view = (await app.api.get(`/calls/${callId}/batches/${batchId}`, app.operatorKey)).body;
    expect(view.sla.review.state).toBe('BREACHED');
    expect(view.sla.review.escalations.length).toBeGreaterThanOrEqual(3);
    expect(view.progress).toEqual(before.progress);
  }, 240_000);
});

describe('issue 13: batches at scale', () => {
  test('V5 issue 13: the selection Update answers once the ranking is stored, before the members are told; GET of the batch shows notified reaching the total', async () => {
    const assigned = await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: [evaluator.id] }, app.operatorKey);
    expect(assigned.status).toBe(201);
    for (const [i, m] of members.entries()) {
      const res = await app.api.request('PUT', `/applications/${m.id}/scores`, {
        json: { policyAlignment: 20 + i, projectExcellence: 20, resourceFeasibility: 12, targetOutcomes: 12 },
        auth: evaluator.key,
      });
      expect([200, 201]).toContain(res.status);
    }
    const res = await app.api.post(`/calls/${callId}/batches/${batchId}/selection`, {}, app.operatorKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ members: MEMBERS, selected: MEMBERS, notSelected: 0, signalled: 0 });

    const view = await eventually(
      async () => (await app.api.get(`/calls/${callId}/batches/${batchId}`, app.operatorKey)).body,
      (v) => v.selection.notified.done === MEMBERS,
      30_000,
    );
    expect(view.selection).toMatchObject({ state: 'DONE', notified: { done: MEMBERS, total: MEMBERS } });
    for (const m of members) {
      await eventually(async () => (await app.api.get(`/applications/${m.id}`, app.operatorKey)).body.status, (s) => s === 'SELECTED');
    }
    // In the batch's history the Update completed before the fan-out activity was even scheduled.
    const history = await app.client.workflow.getHandle(batchWorkflowId(batchId)).fetchHistory();
    const events = history.events ?? [];
    const answered = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const fanOut = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'publishSelection');
    expect(answered).toBeGreaterThan(-1);
    expect(fanOut).toBeGreaterThan(answered);
    expect(events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'rankAndPublishBatch')).toBe(false);
    const final = await eventually(() => app.client.workflow.getHandle(batchWorkflowId(batchId)).describe(), (d) => d.status.name === 'COMPLETED');
    expect(final.status.name).toBe('COMPLETED');
    await saveHistory(app, batchWorkflowId(batchId), 'batch-issue13-continued-selection-early-answer'); // docs/PATCHING.md
  }, 120_000);

  test('V2 issue 13: a batch-closing fan-out killed after its first heartbeat resumes after the member it reported, not from the start', async () => {
    const { activities, close } = directActivities(app, { fanOutConcurrency: 1 });
    const assignedSignals = async (id: string) =>
      ((await app.client.workflow.getHandle(applicationWorkflowId(callId, id)).fetchHistory()).events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'batchAssigned',
      ).length;
    const [{ cutoff }] = await app.sql<Array<{ cutoff: string }>>`select to_char(cutoff, 'YYYY-MM-DD') as cutoff from batches where id = ${batchId}`;
    const order = (await app.sql<Array<{ id: string }>>`select id from applications where batch_id = ${batchId} order by id collate "C"`).map((r) => r.id);
    const before = new Map(await Promise.all(order.map(async (id) => [id, await assignedSignals(id)] as const)));

    // Attempt 1: the worker "dies" (cancelled) right after its first heartbeat.
    const killed = new MockActivityEnvironment();
    let reported: { done: number; total: number; cursor?: string } | undefined;
    killed.on('heartbeat', (d: typeof reported) => {
      if (reported) return;
      reported = d;
      killed.cancel();
    });
    await expect(killed.run(activities.closeBatch, { callId, batchId, cutoff })).rejects.toThrow();
    expect(reported).toMatchObject({ done: 1, total: MEMBERS, cursor: order[0] });

    // Attempt 2 gets that heartbeat as Temporal hands it to a retry.
    const retry = new MockActivityEnvironment({ heartbeatDetails: reported });
    const result = (await retry.run(activities.closeBatch, { callId, batchId, cutoff })) as { members: number };
    close();
    expect(result.members).toBe(MEMBERS);
    const after = new Map(await Promise.all(order.map(async (id) => [id, await assignedSignals(id)] as const)));
    // The member the heartbeat covered was told by attempt 1 only; every later one by attempt 2.
    expect(after.get(order[0]!)! - before.get(order[0]!)!).toBe(1);
    for (const id of order.slice(1)) expect(after.get(id)! - before.get(id)!).toBeGreaterThanOrEqual(1);
    const total = order.reduce((s, id) => s + after.get(id)! - before.get(id)!, 0);
    expect(total).toBeLessThanOrEqual(MEMBERS + 1); // at most the one in flight when it died, twice
  }, 60_000);
});
