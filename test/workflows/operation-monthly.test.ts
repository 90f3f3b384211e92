import {
  formatDeadlineKo,
  addDays,
  daysBetween,
  firstDayOfNextMonth,
  lastDayOfMonth,
  monthOf,
  nextQuarterlyReview,
  setupEndDate,
  startOfDayKst,
} from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { applicationView, createCall, eventually } from '../support/lifecycle';
import {
  advanceTo,
  allocated,
  days,
  duplicateSubjects,
  HOUR,
  kindCounts,
  operation,
  opsMailAbout,
  postCsv,
  postSamples,
  type Allocated,
} from './operation-support';

/**
 * Setup grace and the monthly utilisation check on the time-skipping server (O2, O4, O5,
 * I1, K2, T2). One scenario over two months, in order: five allocations made on the 3rd
 * of a quarter's first month, so the two monthly checks (1st of the 2nd and 3rd months)
 * come before that quarter's review.
 *   A dedicated H100: natural setup; 0 % during setup, 30 % after → OK (setup excluded)
 *   B dedicated T4:   setup done on day 2; 10 % then 15 % → LOW, LOW → flagged
 *   C shared BOW ×4:  0 % → never judged (K2), yet an exclusion candidate for the operators (O5)
 *   D dedicated T4:   no samples → NO_DATA, operators told
 *   E dedicated H100: 0.5 % → NONE: warned, flagged, exclusion candidate (O5)
 *   F shared BOW ×1:  setup done on day 2 (O2 holds for both pools)
 */
let app: TestApp;
let callId: string;
let d0: string; // allocation day
let m1: string; // first judged month
let m2: string;
const apps: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F', Allocated> = {} as never;

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  // T3: a chosen date under time skipping, 3 January of next year, whatever today is (the 3rd
  // of the next quarter made October starts expect a review on 31 December, which I2 never holds).
  d0 = `${Number(app.today().slice(0, 4)) + 1}-01-03`;
  m1 = monthOf(d0);
  m2 = monthOf(firstDayOfNextMonth(d0));
  await advanceTo(app, startOfDayKst(d0) + 10 * HOUR);
  callId = await createCall(app, { supportEndsOn: supportEnd(), capacity: { T4: 10, H100: 10, BOW: 64 } });
  apps.A = await allocated(app, callId, 'H100', 1);
  apps.B = await allocated(app, callId, 'T4', 1);
  apps.C = await allocated(app, callId, 'BOW', 4);
  apps.D = await allocated(app, callId, 'T4', 1);
  apps.E = await allocated(app, callId, 'H100', 1);
  apps.F = await allocated(app, callId, 'BOW', 1);
});
afterAll(() => app?.close());

const setupLimit = () => setupEndDate(d0);
const supportEnd = () => addDays(d0, 300);
const lastOf = (month: string) => lastDayOfMonth(`${month}-01`);

test('O1/O3/T2: the allocation e-mail names the setup end and the training material; setup lasts 14 days (ALLOCATED)', async () => {
  for (const a of Object.values(apps)) {
    const mails = await app.waitForMail(a.email, 4);
    const notice = mails.filter((m) => m.subject.includes('자원 할당 안내'));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.subject).toContain(setupLimit());
    expect(notice[0]!.text).toContain('사전교육');
    expect(notice[0]!.text).toContain(formatDeadlineKo(setupLimit()));
  }
  const c = await operation(app, apps.C.id);
  expect(c.status).toBe('ALLOCATED');
  expect(c.allocation).toEqual(expect.objectContaining({ allocatedOn: d0, setupEnd: setupLimit(), inOperation: false, storageTb: 50, backupTb: 20 }));
  expect(c.deadlines.setupEnd).toBe(setupLimit());
  const [row] = await app.sql`select allocated_on, granted_type, granted_units from applications where id = ${apps.C.id}`;
  expect(row).toEqual({ allocated_on: d0, granted_type: 'BOW', granted_units: 4 });
});

test('O2: an early "setup done" by the applicant ends setup that day (IN_OPERATION); another token is refused', async () => {
  await advanceTo(app, startOfDayKst(addDays(d0, 2)) + 10 * HOUR);
  expect((await app.api.post(`/applications/${apps.B.id}/setup-done`, {}, apps.A.token)).status).toBe(403); // S7
  const res = await app.api.post(`/applications/${apps.B.id}/setup-done`, {}, apps.B.token);
  expect(res.status).toBe(200);
  expect(res.body).toEqual(expect.objectContaining({ setupEnd: addDays(d0, 2), setupDoneOn: addDays(d0, 2) }));
  const b = await operation(app, apps.B.id);
  expect(b.status).toBe('IN_OPERATION');
  expect(b.deadlines.setupEnd).toBe(addDays(d0, 2));
  // O2: a second report is not valid any more.
  expect((await app.api.post(`/applications/${apps.B.id}/setup-done`, {}, apps.B.token)).status).toBe(409);
  expect((await operation(app, apps.A.id)).status).toBe('ALLOCATED');
  // The shared pool has the same setup grace (O2), and its quarterly review follows from the early end (T2).
  expect((await app.api.post(`/applications/${apps.F.id}/setup-done`, {}, apps.F.token)).status).toBe(200);
  const f = await operation(app, apps.F.id);
  expect(f.status).toBe('IN_OPERATION');
  expect(f.allocation).toEqual(expect.objectContaining({ setupEnd: addDays(d0, 2), setupDoneOn: addDays(d0, 2), inOperation: true }));
  expect(f.deadlines.nextQuarterlyReview).toBe(nextQuarterlyReview(addDays(d0, 2), addDays(d0, 2), supportEnd()));
  expect(f.deadlines.nextUtilisationCheck).toBeUndefined();
});

