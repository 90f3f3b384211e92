import { WorkflowUpdateFailedError } from '@temporalio/client';
import { refusalOf } from '../../src/contracts/refusal';
import {
  addDays, applicationWorkflowId, callWorkflowId, CRITERION_KEYS, endOfDayKst, kstDateOf, setupEndDate, startOfDayKst,
  supplementDueDate, SUPPLEMENT_DAYS, type Scores,
} from '../../src/domain';
import { allocateUpdate, setupDoneUpdate } from '../../src/contracts/operation';
import { selectionResultSignal } from '../../src/contracts/evaluation';
import { batchAssignedSignal, reviewDocumentsUpdate, statusQuery, submitSupplementUpdate, withdrawUpdate, type ApplicationInput } from '../../src/contracts/application';
import type { CallInput } from '../../src/contracts/call';
import { startFastEnv, type FastEnv } from './env';

/**
 * The fast tier (issue 10): the application workflow over stub activities on the time-skipping
 * server. Dates come from the rules (T3): the server's clock starts at the wall clock, and
 * every expectation is computed from the workflow's own "today" through I5, O2 and T1.
 */
const DAY = 86_400_000;
let fast: FastEnv;
beforeAll(async () => {
  fast = await startFastEnv();
});
afterAll(() => fast?.close());

let seq = 0;
/** A submitted application of its own call (the call workflow runs too: evaluation signals it, C2). */
async function submitted(answers: Parameters<FastEnv['stubsFor']>[1] = {}) {
  const id = `fast-${Date.now().toString(36)}-${++seq}`;
  const now = await fast.env.currentTimeMs();
  const today = kstDateOf(now);
  const supportEndsOn = addDays(today, 365);
  const callId = `call-${id}`;
  fast.stubsFor(callWorkflowId(callId));
  await fast.env.client.workflow.start('callWorkflow', {
    args: [{ callId, minEvaluators: 1, supportEndsOn, cutoffs: [] } satisfies CallInput],
    taskQueue: fast.taskQueue, workflowId: callWorkflowId(callId),
  });
  const input: ApplicationInput = {
    applicationId: id, callId, pool: 'DEDICATED', acceleratorType: 'H100', units: 1, priority: false,
    supportEndsOn, supplementDays: SUPPLEMENT_DAYS,
  };
  const workflowId = applicationWorkflowId(callId, id);
  const stubs = fast.stubsFor(workflowId, answers);
  const handle = await fast.env.client.workflow.start('applicationWorkflow', { args: [input], taskQueue: fast.taskQueue, workflowId });
  return { handle, input, today, stubs };
}

/** Lets the workflow act on what it was just sent (one second of skipped time). */
const settle = () => fast.env.sleep(1_000);

async function refusal(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return refusalOf((err as WorkflowUpdateFailedError).cause);
}

const scores = (each: number) => Object.fromEntries(CRITERION_KEYS.map((k) => [k, each])) as Scores;

test('A5/I5 (fast): a supplement not handed in by its due date makes the application INELIGIBLE, after one reminder', async () => {
  const { handle, today, stubs } = await submitted();
  await handle.executeUpdate(reviewDocumentsUpdate, {
    args: [{ decision: 'SUPPLEMENT', missingDocuments: ['BUSINESS_PLAN'], actor: 'op' }],
  });
  await settle();
  const due = supplementDueDate(today);
  expect((await handle.query(statusQuery)).supplement?.dueOn).toBe(due);
  await fast.env.sleep(endOfDayKst(due) - (await fast.env.currentTimeMs()) + DAY);
  const state = await handle.result();
  expect(state.status).toBe('INELIGIBLE');
  expect(state.ineligibility?.rule).toBe('A5');
  expect(stubs.notices()).toEqual(['RECEIPT', 'SUPPLEMENT_REQUEST', 'SUPPLEMENT_REMINDER', 'INELIGIBLE']);
});

test('A5/I5 (fast): a supplement handed in before the due date goes back to review, with no reminder when it came early', async () => {
  const { handle, today, stubs } = await submitted();
  await handle.executeUpdate(reviewDocumentsUpdate, { args: [{ decision: 'SUPPLEMENT', missingDocuments: ['PLAN'], actor: 'op' }] });
  await fast.env.sleep(startOfDayKst(addDays(today, 1)) - (await fast.env.currentTimeMs()));
  await handle.executeUpdate(submitSupplementUpdate, { args: [] });
  await settle();
  expect((await handle.query(statusQuery)).status).toBe('UNDER_REVIEW');
  expect(stubs.notices()).toEqual(['RECEIPT', 'SUPPLEMENT_REQUEST']);
  await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'done' }] });
  expect((await handle.result()).status).toBe('WITHDRAWN');
});

test('H1 (fast): refusals cross the Temporal boundary as data: a rule is RULE:<id>, a state is STATE', async () => {
  const { handle } = await submitted();
  expect(await refusal(handle.executeUpdate(reviewDocumentsUpdate, { args: [{ decision: 'SUPPLEMENT', missingDocuments: [], actor: 'op' }] })))
    .toMatchObject({ kind: 'RULE', rule: 'A5' });
  expect(await refusal(handle.executeUpdate(submitSupplementUpdate, { args: [] }))).toMatchObject({ kind: 'STATE' });
  expect(await refusal(handle.executeUpdate(allocateUpdate, {
    args: [{ actor: 'op', type: 'H100', units: 1, servers: ['h100-01'], storageTb: 1, backupTb: 0, extraStorageTb: 0 }],
  }))).toMatchObject({ kind: 'STATE' });
  await handle.executeUpdate(withdrawUpdate, { args: [{}] });
  expect((await handle.result()).status).toBe('WITHDRAWN');
});

test('V5/O1/O2 (fast): selected, allocated, then in operation when the 14-day setup grace ends without a "setup done"', async () => {
  const { handle, today, stubs } = await submitted({ holdAllocation: () => ({ ok: true }) });
  await handle.executeUpdate(reviewDocumentsUpdate, { args: [{ decision: 'COMPLETE', actor: 'op' }] });
  await handle.signal(batchAssignedSignal, { batchId: 'fast-batch', cutoff: today });
  await handle.signal(selectionResultSignal, {
    batchId: 'fast-batch', outcome: 'SELECTED', rank: 1, total: 1, scores: scores(17), resource: { type: 'H100', units: 1 },
  });
  await settle();
  expect((await handle.query(statusQuery)).status).toBe('SELECTED');
  const allocatedOn = kstDateOf(await fast.env.currentTimeMs());
  await handle.executeUpdate(allocateUpdate, {
    args: [{ actor: 'op', type: 'H100', units: 1, servers: ['h100-01'], storageTb: 1, backupTb: 0, extraStorageTb: 0 }],
  });
  await settle();
  expect((await handle.query(statusQuery)).status).toBe('ALLOCATED');
  expect(stubs.of('holdAllocation')).toHaveLength(1);
  // O2: the setup grace ends at the end of its 14th day.
  await fast.env.sleep(endOfDayKst(setupEndDate(allocatedOn)) - (await fast.env.currentTimeMs()) + 60_000);
  const state = await handle.query(statusQuery);
  expect(state.status).toBe('IN_OPERATION');
  expect(await refusal(handle.executeUpdate(setupDoneUpdate, { args: [{ actor: 'op' } as never] }))).toMatchObject({ kind: 'STATE' });
  await handle.terminate('fast test done');
});
