import { createHash } from 'node:crypto';
import { SIGN_IN_LINK_MINUTES } from '../../src/domain';
import { startTestApp, uniqueEmail, type TestApp } from '../support/app';
import { COMPANY_DOCUMENTS, draftBody, draftFor } from '../support/fixtures';
import { createCall } from '../support/lifecycle';
import { confirmationMail, confirmPractitioner, latestMail, linkToken } from '../support/signin';

/**
 * S6 (sign-in by e-mail) and A7 (the practitioner's address confirmed before submitting;
 * drafts editable until then), against the real stack: the links are read from the SMTP
 * inbox the service sent them to.
 */
const PER_ADDRESS = 6;
const PER_CLIENT = 40;

let app: TestApp;
let callId: string;

beforeAll(async () => {
  app = await startTestApp({ config: { EMAIL_RATE_PER_ADDRESS: String(PER_ADDRESS), EMAIL_RATE_PER_CLIENT: String(PER_CLIENT) } });
  callId = await createCall(app);
}, 60_000);
afterAll(() => app?.close());

async function draft(body: ReturnType<typeof draftBody>) {
  const res = await app.api.post(`/calls/${callId}/applications`, body);
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token: res.body.accessToken as string, body: res.body };
}

async function uploadAll(id: string, auth: string) {
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    expect((await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, auth)).status).toBe(201);
  }
}

const signInMail = (email: string, count = 1) => latestMail(app, email, (m) => m.kind === 'SIGN_IN_LINK', count);
const redeem = (token: string) => app.api.post('/sign-in/redeem', { token });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The address of the S6 tests: practitioner of two drafts, PI of a third; another address owns a fourth. */
const who = { email: uniqueEmail('s6'), other: uniqueEmail('s6-other') };
const apps: Record<'first' | 'second' | 'asPi' | 'foreign', { id: string; token: string }> = {} as never;
let session: string;