test('O2/N: three days before setup ends the applicant is reminded once; when it ends the allocation is IN_OPERATION', async () => {
  await advanceTo(app, startOfDayKst(addDays(setupLimit(), -3)) + HOUR);
  for (const k of ['A', 'C', 'D', 'E'] as const) {
    const mails = await app.waitForMail(apps[k].email, 5);
    const reminder = mails.filter((m) => m.subject.includes('환경 구축 기간 종료 예정'));
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.text).toContain(formatDeadlineKo(setupLimit()));
  }
  expect((await operation(app, apps.A.id)).status).toBe('ALLOCATED');
  await advanceTo(app, startOfDayKst(addDays(setupLimit(), 1)) + HOUR);
  for (const k of ['A', 'C', 'D', 'E'] as const) {
    const v = await eventually(() => operation(app, apps[k].id), (x) => x.status === 'IN_OPERATION');
    expect(v.status).toBe('IN_OPERATION');
    expect(v.allocation.setupDoneOn).toBeUndefined();
  }
});

test('O4/O2/O5/K2/T2: the first monthly check judges the dedicated pool only, after setup: LOW warns, NONE warns, flags and is an exclusion candidate, missing samples are reported, not judged as zero', async () => {
  const last = lastOf(m1);
  await advanceTo(app, startOfDayKst(last) + 12 * HOUR);
  // T2: the next utilisation check and quarterly review are visible ahead of time (dedicated only for the check).
  const before = await applicationView(app, apps.A.id);
  expect(before.deadlines.nextUtilisationCheck).toBe(`${m2}-01`);
  expect(before.deadlines.nextQuarterlyReview).toBe(nextQuarterlyReview(last, setupLimit(), supportEnd()));
  expect((await applicationView(app, apps.C.id)).deadlines.nextUtilisationCheck).toBeUndefined();

  await postSamples(app, apps.A.id, days(d0, setupLimit()), 0); // inside setup: never counted (O2)
  await postSamples(app, apps.A.id, days(addDays(setupLimit(), 1), last), 30);
  await postSamples(app, apps.B.id, days(d0, addDays(d0, 2)), 0);
  await postSamples(app, apps.B.id, days(addDays(d0, 3), last), 10);
  await postSamples(app, apps.C.id, days(d0, last), 0);
  await postSamples(app, apps.E.id, days(d0, last), 0.5);

  await advanceTo(app, startOfDayKst(`${m2}-01`) + HOUR);
  const judged = async (k: keyof typeof apps) => (await eventually(() => operation(app, apps[k].id), (v) => v.allocation.months.length >= 1)).allocation;

  const a = await judged('A');
  // Counted with the setup days, A would be 30 × 14/29 ≈ 14 % (LOW); without them it is 30 % (OK).
  expect(a.months).toEqual([expect.objectContaining({ month: m1, verdict: 'OK', mean: 30, daysCounted: daysBetween(setupLimit(), last), daysMissing: 0 })]);
  expect(a.flagged).toBe(false);

  const b = await judged('B');
  expect(b.months).toEqual([expect.objectContaining({ month: m1, verdict: 'LOW', mean: 10, daysCounted: daysBetween(addDays(d0, 2), last) })]);
  expect(b.flagged).toBe(false);

  const d = await judged('D');
  expect(d.months).toEqual([expect.objectContaining({ month: m1, verdict: 'NO_DATA', mean: null, daysMissing: daysBetween(setupLimit(), last) })]);

  const e = await judged('E');
  expect(e.months).toEqual([expect.objectContaining({ month: m1, verdict: 'NONE', mean: 0.5 })]);
  expect(e.flagged).toBe(true);

  const [row] = await app.sql`select verdict, mean_percent::float8 as mean from utilisation_months where application_id = ${apps.B.id}`;
  expect(row).toEqual({ verdict: 'LOW', mean: 10 });

  const bMail = (await app.waitForMail(apps.B.email, 5)).filter((m) => m.subject.includes(`${m1} 가속기 활용률 저조`));
  expect(bMail).toHaveLength(1);
  expect(bMail[0]!.text).toContain('10%');
  const eMail = (await app.waitForMail(apps.E.email, 6)).filter((m) => m.subject.includes(`${m1} 가속기 활용률 미사용`));
  expect(eMail).toHaveLength(1);
  expect(eMail[0]!.text).toContain('O5');

  const opsE = await eventually(() => opsMailAbout(app, apps.E.id), (l) => l.length >= 1);
  expect(opsE.map((m) => m.subject)).toEqual([expect.stringContaining('지원 제외 후보')]);
  expect(opsE[0]!.text).toContain(`${m1} 평균 활용률이 0.5%`);
  const opsD = await eventually(() => opsMailAbout(app, apps.D.id), (l) => l.length >= 1);
  expect(opsD.map((m) => m.subject)).toEqual([expect.stringContaining(`활용률 자료 누락 ${apps.D.id} (${m1})`)]);
  expect(opsD[0]!.text).toContain(`${daysBetween(setupLimit(), last)}일은 0%로 보지 않음`);

  // K2: the shared pool is never judged, whatever its samples say.
  const c = await operation(app, apps.C.id);
  expect(c.allocation.months).toEqual([]);
  expect(await app.sql`select * from utilisation_months where application_id = ${apps.C.id}`).toHaveLength(0);
});

