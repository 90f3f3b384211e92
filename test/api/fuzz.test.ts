import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { addDays } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor, FILES, uniqueBrn } from '../support/fixtures';
import { createCall, submitAndAccept } from '../support/lifecycle';
import { confirmPractitioner } from '../support/signin';
import { seededRandom } from '../support/random';

/**
 * S5, permanently: a bounded fuzz generated from the served /openapi.json, against the real
 * stack (dev server, PostgreSQL, SMTP). Every operation gets hostile requests (NUL, lone
 * surrogates, controls, huge strings, wrong types, unknown fields, deep nesting, odd path
 * params, huge numbers, empty and malformed bodies), with valid credentials of each role
 * and paths that point at existing resources, so the requests reach the handlers.
 * Asserted: no 5xx, and requests that were refused changed no table row, no stored
 * document and no workflow (snapshots around every batch that holds only refusals).
 */
const SEED = 0x5eed5;
/** About this many requests in all, spread evenly over the operations (≥ 2,000, under 90 s). */
const REQUESTS = 2500;
const BATCH = 10;
const ANSWER_WITHIN_MS = 10_000;

/** Every run sends the same requests (seeded). */
function prng(seed: number) {
  const next = seededRandom(seed);
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!, int: (n: number) => Math.floor(next() * n) };
}

const HOSTILE_STRINGS = [
  '\u0000', 'see\u0000here', '\ud800', 'x\udfffy', '\udc00\ud800', '\u0001', '\u001b[31mred', '\u007f', '\u0085', '\u0008',
  'line\r\nBcc: victim@evil.example', '%00', '\u202eevil', '\ufeff', '', ' ', '\t', 'x'.repeat(100_000), '💥'.repeat(3000),
  "'; drop table calls; --", '../../etc/passwd', '\\', '<script>alert(1)</script>', '{"a":1}', '2026-02-30', 'NaN',
];
/** What PostgreSQL or SMTP cannot carry (S5): most hostile text is one of these, alone or inside a valid value. */
const UNCARRIABLE = ['\u0000', 'see\u0000here', '\ud800', 'x\udfffy', '\udc00\ud800', '\u0001', '\u001b[31m', '\u007f', '\u0008', '\u001f'];
const HOSTILE_NUMBERS = [1e308, -1e308, 9007199254740993, 2 ** 31, 2 ** 63, -1, 0, 0.5, -0, 1e-320, 123456789012345];
/** Raw, already percent-encoded path segments and query values. */
const HOSTILE_SEGMENTS = [
  '%00', 'a%00b', '%ZZ', '%', '%2e%2e%2f%2e%2e', 'x'.repeat(3000), '%ED%A0%80', '%C0%80', '%0A', '%0D%0ASet-Cookie:x', '%20',
  '%FF', '%F0%9F%92%A5', 'ZZZZZZZZZZ', '0', '-1', '%3Cscript%3E', '%u0000', '%7F', '%01', '%C2%85', '9'.repeat(400),
];
const segment = (r: ReturnType<typeof prng>) => (r.next() < 0.5 ? r.pick(['%00', 'a%00b', '%01', '%7F', '%1B', '%0A']) : r.pick(HOSTILE_SEGMENTS));
const WRONG_TYPES: unknown[] = [null, true, 0, -1, 'string', [], {}, [1, 2], { nested: { deeper: [] } }];

const BODY_MUTATIONS = [
  'string', 'string', 'string', 'string', 'type', 'unknown', 'number', 'deep', 'deepLeaf', 'huge', 'empty', 'badJson', 'notObject', 'textPlain',
  'pathParam', 'queryParam', 'credential', 'header', 'none',
] as const;
type Mutation = (typeof BODY_MUTATIONS)[number];

