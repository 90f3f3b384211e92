import { WorkflowUpdateFailedError } from '@temporalio/client';
import { callRemainingCapacity } from '../../src/activities/capacity';
import { applicationWorkflowId, endOfDayKst, type Scores } from '../../src/domain';
import { selectBatchUpdate } from '../../src/contracts/batch';
import { batchWorkflowId } from '../../src/contracts/ids';
import { directActivities } from '../support/activities';
import { startTestApp, type TestApp } from '../support/app';
import { brn, FILES, uniqueBrn } from '../support/fixtures';
import { applicationView, createCall, eventually, submitAndAccept } from '../support/lifecycle';

/**
 * Issue 4 through the HTTP API: evaluators, scores, the committee's resource change and
 * the selection of real batches. The time-skipping server only moves the clock past the
 * batches' cutoff (the call workflow closes them at 23:59:59 KST, T1); everything else —
 * PostgreSQL, the SMTP inbox, the workflows and the API — is real.
 */
let app: TestApp;
type Member = Awaited<ReturnType<typeof submitAndAccept>>;

const ev: Array<{ id: string; key: string }> = [];
let evOwn: { id: string; key: string };
let evOther: { id: string; key: string };
const OWN_BRN = brn('214870093');

const calls = { threshold: '', ties: '', capacity: '', access: '', other: '' };
const batch = { threshold: '', ties: '', capacity: '', access: '', other: '' };
let threshold: { a60: Member; a5999: Member };
let ties: Member[]; // in submission order
let cap: { r1: Member; r2: Member; r3: Member; r4: Member; r5: Member };
let acc: { plain: Member; own: Member; priority: Member };
let other: Member;

const put = (path: string, json: unknown, auth: string) => app.api.request('PUT', path, { json, auth });
const scores = (policyAlignment: number, projectExcellence: number, resourceFeasibility: number, targetOutcomes: number): Scores => ({
  policyAlignment,
  projectExcellence,
  resourceFeasibility,
  targetOutcomes,
});

/** Every evaluator i of ev[0..4] gives `each[i]` (or the last entry when the list is shorter). */
async function scoreBy(applicationId: string, each: Scores[]) {
  for (let i = 0; i < 5; i++) {
    const res = await put(`/applications/${applicationId}/scores`, each[Math.min(i, each.length - 1)], ev[i]!.key);
    expect([200, 201]).toContain(res.status);
  }
}

async function evaluatorKey(name: string, organisationBrn?: string) {
  const res = await app.api.post('/api-keys', { role: 'EVALUATOR', name, ...(organisationBrn ? { organisationBrn } : {}) }, app.operatorKey);
  expect(res.status).toBe(201);
  return { id: res.body.id as string, key: res.body.key as string };
}

async function addBatch(callId: string) {
  const res = await app.api.post(`/calls/${callId}/batches`, { cutoff: app.today() }, app.operatorKey);
  expect(res.status).toBe(201);
  return res.body.batchId as string;
}

async function assign(callId: string, batchId: string, ids: string[]) {
  const res = await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: ids }, app.operatorKey);
  expect(res.status).toBe(201);
}

const select = (key: 'threshold' | 'ties' | 'capacity' | 'access' | 'other') =>
  app.api.post(`/calls/${calls[key]}/batches/${batch[key]}/selection`, {}, app.operatorKey);
