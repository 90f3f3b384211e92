/**
 * N under SIGKILL at scale: the same run as test/api/notices-sigkill.test.ts with ~200
 * notices. The worker runs as its own process (node dist/worker.js) on a Temporal dev
 * server, real PostgreSQL and MailDev (started here as the tests' global setup starts
 * them), and is SIGKILLed at seeded random moments while ~64 applications go through
 * intake and evaluation over the API. Prints the SIGKILLs, the notices expected, missing
 * and unexpected ones, lost transitions, and the duplicate rate (count and %), with
 * whether every duplicate carried its original's Message-ID.
 *
 *   npm run build && node dist/bench/notices-sigkill.js [applications=64] [kills=20] [seed=20261201]
 */
import path from 'node:path';
import globalSetup from '../test/setup/global-setup';
import globalTeardown from '../test/setup/global-teardown';
import { startTestApp } from '../test/support/app';
import { auditNotices, driveIntakeAndEvaluation, killAtRandom, killMidSend, seededRandom, WorkerProcess } from '../test/support/notice-chaos';
import { testServices } from '../test/support/services';
import { startSmtpTap } from '../test/support/smtp-fault';

async function main() {
  const [applications = 64, kills = 20, seed = 20261201] = process.argv.slice(2).map(Number);
  await globalSetup();
  // As in the test: a tap before the inbox also kills the worker mid-send and right after acceptance.
  let aimed: ReturnType<typeof killMidSend> | undefined;
  const { smtpHost, smtpPort } = testServices();
  const tap = await startSmtpTap({ host: smtpHost, port: smtpPort }, (moment, n) => aimed?.onMoment(moment, n));
  const app = await startTestApp({ worker: false, smtp: tap });
  const logFile = path.join(testServices().tempDir, 'worker-bench.log');
  const worker = new WorkerProcess(app, logFile);
  const random = seededRandom(seed);
  aimed = killMidSend(worker, random, { midSend: 4, accepted: 2, withinSessions: 150 });
  const say = (s: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}\n`);
  const t0 = Date.now();
  try {
    worker.start();
    const chaos = killAtRandom(worker, random, { count: kills, minMs: 2000, maxMs: 8000 });
    let drive;
    try {
      drive = await driveIntakeAndEvaluation(app, { applications, random, timeoutMs: 180_000, log: say });
    } finally {
      await chaos.stop();
    }
    say(`drive done; ${worker.kills} SIGKILLs; waiting for every notice`);
    const audit = await auditNotices(app, drive.apps, { timeoutMs: 180_000 });
    const copies = audit.duplicates.reduce((n, d) => n + d.copies - 1, 0);
    const sameId = audit.duplicates.every((d) => d.messageIds.length === 1);
    const lines = [
      `applications            ${applications} (seed ${seed})`,
      `SIGKILLs                ${worker.kills} (${chaos.kills} at random moments, ${aimed.kills} mid-send or just after acceptance; worker started ${worker.starts} times)`,
      `notices expected        ${audit.notices}`,
      `missing                 ${audit.missing.length}${audit.missing.length ? ` ${JSON.stringify(audit.missing.slice(0, 5))}` : ''}`,
      `unexpected              ${audit.unexpected.length}`,
      `transitions lost        ${audit.wrongStatus.length}${audit.wrongStatus.length ? ` ${JSON.stringify(audit.wrongStatus.slice(0, 5))}` : ''}`,
      `duplicates              ${copies} (${((100 * copies) / audit.notices).toFixed(2)} % of notices)` +
        `${copies ? `, every one with its original's Message-ID: ${sameId ? 'yes' : 'NO'}` : ''}`,
      `elapsed                 ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    ];
    process.stdout.write(`\nN: exactly once under SIGKILL\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    if (audit.missing.length || audit.wrongStatus.length || !sameId) process.exitCode = 1;
  } finally {
    await worker.stop();
    await app.close();
    await tap.stop();
    await globalTeardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
