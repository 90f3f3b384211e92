import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { endOfDayKst } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { COMPANY_DOCUMENTS, draftBody, draftFor } from '../support/fixtures';
import { applicationView, createCall, eventually, submitAndAccept } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';

/**
 * H4 in a real browser: Debian's chromium driven by playwright-core against the whole
 * service (API + worker on the time-skipping server, PostgreSQL, SMTP). An operator and an
 * evaluator sign in with their API keys and do a batch's work through the console only:
 * documents, scores, the selection, the exports. Every action goes through the console's
 * forms to the same API routes; the test reads the database or the API only to check.
 */
let app: TestApp;
let browser: Browser;
let operator: BrowserContext;
let evaluator: BrowserContext;
let ops: Page;
let evPage: Page;
let callId = '';
let batchId = '';
let evaluatorKey = '';
const members: Record<'priority' | 'second' | 'third', string> = { priority: '', second: '', third: '' };
let waiting = ''; // submitted, documents not yet reviewed
const trail: string[] = [];

/** Draft → documents → submit, and no review: an application waiting in UNDER_REVIEW (A6). */
async function submitOnly(): Promise<string> {
  const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('console') }));
  const { id, accessToken } = created.body as { id: string; accessToken: string };
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, accessToken);
  }
  await confirmPractitioner(app, id); // A7
  expect((await app.api.post(`/applications/${id}/submit`, {}, accessToken)).status).toBe(200);
  await eventually(() => applicationView(app, id), (v) => v.status === 'UNDER_REVIEW');
  return id;
}