const batchView = async (key: keyof typeof calls) => (await app.api.get(`/calls/${calls[key]}/batches/${batch[key]}`, app.operatorKey)).body;
const statusOf = async (m: Member, status: string) => (await eventually(() => applicationView(app, m.id), (v) => v.status === status)).status;
const resultMails = async (m: Member) => (await app.mailTo(m.email)).filter((x) => x.subject.includes('선정 결과'));

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  for (let i = 0; i < 5; i++) ev.push(await evaluatorKey(`평가위원 ${i + 1}`, uniqueBrn()));
  evOwn = await evaluatorKey('평가위원 (신청기관 소속)', OWN_BRN);
  evOther = await evaluatorKey('다른 차수 평가위원');

  calls.threshold = await createCall(app, { capacity: { H100: 10 } });
  calls.ties = await createCall(app, { capacity: { H100: 20 } });
  calls.capacity = await createCall(app, { capacity: { H100: 2, T4: 2, BOW: 0 } });
  calls.access = await createCall(app, { capacity: { H100: 10 } });
  calls.other = await createCall(app);
  for (const k of Object.keys(calls) as Array<keyof typeof calls>) batch[k] = await addBatch(calls[k]);

  const t4 = { resource: { pool: 'DEDICATED' as const, type: 'T4' as const, units: 1, os: 'UBUNTU' as const } };
  const [th, tiesList, capList, accList, oth] = await Promise.all([
    (async () => ({ a60: await submitAndAccept(app, calls.threshold), a5999: await submitAndAccept(app, calls.threshold) }))(),
    (async () => {
      const list: Member[] = [];
      // I6 needs a known submission order: one after the other.
      for (let i = 0; i < 10; i++) list.push(await submitAndAccept(app, calls.ties));
      return list;
    })(),
    (async () => ({
      r1: await submitAndAccept(app, calls.capacity),
      r2: await submitAndAccept(app, calls.capacity),
      r3: await submitAndAccept(app, calls.capacity),
      r4: await submitAndAccept(app, calls.capacity, t4),
      r5: await submitAndAccept(app, calls.capacity),
    }))(),
    (async () => ({
      plain: await submitAndAccept(app, calls.access),
      own: await submitAndAccept(app, calls.access, { organisation: { businessRegistrationNumber: OWN_BRN } }),
      // V4: submitted last, reviewed first.
      priority: await submitAndAccept(app, calls.access, { organisation: { priority: { status: true, projectName: 'AI 집적단지 사업' } } }),
    }))(),
    submitAndAccept(app, calls.other),
  ]);
  threshold = th;
  ties = tiesList;
  cap = capList;
  acc = accList;
  other = oth;

  // T1: the batches close at the end of their cutoff day.
  const now = await app.env!.currentTimeMs();
  await app.advance(endOfDayKst(app.today()) - now + 60_000);
  const all = [th.a60, th.a5999, ...tiesList, ...Object.values(capList), ...Object.values(accList), oth];
  for (const m of all) expect(await statusOf(m, 'IN_EVALUATION')).toBe('IN_EVALUATION');

  const five = ev.map((e) => e.id);
  for (const k of ['threshold', 'ties', 'capacity'] as const) await assign(calls[k], batch[k], five);
  await assign(calls.access, batch.access, [...five, evOwn.id]);
  await assign(calls.other, batch.other, [evOther.id]);
}, 300_000);
afterAll(() => app?.close());

describe('V5 pass mark', () => {
  test('V5: a mean of exactly 60.00 over five evaluators is selected and 59.99 is not; each e-mailed with the score', async () => {
    // Policy alignment 20/22/24/26/28: the mean is exactly 24, so the total is exactly 60.
    await scoreBy(threshold.a60.id, [0, 1, 2, 3, 4].map((i) => scores(20 + 2 * i, 24, 6, 6)));
    // One evaluator gives 23.95 instead of 24: mean 23.99, total 59.99.
    await scoreBy(threshold.a5999.id, [scores(23.95, 24, 6, 6), scores(24, 24, 6, 6)]);
    const res = await select('threshold');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ members: 2, selected: 1, notSelected: 1, waitlisted: 0 });

    expect(await statusOf(threshold.a60, 'SELECTED')).toBe('SELECTED');
    expect(await statusOf(threshold.a5999, 'NOT_SELECTED')).toBe('NOT_SELECTED');
    const view = await batchView('threshold');
    expect(view.ranking.map((r: any) => [r.applicationId, r.total, r.outcome])).toEqual([
      [threshold.a60.id, 60, 'SELECTED'],
      [threshold.a5999.id, 59.99, 'NOT_SELECTED'],
    ]);
    const [notSelected] = await eventually(() => resultMails(threshold.a5999), (m) => m.length > 0);
    expect(notSelected!.subject).toContain('미선정');
    expect(notSelected!.text).toContain('59.99');
    const [selected] = await eventually(() => resultMails(threshold.a60), (m) => m.length > 0);
    expect(selected!.subject).toContain('선정 결과 안내: 선정');
    expect(selected!.text).toContain('60');
  });

  test('N: results are e-mailed exactly once, even when the selection step runs again and repeats every signal', async () => {
    const again = await select('threshold'); // the Update's validator: already selected
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/^V5:/);

    // A retried selection activity: the ranking is reused and every member is told again.
    await app.sql`update selection_results set signalled_at = null where batch_id = ${batch.threshold}`;
    const { activities, close } = directActivities(app);
    const summary = await activities.rankAndPublishBatch({ callId: calls.threshold, batchId: batch.threshold });
    close();
    expect(summary).toMatchObject({ members: 2, selected: 1, notSelected: 1, signalled: 2 });
    // The selected application's workflow goes on (to allocation) and gets the repeat; the
    // not-selected one has ended, so there is nobody left to tell.
    const handle = app.client.workflow.getHandle(applicationWorkflowId(calls.threshold, threshold.a60.id));
    const signalled = (evs: Awaited<ReturnType<typeof handle.fetchHistory>>['events']) =>
      (evs ?? []).map((e, i) => [e, i] as const).filter(([e]) => e.workflowExecutionSignaledEventAttributes?.signalName === 'selectionResult');
    // Wait until the repeated signal has been handled (a workflow task completed after it).
    const events = await eventually(
      async () => (await handle.fetchHistory()).events ?? [],
      (evs) => {
        const signals = signalled(evs);
        return signals.length === 2 && evs.slice(signals[1]![1]).some((e) => e.workflowTaskCompletedEventAttributes);
      },
    );
    expect(signalled(events)).toHaveLength(2);
    expect((await app.client.workflow.getHandle(applicationWorkflowId(calls.threshold, threshold.a5999.id)).describe()).status.name).toBe('COMPLETED');
    await new Promise((r) => setTimeout(r, 500));
    for (const m of [threshold.a60, threshold.a5999]) expect(await resultMails(m)).toHaveLength(1);
  });
});