type JsonSchema = {
  type?: string; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; enum?: unknown[];
  const?: unknown; oneOf?: JsonSchema[]; anyOf?: JsonSchema[]; minItems?: number; minimum?: number; maximum?: number;
  minLength?: number; maxLength?: number; default?: unknown;
};
interface Operation {
  method: string;
  path: string;
  access: string[];
  params: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }>;
  json?: JsonSchema;
  binary: boolean;
}
interface Sent {
  op: Operation;
  mutation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

let app: TestApp;
let callId: string;
let submitted: { id: string; token: string };
let draft: { id: string; token: string };
let underReview: { id: string; token: string };
let keys: Record<'OPERATOR' | 'EVALUATOR' | 'COLLECTOR', string>;
let evaluatorId: string;
let batchId: string;
let brnOfSubmitted: string;
let newCalls = 0;

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
  submitted = await submitAndAccept(app, callId);
  const d = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('fz') }));
  draft = { id: d.body.id, token: d.body.accessToken };
  // Submitted, documents not yet reviewed: the state where a document review acts.
  const u = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: uniqueEmail('fz') }));
  underReview = { id: u.body.id, token: u.body.accessToken };
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    await app.api.put(`/applications/${underReview.id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, underReview.token);
  }
  await confirmPractitioner(app, underReview.id); // A7
  expect((await app.api.post(`/applications/${underReview.id}/submit`, {}, underReview.token)).status).toBe(200);
  const evaluator = await app.api.post('/api-keys', { role: 'EVALUATOR', name: 'fuzz 평가위원' }, app.operatorKey);
  const collector = await app.api.post('/api-keys', { role: 'COLLECTOR', name: 'fuzz collector' }, app.operatorKey);
  keys = { OPERATOR: app.operatorKey, EVALUATOR: evaluator.body.key, COLLECTOR: collector.body.key };
  evaluatorId = evaluator.body.id;
  batchId = (await app.api.post(`/calls/${callId}/batches`, { cutoff: addDays(app.today(), 30) }, app.operatorKey)).body.batchId;
  await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: [evaluatorId] }, app.operatorKey);
  brnOfSubmitted = (await app.api.get(`/applications/${submitted.id}`, app.operatorKey)).body.organisation.businessRegistrationNumber;
}, 120_000);
afterAll(() => app?.close());

function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, o]) => {
      const content = (o.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content ?? {};
      return {
        method: method.toUpperCase(),
        path,
        access: String(o.description).replace(/^Access: /, '').split(', '),
        params: o.parameters as Operation['params'],
        json: content['application/json']?.schema,
        binary: 'application/octet-stream' in content,
      };
    }),
  );
}

/** A plausible value for a field, by its name first (the JSON Schema says only "string" for dates and ids). */
function byName(name: string, op: Operation): unknown {
  const today = app.today();
  if (/On$|^day$|^cutoff$|^reviewDate$/.test(name)) {
    return name === 'announcedOn' ? today : name === 'supportEndsOn' ? addDays(today, 200) : addDays(today, 20);
  }
  if (name === 'month') return today.slice(0, 7);
  if (name === 'surveyOn') return '06-15';
  if (name === 'email') return uniqueEmail('fz');
  if (name === 'phone') return '010-1234-5678';
  if (/businessRegistrationNumber|organisationBrn|^brn$/.test(name)) return name === 'brn' ? brnOfSubmitted : uniqueBrn();
  if (name === 'evaluatorIds') return evaluatorId;
  if (name === 'missingDocuments') return 'APPLICATION_PLAN';
  if (name === 'evidence' || name === 'name') return 'paper-2026.pdf';
  if (name === 'filename') return 'plan.pdf';
  if (name === 'callId') return callId;
  if (name === 'batchId') return batchId;
  if (name === 'applicationId') return submitted.id;
  if (name === 'id' && op.path === '/calls' && op.method === 'POST') return `fz-${++newCalls}`;
  if (name === 'id') return op.path.startsWith('/calls/') ? callId : submitted.id;
  return undefined;
}

function sample(s: JsonSchema, name: string, op: Operation, r: ReturnType<typeof prng>): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return r.pick(s.enum);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return sample(r.pick(alternatives), name, op, r);
  if (s.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if ((s.required ?? []).includes(k) || r.next() < 0.5) out[k] = sample(p, k, op, r);
    }
    return out;
  }
  if (s.type === 'array') return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items ?? {}, name, op, r));
  if (s.type === 'integer' || s.type === 'number') return Math.min(s.maximum ?? 4, Math.max(s.minimum ?? 1, 1));
  if (s.type === 'boolean') return false;
  const hinted = byName(name, op);
  if (hinted !== undefined) return hinted;
  return 'fuzz text '.repeat(Math.ceil((s.minLength ?? 1) / 10)).slice(0, Math.min(s.maxLength ?? 40, 40));
}

function validBody(op: Operation, r: ReturnType<typeof prng>): unknown {
  if (op.path === '/calls/{id}/applications') return draftBody();
  if (op.path === '/applications/{id}/scores') return { policyAlignment: 20, projectExcellence: 20, resourceFeasibility: 10, targetOutcomes: 10 };
  return op.json ? sample(op.json, '', op, r) : undefined;
}

/** Every [container, key] inside a JSON value, so a mutation can land anywhere (keys too). */
function slots(v: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

/** Percent-encodes what can be; a lone surrogate has no UTF-8, so it goes as the bytes of its WTF-8 form. */
const encodeHostile = (s: string) =>
  s.split(/(\p{Surrogate})/u).map((part) => (/^\p{Surrogate}$/u.test(part) ? '%ED%A0%80' : encodeURIComponent(part))).join('');

const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function credentialFor(op: Operation, appId: string, r: ReturnType<typeof prng>): string | undefined {
  const role = r.pick(op.access);
  if (role === 'PUBLIC') return undefined;
  if (role === 'APPLICANT') return [draft, underReview, submitted].find((a) => a.id === appId)?.token ?? submitted.token;
  return keys[role as keyof typeof keys];
}

function csvBody(kind: number): string {
  const month = app.today().slice(0, 7);
  const day = app.today();
  switch (kind % 6) {
    case 0: return `application_id,day,mean_percent\n${submitted.id}\u0000,${day},50\n`;
    case 1: return `${submitted.id},${day}\u0001,5\n${draft.id},${day},\ud800\n`;
    case 2: return Array.from({ length: 70_000 }, (_, i) => `ID${String(i).padStart(8, '0')},${month}-01,10`).join('\n');
    case 3: return `${submitted.id},${day},1e400\n${submitted.id},${day},-0\n,,\n"a,b",c\n`;
    case 4: return 'application_id,day,mean_percent\n';
    default: return `${'x'.repeat(5000)},${day},50\n${submitted.id},9999-99-99,50`;
  }
}

function build(op: Operation, mutation: Mutation, round: number, r: ReturnType<typeof prng>): Sent {
  const values: Record<string, string> = {};
  for (const p of op.params) {
    const hinted = byName(p.name, op) ?? sample(p.schema, p.name, op, r);
    values[p.name] = encodeURIComponent(String(hinted));
  }
  if (op.path.startsWith('/applications/{id}')) values.id = r.pick([submitted.id, submitted.id, underReview.id, draft.id]);
  const cred = credentialFor(op, values.id ?? '', r);
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const extraQuery: string[] = [];
  if (mutation === 'pathParam' && pathParams.length) values[r.pick(pathParams).name] = segment(r);
  if (mutation === 'queryParam') {
    const choice = r.int(4);
    if (choice === 0 && queryParams.length) values[r.pick(queryParams).name] = segment(r);
    else if (choice === 1 && queryParams.length) extraQuery.push(`${r.pick(queryParams).name}=a`);
    else if (choice === 2) extraQuery.push(`${r.pick(['bowCards', '%00', '%ED%A0%80', 'a%01b', 'x'.repeat(500)])}=${r.pick(HOSTILE_SEGMENTS)}`);
    else extraQuery.push(`${r.pick(['page', 'callId', 'month', 'filename', 'open'])}[x]=1`);
  }
  const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) => values[n] ?? 'x');
  const query = [...queryParams.filter((p) => p.required || r.next() < 0.5).map((p) => `${p.name}=${values[p.name]}`), ...extraQuery];
  const url = `${app.url}${path}${query.length ? `?${query.join('&')}` : ''}`;
  const headers: Record<string, string> = {};
  if (cred) headers.authorization = `Bearer ${cred}`;
  if (mutation === 'credential') {
    const other = r.pick([submitted.token, draft.token, keys.OPERATOR, keys.EVALUATOR, keys.COLLECTOR, 'apt_x', `apt_${submitted.id}_${'A'.repeat(32)}`, 'aidc_000000000000_wrongwrongwrongwrongwrong', '']);
    headers.authorization = r.next() < 0.2 ? `Basic ${other}` : `Bearer ${other}`;
  }
  if (mutation === 'header') {
    const bad = r.pick(['\u0001', '\u007f', '\u001b', 'x'.repeat(4000), 'ÿ']);
    if (r.next() < 0.5) headers['idempotency-key'] = `key${bad}`;
    else headers.authorization = `Bearer ${cred ?? 'x'}${bad}`;
  }
  const sent: Sent = { op, mutation, method: op.method, url, headers };

  if (op.binary) {
    if (op.path === '/utilisation/csv') {
      headers['content-type'] = r.pick(['text/csv', 'text/plain', 'application/octet-stream']);
      sent.body = mutation === 'huge' && round % 10 === 0 ? 'a,b,c\n'.repeat(3_700_000) : csvBody(round);
      if (mutation === 'badJson') sent.body = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]);
    } else {
      headers['content-type'] = 'application/octet-stream';
      sent.body = new Uint8Array(FILES.pdf);
      if (mutation === 'empty') sent.body = new Uint8Array(0);
      if (mutation === 'badJson') sent.body = new Uint8Array(FILES.text);
      if (mutation === 'huge' && round % 10 === 0) sent.body = new Uint8Array(app.config.MAX_UPLOAD_BYTES + 1);
      if (mutation === 'string') sent.url = sent.url.replace(/filename=[^&]*/, `filename=${encodeHostile(`plan${r.pick(HOSTILE_STRINGS.slice(0, 12))}.pdf`)}`);
    }
    return sent;
  }

  let body = validBody(op, r);
  switch (mutation) {
    case 'string':
    case 'type':
    case 'number':
    case 'deepLeaf':
    case 'unknown': {
      if (body === undefined || typeof body !== 'object' || body === null) body = {};
      const targets = slots(body);
      if (mutation === 'unknown' || targets.length === 0) {
        const objects = [body, ...targets.map(([c, k]) => (c as Record<string | number, unknown>)[k])].filter(
          (x): x is Record<string, unknown> => Boolean(x) && typeof x === 'object' && !Array.isArray(x),
        );
        r.pick(objects)[r.pick(['bowCards', '__proto__x', 'constructor', 'a\u0000b', '\ud800', '', 'x'.repeat(300)])] = r.pick([1, 'x', null, {}]);
        break;
      }
      // Hostile text lands on a string and a huge number on a number (fields a handler stores), when the body has one.
      const want = mutation === 'string' ? 'string' : mutation === 'number' ? 'number' : undefined;
      const typed = targets.filter(([c, k]) => typeof (c as Record<string | number, unknown>)[k] === want);
      const [container, key] = r.pick(typed.length ? typed : targets);
      const slot = container as Record<string | number, unknown>;
      if (mutation === 'string') {
        const h = r.next() < 0.6 ? r.pick(UNCARRIABLE) : r.pick(HOSTILE_STRINGS);
        slot[key] = typeof slot[key] === 'string' && r.next() < 0.5 ? `${slot[key] as string}${h}` : h;
      }
      if (mutation === 'type') slot[key] = r.pick(WRONG_TYPES);
      if (mutation === 'number') slot[key] = r.pick(HOSTILE_NUMBERS);
      if (mutation === 'deepLeaf') slot[key] = JSON.parse(deepJson(40)) as unknown;
      break;
    }
    default:
      break;
  }
  headers['content-type'] = 'application/json';
  sent.body = JSON.stringify(body ?? {});
  if (mutation === 'deep') sent.body = deepJson(r.pick([100, 5000, 100_000]));
  if (mutation === 'huge') sent.body = JSON.stringify({ ...(body as object), pad: 'x'.repeat(1_100_000) });
  if (mutation === 'empty') {
    delete headers['content-type'];
    sent.body = r.next() < 0.5 ? '' : undefined;
  }
  if (mutation === 'badJson') sent.body = r.pick(['{"a":', '{', '[', 'nul', '{"a":"\\ud800"', "{'a':1}", '{"a":1}}', '\u0000', '{"a":"\\x00"}']);
  if (mutation === 'notObject') sent.body = r.pick(['null', '42', '"str"', '[]', 'true', '1e400', '"\\u0000"']);
  if (mutation === 'textPlain') headers['content-type'] = r.pick(['text/plain', 'application/json; charset=latin-9', 'application/x-www-form-urlencoded']);
  if (op.method === 'GET') {
    // fetch sends no body with a GET; the query, path and headers carry the hostility there.
    delete headers['content-type'];
    sent.body = undefined;
  }
  return sent;
}

/**
 * fetch (and Node's own client) will not put a control character in a header, so those
 * requests go over a plain socket, as a hostile client would send them.
 */
function sendRaw(s: Sent): Promise<{ status: number; detail: string }> {
  const url = new URL(s.url);
  const body = s.body === undefined ? Buffer.alloc(0) : Buffer.from(s.body);
  const head = [`${s.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close', `Content-Length: ${body.length}`,
    ...Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return new Promise((ok) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(ANSWER_WITHIN_MS, () => (socket.destroy(), ok({ status: 599, detail: `no answer within ${ANSWER_WITHIN_MS} ms` })));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      ok({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), detail: text.slice(0, 300) });
    });
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]));
  });
}

