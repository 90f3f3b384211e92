import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addDays, extensionOf, fileMatchesExtension } from '../../src/domain';
import { registry, type AnyRoute } from '../../src/api/route';
import { applicationDraftSchema } from '../../src/api/schemas';
import { startTestApp, type TestApp } from '../support/app';
import { testServices } from '../support/services';
import { confirmPractitioner } from '../support/signin';
import { launchChromium, screenshot } from '../support/browser';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES } from '../support/fixtures';
import { createCall, eventually } from '../support/lifecycle';

const ROOT = join(__dirname, '..', '..', '..'); // dist/test/api → the repository
const run = promisify(execFile);

/** The bash blocks of the README's "Using the API" section, as written. */
function readmeTour(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the API'), readme.indexOf('\n## ', readme.indexOf('## Using the API') + 3));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (!blocks.length) throw new Error('README: no bash block under "Using the API"');
  return blocks.join('\n');
}

/** Sends bytes as they are (no client library percent-encodes anything): what curl does. */
function sendRaw(url: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<{ status: number; contentType: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', fail);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headPart = '', bodyPart = ''] = text.split('\r\n\r\n');
      ok({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headPart)?.[1] ?? 0),
        contentType: /\r\ncontent-type: ([^\r]*)/i.exec(headPart)?.[1] ?? '',
        body: bodyPart,
      });
    });
    socket.write(Buffer.concat([Buffer.from(head, 'utf8'), body]));
  });
}

/** H1: the route an answer came from, by method and path. */
function routeOf(method: string, path: string): AnyRoute {
  const found = registry.find((r) => r.method === method && new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path.split('?')[0]!));
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
}, 120_000);
afterAll(async () => app?.close());

