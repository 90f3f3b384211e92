import crypto, { createHash, randomBytes, scryptSync } from 'node:crypto';
import { sameToken, verifyIssuedSecret } from '../../src/api/secrets';
import { startTestApp, type TestApp } from '../support/app';
import { draftFor } from '../support/fixtures';
import { createCall } from '../support/lifecycle';

/**
 * S1: API keys and access tokens are random, so they are kept as SHA-256 (src/api/secrets.ts);
 * rows written before under scrypt still open and are rewritten on first use.
 */
let app: TestApp;
let callId: string;
beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
});
afterAll(() => app?.close());

const sha256 = (s: string) => `sha256$${createHash('sha256').update(s).digest('hex')}`;
/** The stored form every key and token had before this change (src/api/auth.ts, N=16384). */
const oldScrypt = (secret: string) => {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$${salt.toString('base64url')}$${hash.toString('base64url')}`;
};

async function draft() {
  const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId));
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token: res.body.accessToken as string };
}

test('S1: a new API key and a new access token are stored as their SHA-256, never the secret', async () => {
  const created = await app.api.post('/api-keys', { role: 'COLLECTOR', name: '수집기' }, app.operatorKey);
  expect(created.status).toBe(201);
  const [key] = await app.sql`select secret_hash from api_keys where id = ${created.body.id}`;
  expect(key.secret_hash).toBe(sha256(created.body.key));
  const d = await draft();
  const [row] = await app.sql`select token_hash from applications where id = ${d.id}`;
  expect(row.token_hash).toBe(sha256(d.token));
  expect((await app.api.get(`/applications/${d.id}`, d.token)).status).toBe(200);
});

test('S1: an API key still stored under scrypt opens once, is rewritten to SHA-256, and keeps opening', async () => {
  const created = await app.api.post('/api-keys', { role: 'OPERATOR', name: '예전 운영자' }, app.operatorKey);
  const key = created.body.key as string;
  await app.sql`update api_keys set secret_hash = ${oldScrypt(key)} where id = ${created.body.id}`;
  const wrong = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  expect((await app.api.get('/applications', wrong)).status).toBe(401);
  const [still] = await app.sql`select secret_hash from api_keys where id = ${created.body.id}`;
  expect(still.secret_hash).toMatch(/^scrypt\$/); // a wrong secret rewrites nothing
  expect((await app.api.get('/applications', key)).status).toBe(200);
  const [row] = await app.sql`select secret_hash from api_keys where id = ${created.body.id}`;
  expect(row.secret_hash).toBe(sha256(key));
  expect((await app.api.get('/applications', key)).status).toBe(200);
  expect((await app.api.get('/applications', wrong)).status).toBe(401);
});

test('S1/S7: an access token still stored under scrypt opens its application and is rewritten; a wrong one is 401', async () => {
  const d = await draft();
  await app.sql`update applications set token_hash = ${oldScrypt(d.token)} where id = ${d.id}`;
  const wrong = `apt_${d.id}_${randomBytes(24).toString('base64url')}`;
  expect((await app.api.get(`/applications/${d.id}`, wrong)).status).toBe(401);
  expect((await app.api.get(`/applications/${d.id}`, d.token)).status).toBe(200);
  const [row] = await app.sql`select token_hash from applications where id = ${d.id}`;
  expect(row.token_hash).toBe(sha256(d.token));
  expect((await app.api.get(`/applications/${d.id}`, d.token)).status).toBe(200);
  expect((await app.api.get(`/applications/${d.id}`, wrong)).status).toBe(401);
});

test('S1: secrets are compared with crypto.timingSafeEqual, whichever scheme the row holds', async () => {
  const spy = jest.spyOn(crypto, 'timingSafeEqual');
  try {
    const secret = `aidc_0123456789ab_${randomBytes(24).toString('base64url')}`;
    expect((await verifyIssuedSecret(secret, sha256(secret))).ok).toBe(true);
    expect((await verifyIssuedSecret(`${secret}x`, sha256(secret))).ok).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
    const legacy = await verifyIssuedSecret(secret, oldScrypt(secret));
    expect(legacy).toEqual({ ok: true, upgrade: sha256(secret) });
    expect(spy).toHaveBeenCalledTimes(3);
    expect(await verifyIssuedSecret(secret, 'sha256$zz')).toEqual({ ok: false }); // malformed: refused, no throw
    expect(await verifyIssuedSecret(secret, 'scrypt$x$y$z')).toEqual({ ok: false });
    expect(sameToken('csrf-a', 'csrf-a')).toBe(true);
    expect(sameToken('csrf-a', 'csrf-ab')).toBe(false);
  } finally {
    spy.mockRestore();
  }
});