describe('V6/I6 ranking', () => {
  test('V6/I6: equal totals are ordered by policy alignment, then project excellence, then resource feasibility, then target outcomes, then the earlier submission', async () => {
    // Pairs in submission order [loser, winner] except I6, where the first submitted wins.
    const [l1, w1, l2, w2, l3, w3, l4, w4, i6first, i6second] = ties as [Member, Member, Member, Member, Member, Member, Member, Member, Member, Member];
    const plan: Array<[Member, Scores]> = [
      [l1, scores(27, 29, 17, 17)], // 90
      [w1, scores(28, 28, 17, 17)], // 90, wins on policy alignment
      [l2, scores(26, 27, 17, 15)], // 85
      [w2, scores(26, 28, 16, 15)], // 85, same policy, wins on project excellence
      [l3, scores(25, 25, 15, 15)], // 80
      [w3, scores(25, 25, 16, 14)], // 80, wins on resource feasibility
      // 75.00 both; the first three criteria are equal at 2 decimals (13.004 and 12.996 are
      // both 13.00), so only target outcomes can part them: 11.99 against 12.00.
      [l4, scores(25, 25, 13.004, 11.994)],
      [w4, scores(25, 25, 12.996, 12.004)],
      [i6first, scores(21, 21, 14, 14)], // 70, identical: the earlier submission wins (I6)
      [i6second, scores(21, 21, 14, 14)],
    ];
    for (const [m, s] of plan) await scoreBy(m.id, [s]);
    const res = await select('ties');
    expect(res.status).toBe(200);
    const view = await batchView('ties');
    expect(view.ranking.map((r: any) => r.applicationId)).toEqual([w1, l1, w2, l2, w3, l3, w4, l4, i6first, i6second].map((m) => m.id));
    expect(view.ranking.map((r: any) => r.total)).toEqual([90, 90, 85, 85, 80, 80, 75, 75, 70, 70]);
    expect(view.ranking[6].scores).toEqual({ policyAlignment: 25, projectExcellence: 25, resourceFeasibility: 13, targetOutcomes: 12 });
    expect(view.ranking[7].scores).toEqual({ policyAlignment: 25, projectExcellence: 25, resourceFeasibility: 13, targetOutcomes: 11.99 });
    const [rank] = await app.sql`select selection_rank from applications where id = ${i6second.id}`;
    expect(rank!.selection_rank).toBe(10);
  });
});

