import path from 'node:path';
import { startTestApp, type TestApp } from '../support/app';
import { auditNotices, driveIntakeAndEvaluation, killAtRandom, seededRandom, WorkerProcess } from '../support/notice-chaos';
import { testServices } from '../support/services';

/**
 * N: each notice exactly once even when the worker dies. The worker runs as its own process
 * (node dist/worker.js, configured by environment) on the dev server, and is SIGKILLed at
 * seeded random moments while ten applications go through intake (receipt, supplement,
 * ineligibility) and evaluation (batch assignment, scores, selection, results) over the
 * API, then started again each time. No notice may be missing, no transition lost, and a
 * duplicate (the one window left: SMTP accepted, killed before the outbox marked it sent)
 * must carry the same Message-ID as its original, so a receiver that dedupes drops it.
 */
const SEED = 9_2026;
let app: TestApp;
let worker: WorkerProcess;

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  worker = new WorkerProcess(app, path.join(testServices().tempDir, `worker-sigkill-${app.config.TEMPORAL_TASK_QUEUE}.log`));
  worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await app?.close();
});

test('N: SIGKILLs of the worker at random moments during intake and evaluation of 10 applications lose no notice and no transition; duplicates share their Message-ID', async () => {
  const random = seededRandom(SEED);
  const started = Date.now();
  const chaos = killAtRandom(worker, random, { count: 6, minMs: 1500, maxMs: 7000 });
  let drive: Awaited<ReturnType<typeof driveIntakeAndEvaluation>>;
  try {
    drive = await driveIntakeAndEvaluation(app, { applications: 10, random, timeoutMs: 60_000 });
  } finally {
    await chaos.stop();
  }
  const audit = await auditNotices(app, drive.apps, { timeoutMs: 60_000 });
  const dupes = audit.duplicates.reduce((n, d) => n + d.copies - 1, 0);
  process.stdout.write(
    `[N] ${chaos.kills} SIGKILLs, ${audit.notices} notices expected, ${audit.missing.length} missing, ${dupes} duplicate(s) ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
  expect(chaos.kills).toBeGreaterThanOrEqual(3);
  expect(audit.notices).toBeGreaterThanOrEqual(30);
  expect(audit.missing).toEqual([]);
  expect(audit.unexpected).toEqual([]);
  expect(audit.wrongStatus).toEqual([]);
  for (const d of audit.duplicates) expect(d.messageIds).toHaveLength(1);
}, 180_000);
