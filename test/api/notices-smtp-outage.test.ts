import { CLAIM_LEASE_SECONDS } from '../../src/activities/outbox';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, eventually, submitApplication } from '../support/lifecycle';
import { startFaultySmtp, type FaultySmtp } from '../support/smtp-fault';

/**
 * N: an SMTP outage delays notices only as long as it lasts. Every send that failed while
 * the relay was down released its claim, and notices back off to at most a few seconds,
 * so once SMTP is back every notice arrives within seconds, exactly once (before: each
 * failed attempt kept its 120 s claim and notices arrived ~127 s after they were due).
 */
let app: TestApp;
let smtp: FaultySmtp;

beforeAll(async () => {
  smtp = await startFaultySmtp();
  app = await startTestApp({ smtp });
});
afterAll(async () => {
  await app?.close();
  await smtp?.stop();
});

const OUTAGE_MS = 12_000;
const APPLICATIONS = 6;

test('N: after an SMTP outage every notice arrives exactly once within seconds of SMTP coming back, well under the claim lease', async () => {
  const callId = await createCall(app);
  await smtp.down();
  const submitted = [];
  for (let i = 0; i < APPLICATIONS; i++) submitted.push(await submitApplication(app, callId));
  const keys = submitted.map((a) => `${a.id}:RECEIPT`);

  // Every receipt was attempted and failed (the relay refuses connections) ...
  const rows = await eventually(
    () => app.sql<Array<{ notice_key: string; claimed_at: Date | null; sent_at: Date | null }>>`
      select notice_key, claimed_at, sent_at from email_outbox where notice_key in ${app.sql(keys)}`,
    (r) => r.length === APPLICATIONS,
  );
  expect(rows).toHaveLength(APPLICATIONS);
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  // ... and no failed attempt kept its claim: nothing waits for a lease.
  const held = await app.sql`select notice_key from email_outbox where notice_key in ${app.sql(keys)} and (claimed_at is not null or sent_at is not null)`;
  expect(held).toHaveLength(0);

  const back = Date.now();
  await smtp.up();
  const arrived = await eventually(
    async () => smtp.messages.filter((m) => keys.includes(m.headers['x-aidc-notice-key'] ?? '')),
    (m) => m.length >= APPLICATIONS,
    CLAIM_LEASE_SECONDS * 1000 * 2,
  );
  const recoveryMs = Math.max(...arrived.map((m) => m.at)) - back;
  process.stdout.write(`[N] SMTP outage ${OUTAGE_MS / 1000}s: all ${APPLICATIONS} notices arrived ${(recoveryMs / 1000).toFixed(1)}s after SMTP came back\n`);
  expect(arrived).toHaveLength(APPLICATIONS);
  // "Within seconds": the notices' retry interval is capped at 5 s (context.ts), plus the send.
  expect(recoveryMs).toBeLessThan(10_000);
  expect(recoveryMs).toBeLessThan((CLAIM_LEASE_SECONDS * 1000) / 4);

  // Exactly once: nothing more comes, and every row is marked sent.
  await new Promise((r) => setTimeout(r, 3000));
  const perKey = keys.map((k) => smtp.messages.filter((m) => m.headers['x-aidc-notice-key'] === k).length);
  expect(perKey).toEqual(keys.map(() => 1));
  const sent = await app.sql`select notice_key from email_outbox where notice_key in ${app.sql(keys)} and sent_at is not null`;
  expect(sent).toHaveLength(APPLICATIONS);
  // The lifecycle went on once its receipt was out: the document review is open.
  const views = await Promise.all(submitted.map(async (a) => (await app.api.get(`/applications/${a.id}`, app.operatorKey)).body));
  expect(views.map((v) => v.timeline.map((t: { event: string }) => t.event))).toEqual(submitted.map(() => ['SUBMITTED']));
});