test('I1: two LOW months in a row flag the allocation for the quarter; a single LOW month (or one after NO_DATA) does not', async () => {
  const last = lastOf(m2);
  await advanceTo(app, startOfDayKst(last) + 12 * HOUR);
  const rows = ['application_id,day,mean_percent'];
  for (const day of days(`${m2}-01`, last)) {
    rows.push(`${apps.A.id},${day},5`, `${apps.B.id},${day},15`, `${apps.C.id},${day},0`, `${apps.E.id},${day},50`);
  }
  rows.push(`ZZZZZZZZZZ,${last},50`);
  const csv = await postCsv(app, m2, `${rows.join('\n')}\n`);
  expect(csv.status).toBe(200);
  expect(csv.body.refused).toEqual([expect.objectContaining({ applicationId: 'ZZZZZZZZZZ', field: 'application_id', reason: 'unknown application' })]);

  await advanceTo(app, startOfDayKst(firstDayOfNextMonth(last)) + HOUR);
  const judged = async (k: keyof typeof apps) => (await eventually(() => operation(app, apps[k].id), (v) => v.allocation.months.length >= 2)).allocation;
  const b = await judged('B');
  expect(b.months.map((m: { verdict: string }) => m.verdict)).toEqual(['LOW', 'LOW']);
  expect(b.flagged).toBe(true);
  const a = await judged('A');
  expect(a.months.map((m: { verdict: string }) => m.verdict)).toEqual(['OK', 'LOW']);
  expect(a.flagged).toBe(false);
  const d = await judged('D');
  expect(d.months.map((m: { verdict: string }) => m.verdict)).toEqual(['NO_DATA', 'NO_DATA']);
  expect(d.flagged).toBe(false);
  const e = await judged('E');
  expect(e.months.map((m: { verdict: string }) => m.verdict)).toEqual(['NONE', 'OK']);
  expect(e.flagged).toBe(true); // one NONE month is enough for the quarter

  const bMails = (await app.waitForMail(apps.B.email, 6)).filter((m) => m.subject.includes(`${m2} 가속기 활용률 저조`));
  expect(bMails).toHaveLength(1);
  expect(bMails[0]!.text).toContain('분기 자원조정');
  const aMails = (await app.waitForMail(apps.A.email, 6)).filter((m) => m.subject.includes(`${m2} 가속기 활용률 저조`));
  expect(aMails).toHaveLength(1);
  expect(aMails[0]!.text).not.toContain('분기 자원조정');
});

test('N: every e-mail of these allocations went out exactly once (counted per kind, no subject twice)', async () => {
  await new Promise((r) => setTimeout(r, 1000)); // anything still in flight would show up now
  const base = { RECEIPT: 1, BATCH_ASSIGNED: 1, RESULT_SELECTED: 1, ALLOCATED: 1 };
  const expected = {
    A: { ...base, SETUP_ENDING: 1, UTILISATION_WARNING: 1 },
    B: { ...base, UTILISATION_WARNING: 2 },
    C: { ...base, SETUP_ENDING: 1 },
    D: { ...base, SETUP_ENDING: 1 },
    E: { ...base, SETUP_ENDING: 1, UTILISATION_WARNING: 1 },
    F: base,
  };
  for (const k of Object.keys(expected) as Array<keyof typeof expected>) {
    const mails = await app.mailTo(apps[k].email);
    expect({ k, counts: kindCounts(mails) }).toEqual({ k, counts: expected[k] });
    expect(duplicateSubjects(mails)).toEqual([]);
  }
  const ops = {
    // O5: the shared pool's 0 % months make C an exclusion candidate each month (no warning to C, K2).
    A: {}, B: {}, C: { EXCLUSION_CANDIDATE: 2 }, D: { UTILISATION_MISSING: 2 }, E: { EXCLUSION_CANDIDATE: 1 }, F: {},
  };
  for (const k of Object.keys(ops) as Array<keyof typeof ops>) {
    const mails = await opsMailAbout(app, apps[k].id);
    expect({ k, counts: kindCounts(mails) }).toEqual({ k, counts: ops[k] });
    expect(duplicateSubjects(mails)).toEqual([]);
  }
});
