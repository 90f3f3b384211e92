import { startTestApp, type TestApp } from '../support/app';
import { applicationView, createCall, eventually } from '../support/lifecycle';
import { allocated, operation, selected } from '../workflows/operation-support';

/**
 * The call's data operators change while it runs, and the applicant's change requests,
 * through the HTTP API against the dev server: K1/K2 server inventory, C4/K5 capacity,
 * O6 storage and BOW size. Every refusal answers 4xx naming the rule and changes nothing.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const patch = (path: string, json: unknown, auth: string) => app.api.request('PATCH', path, { json, auth });
const putJson = (path: string, json: unknown, auth: string) => app.api.request('PUT', path, { json, auth });
const auditRows = (action: string, subject: string) =>
  app.sql`select actor, detail from audit_log where action = ${action} and subject = ${subject} order by at`;

describe('C4/K5 capacity of a loaded call', () => {
  test('C4/K5: operators change a loaded call\'s capacity per type, never below what is held (422 K5); audited; the allocation uses the new capacity', async () => {
    const callId = await createCall(app, { capacity: { T4: 1, H100: 1, BOW: 4, extraStorageTb: 5 } });
    const a = await selected(app, callId, 'H100', 1);
    expect((await app.api.post(`/applications/${a.id}/allocation`, { extraStorageTb: 5 }, app.operatorKey)).status).toBe(201);

    const held = await app.api.get(`/calls/${callId}/capacity`, app.operatorKey);
    expect(held.status).toBe(200);
    expect(held.body.held).toEqual({ T4: 0, H100: 1, BOW: 0, extraStorageTb: 5 });

    const below = await patch(`/calls/${callId}/capacity`, { H100: 0 }, app.operatorKey);
    expect(below.status).toBe(422);
    expect(below.body.rule).toBe('K5');
    const storageBelow = await patch(`/calls/${callId}/capacity`, { extraStorageTb: 4 }, app.operatorKey);
    expect(storageBelow.body.rule).toBe('K5');
    expect((await app.api.get(`/calls/${callId}`)).body.capacity).toEqual({ T4: 1, H100: 1, BOW: 4, extraStorageTb: 5 });
    expect(await auditRows('call.capacity', `call:${callId}`)).toHaveLength(0);
    // S5/S1: an empty change or an unknown field is 400; an applicant may not.
    expect((await patch(`/calls/${callId}/capacity`, {}, app.operatorKey)).status).toBe(400);
    expect((await patch(`/calls/${callId}/capacity`, { A100: 2 }, app.operatorKey)).status).toBe(400);
    expect((await patch(`/calls/${callId}/capacity`, { H100: 2 }, a.token)).status).toBe(403);

    // K5: a second H100 has no capacity until the call gets more.
    const b = await selected(app, callId, 'H100', 1);
    const refused = await app.api.post(`/applications/${b.id}/allocation`, {}, app.operatorKey);
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toBe('K5');

    const more = await patch(`/calls/${callId}/capacity`, { H100: 2 }, app.operatorKey);
    expect(more.status).toBe(200);
    expect(more.body.capacity).toEqual({ T4: 1, H100: 2, BOW: 4, extraStorageTb: 5 });
    expect((await app.api.get(`/calls/${callId}`)).body.capacity.H100).toBe(2);
    const [entry] = await auditRows('call.capacity', `call:${callId}`);
    expect(entry!.actor).toMatch(/^operator:/);
    expect(entry!.detail).toEqual(expect.objectContaining({ from: expect.objectContaining({ H100: 1 }), to: expect.objectContaining({ H100: 2 }) }));
    expect((await app.api.post(`/applications/${b.id}/allocation`, {}, app.operatorKey)).status).toBe(201);
  });
});

describe('K1/K2 server inventory', () => {
  test('K1/K2: the call\'s servers are data operators edit (audited); an allocation names one of them; a server allocated for an overlapping period is refused (422 K1)', async () => {
    const callId = await createCall(app, { capacity: { T4: 2, H100: 3, BOW: 4 } });
    const put = await putJson(`/calls/${callId}/servers`, { H100: ['h100-01', 'h100-02'], T4: ['t4-01'] }, app.operatorKey);
    expect(put.status).toBe(200);
    expect(put.body.servers.map((s: { name: string }) => s.name)).toEqual(['h100-01', 'h100-02', 't4-01']);
    expect(await auditRows('call.servers', `call:${callId}`)).toHaveLength(1);
    const twice = await putJson(`/calls/${callId}/servers`, { H100: ['h100-01'], T4: ['h100-01'] }, app.operatorKey);
    expect(twice.status).toBe(422);
    expect(twice.body.rule).toBe('K1');
    expect((await putJson(`/calls/${callId}/servers`, { H100: ['bad name'] }, app.operatorKey)).status).toBe(400);

    const a = await selected(app, callId, 'H100', 1);
    for (const body of [{}, { servers: ['h100-99'] }, { servers: ['t4-01'] }]) {
      const res = await app.api.post(`/applications/${a.id}/allocation`, body, app.operatorKey);
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('K1');
    }
    expect((await applicationView(app, a.id)).status).toBe('SELECTED');
    const ok = await app.api.post(`/applications/${a.id}/allocation`, { servers: ['h100-01'] }, app.operatorKey);
    expect(ok.status).toBe(201);
    expect(ok.body.servers).toEqual(['h100-01']);

    // K1: never two applications on one server in overlapping support periods.
    const b = await selected(app, callId, 'H100', 1);
    const clash = await app.api.post(`/applications/${b.id}/allocation`, { servers: ['h100-01'] }, app.operatorKey);
    expect(clash.status).toBe(422);
    expect(clash.body.rule).toBe('K1');
    expect(clash.body.detail).toContain(a.id);
    expect((await applicationView(app, b.id)).status).toBe('SELECTED');
    expect(await app.sql`select * from audit_log where action = 'application.allocate' and subject = ${`application:${b.id}`}`).toHaveLength(0);
    expect((await app.api.post(`/applications/${b.id}/allocation`, { servers: ['h100-02'] }, app.operatorKey)).status).toBe(201);

    // The inventory shows who has each server; one in a running allocation cannot be taken out.
    const inv = await app.api.get(`/calls/${callId}/servers`, app.operatorKey);
    expect(inv.body.servers).toEqual([
      { name: 'h100-01', type: 'H100', allocatedTo: a.id },
      { name: 'h100-02', type: 'H100', allocatedTo: b.id },
      { name: 't4-01', type: 'T4', allocatedTo: null },
    ]);
    const removing = await putJson(`/calls/${callId}/servers`, { H100: ['h100-02'], T4: ['t4-01'] }, app.operatorKey);
    expect(removing.status).toBe(422);
    expect(removing.body.rule).toBe('K1');
    expect((await app.api.get(`/calls/${callId}/servers`, app.operatorKey)).body.servers).toHaveLength(3);

    // K1: the same machine listed by another call whose support period overlaps is not free either.
    const other = await createCall(app, { capacity: { H100: 2 } });
    expect((await putJson(`/calls/${other}/servers`, { H100: ['h100-01', 'h100-03'] }, app.operatorKey)).status).toBe(200);
    const c = await selected(app, other, 'H100', 1);
    expect((await app.api.post(`/applications/${c.id}/allocation`, { servers: ['h100-01'] }, app.operatorKey)).body.rule).toBe('K1');
    expect((await app.api.post(`/applications/${c.id}/allocation`, { servers: ['h100-03'] }, app.operatorKey)).status).toBe(201);
  });
});

describe('O6 change requests (storage, BOW size)', () => {
  test('O6/K3/K5: more storage is asked with a reason and approved within the call\'s extra storage (422 K5 beyond), applied to the allocation, audited, e-mailed', async () => {
    const callId = await createCall(app, { capacity: { T4: 2, H100: 2, BOW: 8, extraStorageTb: 30 } });
    const a = await allocated(app, callId, 'T4', 1);
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'STORAGE', extraStorageTb: 10 }, a.token)).status).toBe(400); // reason
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'STORAGE', extraStorageTb: 0, reason: 'x' }, a.token)).body.rule).toBe('K3');
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'BOW_SIZE', units: 2, reason: 'x' }, a.token)).body.rule).toBe('K1');
    const tooMuch = await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'STORAGE', extraStorageTb: 40, reason: '데이터가 늘었습니다' }, a.token);
    expect(tooMuch.status).toBe(201);
    expect(tooMuch.body).toEqual(expect.objectContaining({ status: 'PENDING', change: { kind: 'STORAGE', extraStorageTb: 40 } }));
    // One open request at a time (409); operators only decide (403).
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'STORAGE', extraStorageTb: 20, reason: 'x' }, a.token)).status).toBe(409);
    const decision = `/applications/${a.id}/change-requests/${tooMuch.body.id}/decision`;
    expect((await app.api.post(decision, { decision: 'APPROVE', reason: 'ok' }, a.token)).status).toBe(403);
    const over = await app.api.post(decision, { decision: 'APPROVE', reason: '여유 있음' }, app.operatorKey);
    expect(over.status).toBe(422);
    expect(over.body.rule).toBe('K5');
    expect((await operation(app, a.id)).allocation.extraStorageTb).toBe(0);
    const refused = await app.api.post(decision, { decision: 'REFUSE', reason: '스토리지 여유 부족' }, app.operatorKey);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual(expect.objectContaining({ status: 'REFUSED', decisionReason: '스토리지 여유 부족' }));
    expect((await app.api.post(decision, { decision: 'APPROVE', reason: 'x' }, app.operatorKey)).status).toBe(409);

    const ask = await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'STORAGE', extraStorageTb: 25, reason: '데이터가 늘었습니다' }, a.token);
    const ok = await app.api.post(`/applications/${a.id}/change-requests/${ask.body.id}/decision`, { decision: 'APPROVE', reason: '승인' }, app.operatorKey);
    expect(ok.status).toBe(200);
    expect((await operation(app, a.id)).allocation).toEqual(expect.objectContaining({ extraStorageTb: 25, storageTb: 75 }));
    const [row] = await app.sql`select granted_extra_storage_tb::float8 as extra from applications where id = ${a.id}`;
    expect(row!.extra).toBe(25);
    const audits = await auditRows('application.change-request.decide', `application:${a.id}`);
    expect(audits).toHaveLength(2); // the refusal and the approval; the refused-by-K5 attempt changed nothing
    const list = await app.api.get(`/applications/${a.id}/change-requests`, a.token);
    expect(list.body.items.map((r: { status: string }) => r.status)).toEqual(['REFUSED', 'APPROVED']);
    // N: the applicant hears of both decisions (Korean first), the operators of both requests.
    const mails = await eventually(() => app.mailTo(a.email), (m) => m.filter((x) => x.subject.includes('변경 신청')).length >= 2);
    const decided = mails.filter((m) => m.subject.includes('변경 신청'));
    expect(decided.map((m) => m.subject.split(':')[0])).toEqual(expect.arrayContaining(['[AI데이터센터] 변경 신청 반려', '[AI데이터센터] 변경 신청 승인']));
    expect(decided.find((m) => m.subject.includes('반려'))!.text).toContain('스토리지 여유 부족');
    const ops = await eventually(
      () => app.mailTo(app.config.OPERATIONS_EMAIL),
      (m) => m.filter((x) => x.subject.includes(`변경 신청 ${a.id}`)).length >= 2,
    );
    expect(ops.filter((m) => m.subject.includes(`변경 신청 ${a.id}`))).toHaveLength(2);
  });

  test('O6/K1/K5: another BOW size is approved within the BOW capacity and applied to the granted cards', async () => {
    const callId = await createCall(app, { capacity: { BOW: 8 } });
    const a = await allocated(app, callId, 'BOW', 2);
    await allocated(app, callId, 'BOW', 4);
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'BOW_SIZE', units: 3, reason: 'x' }, a.token)).body.rule).toBe('K1');
    const big = await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'BOW_SIZE', units: 8, reason: '모델이 커졌습니다' }, a.token);
    const bigDecision = `/applications/${a.id}/change-requests/${big.body.id}/decision`;
    expect((await app.api.post(bigDecision, { decision: 'APPROVE', reason: 'x' }, app.operatorKey)).body.rule).toBe('K5');
    expect((await app.api.post(bigDecision, { decision: 'REFUSE', reason: '카드 부족' }, app.operatorKey)).status).toBe(200);
    const four = await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'BOW_SIZE', units: 4, reason: '모델이 커졌습니다' }, a.token);
    expect((await app.api.post(`/applications/${a.id}/change-requests/${four.body.id}/decision`, { decision: 'APPROVE', reason: '승인' }, app.operatorKey)).status).toBe(200);
    const view = await operation(app, a.id);
    expect(view.resource).toEqual({ type: 'BOW', units: 4 });
    expect(view.allocation.resource).toEqual({ type: 'BOW', units: 4 });
    const [row] = await app.sql`select granted_units from applications where id = ${a.id}`;
    expect(row!.granted_units).toBe(4);
    expect((await app.api.get(`/calls/${callId}/capacity`, app.operatorKey)).body.held.BOW).toBe(8);
  });

  test('O6: no change request before allocation (409), and not for another application (403)', async () => {
    const callId = await createCall(app);
    const a = await selected(app, callId, 'BOW', 2);
    const b = await allocated(app, callId, 'BOW', 1);
    expect((await app.api.post(`/applications/${a.id}/change-requests`, { kind: 'BOW_SIZE', units: 4, reason: 'x' }, a.token)).status).toBe(409);
    expect((await app.api.post(`/applications/${b.id}/change-requests`, { kind: 'BOW_SIZE', units: 4, reason: 'x' }, a.token)).status).toBe(403);
  });
});