describe('K5/V7 capacity and the committee', () => {
  test("V7: the committee changes an H100 request to T4 before selection (audited); another pool or a missing reason is refused and changes nothing", async () => {
    const crossPool = await app.api.post(`/applications/${cap.r5.id}/resource-change`, { type: 'BOW', units: 4, reason: '공용풀 전환' }, app.operatorKey);
    expect(crossPool.status).toBe(422);
    expect(crossPool.body.rule).toBe('V7');
    const noReason = await app.api.post(`/applications/${cap.r5.id}/resource-change`, { type: 'T4', units: 1 }, app.operatorKey);
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: any) => e.field)).toContain('reason');
    const [unchanged] = await app.sql`select committee_type from applications where id = ${cap.r5.id}`;
    expect(unchanged!.committee_type).toBeNull();

    const res = await app.api.post(`/applications/${cap.r5.id}/resource-change`, { type: 'T4', units: 1, reason: 'H100 소진 예상, T4로 충분' }, app.operatorKey);
    expect(res.status).toBe(200);
    expect(res.body.committee).toEqual({ type: 'T4', units: 1, reason: 'H100 소진 예상, T4로 충분' });
    const [entry] = await app.sql`select actor, detail from audit_log where action = 'evaluation.resource.change' and subject = ${`application:${cap.r5.id}`}`;
    expect(entry!.detail).toMatchObject({ before: { type: 'H100', units: 1 }, after: { type: 'T4', units: 1 } });
    const view = await batchView('capacity');
    expect(view.members.find((m: any) => m.id === cap.r5.id).committee).toMatchObject({ type: 'T4', units: 1 });
  });

  test('K5/V7: capacity exhausted sends the next H100 application to the waitlist while lower-ranked T4 ones are still selected, the changed one with T4', async () => {
    await scoreBy(cap.r1.id, [scores(27, 27, 18, 18)]); // 90 H100
    await scoreBy(cap.r2.id, [scores(25, 26, 17, 17)]); // 85 H100
    await scoreBy(cap.r3.id, [scores(24, 24, 16, 16)]); // 80 H100: no H100 left → waitlist
    await scoreBy(cap.r4.id, [scores(22, 23, 15, 15)]); // 75 T4
    await scoreBy(cap.r5.id, [scores(21, 21, 14, 14)]); // 70 asked H100, the committee gave T4
    const res = await select('capacity');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ selected: 4, waitlisted: 1, notSelected: 0 });
    const view = await batchView('capacity');
    expect(view.ranking.map((r: any) => [r.applicationId, r.outcome, r.rule, `${r.resource.type}×${r.resource.units}`])).toEqual([
      [cap.r1.id, 'SELECTED', 'V5', 'H100×1'],
      [cap.r2.id, 'SELECTED', 'V5', 'H100×1'],
      [cap.r3.id, 'WAITLISTED', 'V7', 'H100×1'],
      [cap.r4.id, 'SELECTED', 'V5', 'T4×1'],
      [cap.r5.id, 'SELECTED', 'V5', 'T4×1'],
    ]);
    expect(await statusOf(cap.r3, 'WAITLISTED')).toBe('WAITLISTED');
    expect(await statusOf(cap.r5, 'SELECTED')).toBe('SELECTED');
    const r5 = await applicationView(app, cap.r5.id);
    expect(r5.status).toBe('SELECTED');
    // K5: everything the call had is granted, nothing beyond.
    expect(await callRemainingCapacity(app.sql, calls.capacity)).toMatchObject({ H100: 0, T4: 0 });
    const [waitMail] = await eventually(() => resultMails(cap.r3), (m) => m.length > 0);
    expect(waitMail!.subject).toContain('대기');
    const [r5Mail] = await eventually(() => resultMails(cap.r5), (m) => m.length > 0);
    expect(r5Mail!.text).toContain('T4 × 1');
    // V5: after selection the committee's changes are closed.
    const late = await app.api.post(`/applications/${cap.r4.id}/resource-change`, { type: 'H100', units: 1, reason: '늦은 변경' }, app.operatorKey);
    expect(late.status).toBe(409);
  });
});

