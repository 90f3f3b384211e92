import path from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { auditNotices, driveIntakeAndEvaluation, killAtRandom, killMidSend, seededRandom, WorkerProcess } from '../support/notice-chaos';
import { testServices } from '../support/services';
import { startSmtpTap } from '../support/smtp-fault';

/**
 * N: each notice exactly once even when the worker dies. The worker runs as its own process
 * (node dist/worker.js, configured by environment) on the dev server, and is SIGKILLed at
 * seeded random moments while ten applications go through intake (receipt, supplement,
 * ineligibility) and evaluation (batch assignment, scores, selection, results) over the
 * API, then started again each time. No notice may be missing, no transition lost, and a
 * duplicate (the one window left: SMTP accepted, killed before the outbox marked it sent)
 * must carry the same Message-ID as its original, so a receiver that dedupes drops it.
 * Besides the random kills, a tap in front of the MailDev inbox kills the worker in the
 * middle of two SMTP sessions (claimed, nothing delivered: before, such a notice waited
 * out the outbox's 120 s lease) and right after the inbox accepted one message (the
 * duplicate window). Every notice must have arrived within a minute of the last step.
 */
const SEED = 9_2026;
let app: TestApp;
let worker: WorkerProcess;
let tap: Awaited<ReturnType<typeof startSmtpTap>>;
const random = seededRandom(SEED);
let aimed: ReturnType<typeof killMidSend>;

beforeAll(async () => {
  const { smtpHost, smtpPort } = testServices();
  tap = await startSmtpTap({ host: smtpHost, port: smtpPort }, (moment, n) => aimed?.onMoment(moment, n));
  app = await startTestApp({ worker: false, smtp: tap });
  worker = new WorkerProcess(app, path.join(testServices().tempDir, `worker-sigkill-${app.config.TEMPORAL_TASK_QUEUE}.log`));
  aimed = killMidSend(worker, random, { midSend: 2, accepted: 1, withinSessions: 25 });
  worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await tap?.stop();
});

test('N: SIGKILLs of the worker at random moments during intake and evaluation of 10 applications lose no notice and no transition; duplicates share their Message-ID', async () => {
  const started = Date.now();
  // Intake got faster (SHA-256 tokens, pooled SMTP): kills come sooner so at least three land during the drive.
  const chaos = killAtRandom(worker, random, { count: 5, minMs: 1000, maxMs: 3500 });
  let drive: Awaited<ReturnType<typeof driveIntakeAndEvaluation>>;
  try {
    drive = await driveIntakeAndEvaluation(app, { applications: 10, random, timeoutMs: 60_000 });
  } finally {
    await chaos.stop();
  }
  const audit = await auditNotices(app, drive.apps, { timeoutMs: 60_000 });
  const dupes = audit.duplicates.reduce((n, d) => n + d.copies - 1, 0);
  process.stdout.write(
    `[N] ${worker.kills} SIGKILLs (${chaos.kills} at random moments, ${aimed.kills} mid-send), ${audit.notices} notices expected, ` +
      `${audit.missing.length} missing, ${dupes} duplicate(s) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
  expect(chaos.kills).toBeGreaterThanOrEqual(3);
  expect(aimed.kills).toBeGreaterThanOrEqual(2); // 3 planned; one may meet a worker a random kill just took down
  expect(audit.notices).toBeGreaterThanOrEqual(30);
  expect(audit.missing).toEqual([]);
  expect(audit.unexpected).toEqual([]);
  expect(audit.wrongStatus).toEqual([]);
  for (const d of audit.duplicates) expect(d.messageIds).toHaveLength(1);
}, 180_000);