test('S6: a lost token is no lock-out: the sign-in link from the inbox opens the application and lists every application of the address', async () => {
  apps.first = await draft(await draftFor(app, callId, { practitionerEmail: who.email }));
  apps.second = await draft(await draftFor(app, callId, { practitionerEmail: who.email }));
  const piBody = await draftFor(app, callId, { practitionerEmail: uniqueEmail('s6-dev') });
  piBody.principalInvestigator.email = who.email.toUpperCase(); // compared trimmed, in any case
  apps.asPi = await draft(piBody);
  apps.foreign = await draft(await draftFor(app, callId, { practitionerEmail: who.other }));

  // The token is lost: the applicant asks for a link (typed loosely) and reads it from the inbox.
  const asked = await app.api.post('/sign-in', { email: `  ${who.email.toUpperCase()} ` });
  expect(asked.status).toBe(202);
  const mail = await signInMail(who.email);
  expect(mail.to).toEqual([who.email]);
  expect(mail.cc).toEqual([]);
  const token = linkToken(mail);
  expect(mail.text).toContain(`/sign-in?token=${token}`);

  // S6: the database holds the link only as a hash; the sent e-mail's outbox copy lost it.
  const [link] = await app.sql`select token_hash, extract(epoch from expires_at - created_at)::int as seconds from applicant_links where email = ${who.email} and purpose = 'SIGN_IN'`;
  expect(link.token_hash).toBe(sha256(token));
  expect(link.seconds).toBe(SIGN_IN_LINK_MINUTES * 60);
  const leaks = await app.sql`select 1 from email_outbox where text_body like ${`%${token}%`} or html_body like ${`%${token}%`}`;
  expect(leaks).toHaveLength(0);

  // A GET (what a mail scanner does) shows the button and uses nothing.
  const pageRes = await fetch(`${app.url}/sign-in?token=${token}`);
  expect(pageRes.status).toBe(200);
  const html = await pageRes.text();
  expect(html).toContain('<form method="post" action="/sign-in/redeem">');
  expect(html).toContain(`value="${token}"`);
  expect(pageRes.headers.get('referrer-policy')).toBe('no-referrer');

  const opened = await redeem(token);
  expect(opened.status).toBe(200);
  session = opened.body.sessionToken;
  expect(session).toMatch(/^aps_/);
  const mine = [apps.first.id, apps.second.id, apps.asPi.id].sort();
  expect(opened.body.applications.map((a: { id: string }) => a.id).sort()).toEqual(mine);

  const listed = await app.api.get('/me/applications', session);
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((a: { id: string }) => a.id).sort()).toEqual(mine);
  expect(listed.body.items.find((a: { id: string }) => a.id === apps.asPi.id).roles).toEqual(['PRINCIPAL_INVESTIGATOR']);
  expect(listed.body.items.find((a: { id: string }) => a.id === apps.first.id).roles).toEqual(['PRACTITIONER']);

  // The session acts on each of them like the token (S2: the applicant's own applications).
  const view = await app.api.get(`/applications/${apps.asPi.id}`, session);
  expect(view.status).toBe(200);
  expect(view.body.content.principalInvestigator.email).toBe(who.email.toUpperCase());
  await uploadAll(apps.first.id, session);
  // The per-application token keeps working for API clients (S6).
  expect((await app.api.get(`/applications/${apps.first.id}`, apps.first.token)).status).toBe(200);
  expect((await app.api.get('/me/applications', apps.first.token)).body.items.map((a: { id: string }) => a.id)).toEqual([apps.first.id]);

  // An address that opens nothing gets the same answer, and no e-mail is written for it.
  const unknown = uniqueEmail('nobody');
  const nothing = await app.api.post('/sign-in', { email: unknown });
  expect(nothing.status).toBe(202);
  expect(Object.keys(nothing.body).sort()).toEqual(Object.keys(asked.body).sort());
  await app.api.post('/sign-in', { email: who.other }); // a later request of a known address has arrived…
  await signInMail(who.other);
  expect(await app.sql`select 1 from email_outbox where to_address = ${unknown}`).toHaveLength(0); // …the unknown one never had any
});

