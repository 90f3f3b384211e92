import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runWorker } from '../worker';
import { ensureFirstOperatorKey, startApi } from '../src/api/server';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { isValidBusinessRegistrationNumber, kstDateOf, monthsFromTo, startOfDayKst, type IsoDate } from '../src/domain';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { listMail, startMailInbox } from '../src/runtime/mail-inbox';
import { freePort } from '../src/runtime/ports';
import { ensureTestServer } from './tools';

/**
 * `npm run demo`: one call run end to end on the time-skipping test server, with the real
 * worker, API, PostgreSQL and SMTP inbox; a year passes in well under a minute. Three
 * applicants: a dedicated H100 project, a shared-pool BOW project, and a second H100
 * project that passes but finds no capacity (V7). Prints each application's timeline, its
 * deadlines (T2) and the e-mails everyone received.
 */
type Json = Record<string, any>;

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'aidc-demo-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach its data folder
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() });
  const mail = await startMailInbox({ smtpPort: 0, webPort: 0 });
  const testServer = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    testServer ? { server: { executable: { type: 'existing-path', path: testServer } } } : undefined,
  );
  const config = loadConfig({
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: env.address,
    SMTP_HOST: mail.smtpHost,
    SMTP_PORT: String(mail.smtpPort),
    DATA_DIR: dir,
  });
  const sql = connectDatabase(pg.url, 5);
  await migrate(sql);
  const operatorKey = (await ensureFirstOperatorKey(sql, config))!;
  let clock = await env.currentTimeMs();
  const worker = await runWorker({ config, sql });
  const api = await startApi({ config, sql, client: env.client, port: 0, today: () => kstDateOf(clock) });
  const say = (s: string) => console.log(s);

  async function call(method: string, path: string, body?: unknown, auth = operatorKey): Promise<Json> {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${auth}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  }
  async function upload(path: string, bytes: Buffer, auth: string) {
    const res = await fetch(`${api.url}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    if (res.status !== 201) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  }
  async function advanceTo(date: IsoDate, hour = 9) {
    const target = startOfDayKst(date) + hour * 3_600_000;
    if (target > clock) await env.sleep(target - clock);
    clock = await env.currentTimeMs();
    await new Promise((r) => setTimeout(r, 1500)); // let the workflows act on what came due
    say(`\n── ${kstDateOf(clock)} ──`);
  }
  const statusOf = async (id: string) => (await call('GET', `/applications/${id}`)).status as string;
  async function until(id: string, status: string) {
    for (let i = 0; i < 100 && (await statusOf(id)) !== status; i++) await new Promise((r) => setTimeout(r, 200));
    say(`   ${id}: ${await statusOf(id)}`);
  }

  const Y = Number(kstDateOf(clock).slice(0, 4)) + 1;
  await advanceTo(`${Y}-01-04`);
  const callId = `demo-${Y}`;
  await call('POST', '/calls', {
    id: callId,
    title: `${Y}년 AI데이터센터 서비스 이용자 상시모집 (데모)`,
    announcedOn: `${Y}-01-04`,
    supportEndsOn: `${Y}-12-31`,
    capacity: { T4: 2, H100: 1, BOW: 16, extraStorageTb: 100 },
    cutoffs: [`${Y}-01-15`],
  });
  say(`call ${callId} created: support until ${Y}-12-31, batch cutoff ${Y}-01-15, capacity H100 × 1, BOW × 16`);

  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  const zip = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(60)]);
  const docs: Array<[string, string, Buffer]> = [
    ['APPLICATION_PLAN', 'plan.pdf', pdf], ['USAGE_SUMMARY', 'summary.xlsx', zip], ['PRIVACY_CONSENT_PI', 'pi.pdf', pdf],
    ['PRIVACY_CONSENT_PRACTITIONER', 'dev.pdf', pdf], ['DATA_DEFINITION', 'data.hwp', ole], ['BUSINESS_REGISTRATION', 'brc.pdf', pdf],
    ['EMPLOYMENT_CERTIFICATE', 'emp.pdf', pdf],
  ];
  const brn = (prefix: string) => {
    for (let d = 0; d <= 9; d++) if (isValidBusinessRegistrationNumber(`${prefix}${d}`)) return `${prefix}${d}`;
    throw new Error('no check digit');
  };
  const applicants = [
    { key: 'A', org: '주식회사 한빛음성', brn: brn('214860112'), title: '한국어 음성 인식 모델', resource: { pool: 'DEDICATED', type: 'H100', units: 1, os: 'UBUNTU' }, score: 21 },
    { key: 'B', org: '바다로보틱스', brn: brn('120810331'), title: '수중 로봇 비전 모델', resource: { pool: 'SHARED', type: 'BOW', units: 4 }, score: 18 },
    { key: 'C', org: '한국대학교 산학협력단', brn: brn('101820097'), title: '의료 영상 분할 모델', resource: { pool: 'DEDICATED', type: 'H100', units: 1, os: 'UBUNTU' }, score: 17 },
  ];
  const apps: Record<string, { id: string; token: string; email: string }> = {};
  for (const a of applicants) {
    const email = `dev-${a.key.toLowerCase()}@demo.example`;
    const draft = await call('POST', `/calls/${callId}/applications`, {
      organisation: { name: a.org, type: 'COMPANY', size: 'SME', businessRegistrationNumber: a.brn, priority: { status: false }, digitalLeadersClub: false },
      principalInvestigator: { name: '김책임', email: `pi-${a.key.toLowerCase()}@demo.example`, phone: '010-1234-5678' },
      practitioner: { name: '이실무', email, phone: '010-2345-6789' },
      project: {
        title: a.title, description: `${a.title} 학습`, aiModelKind: 'transformer', trainingPlan: '사전학습 후 미세조정',
        monthlyPlan: monthsFromTo(`${Y}-01`, `${Y}-12`).map((month, i) => ({ month, plan: i === 0 ? '환경 구축' : '학습 및 평가' })), // A1: to the support end targetOutcomes: [{ category: 'TRAINED_MODEL', target: '모델 1종', count: 1 }],
        dataDescription: '자체 구축 데이터',
      },
      resource: a.resource,
      readiness: { data: { ready: true, detail: '학습 데이터 확보 완료' }, team: { ready: true, detail: '실무 개발자 2명' }, firstMonth: '환경 구축 후 즉시 학습' }, // A3
    }, undefined as unknown as string);
    for (const [type, name, bytes] of docs) await upload(`/applications/${draft.id}/documents/${type}?filename=${name}`, bytes, draft.accessToken);
    await call('POST', `/applications/${draft.id}/submit`, {}, draft.accessToken);
    await call('POST', `/applications/${draft.id}/document-review`, { decision: 'COMPLETE' });
    apps[a.key] = { id: draft.id, token: draft.accessToken, email };
    say(`applicant ${a.key} (${a.org}): ${a.resource.type} × ${a.resource.units}, application ${draft.id} submitted and documents accepted`);
  }

  await advanceTo(`${Y}-01-16`);
  const batchId = `${callId}-${Y}-01-15`;
  const panel: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < 5; i++) {
    const k = await call('POST', '/api-keys', { role: 'EVALUATOR', name: `평가위원 ${i + 1}`, email: `evaluator-${i + 1}@demo.aidc.example` });
    panel.push(k.id);
    keys.push(k.key);
  }
  await call('POST', `/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: panel });
  for (const a of applicants) {
    for (const key of keys) {
      await call('PUT', `/applications/${apps[a.key]!.id}/scores`, { policyAlignment: a.score + 5, projectExcellence: a.score + 4, resourceFeasibility: a.score - 4, targetOutcomes: a.score - 5 }, key);
    }
  }
  say('five evaluators scored the batch (V3, I4)');
  await advanceTo(`${Y}-01-20`);
  await call('POST', `/calls/${callId}/batches/${batchId}/selection`, {});
  for (const a of applicants) await until(apps[a.key]!.id, a.key === 'C' ? 'WAITLISTED' : 'SELECTED');

  await advanceTo(`${Y}-06-01`, 10);
  await call('POST', `/applications/${apps.A!.id}/allocation`, { servers: ['h100-07'] });
  await call('POST', `/applications/${apps.B!.id}/allocation`, {});
  say('A and B allocated (O1); setup grace until 15 June (O2)');
  await call('POST', `/applications/${apps.B!.id}/setup-done`, {}, apps.B!.token);

  for (const [month, last] of [['06', 30], ['07', 31], ['08', 31], ['09', 30], ['10', 31], ['11', 30]] as const) {
    await advanceTo(`${Y}-${month}-${last}`, 12);
    const first = month === '06' ? 16 : 1;
    const samples = Array.from({ length: last - first + 1 }, (_, i) => ({
      day: `${Y}-${month}-${String(first + i).padStart(2, '0')}`,
      meanPercent: month === '08' ? 12.5 : 64, // August is a low month (I1)
    }));
    await call('POST', `/applications/${apps.A!.id}/utilisation`, { samples });
    if (month === '09') {
      for (const k of ['A', 'B']) await call('POST', `/applications/${apps[k]!.id}/quarterly-decision`, { decision: 'CONTINUE' });
      say('September review: both allocations continue (Q1)');
    }
    if (month === '11') {
      for (const k of ['A', 'B']) {
        const a = apps[k]!;
        await upload(`/applications/${a.id}/evidence/paper.pdf`, pdf, a.token);
        await call('POST', `/applications/${a.id}/result-report`, { summary: '목표 성능 달성', outcomes: [{ category: 'TRAINED_MODEL', count: 1 }], evidence: ['paper.pdf'] }, a.token);
        await call('POST', `/applications/${a.id}/data-sharing`, { registrationType: 'PLANNED_DATA', dataName: '학습 데이터', portalReference: `AIDC-${a.id}`, sharingTerms: ['FREE'] }, a.token);
        for (const p of ['result-report', 'data-sharing']) await call('POST', `/applications/${a.id}/${p}/decision`, { decision: 'ACCEPT' });
      }
      say('result reports and data sharing handed in and accepted (R1–R3), due 30 November for a December end');
    }
  }
  await advanceTo(`${Y + 1}-01-02`);
  for (const k of ['A', 'B', 'C']) await until(apps[k]!.id, k === 'C' ? 'WAITLISTED' : 'COMPLETED');

  for (const a of applicants) {
    const v = await call('GET', `/applications/${apps[a.key]!.id}`);
    say(`\n═══ ${a.key} ${a.org} — ${v.id} — ${v.status}`);
    say(`deadlines (T2): ${Object.entries(v.deadlines as Json).map(([k, d]) => `${k} ${d}`).join(', ')}`);
    for (const e of v.timeline as Array<{ at: string; event: string }>) say(`  ${kstDateOf(Date.parse(e.at))}  ${e.event}`);
    const received = (await listMail(mail.webUrl)).filter((m) => m.to.includes(apps[a.key]!.email));
    say(`  e-mails (${received.length}): ${received.map((m) => m.kind).join(', ')}`);
  }
  const ops = (await listMail(mail.webUrl)).filter((m) => m.to.includes(config.OPERATIONS_EMAIL));
  say(`\noperators' notices (${ops.length}): ${[...new Set(ops.map((m) => m.kind))].join(', ')}`);
  say(`(a year of the call in ${Math.round(process.uptime())} s of wall time)`);

  await api.close();
  await worker.shutdown();
  await sql.end();
  await env.teardown();
  await mail.stop();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
