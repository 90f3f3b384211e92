import { createApiKey } from '../../src/api/auth';
import { addDays, monthOf, setupEndDate } from '../../src/domain';
import { startTestApp, type TestApp } from '../support/app';
import { applicationView, createCall, submitAndAccept } from '../support/lifecycle';
import { allocated, postCsv, selected, type Allocated } from '../workflows/operation-support';

/**
 * Allocation, setup and utilisation samples through the HTTP API (O1–O4, K2, K3, K5, S4,
 * S5), against the dev server: every refusal answers 4xx naming the field or the rule and
 * changes nothing.
 */
let app: TestApp;
let callId: string;
let collectorKey: string;
let evaluatorKey: string;
let dedicated: Allocated;
let shared: Allocated;

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app, { capacity: { T4: 3, H100: 3, BOW: 16, extraStorageTb: 10 } });
  collectorKey = (await createApiKey(app.sql, { role: 'COLLECTOR', name: 'dcim collector' })).key;
  evaluatorKey = (await createApiKey(app.sql, { role: 'EVALUATOR', name: 'evaluator' })).key;
  dedicated = await allocated(app, callId, 'H100', 1);
  shared = await allocated(app, callId, 'BOW', 2);
});
afterAll(() => app?.close());

const samples = async (id: string) =>
  app.sql`select day, mean_percent::float8 as mean from utilisation_samples where application_id = ${id} order by day`;

describe('O1 allocation', () => {
  test('O1: allocation is refused (409) unless the application is selected, and changes nothing', async () => {
    const accepted = await submitAndAccept(app, callId);
    const res = await app.api.post(`/applications/${accepted.id}/allocation`, {}, app.operatorKey);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('O1');
    expect((await applicationView(app, accepted.id)).status).toBe('DOCUMENTS_COMPLETE');
    // Already allocated: no second allocation.
    expect((await app.api.post(`/applications/${dedicated.id}/allocation`, {}, app.operatorKey)).status).toBe(409);
  });

  test('O1/K2/K3/K5/S5: servers must match the units (dedicated only), extra storage stays within the call (422 K5)', async () => {
    const a = await selected(app, callId, 'T4', 1); // K1: a dedicated application has one server
    const wrongCount = await app.api.post(`/applications/${a.id}/allocation`, { servers: ['t4-01', 't4-02'] }, app.operatorKey);
    expect(wrongCount.status).toBe(400);
    expect(wrongCount.body.errors[0].field).toBe('servers');
    const negative = await app.api.post(`/applications/${a.id}/allocation`, { extraStorageTb: -1 }, app.operatorKey);
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0].field).toBe('extraStorageTb');
    const tooMuch = await app.api.post(`/applications/${a.id}/allocation`, { extraStorageTb: 11 }, app.operatorKey);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.rule).toBe('K5');
    const b = await selected(app, callId, 'BOW', 1);
    const serversOnShared = await app.api.post(`/applications/${b.id}/allocation`, { servers: ['x'] }, app.operatorKey);
    expect(serversOnShared.status).toBe(400);
    expect((await applicationView(app, a.id)).status).toBe('SELECTED');

    const ok = await app.api.post(`/applications/${a.id}/allocation`, { servers: ['t4-01'], extraStorageTb: 10 }, app.operatorKey);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual(expect.objectContaining({
      allocatedOn: app.today(), setupEnd: setupEndDate(app.today()), storageTb: 60, backupTb: 20, extraStorageTb: 10, servers: ['t4-01'],
    }));
    const [row] = await app.sql`select status, allocated_on, granted_extra_storage_tb::float8 as extra from applications where id = ${a.id}`;
    expect(row).toEqual({ status: 'ALLOCATED', allocated_on: app.today(), extra: 10 });
    const [audit] = await app.sql`select actor, detail from audit_log where action = 'application.allocate' and subject = ${`application:${a.id}`}`;
    expect(audit!.actor).toMatch(/^operator:/);
    // K5: the call's extra storage is now all granted.
    const c = await selected(app, callId, 'T4', 1);
    expect((await app.api.post(`/applications/${c.id}/allocation`, { extraStorageTb: 1 }, app.operatorKey)).body.rule).toBe('K5');
  });

  test('O2/T2: setup done is refused before allocation (409); the allocation shows the setup end among the deadlines', async () => {
    const a = await selected(app, callId, 'H100', 1);
    expect((await app.api.post(`/applications/${a.id}/setup-done`, {}, a.token)).status).toBe(409);
    const view = await app.api.get(`/applications/${dedicated.id}/operation`, dedicated.token);
    expect(view.status).toBe(200);
    expect(view.body.deadlines.setupEnd).toBe(setupEndDate(app.today()));
    expect(view.body.allocation.inOperation).toBe(false);
    expect((await app.api.get(`/applications/${dedicated.id}/operation`, shared.token)).status).toBe(403); // S7
  });
});