test('S6/S7: a valid session on an application of another address answers 403 on applicant routes, never 401', async () => {
  const foreign = apps.foreign.id;
  const attempts = [
    app.api.get(`/applications/${foreign}`, session),
    app.api.put(`/applications/${foreign}/documents/APPLICATION_PLAN?filename=plan.pdf`, COMPANY_DOCUMENTS[0]![2], session),
    app.api.post(`/applications/${foreign}/submit`, {}, session),
    app.api.request('PATCH', `/applications/${foreign}`, { json: { project: draftBody().project }, auth: session }),
    app.api.post(`/applications/${foreign}/withdraw`, {}, session),
    app.api.get('/applications/ZZZZZZZZZZ', session), // 403 whether or not it exists
  ];
  expect((await Promise.all(attempts)).map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
  // …and on staff routes 403 as well; a session that is not valid is 401.
  expect((await app.api.get('/applications', session)).status).toBe(403);
  expect((await app.api.get(`/applications/${apps.first.id}`, 'aps_not-a-session')).status).toBe(401);
});

test('S6: a link is usable once; a second use is refused', async () => {
  await app.api.post('/sign-in', { email: who.email });
  const token = linkToken(await signInMail(who.email, 2));
  expect((await redeem(token)).status).toBe(200);
  const again = await redeem(token);
  expect(again.status).toBe(401);
  expect(again.contentType).toContain('application/problem+json');
  expect(again.body.detail).toContain('S6');
});

test(`S6: a link older than ${SIGN_IN_LINK_MINUTES} minutes is refused`, async () => {
  const email = uniqueEmail('s6-late');
  await draft(await draftFor(app, callId, { practitionerEmail: email }));
  await app.api.post('/sign-in', { email });
  const token = linkToken(await signInMail(email));
  // The link was written 31 minutes ago: past the rule's 30 (no waiting).
  await app.sql`update applicant_links set created_at = created_at - interval '31 minutes', expires_at = expires_at - interval '31 minutes'
                where token_hash = ${sha256(token)}`;
  const late = await redeem(token);
  expect(late.status).toBe(401);
  expect(late.body.detail).toContain(`${SIGN_IN_LINK_MINUTES} minutes`);
  const [row] = await app.sql`select used_at from applicant_links where token_hash = ${sha256(token)}`;
  expect(row.used_at).toBeNull();
});

test("S6: the link page's form signs a browser in with an HttpOnly SameSite cookie; a change through the cookie needs the CSRF header", async () => {
  await app.api.post('/sign-in', { email: who.email });
  const token = linkToken(await signInMail(who.email, 3));
  const form = await fetch(`${app.url}/sign-in/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${token}`,
  });
  expect(form.status).toBe(200);
  expect(form.headers.get('content-type')).toContain('text/html');
  expect(await form.text()).toContain(apps.second.id);
  const setCookie = form.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^aidc_applicant=aps_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
  const cookie = setCookie.split(';')[0]!;
  const viaCookie = await fetch(`${app.url}/applications/${apps.second.id}`, { headers: { cookie } });
  expect(viaCookie.status).toBe(200);
  const noCsrf = await fetch(`${app.url}/applications/${apps.second.id}/withdraw`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(noCsrf.status).toBe(403);
  const [row] = await app.sql`select status from applications where id = ${apps.second.id}`;
  expect(row.status).toBe('DRAFT');
  // Signing out ends the session at once.
  const out = await fetch(`${app.url}/sign-out`, { method: 'POST', headers: { cookie, 'x-csrf-token': createHash('sha256').update(`csrf|${decodeURIComponent(cookie.split('=')[1]!)}`).digest('base64url') } });
  expect(out.status).toBe(200);
  expect((await fetch(`${app.url}/applications/${apps.second.id}`, { headers: { cookie } })).status).toBe(401);
});

test('A7: an unconfirmed practitioner cannot submit (422 naming A7); once the confirmation link is opened, the submit is accepted', async () => {
  const email = uniqueEmail('a7');
  const d = await draft(await draftFor(app, callId, { practitionerEmail: email }));
  expect(d.body.practitionerEmailConfirmed).toBe(false);
  await uploadAll(d.id, d.token);
  const refused = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
  expect(refused.status).toBe(422);
  expect(refused.body.rule).toBe('A7');
  const [row] = await app.sql`select status, submitted_at from applications where id = ${d.id}`;
  expect(row).toEqual({ status: 'DRAFT', submitted_at: null });

  // The confirmation went to the practitioner only (not the PI in copy), and can be sent again.
  const first = await confirmationMail(app, d.id);
  expect(first.to).toEqual([email]);
  expect(first.cc).toEqual([]);
  const resent = await app.api.post(`/applications/${d.id}/confirmation`, {}, d.token);
  expect(resent.status).toBe(202);
  const newest = await confirmationMail(app, d.id, 2);
  expect(linkToken(newest)).not.toBe(linkToken(first));

  const confirmed = await redeem(linkToken(newest));
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.confirmedApplication).toBe(d.id);
  expect((await app.api.get(`/applications/${d.id}`, d.token)).body.practitionerEmailConfirmed).toBe(true);
  expect((await app.api.post(`/applications/${d.id}/confirmation`, {}, d.token)).body).toEqual({ confirmed: true, sent: false });
  const accepted = await app.api.post(`/applications/${d.id}/submit`, {}, d.token);
  expect(accepted.status).toBe(200);
  expect(accepted.body.status).toBe('UNDER_REVIEW');
});

