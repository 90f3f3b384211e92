import { addDays, endOfDayKst, formatDeadlineKo, MS_PER_DAY, startOfDayKst, type IsoDate } from '../../src/domain';
import { publicUrlOf } from '../../src/config';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { saveHistory } from '../support/closeout';
import { createCall, eventually, submitAndAccept, applicationView } from '../support/lifecycle';
import { batchWorkflowId } from '../../src/contracts/ids';
import { advanceTo as advanceToInstant } from '../support/clock';

/**
 * N3 on the time-skipping server: an evaluator is e-mailed on assignment, 3 days before
 * the batch's review deadline (V2: cutoff + 14) while scores are owed, and once when it is
 * missed; an evaluator who has scored everything is not chased.
 */
const HOUR = 3_600_000;
let app: TestApp;
let callId: string;
let batchId: string;
let cutoff: IsoDate;
let member: Awaited<ReturnType<typeof submitAndAccept>>;
const evaluators: Array<{ id: string; key: string; email: string }> = [];

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  callId = await createCall(app, { extra: { settings: { minEvaluators: 2 } } });
  cutoff = app.today();
  const res = await app.api.post(`/calls/${callId}/batches`, { cutoff }, app.operatorKey);
  expect(res.status).toBe(201);
  batchId = res.body.batchId;
  member = await submitAndAccept(app, callId);
  for (const name of ['위원 가', '위원 나']) {
    const email = uniqueEmail('n3');
    const key = await app.api.post('/api-keys', { role: 'EVALUATOR', name, email }, app.operatorKey);
    evaluators.push({ id: key.body.id, key: key.body.key, email });
  }
}, 120_000);
afterAll(() => app?.close());

const advanceTo = (instant: number) => advanceToInstant(app, instant);
const day = (n: number) => addDays(cutoff, n);
const kinds = async (e: { email: string }) => (await app.mailTo(e.email)).map((m) => m.kind);

test('N3: each evaluator is e-mailed the assignment with the link to the queue and the review deadline', async () => {
  await advanceTo(endOfDayKst(cutoff) + HOUR);
  await eventually(() => applicationView(app, member.id), (v) => v.status === 'IN_EVALUATION');
  const res = await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: evaluators.map((e) => e.id) }, app.operatorKey);
  expect(res.status).toBe(201);
  for (const e of evaluators) {
    const [mail] = await app.waitForMail(e.email, 1);
    expect(mail!.kind).toBe('EVALUATOR_BATCH_ASSIGNED');
    expect(mail!.text).toContain(`${publicUrlOf(app.config)}/console/committee`);
    expect(mail!.text).toContain(formatDeadlineKo(day(14)));
    expect(mail!.replyTo.length).toBe(1);
  }
  // 가 scores; 나 still owes the score.
  const scored = await app.api.request('PUT', `/applications/${member.id}/scores`, {
    json: { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 },
    auth: evaluators[0]!.key,
  });
  expect(scored.status).toBe(201);
});

test('N3: 3 days before the review deadline (cutoff + 11) the evaluator who owes scores is told, the one who scored is not', async () => {
  await advanceTo(startOfDayKst(day(11)) - HOUR);
  expect(await kinds(evaluators[1]!)).toEqual(['EVALUATOR_BATCH_ASSIGNED']);
  await advanceTo(startOfDayKst(day(11)) + HOUR);
  const mails = await app.waitForMail(evaluators[1]!.email, 2);
  const soon = mails.find((m) => m.kind === 'EVALUATOR_REVIEW_DUE_SOON')!;
  expect(soon).toBeDefined();
  expect(soon.text).toContain(`평가 기한: ${formatDeadlineKo(day(14))}`);
  expect(soon.text).toContain('1건');
  expect(soon.text).toContain('/console/committee');
  expect(await kinds(evaluators[0]!)).toEqual(['EVALUATOR_BATCH_ASSIGNED']);
});

test('N3: when the review deadline is missed the evaluator is told once (the operators\' escalation repeats daily, this does not)', async () => {
  await advanceTo(endOfDayKst(day(14)) + HOUR);
  const mails = await app.waitForMail(evaluators[1]!.email, 3);
  const missed = mails.filter((m) => m.kind === 'EVALUATOR_REVIEW_MISSED');
  expect(missed).toHaveLength(1);
  expect(missed[0]!.text).toContain(formatDeadlineKo(day(14)));
  await app.advance(2 * MS_PER_DAY);
  await eventually(() => app.mailTo(app.config.OPERATIONS_EMAIL), (l) => l.filter((m) => m.kind === 'BATCH_REVIEW_OVERDUE').length >= 3);
  expect((await kinds(evaluators[1]!)).filter((k) => k === 'EVALUATOR_REVIEW_MISSED')).toHaveLength(1);
  expect(await kinds(evaluators[0]!)).toEqual(['EVALUATOR_BATCH_ASSIGNED']);
  // docs/PATCHING.md rule 6: the batch clock with its N3 patch, for test/replay.test.ts.
  await saveHistory(app, batchWorkflowId(batchId), 'batch-n3-evaluator-notices');
});