describe('O4 utilisation samples', () => {
  test('O4/S1: operators and collectors post samples; applicants and evaluators cannot (403)', async () => {
    const today = app.today();
    expect((await app.api.post(`/applications/${dedicated.id}/utilisation`, { day: today, meanPercent: 40 }, dedicated.token)).status).toBe(403);
    expect((await app.api.post(`/applications/${dedicated.id}/utilisation`, { day: today, meanPercent: 40 }, evaluatorKey)).status).toBe(403);
    const res = await app.api.post(`/applications/${dedicated.id}/utilisation`, { day: today, meanPercent: 40 }, collectorKey);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: dedicated.id, stored: 1, days: [today] });
    expect(await samples(dedicated.id)).toEqual([{ day: today, mean: 40 }]);
    // S4: a collector's daily feed is not an operator action; an operator's post is audited.
    expect(await app.sql`select * from audit_log where action = 'application.utilisation'`).toHaveLength(0);
    expect((await app.api.post(`/applications/${dedicated.id}/utilisation`, [{ day: today, meanPercent: 41 }], app.operatorKey)).status).toBe(200);
    expect(await app.sql`select * from audit_log where action = 'application.utilisation'`).toHaveLength(1);
  });

  test('O4: a sample is idempotent per day: a repeat replaces the value, never adds a row', async () => {
    const today = app.today();
    await app.api.post(`/applications/${shared.id}/utilisation`, { samples: [{ day: today, meanPercent: 10 }, { day: today, meanPercent: 12.5 }] }, collectorKey);
    await app.api.post(`/applications/${shared.id}/utilisation`, { day: today, meanPercent: 12.5 }, collectorKey);
    expect(await samples(shared.id)).toEqual([{ day: today, mean: 12.5 }]);
  });

  test('O4/S5: bad samples answer 400 naming the field, or 422 O4 for a day outside the allocation, and store nothing', async () => {
    const today = app.today();
    const before = await samples(dedicated.id);
    const pct = await app.api.post(`/applications/${dedicated.id}/utilisation`, [{ day: today, meanPercent: 101 }], collectorKey);
    expect(pct.status).toBe(400);
    expect(pct.body.errors.map((e: { field: string }) => e.field)).toEqual(['samples.0.meanPercent']);
    const day = await app.api.post(`/applications/${dedicated.id}/utilisation`, { day: '2026-02-30', meanPercent: 1 }, collectorKey);
    expect(day.status).toBe(400);
    expect(day.body.errors.map((e: { field: string }) => e.field)).toEqual(['samples.0.day']);
    const future = await app.api.post(`/applications/${dedicated.id}/utilisation`, [{ day: today, meanPercent: 5 }, { day: addDays(today, 1), meanPercent: 5 }], collectorKey);
    expect(future.status).toBe(422);
    expect(future.body.rule).toBe('O4');
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['samples.1.day']);
    const early = await app.api.post(`/applications/${dedicated.id}/utilisation`, { day: addDays(today, -1), meanPercent: 5 }, collectorKey);
    expect(early.status).toBe(422);
    expect(await samples(dedicated.id)).toEqual(before);
    const notAllocated = await selected(app, callId, 'H100', 1);
    expect((await app.api.post(`/applications/${notAllocated.id}/utilisation`, { day: today, meanPercent: 5 }, collectorKey)).status).toBe(409);
    expect((await app.api.post('/applications/ZZZZZZZZZZ/utilisation', { day: today, meanPercent: 5 }, collectorKey)).status).toBe(404);
  });

  test('O4: a CSV of many allocations for a month stores the good rows and reports each refused row with its reason', async () => {
    const today = app.today();
    const month = monthOf(today);
    const otherMonth = monthOf(addDays(`${month}-01`, -1));
    const notAllocated = await selected(app, callId, 'T4', 1);
    const csv = [
      'application_id,day,mean_percent',
      `${dedicated.id},${today},55`,
      `${shared.id},${today},66`,
      `ZZZZZZZZZZ,${today},10`,
      `${dedicated.id},${otherMonth}-15,10`,
      `${dedicated.id},${today},abc`,
      `${dedicated.id},${today},150`,
      `${notAllocated.id},${today},10`,
      `${shared.id},${today},67`,
      `${dedicated.id},${today}`,
      `${dedicated.id},${month}-32,5`,
      '',
    ].join('\r\n');
    const res = await postCsv(app, month, csv, collectorKey);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.refused).toEqual([
      expect.objectContaining({ line: 4, field: 'application_id', reason: 'unknown application' }),
      expect.objectContaining({ line: 5, field: 'day', reason: `outside the month ${month}` }),
      expect.objectContaining({ line: 6, field: 'mean_percent' }),
      expect.objectContaining({ line: 7, field: 'mean_percent' }),
      expect.objectContaining({ line: 8, field: 'application_id', reason: expect.stringContaining('not allocated') }),
      expect.objectContaining({ line: 9, field: 'day', reason: 'duplicate of line 3' }),
      expect.objectContaining({ line: 10, field: 'row' }),
      expect.objectContaining({ line: 11, field: 'day' }),
    ]);
    expect((await samples(dedicated.id)).find((s) => s.day === today)).toEqual({ day: today, mean: 55 });
    expect((await samples(shared.id)).find((s) => s.day === today)).toEqual({ day: today, mean: 66 });
  });

  test('O4/S5: a CSV with no good row answers 422 O4 with the report and stores nothing; an empty body answers 400; a bad month 400', async () => {
    const month = monthOf(app.today());
    const before = await samples(dedicated.id);
    const res = await postCsv(app, month, `ZZZZZZZZZZ,${app.today()},10\n${dedicated.id},${app.today()},-1\n`, collectorKey);
    expect(res.status).toBe(422);
    expect(res.body.rule).toBe('O4');
    expect(res.body.refused).toHaveLength(2);
    expect(await samples(dedicated.id)).toEqual(before);
    expect((await postCsv(app, month, '', collectorKey)).status).toBe(400);
    const badMonth = await postCsv(app, '2026-13', `${dedicated.id},${app.today()},10\n`, collectorKey);
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.errors[0].field).toBe('query.month');
  });
});

describe('Q1 decisions outside a review', () => {
  test('Q1: a quarterly decision without an open review is refused (409); a bad decision 400', async () => {
    const res = await app.api.post(`/applications/${dedicated.id}/quarterly-decision`, { decision: 'CONTINUE' }, app.operatorKey);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Q1');
    expect((await app.api.post(`/applications/${dedicated.id}/quarterly-decision`, { decision: 'MAYBE' }, app.operatorKey)).status).toBe(400);
    expect(await app.sql`select * from audit_log where action = 'application.quarterly-decision'`).toHaveLength(0);
  });

  test('H1: the operation routes are documented in /openapi.json', async () => {
    const doc = (await app.api.get('/openapi.json')).body;
    for (const p of ['/applications/{id}/allocation', '/applications/{id}/setup-done', '/applications/{id}/utilisation', '/utilisation/csv',
      '/applications/{id}/quarterly-decision', '/quarterly-reviews', '/applications/{id}/reclaim', '/applications/{id}/operation']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