describe('S2/I4 evaluators, V3 scores, I4 quorum', () => {
  const listOf = (key: 'access' | 'other', auth: string) => app.api.get(`/calls/${calls[key]}/batches/${batch[key]}/applications`, auth);

  test("S2/V4: an assigned evaluator's queue puts priority applicants first and shows only their own scores", async () => {
    expect((await put(`/applications/${acc.plain.id}/scores`, scores(20, 20, 10, 10), ev[1]!.key)).status).toBe(201);
    const res = await listOf('access', ev[0]!.key);
    expect(res.status).toBe(200);
    expect(res.body.items[0].id).toBe(acc.priority.id);
    expect(res.body.items.map((i: any) => i.id)).toEqual([acc.priority.id, acc.plain.id, acc.own.id]);
    // S2: evaluator 1's scores are not in evaluator 0's view.
    expect(res.body.items.every((i: any) => i.myScores === null)).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('"evaluatorId"');
    const mine = await listOf('access', ev[1]!.key);
    expect(mine.body.items.find((i: any) => i.id === acc.plain.id).myScores).toEqual(scores(20, 20, 10, 10));
    // S3: no contact details in an evaluator's queue.
    expect(JSON.stringify(res.body)).not.toContain(acc.plain.email);
    const assigned = await app.api.get('/evaluator/batches', ev[0]!.key);
    expect(assigned.body.items.map((b: any) => b.batchId)).toContain(batch.access);
    expect(assigned.body.items.map((b: any) => b.batchId)).not.toContain(batch.other);
  });

  test('S2: an evaluator is refused (403) on a batch not assigned to them, for its queue and for scores, and nothing is written', async () => {
    const list = await listOf('other', ev[0]!.key);
    expect(list.status).toBe(403);
    expect(list.body.detail).toContain('S2');
    const score = await put(`/applications/${other.id}/scores`, scores(20, 20, 10, 10), ev[0]!.key);
    expect(score.status).toBe(403);
    const [{ n }] = await app.sql`select count(*)::int as n from evaluations where application_id = ${other.id}`;
    expect(n).toBe(0);
    expect((await listOf('other', evOther.key)).status).toBe(200);
    // Operators' and applicants' routes are not evaluators' (S2).
    expect((await app.api.get(`/applications/${other.id}`, ev[0]!.key)).status).toBe(403);
  });

  test("I4: an evaluator never sees their own organisation's application and is refused (403 naming I4) when scoring it", async () => {
    const list = await listOf('access', evOwn.key);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).not.toContain(acc.own.id);
    expect(list.body.withheldOwnOrganisation).toBe(1);
    const res = await put(`/applications/${acc.own.id}/scores`, scores(30, 30, 20, 20), evOwn.key);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/^I4:/);
    const [{ n }] = await app.sql`select count(*)::int as n from evaluations where application_id = ${acc.own.id}`;
    expect(n).toBe(0);
    // The same evaluator may score the others.
    expect((await put(`/applications/${acc.plain.id}/scores`, scores(15, 15, 10, 10), evOwn.key)).status).toBe(201);
  });

  test("S3/S2/I4: an assigned evaluator reads a member's documents, never another batch's nor their own organisation's; each read is audited", async () => {
    const doc = (key: 'access' | 'other', applicationId: string, auth: string) =>
      app.api.get(`/calls/${calls[key]}/batches/${batch[key]}/applications/${applicationId}/documents/BUSINESS_REGISTRATION`, auth);
    const queue = await listOf('access', ev[0]!.key);
    expect(queue.body.items[0].documents).toContain('BUSINESS_REGISTRATION');
    const ok = await doc('access', acc.plain.id, ev[0]!.key);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(FILES.pdf.toString());
    expect((await doc('other', other.id, ev[0]!.key)).status).toBe(403);
    expect((await doc('access', other.id, ev[0]!.key)).status).toBe(404); // not a member of this batch
    const own = await doc('access', acc.own.id, evOwn.key);
    expect(own.status).toBe(403);
    expect(own.body.detail).toMatch(/^I4:/);
    const reads = await app.sql`select actor from audit_log where action = 'evaluation.document.read' and subject = ${`application:${acc.plain.id}`}`;
    expect(reads.map((r) => r.actor)).toEqual([`evaluator:${ev[0]!.id}`]);
  });

  test('V3: a score beyond its maximum answers 422 naming V3 and the criterion; a missing or unknown criterion 400 naming the field; nothing changes', async () => {
    const over = await put(`/applications/${acc.priority.id}/scores`, scores(31, 30, 20, 20.5), ev[0]!.key);
    expect(over.status).toBe(422);
    expect(over.body.rule).toBe('V3');
    expect(over.body.violations.map((v: any) => v.field)).toEqual(['policyAlignment', 'targetOutcomes']);
    const missing = await put(`/applications/${acc.priority.id}/scores`, { policyAlignment: 20, projectExcellence: 20, resourceFeasibility: 10 }, ev[0]!.key);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: any) => e.field)).toContain('targetOutcomes');
    const unknown = await put(`/applications/${acc.priority.id}/scores`, { ...scores(20, 20, 10, 10), creativity: 5 }, ev[0]!.key);
    expect(unknown.status).toBe(400);
    const [{ n }] = await app.sql`select count(*)::int as n from evaluations where application_id = ${acc.priority.id}`;
    expect(n).toBe(0);
  });

  test('S4: replacing a score before selection replaces it and the audit log keeps what it replaced', async () => {
    expect((await put(`/applications/${acc.priority.id}/scores`, scores(20, 20, 10, 10), ev[0]!.key)).status).toBe(201);
    const res = await put(`/applications/${acc.priority.id}/scores`, scores(25, 22, 12, 11), ev[0]!.key);
    expect(res.status).toBe(200);
    expect(res.body.replaced).toBe(true);
    const rows = await app.sql`select scores from evaluations where application_id = ${acc.priority.id}`;
    expect(rows.map((r) => r.scores)).toEqual([scores(25, 22, 12, 11)]);
    const audit = await app.sql`select actor, action, detail from audit_log
      where subject = ${`application:${acc.priority.id}`} and action like 'evaluation.%' order by id`;
    expect(audit.map((a) => a.action)).toEqual(['evaluation.scores.submit', 'evaluation.scores.replace']);
    expect(audit[1]!.actor).toBe(`evaluator:${ev[0]!.id}`);
    expect(audit[1]!.detail).toMatchObject({ before: scores(20, 20, 10, 10), after: scores(25, 22, 12, 11) });
  });

  test('I4/H1: selection is refused (422 naming I4, a rule) with the applications short of evaluators, by the batch workflow itself; nothing is selected', async () => {
    const res = await select('access');
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('I4');
    expect(res.body.short.map((s: any) => s.applicationId).sort()).toEqual([acc.plain.id, acc.own.id, acc.priority.id].sort());
    expect(res.body.detail).toContain(acc.own.id);
    // The workflow checks the quorum from the database (the API has no pre-check of its own).
    const handle = app.client.workflow.getHandle(batchWorkflowId(batch.access));
    const err = await handle.executeUpdate(selectBatchUpdate, { args: [{ actor: 'test' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as Error).message).toMatch(/^I4: 3 application\(s\)/);
    const [b] = await app.sql`select selection_started_at from batches where id = ${batch.access}`;
    expect(b!.selection_started_at).toBeNull();
    const [{ n }] = await app.sql`select count(*)::int as n from selection_results where batch_id = ${batch.access}`;
    expect(n).toBe(0);
  });

  test('V5: with the quorum met the batch is selected; then scores and a second selection are refused (409); GET shows members, progress and ranking', async () => {
    for (const m of [acc.priority, acc.plain, acc.own]) await scoreBy(m.id, [scores(22, 22, 15, 15)]);
    const before = await batchView('access');
    expect(before.progress).toMatchObject({ members: 3, complete: 3, short: [] });
    expect(before.members.map((m: any) => m.id)).toEqual([acc.priority.id, acc.plain.id, acc.own.id]); // V4
    expect(before.evaluators).toHaveLength(6);

    const res = await select('access');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ members: 3, selected: 3 });
    expect((await select('access')).status).toBe(409);
    const late = await put(`/applications/${acc.plain.id}/scores`, scores(30, 30, 20, 20), ev[2]!.key);
    expect(late.status).toBe(409);
    expect(late.body.detail).toMatch(/^V5:/);

    const after = await batchView('access');
    expect(after.selection.state).toBe('DONE');
    expect(after.ranking).toHaveLength(3);
    expect(after.sla.review.state).toBe('MET');
    expect(after.sla.results.state).toBe('MET');
    const [entry] = await app.sql`select action from audit_log where subject = ${`batch:${batch.access}`} and action = 'batch.select'`;
    expect(entry).toBeDefined();
  });
});