describe('H1: the README tour, the examples and the API reference', () => {
  test('H1: examples/draft.json is a complete draft and each sample document passes the A4 content check for its extension', () => {
    const draft = JSON.parse(readFileSync(join(ROOT, 'examples', 'draft.json'), 'utf8'));
    expect(applicationDraftSchema.safeParse(draft).error?.issues ?? []).toEqual([]);
    const dir = join(ROOT, 'examples', 'documents');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThanOrEqual(7);
    // A4: the upload's own check (container and, where it can be told, the format inside)
    for (const f of files) expect([f, fileMatchesExtension(extensionOf(f), readFileSync(join(dir, f)))]).toEqual([f, true]);
  });

  test('H1: the README API tour runs exactly as written (bash + curl) and ends with the application submitted', async () => {
    const { stdout } = await run('bash', ['-e', '-o', 'pipefail', '-c', readmeTour()], {
      cwd: ROOT,
      env: { ...process.env, API: app.url, KEY: app.operatorKey, MAIL: new URL(testServices().mailWebUrl).origin },
      timeout: 60_000,
    });
    const answers = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const uploads = answers.filter((a) => 'sha256' in a);
    expect(uploads.map((u) => u.filename)).toContain('계획서.pdf'); // raw UTF-8 in the query, as curl sends it
    expect(uploads.at(-1)!.missingDocuments).toEqual([]);
    expect(answers.at(-2)).toMatchObject({ status: 'UNDER_REVIEW', repeated: false });
    const view = answers.at(-1)!;
    expect(view).toMatchObject({ status: 'UNDER_REVIEW', title: '한국어 음성 인식 모델 학습' });
    expect(routeOf('get', `/applications/${String(view.id)}`).success.schema!.safeParse(view).success).toBe(true);
  }, 90_000);

  test('H1: a raw UTF-8 file name in the request line is stored under its name; a request the parser refuses answers 400 problem+json', async () => {
    const callId = await createCall(app);
    const draft = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId));
    const { id, accessToken } = draft.body as { id: string; accessToken: string };
    const pdf = FILES.pdf;
    const up = await sendRaw(
      app.url,
      `PUT /applications/${id}/documents/APPLICATION_PLAN?filename=사업계획서 최종.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${accessToken}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${pdf.length}\r\nConnection: close\r\n\r\n`,
      pdf,
    );
    // A raw space ends the target in HTTP: the parser refuses it, with a problem body.
    expect(up.status).toBe(400);
    expect(up.contentType).toContain('application/problem+json');
    expect(JSON.parse(up.body)).toMatchObject({ status: 400 });

    const ok = await sendRaw(
      app.url,
      `PUT /applications/${id}/documents/APPLICATION_PLAN?filename=사업계획서_최종.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${accessToken}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${pdf.length}\r\nConnection: close\r\n\r\n`,
      pdf,
    );
    expect([ok.status, ok.body]).toEqual([201, expect.stringContaining('"filename":"사업계획서_최종.pdf"')]);
    const [row] = await app.sql<Array<{ filename: string }>>`select filename from documents where application_id = ${id} and type = 'APPLICATION_PLAN'`;
    expect(row!.filename).toBe('사업계획서_최종.pdf');
    // The body's bytes are the file's, untouched by the request-line encoding.
    const back = await fetch(`${app.url}/applications/${id}/documents/APPLICATION_PLAN`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(Buffer.from(await back.arrayBuffer()).equals(pdf)).toBe(true);
  });

  test('H1: /docs is Swagger UI served offline over /openapi.json, with parameters, bodies and every success status with its schema', async () => {
    const page = await fetch(`${app.url}/docs`);
    const html = await page.text();
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      expect(src.startsWith('/')).toBe(true); // no CDN
      expect([src, (await fetch(`${app.url}${src}`)).status]).toEqual([src, 200]);
    }
    const doc = (await app.api.get('/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string; schema: { enum?: string[] } }>; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    };
    const upload = doc.paths['/applications/{id}/documents/{type}']!.put!;
    expect(upload.parameters.find((p) => p.name === 'type')!.schema.enum).toContain('APPLICATION_PLAN');
    expect(upload.parameters.find((p) => p.name === 'filename')!.in).toBe('query');
    expect(Object.keys(upload.responses)).toContain('201');
    expect(upload.responses['201']!.content!['application/json']!.schema).toMatchObject({ type: 'object' });
    expect(Object.keys(doc.paths['/calls']!.post!.responses)).toContain('201');
    expect(Object.keys(doc.paths['/applications/{id}/scores']!.put!.responses)).toEqual(expect.arrayContaining(['200', '201']));
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, o]) => ({ op: `${m} ${p}`, o })));
    const withoutSuccessBody = operations.filter(({ o }) => !Object.entries(o.responses).some(([s, r]) => s.startsWith('2') && r.content));
    expect(withoutSuccessBody.map((x) => x.op)).toEqual([]);
    // Request examples are valid requests: each parses with its route's body schema.
    const withExamples = registry.filter((r) => r.example !== undefined);
    expect(withExamples.length).toBeGreaterThanOrEqual(3);
    for (const r of withExamples) expect([r.path, r.body!.safeParse(r.example).error?.issues ?? []]).toEqual([r.path, []]);
    expect((doc.paths['/calls/{id}/applications']!.post as unknown as { requestBody: { content: Record<string, { example: unknown }> } })
      .requestBody.content['application/json']!.example).toEqual(JSON.parse(readFileSync(join(ROOT, 'examples', 'draft.json'), 'utf8')));
    // Each declared 201 is what the handler answers (checked by the walk below), no "200 OK" for all.
    expect(operations.filter(({ o }) => '201' in o.responses).length).toBeGreaterThanOrEqual(8);
  });

  test('H1: real answers of the main lifecycle routes match the success status and schema their route declares', async () => {
    const checked: string[] = [];
    const check = async (method: 'get' | 'post' | 'put', path: string, send: () => Promise<{ status: number; body: unknown }>) => {
      const res = await send();
      const route = routeOf(method, path);
      const statuses = typeof route.success.status === 'number' ? [route.success.status] : [...route.success.status];
      expect([`${method} ${path}`, res.status, statuses.includes(res.status as never)]).toEqual([`${method} ${path}`, res.status, true]);
      const parsed = route.success.schema!.safeParse(res.body);
      expect([`${method} ${route.path}`, parsed.error?.issues ?? []]).toEqual([`${method} ${route.path}`, []]);
      checked.push(`${method} ${route.path}`);
      return res.body as any;
    };
    const key = app.operatorKey;
    await check('get', '/livez', () => app.api.get('/livez'));
    await check('get', '/catalog', () => app.api.get('/catalog'));
    const callId = `h1-${Date.now().toString(36)}`;
    await check('post', '/calls', () =>
      app.api.post('/calls', { id: callId, title: 'H1 상시모집', announcedOn: app.today(), supportEndsOn: addDays(app.today(), 300), capacity: { T4: 4, H100: 2, BOW: 32, extraStorageTb: 10 } }, key));
    await check('get', '/calls', () => app.api.get('/calls'));
    const cutoff = addDays(app.today(), 30);
    const batch = await check('post', `/calls/${callId}/batches`, () => app.api.post(`/calls/${callId}/batches`, { cutoff }, key));
    await check('get', `/calls/${callId}`, () => app.api.get(`/calls/${callId}`));
    const draft = await check('post', `/calls/${callId}/applications`, async () => app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId)));
    for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
      const path = `/applications/${draft.id}/documents/${type}?filename=${encodeURIComponent(filename)}`;
      await check('put', path, () => app.api.put(path, bytes, draft.accessToken));
    }
    await check('get', `/applications/${draft.id}`, () => app.api.get(`/applications/${draft.id}`, draft.accessToken));
    await confirmPractitioner(app, draft.id); // A7
    await check('post', `/applications/${draft.id}/submit`, () => app.api.post(`/applications/${draft.id}/submit`, {}, draft.accessToken));
    await check('post', `/applications/${draft.id}/submit`, () => app.api.post(`/applications/${draft.id}/submit`, {}, draft.accessToken));
    await check('post', `/applications/${draft.id}/document-review`, () =>
      app.api.post(`/applications/${draft.id}/document-review`, { decision: 'COMPLETE' }, key));
    await eventually(() => app.api.get(`/applications/${draft.id}`, key), (r) => r.body.status === 'DOCUMENTS_COMPLETE');
    await check('get', `/applications/${draft.id}`, () => app.api.get(`/applications/${draft.id}`, key));
    await check('get', `/applications?callId=${callId}`, () => app.api.get(`/applications?callId=${callId}`, key));
    const evaluator = await check('post', '/api-keys', () => app.api.post('/api-keys', { role: 'EVALUATOR', name: 'H1 평가위원' }, key));
    await check('post', `/calls/${callId}/batches/${batch.batchId}/evaluators`, () =>
      app.api.post(`/calls/${callId}/batches/${batch.batchId}/evaluators`, { evaluatorIds: [evaluator.id] }, key));
    await check('get', '/evaluator/batches', () => app.api.get('/evaluator/batches', evaluator.key));
    await check('get', `/calls/${callId}/batches/${batch.batchId}`, () => app.api.get(`/calls/${callId}/batches/${batch.batchId}`, key));
    await check('get', '/work/today', () => app.api.get('/work/today', key));
    const other = await check('post', `/calls/${callId}/applications`, async () => app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId)));
    await check('post', `/applications/${other.id}/withdraw`, () => app.api.post(`/applications/${other.id}/withdraw`, {}, other.accessToken));
    expect(checked.length).toBeGreaterThanOrEqual(20);
  }, 60_000);

  test('H1: /docs in a real headless Chromium shows the upload with its parameters (type enum, ?filename=), its 201 and an example answer, with no request leaving the server', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (r) => void (r.url().startsWith(app.url) || r.url().startsWith('data:') || foreign.push(r.url())));
      await page.goto(`${app.url}/docs#/applications/putApplicationsByIdDocumentsByType`);
      const op = page.locator('#operations-applications-putApplicationsByIdDocumentsByType');
      await op.waitFor({ timeout: 60_000 }); // Swagger UI parses 50+ operations: slow on a loaded machine
      if (!(await op.locator('.parameters').count())) await op.locator('.opblock-summary').first().click();
      await op.locator('.parameters').waitFor({ timeout: 30_000 });
      const text = await op.innerText();
      for (const word of ['filename', 'query', 'type', 'path', 'APPLICATION_PLAN', '201', 'missingDocuments', 'application/problem+json']) {
        expect([word, text.includes(word)]).toEqual([word, true]);
      }
      await screenshot(page, 'h1-docs-upload');
      expect(foreign).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 150_000);
});