async function send(s: Sent): Promise<{ status: number; detail: string }> {
  if (s.mutation === 'header') return sendRaw(s);
  try {
    const res = await fetch(s.url, { method: s.method, headers: s.headers, body: s.body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const text = await res.text();
    return { status: res.status, detail: text.slice(0, 300) };
  } catch (err) {
    // No answer in time is a failure like a 5xx: the request hangs on something it broke.
    if ((err as Error).name === 'TimeoutError') return { status: 599, detail: `no answer within ${ANSWER_WITHIN_MS} ms` };
    // The client itself refused to send it (e.g. a header fetch will not carry): not a server answer.
    return { status: 0, detail: String((err as Error).cause ?? err) };
  }
}

/** A row count and content hash of every table, the stored documents and the task queue's workflows. */
async function snapshot(): Promise<string> {
  const tables = (await app.sql<Array<{ t: string }>>`select tablename as t from pg_tables where schemaname = 'public' order by 1`).map((x) => x.t);
  const rows = await app.sql.unsafe<Array<{ t: string; n: number; h: string }>>(
    tables
      .map((t) => `select '${t}' as t, count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from "${t}" x`)
      .join(' union all '),
  );
  const documentDir = app.config.DOCUMENT_STORE_DIR ?? join(app.config.DATA_DIR, 'documents');
  const files = readdirSync(documentDir, { recursive: true }).length;
  const workflows = (await app.client.workflow.count(`TaskQueue = '${app.config.TEMPORAL_TASK_QUEUE}'`)).count;
  return JSON.stringify({ rows: rows.sort((a, b) => a.t.localeCompare(b.t)), files, workflows });
}

/**
 * The snapshot once nothing moves: after an accepted request the workflows it started or
 * updated keep writing for a while (activities mirror status and deadlines into rows), so
 * `quietReads` equal snapshots in a row are required, more after a workflow was involved.
 */
async function settled(quietReads = 1): Promise<string> {
  let last = await snapshot();
  let quiet = 0;
  for (let i = 0; i < 40 && quiet < quietReads; i++) {
    await new Promise((ok) => setTimeout(ok, 200));
    const now = await snapshot();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

/** Accepted requests on these paths start or update workflows, whose activities write later. */
const TOUCHES_WORKFLOWS = /^\/calls$|\/batches|submit|withdraw|document-review|supplement|selection|allocation|setup-done|quarterly|reclaim|result-report|data-sharing|early-close|restriction/;
/** Mutations that often leave a request valid: run last, so the refusals before them compare cleanly. */
const OFTEN_ACCEPTED = new Set<string>(['none', 'credential', 'pathParam', 'empty', 'textPlain', 'header', 'queryParam']);

const diff = (a: string, b: string) => {
  const x = JSON.parse(a) as { rows: Array<{ t: string; n: number; h: string }>; files: number; workflows: number };
  const y = JSON.parse(b) as typeof x;
  const tables = x.rows.filter((r, i) => r.h !== y.rows[i]?.h || r.n !== y.rows[i]?.n).map((r) => r.t);
  return [...tables, ...(x.files !== y.files ? ['document store'] : []), ...(x.workflows !== y.workflows ? ['workflows'] : [])];
};

test('S5: a seeded fuzz of every operation in /openapi.json: no 5xx, and refused requests change no row, document or workflow', async () => {
  const started = Date.now();
  const doc = await app.api.get('/openapi.json');
  const ops = operations(doc.body);
  expect(ops.length).toBeGreaterThanOrEqual(40);
  const r = prng(SEED);
  const requests: Sent[] = [];
  const rounds = Math.ceil(REQUESTS / ops.length);
  for (let round = 0; round < rounds; round++) {
    ops.forEach((op, i) => requests.push(build(op, BODY_MUTATIONS[(round + i) % BODY_MUTATIONS.length]!, round, r)));
  }
  expect(requests.length).toBeGreaterThanOrEqual(2000);
  // Reads first, then changes: a batch of reads stays comparable even when some of them succeed.
  const order = (x: Sent) => (x.method === 'GET' ? 0 : OFTEN_ACCEPTED.has(x.mutation) ? 2 : 1);
  requests.sort((a, b) => order(a) - order(b));

  const histogram: Record<string, number> = {};
  const serverErrors: string[] = [];
  const clientRefused: string[] = [];
  const changed: string[] = [];
  let refusedChecked = 0;
  let before = await settled();
  for (let i = 0; i < requests.length; i += BATCH) {
    const batch = requests.slice(i, i + BATCH);
    const answers = await Promise.all(batch.map(send));
    answers.forEach((a, j) => {
      histogram[a.status] = (histogram[a.status] ?? 0) + 1;
      const s = batch[j]!;
      if (a.status === 0) clientRefused.push(`${s.method} ${s.op.path} [${s.mutation}]: ${a.detail}`);
      if (a.status >= 500) serverErrors.push(`${a.status} ${s.method} ${s.op.path} [${s.mutation}] ${s.url.slice(app.url.length, app.url.length + 120)} → ${a.detail}`);
    });
    // A GET changes nothing, except an evaluator's document read and an export, which are
    // audited (S4: who took which data out).
    const audited = (path: string) => path.includes('/documents/') || path.startsWith('/exports/');
    const anyAccepted = answers.some(
      (a, j) => a.status >= 200 && a.status < 300 && (batch[j]!.method !== 'GET' || audited(batch[j]!.op.path)),
    );
    if (anyAccepted) {
      if (process.env.FUZZ_DEBUG) console.log('accepted:', batch.filter((_, j) => answers[j]!.status < 300).map((x) => `${x.method} ${x.url.slice(app.url.length, app.url.length + 80)} ${x.mutation} ${typeof x.body === 'string' ? x.body.slice(0, 200) : ''}`).join(' | '));
      const workflows = answers.some((a, j) => a.status < 300 && batch[j]!.method !== 'GET' && TOUCHES_WORKFLOWS.test(batch[j]!.op.path));
      before = await settled(workflows ? 4 : 1);
      continue;
    }
    const after = await snapshot();
    if (after !== before) {
      if (process.env.FUZZ_DEBUG) console.log(JSON.stringify(await app.sql`select id, status, updated_at, deadlines, submitted_at from applications order by id`));
      changed.push(`${diff(before, after).join(', ')} after: ${batch.map((s, j) => `${answers[j]!.status} ${s.method} ${s.op.path} [${s.mutation}]`).join('; ')}`);
      before = await settled();
    } else {
      refusedChecked += batch.filter((_, j) => answers[j]!.status >= 400).length;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const last = JSON.parse(await snapshot()) as { rows: unknown[]; files: number; workflows: number };
  console.log(
    `S5 fuzz: ${requests.length} requests over ${ops.length} operations in ${seconds.toFixed(1)} s (seed ${SEED}); ` +
      `status histogram ${JSON.stringify(histogram)}; ${refusedChecked} refused requests checked against snapshots of ` +
      `${last.rows.length} tables, ${last.files} stored documents and ${last.workflows} workflows of the task queue` +
      (clientRefused.length ? `\nnot sent by the client (status 0): ${clientRefused.length}, e.g. ${clientRefused.slice(0, 3).join(' | ')}` : '') +
      (serverErrors.length ? `\n5xx:\n${serverErrors.slice(0, 40).join('\n')}` : '') +
      (changed.length ? `\nchanged by refused requests:\n${changed.slice(0, 20).join('\n')}` : ''),
  );
  expect(serverErrors).toEqual([]);
  expect(changed).toEqual([]);
  expect(refusedChecked).toBeGreaterThan(1000);
  expect(seconds).toBeLessThan(90);
}, 300_000);