test('A7: a draft is edited until it is submitted: checked by the creation rules, a new practitioner address is confirmed again, 409 once submitted', async () => {
  const d = await draft(await draftFor(app, callId, { practitionerEmail: uniqueEmail('a7-edit') }));
  await confirmPractitioner(app, d.id);
  await uploadAll(d.id, d.token);
  const body = await draftFor(app, callId);
  const patch = (json: unknown) => app.api.request('PATCH', `/applications/${d.id}`, { json, auth: d.token });
  const contentOf = async () => (await app.sql`select content, title from applications where id = ${d.id}`)[0];

  const renamed = await patch({ project: { ...body.project, title: '한국어 음성 인식 모델 학습 (수정)' } });
  expect(renamed.status).toBe(200);
  expect(renamed.body.title).toBe('한국어 음성 인식 모델 학습 (수정)');
  expect(renamed.body.practitionerEmailConfirmed).toBe(true);

  // Refused edits name the field or rule and change nothing.
  const before = await contentOf();
  const badBrn = await patch({ organisation: { ...body.organisation, businessRegistrationNumber: '123-45-67890' } });
  expect(badBrn.status).toBe(400);
  expect(badBrn.body.errors.map((e: { field: string }) => e.field)).toEqual(['organisation.businessRegistrationNumber']);
  const unknownSection = await patch({ budget: 1 });
  expect(unknownSection.status).toBe(400);
  expect(unknownSection.body.errors[0].field).toBe('budget');
  const wrongPool = await patch({ resource: { pool: 'SHARED', type: 'H100', units: 1 } });
  expect(wrongPool.status).toBe(400);
  expect(wrongPool.body.detail).toContain('A2');
  expect(await contentOf()).toEqual(before);

  // A new practitioner address must be confirmed again before the submit.
  const newEmail = uniqueEmail('a7-new');
  const moved = await patch({ practitioner: { name: '박실무', email: newEmail, phone: '010-2222-3333' } });
  expect(moved.status).toBe(200);
  expect(moved.body.practitionerEmailConfirmed).toBe(false);
  expect((await app.api.post(`/applications/${d.id}/submit`, {}, d.token)).body.rule).toBe('A7');
  const link = await latestMail(app, newEmail, (m) => m.kind === 'PRACTITIONER_CONFIRMATION');
  expect((await redeem(linkToken(link))).body.confirmedApplication).toBe(d.id);
  expect((await app.api.post(`/applications/${d.id}/submit`, {}, d.token)).status).toBe(200);

  const late = await patch({ project: body.project });
  expect(late.status).toBe(409);
  expect(late.body.detail).toContain('A7');
});

test('S6: e-mail-sending public endpoints are rate-limited per address and per client: 429 problem+json with Retry-After', async () => {
  const email = uniqueEmail('s6-flood');
  const statuses: number[] = [];
  for (let i = 0; i < PER_ADDRESS + 1; i++) statuses.push((await app.api.post('/sign-in', { email })).status);
  expect(statuses).toEqual([...Array(PER_ADDRESS).fill(202), 429]);
  const limited = await fetch(`${app.url}/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ` ${email.toUpperCase()}` }) });
  expect(limited.status).toBe(429);
  expect(limited.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await limited.json()) as { detail: string }).detail).toContain('for this address');
  // Draft creation sends the A7 link: limited by the practitioner's address too, nothing written.
  const drafts = (await app.sql`select count(*)::int as n from applications`)[0].n;
  const refusedDraft = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { practitionerEmail: email }));
  expect(refusedDraft.status).toBe(429);
  expect((await app.sql`select count(*)::int as n from applications`)[0].n).toBe(drafts);

  // Per client: fresh addresses every time, until this client has had its share.
  let answered = 0;
  let last = 202;
  while (last !== 429 && answered <= PER_CLIENT) {
    last = (await app.api.post('/sign-in', { email: uniqueEmail('s6-spray') })).status;
    answered++;
  }
  expect(last).toBe(429);
  const body = (await app.api.post('/sign-in', { email: uniqueEmail('s6-spray') })).body;
  expect(body.detail).toContain('from this client');
});
