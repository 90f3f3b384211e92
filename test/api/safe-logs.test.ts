import { inspect } from 'node:util';
import { errorSummary, logErrorSafely, withoutPersonalData } from '../../src/safe-log';
import { safeActivityErrors } from '../../worker';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { draftBody, draftFor } from '../support/fixtures';
import { createCall } from '../support/lifecycle';

/**
 * S3: error logs never carry request bodies, SQL parameters or row excerpts with personal
 * data. A real PostgreSQL error is forced (a check constraint that refuses every new
 * application row) under a request carrying a phone number, names and an e-mail address.
 */
let app: TestApp;
let callId: string;
const PHONE = '010-9876-5432';
const PERSONAL = [PHONE, '98765432', '김연구', '이개발'];

beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
});
afterAll(() => app?.close());

/** Everything written to the console while `f` runs. */
async function consoleDuring(f: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const spies = (['error', 'warn', 'log', 'info'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' '))));
  try {
    await f();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return lines.join('\n');
}

test('S3: a PostgreSQL error under a request with personal data logs the route and SQL state, never the phone, names or e-mail', async () => {
  const email = uniqueEmail('s3');
  await app.sql.unsafe('alter table applications add constraint s3_refuse_every_row check (false) not valid');
  let status = 0;
  let body: unknown;
  const logged = await consoleDuring(async () => {
    const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: email }));
    status = res.status;
    body = res.body;
  }).finally(() => app.sql.unsafe('alter table applications drop constraint s3_refuse_every_row'));
  expect(status).toBe(500);
  expect(JSON.stringify(body)).not.toContain(PHONE);
  // The log names where and what: the route, the SQL state (23514 check_violation) and the constraint.
  expect(logged).toContain('POST /calls/:id/applications failed');
  expect(logged).toContain('[23514]');
  expect(logged).toContain('s3_refuse_every_row');
  for (const p of [...PERSONAL, email]) expect({ p, leaked: logged.includes(p) }).toEqual({ p, leaked: false });
  expect(logged).not.toMatch(/Failing row|parameters|insert into/i);
});

test('S3: the summary and the error passed on from an activity keep name, code and message, never parameters or row excerpts', async () => {
  const err = await app.sql`select ${PHONE}::int`.then(() => undefined, (e: unknown) => e);
  // postgres.js's own error does carry the phone: that is what must not reach a log.
  expect(inspect(err)).toContain(PHONE);
  expect(errorSummary(err)).toEqual(expect.objectContaining({ name: 'PostgresError', code: '22P02' }));
  const clean = withoutPersonalData(err) as Error & { code?: string };
  expect([clean.name, clean.code]).toEqual(['PostgresError', '22P02']);
  expect(inspect(clean)).not.toContain('parameters');
  // 22P02 quotes the value in the message itself: PostgreSQL's quoted values are redacted, names kept.
  expect(inspect(clean)).not.toContain(PHONE);
  expect(clean.message).toBe('invalid input syntax for type integer: "…"');
  // The activity interceptor throws the clean error in place of the original.
  const { inbound } = safeActivityErrors({} as never);
  const thrown = await inbound!.execute!({} as never, () => Promise.reject(err)).then(() => undefined, (e: unknown) => e);
  expect(inspect(thrown)).not.toMatch(/parameters|query:/);
  expect((thrown as { code?: string }).code).toBe('22P02');
  // A wrapper whose cause is the PostgreSQL error is cleaned down the chain.
  const wrapped = withoutPersonalData(new Error('recordApplication failed', { cause: err })) as Error;
  expect(inspect(wrapped, { depth: 5 })).not.toContain(PHONE);
  expect((wrapped.cause as { code?: string }).code).toBe('22P02');
  const plain = new Error('no SQL here');
  expect(withoutPersonalData(plain)).toBe(plain);
  const logged = await consoleDuring(async () => logErrorSafely('activity recordApplication', err));
  expect(logged).toContain('activity recordApplication failed: PostgresError [22P02]');
  expect(logged).not.toMatch(/parameters|query/);
});