beforeAll(async () => {
  app = await startTestApp({ timeSkipping: true });
  // I4 needs one evaluator in this call, so one person can score the whole batch here.
  callId = await createCall(app, {
    capacity: { H100: 1, T4: 0, BOW: 0 },
    extra: { settings: { supplementDays: 7, minEvaluators: 1, utilisationNonePercent: 1, utilisationLowPercent: 20 } },
  });
  const added = await app.api.post(`/calls/${callId}/batches`, { cutoff: app.today() }, app.operatorKey);
  batchId = added.body.batchId;
  members.second = (await submitAndAccept(app, callId)).id;
  members.third = (await submitAndAccept(app, callId)).id;
  // V4: submitted last, reviewed first.
  members.priority = (await submitAndAccept(app, callId, { organisation: { priority: { status: true, projectName: 'AI 집적단지 조성사업' } } })).id;
  // T1: the batch closes at the end of its cutoff day.
  await app.advance(endOfDayKst(app.today()) - (await app.env!.currentTimeMs()) + 60_000);
  for (const id of Object.values(members)) await eventually(() => applicationView(app, id), (v) => v.status === 'IN_EVALUATION');
  waiting = await submitOnly();
  const key = await app.api.post('/api-keys', { role: 'EVALUATOR', name: '김평가 위원' }, app.operatorKey);
  evaluatorKey = key.body.key;
  expect((await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: [key.body.id] }, app.operatorKey)).status).toBe(201);

  browser = await launchChromium();
  operator = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  evaluator = await browser.newContext({ locale: 'ko-KR', viewport: { width: 1280, height: 900 } });
  ops = await operator.newPage();
  evPage = await evaluator.newPage();
  ops.on('dialog', (d) => void d.accept());
  for (const pg of [ops, evPage]) {
    pg.on('pageerror', (e) => console.log(`H4: script error on ${pg.url()}: ${e.message}`));
    // What the browser did, printed only when an answer never shows (answerOf).
    pg.on('request', (r) => void (/assets|chrome/.test(r.url()) || trail.push(`${r.method()} ${r.url()}`)));
    pg.on('framenavigated', (f) => void (f === pg.mainFrame() && trail.push(`navigated ${f.url()}`)));
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('H4 staff console in chromium', () => {
  test('H4/S1: a wrong key is refused; an operator signs in with the API key and gets an HttpOnly, SameSite=Strict session cookie', async () => {
    await ops.goto(`${app.url}/console/login`);
    await ops.getByTestId('api-key').fill('aidc_000000000000_not-a-real-secret-at-all');
    await ops.getByTestId('sign-in').click();
    await expect(ops.getByRole('alert').textContent()).resolves.toContain('S1');
    await signIn(ops, app.url, app.operatorKey);
    expect(ops.url()).toMatch(/\/console\/today$/);
    const [cookie] = await operator.cookies();
    expect(cookie).toMatchObject({ name: 'aidc_console', httpOnly: true, sameSite: 'Strict' });
    // S1: the database keeps the SHA-256 of the token, never the token.
    const rows = await app.sql`select token_hash from console_sessions`;
    expect(rows.map((r) => r.token_hash)).not.toContain(cookie!.value);
    expect(rows).toHaveLength(1);
  });

  test("H4/A4: today's work lists the submitted documents to review; its row opens the application, whose 'documents complete' calls the API", async () => {
    await ops.goto(`${app.url}/console/today`);
    const row = ops.locator(`tr[data-kind="DOCUMENT_REVIEW"]`, { hasText: (await applicationView(app, waiting)).title });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('.rule').textContent()).resolves.toBe('A4');
    await screenshot(ops, 'console-today');
    await row.getByRole('link').click();
    await ops.waitForURL(new RegExp(`/console/applications/${waiting}$`));
    // T2: every deadline of the application is listed; the PDF is shown inline in its real type.
    await expect(ops.getByTestId('deadlines').locator('tr').count()).resolves.toBe(9);
    const pdf = await operator.request.get(`${app.url}/console/applications/${waiting}/documents/APPLICATION_PLAN`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['content-disposition']).toMatch(/^inline/);
    await screenshot(ops, 'console-application');
    // The inline PDF viewer (a plugin frame) may still hold the pointer on a loaded machine,
    // and a real click can land in it: the button gets the click event itself, as a keyboard
    // activation would give it, so the console's own script sends the request.
    await ops.waitForLoadState('networkidle');
    await ops.getByTestId('review-complete').getByRole('button').dispatchEvent('click');
    expect(await answerOf(ops.getByTestId('review-complete'))).toEqual({ kind: 'ok', text: expect.stringContaining('200') });
    await eventually(() => applicationView(app, waiting), (v) => v.status === 'DOCUMENTS_COMPLETE');
    const [audit] = await app.sql`select actor from audit_log where action = 'application.document-review' and subject = ${`application:${waiting}`}`;
    expect(audit!.actor).toMatch(/^operator:/); // S4: the console acts as the signed-in operator
  });

  test('H4/I4: confirming a selection before the committee has scored shows the API refusal (422, H1: a rule refused) with its detail and rule id', async () => {
    await ops.goto(`${app.url}/console/batches/${callId}/${batchId}`);
    await ops.getByTestId('confirm-selection').getByRole('button').click();
    const problem = ops.getByTestId('confirm-selection').locator('.result.problem');
    await expect(problem.textContent()).resolves.toContain('422');
    await expect(problem.locator('.rule').textContent()).resolves.toBe('규칙 I4');
    await expect(problem.textContent()).resolves.toContain('lack scores');
    await screenshot(ops, 'console-refusal');
  });

  test('H4/S2: an evaluator signs in to their queue (priority applicants first, V4) and cannot open the operators\u2019 pages or API', async () => {
    await signIn(evPage, app.url, evaluatorKey);
    expect(evPage.url()).toMatch(/\/console\/committee$/);
    await evPage.getByRole('link', { name: batchId }).click();
    const rows = evPage.getByTestId('queue').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.first().getAttribute('data-priority')).resolves.toBe('true');
    await screenshot(evPage, 'console-queue');
    const today = await evPage.goto(`${app.url}/console/today`);
    expect(today!.status()).toBe(403);
    expect((await evaluator.request.get(`${app.url}/work/today`)).status()).toBe(403);
    expect((await evaluator.request.get(`${app.url}/applications/${members.second}`)).status()).toBe(403);
  });

  test('H4/V3: the evaluator scores every application on the sheet (four criteria, their maxima and the seed\u2019s sub-items); the scores are stored through the API', async () => {
    const plan: Array<[string, number[]]> = [
      [members.priority, [26, 25, 16, 15]], // 82
      [members.second, [22, 21, 14, 13]], // 70: passes, but H100 capacity is 1 (V7)
      [members.third, [10, 12, 8, 9]], // 39: below 60 (V5)
    ];
    for (const [id, [p, e, r, t]] of plan) {
      await evPage.goto(`${app.url}/console/committee/${callId}/${batchId}/${id}`);
      const sheet = evPage.getByTestId('score-sheet');
      await expect(sheet.textContent()).resolves.toContain('월별 추진계획의 타당성 및 현실성');
      await expect(evPage.getByTestId('score-policyAlignment').getAttribute('max')).resolves.toBe('30');
      await evPage.getByTestId('score-policyAlignment').fill(String(p));
      await evPage.getByTestId('score-projectExcellence').fill(String(e));
      await evPage.getByTestId('score-resourceFeasibility').fill(String(r));
      await evPage.getByTestId('score-targetOutcomes').fill(String(t));
      await expect(sheet.locator('[data-total]').textContent()).resolves.toBe((p! + e! + r! + t!).toFixed(2));
      await sheet.getByRole('button', { name: /저장/ }).click();
      expect(await answerOf(sheet)).toEqual({ kind: 'ok', text: expect.stringContaining('201') });
      if (id === members.priority) await screenshot(evPage, 'console-scoring-sheet');
    }
    const stored = await app.sql`select application_id, scores from evaluations order by application_id`;
    expect(stored).toHaveLength(3);
    expect(stored.find((s) => s.application_id === members.second)!.scores).toEqual({
      policyAlignment: 22, projectExcellence: 21, resourceFeasibility: 14, targetOutcomes: 13,
    });
  });

  test('H4/V5/V7: the operator sees the batch to select in today\u2019s work, previews the ranking with the capacity line and confirms it', async () => {
    await ops.goto(`${app.url}/console/today`);
    const row = ops.locator('tr[data-kind="BATCH_TO_SELECT"]');
    await expect(row.locator('.rule').textContent()).resolves.toBe('V5');
    await row.getByRole('link').click();
    await ops.waitForURL(new RegExp(`/console/batches/${callId}/${batchId}$`));
    const ranked = ops.getByTestId('ranking').locator('tbody tr');
    const outcomes: Array<string | null> = [];
    for (let i = 0; i < (await ranked.count()); i++) outcomes.push(await ranked.nth(i).getAttribute('data-outcome'));
    expect(outcomes).toEqual(['SELECTED', 'WAITLISTED', 'NOT_SELECTED']);
    await expect(ops.getByTestId('ranking').locator('tbody tr').first().textContent()).resolves.toContain(members.priority);
    await screenshot(ops, 'console-selection-preview');
    await ops.getByTestId('confirm-selection').getByRole('button').click();
    expect(await answerOf(ops.getByTestId('confirm-selection'), 60_000)).toEqual({ kind: 'ok', text: expect.stringContaining('200') });
    await eventually(() => applicationView(app, members.priority), (v) => v.status === 'SELECTED');
    await eventually(() => applicationView(app, members.second), (v) => v.status === 'WAITLISTED');
    await ops.waitForLoadState('load');
    await ops.goto(`${app.url}/console/today`);
    // O1: the selected application is now work: allocate it.
    await expect(ops.locator('tr[data-kind="TO_ALLOCATE"]').textContent()).resolves.toContain('O1');
  });

  test('H4 exports: the selection result and the applications list download as XLSX and read back with exceljs; CSV is UTF-8 with a BOM', async () => {
    await ops.goto(`${app.url}/console/batches/${callId}/${batchId}`);
    const [download] = await Promise.all([ops.waitForEvent('download'), ops.getByTestId('export-selection-xlsx').click()]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readAll(await download.createReadStream())) as never);
    const sheet = book.worksheets[0]!;
    expect(sheet.name).toBe('선정 결과');
    expect(sheet.getRow(1).getCell(1).value).toBe('순위 (rank)');
    const rows = [2, 3, 4].map((n) => [sheet.getRow(n).getCell(1).value, sheet.getRow(n).getCell(2).value, sheet.getRow(n).getCell(12).value]);
    expect(rows).toEqual([
      [1, members.priority, 'SELECTED'],
      [2, members.second, 'WAITLISTED'],
      [3, members.third, 'NOT_SELECTED'],
    ]);

    await ops.goto(`${app.url}/console/exports`);
    await screenshot(ops, 'console-exports');
    const form = ops.getByTestId('export-applications');
    await form.locator('select[name="callId"]').selectOption(callId);
    const [list] = await Promise.all([ops.waitForEvent('download'), form.getByRole('button').click()]);
    const listBook = new ExcelJS.Workbook();
    await listBook.xlsx.load((await readAll(await list.createReadStream())) as never);
    const ws = listBook.worksheets[0]!;
    expect(ws.rowCount).toBe(1 + 4);
    expect(ws.getRow(1).getCell(5).value).toBe('과제명 (title)');

    const csv = await operator.request.get(`${app.url}/exports/calls/${callId}/batches/${batchId}/selection?format=csv`);
    const bytes = await csv.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('순위 (rank)');
    // S4: each export is in the audit log.
    expect((await app.sql`select count(*)::int as n from audit_log where action like 'export.%'`)[0]!.n).toBeGreaterThanOrEqual(3);
  });

  test('H4 CSRF: a cookie-only request that changes something, without the session\u2019s CSRF token, is refused and changes nothing', async () => {
    const res = await operator.request.post(`${app.url}/applications/${members.third}/resource-change`, {
      data: { type: 'H100', units: 1, reason: 'no token' },
    });
    expect(res.status()).toBe(403);
    expect((await res.json()).detail).toContain('x-csrf-token');
  });

  test('H4/S5: malformed input to the console answers 4xx, never 5xx', async () => {
    for (const path of [
      `/console/applications/${members.third}/documents/%00`,
      '/console/applications/%00%ff/documents/APPLICATION_PLAN',
      '/console/applications/not-an-id',
      '/work/today?callId=%00',
      '/console/today?callId=%00',
    ]) {
      const res = await operator.request.get(`${app.url}${path}`);
      expect([path, res.status() >= 400 && res.status() < 500]).toEqual([path, true]);
    }
    const bad = await fetch(`${app.url}/work/today`, { headers: { cookie: 'aidc_console=%E0%A4%A' } });
    expect(bad.status).toBe(401);
  });

  test('H4: sign-out ends the session; the cookie no longer opens the API', async () => {
    await ops.goto(`${app.url}/console/today`);
    await ops.getByTestId('sign-out').click();
    await ops.waitForURL(/\/console\/login$/);
    expect((await operator.request.get(`${app.url}/work/today`)).status()).toBe(401);
    const [row] = await app.sql`select count(*)::int as n from console_sessions where ended_at is not null`;
    expect(row!.n).toBe(1);
  });
});

/** The answer the console's script shows under a form: "ok" or "problem", and its text. */
async function answerOf(form: ReturnType<Page['getByTestId']>, timeout = 30_000) {
  // A success reloads the page (the answer then stands at its top), a refusal stays in the form.
  const box = form.page().getByTestId('flash').or(form.locator('.result.ok, .result.problem'));
  try {
    await box.waitFor({ timeout });
  } catch (err) {
    await screenshot(form.page(), `failed-${Date.now()}`);
    throw new Error(`${(err as Error).message}\nlast browser events:\n${trail.slice(-25).join('\n')}`);
  }
  return { kind: (await box.getAttribute('class'))!.includes('ok') ? 'ok' : 'problem', text: (await box.textContent()) ?? '' };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
