/**
 * Time to first paint of the console's today's work (H4) with 1,000 applications in a call.
 *
 *   npm run build && node dist/bench/console-first-paint.js [applications=1000] [loads=7]
 *
 * Starts its own PostgreSQL and Temporal dev server, the real API (which serves the
 * console), and Debian's chromium through playwright-core. What is set up directly, and
 * why: the applications, batches, scores, judged months, quarterly reviews and close-outs
 * are rows inserted in the fresh database — today's work reads exactly those rows (the
 * mirror the workflows keep), so thousands of workflows would measure the worker, not the
 * page. The mix puts every kind of work on the page: documents to review, supplements,
 * a batch at risk, a batch to select, selections to allocate, setups ending, exclusion
 * candidates, quarterly decisions, close-outs to accept and overdue ones.
 * The operator signs in through the console's form; each load is a fresh navigation to
 * /console/today, timed by the browser (first-contentful-paint). Figures only.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureTemporalCli } from '../scripts/tools';
import { loadConfig } from '../src/config';
import { addDays, kstDateOf } from '../src/domain';
import { startDevServer } from '../src/runtime/dev-server';
import { startEmbeddedPostgres } from '../src/runtime/embedded-postgres';
import { freePort } from '../src/runtime/ports';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS } from '../test/support/browser';
import { draftBody } from '../test/support/fixtures';
import { startApiOn } from './stack';

const APPLICATIONS = Number(process.argv[2] ?? 1000);
const LOADS = Number(process.argv[3] ?? 7);

const ms = (x: number) => `${x.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The status mix of the call, as shares of the applications. */
const MIX: Array<[string, number]> = [
  ['UNDER_REVIEW', 0.12], ['SUPPLEMENT_REQUESTED', 0.05], ['IN_EVALUATION', 0.2], ['SELECTED', 0.08], ['WAITLISTED', 0.05],
  ['ALLOCATED', 0.08], ['IN_OPERATION', 0.27], ['CLOSE_OUT', 0.1], ['NOT_SELECTED', 0.05],
];

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'aidc-bench-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  const stops: Array<() => Promise<void>> = [];
  try {
    console.log(`console first-paint bench: ${APPLICATIONS} applications, ${LOADS} loads of /console/today (services in ${dir})`);
    const [pg, dev] = await Promise.all([
      freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })),
      (async () => {
        const [port, uiPort] = [await freePort(), await freePort()];
        return startDevServer({ cliPath: await ensureTemporalCli(), dbFile: path.join(dir, 'temporal.db'), port, uiPort, namespace: 'default', headless: true });
      })(),
    ]);
    stops.push(() => dev.stop(), () => pg.stop());
    const config = loadConfig({ DATABASE_URL: pg.url, TEMPORAL_ADDRESS: dev.address, TEMPORAL_TASK_QUEUE: 'bench-console', DATA_DIR: dir });
    const { sql, operatorKey, client, api } = await startApiOn(config, pg.url, stops, 10);

    // ---- the call and its rows ----
    let t = Date.now();
    const today = kstDateOf(Date.now());
    const callId = `bench-${randomBytes(3).toString('hex')}`;
    await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
              values (${callId}, '성능 측정 공고', ${addDays(today, -200)}, ${addDays(today, 200)},
                      ${sql.json({ T4: 120, H100: 60, BOW: 512, extraStorageTb: 100 })},
                      ${sql.json({ supplementDays: 7, minEvaluators: 5, utilisationNonePercent: 1, utilisationLowPercent: 20 })})`;
    const atRisk = `${callId}-risk`;
    const ready = `${callId}-ready`;
    await sql`insert into batches (id, call_id, cutoff, closed_at, created_by) values
      (${atRisk}, ${callId}, ${addDays(today, -12)}, now(), 'bench'), (${ready}, ${callId}, ${addDays(today, -5)}, now(), 'bench')`;
    const evaluators = Array.from({ length: 5 }, (_, i) => ({ id: randomBytes(6).toString('hex'), role: 'EVALUATOR', name: `평가위원 ${i + 1}`, secret_hash: 'bench' }));
    await sql`insert into api_keys ${sql(evaluators)}`;

    const statuses: string[] = [];
    for (const [status, share] of MIX) for (let i = 0; i < Math.round(share * APPLICATIONS); i++) statuses.push(status);
    while (statuses.length < APPLICATIONS) statuses.push('UNDER_REVIEW');
    const content = draftBody();
    const apps = statuses.slice(0, APPLICATIONS).map((status, i) => {
      const id = `B${String(i).padStart(9, '0')}`;
      const deadlines: Record<string, string> = { supportEnd: addDays(today, 200), reportDue: addDays(today, 230), dataSharingDue: addDays(today, 230) };
      if (status === 'SUPPLEMENT_REQUESTED') deadlines.supplementDue = addDays(today, (i % 9) - 2);
      if (status === 'ALLOCATED') deadlines.setupEnd = addDays(today, i % 14);
      if (status === 'IN_OPERATION') deadlines.nextQuarterlyReview = addDays(today, 20 + (i % 30));
      const inBatch = status === 'IN_EVALUATION' ? (i % 2 ? atRisk : ready) : ['SELECTED', 'WAITLISTED', 'NOT_SELECTED'].includes(status) ? ready : null;
      return {
        id, call_id: callId, status, brn: `${1000000000 + i}`, organisation_name: `주식회사 벤치 ${i}`, title: `벤치마크 과제 ${i}`,
        pool: 'DEDICATED', accelerator_type: i % 3 ? 'T4' : 'H100', units: 1, priority: i % 10 === 0, content: sql.json(content as never),
        token_hash: 'bench', submitted_at: new Date(Date.now() - (i % 60) * 86_400_000), deadlines: sql.json(deadlines), batch_id: inBatch,
        granted_type: ['SELECTED', 'WAITLISTED', 'ALLOCATED', 'IN_OPERATION', 'CLOSE_OUT'].includes(status) ? (i % 3 ? 'T4' : 'H100') : null,
        granted_units: ['SELECTED', 'WAITLISTED', 'ALLOCATED', 'IN_OPERATION', 'CLOSE_OUT'].includes(status) ? 1 : null,
      };
    });
    for (let i = 0; i < apps.length; i += 500) await sql`insert into applications ${sql(apps.slice(i, i + 500))}`;
    // I4: the "ready" batch fully scored, the "at risk" one scored by two of five.
    const scores = { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 };
    const evaluations = apps.filter((a) => a.status === 'IN_EVALUATION').flatMap((a) =>
      evaluators.slice(0, a.batch_id === ready ? 5 : 2).map((e) => ({ application_id: a.id, evaluator_id: e.id, scores: sql.json(scores) })));
    for (let i = 0; i < evaluations.length; i += 1000) await sql`insert into evaluations ${sql(evaluations.slice(i, i + 1000))}`;
    const running = apps.filter((a) => a.status === 'IN_OPERATION');
    const lastMonth = addDays(today.slice(0, 8) + '01', -1).slice(0, 7);
    await sql`insert into utilisation_months ${sql(running.map((a, i) => ({
      application_id: a.id, month: lastMonth, verdict: i % 8 === 0 ? 'NONE' : 'OK', mean_percent: i % 8 === 0 ? 0.2 : 55, days_counted: 28, days_missing: 0, judged_on: today,
    })))}`;
    await sql`insert into quarterly_reviews ${sql(running.filter((_, i) => i % 3 === 0).map((a) => ({
      application_id: a.id, call_id: callId, review_date: addDays(today, -5), due_on: addDays(today, 9), resource: sql.json({ type: a.granted_type, units: 1 }),
    })))}`;
    const closing = apps.filter((a) => a.status === 'CLOSE_OUT');
    await sql`insert into close_outs ${sql(closing.map((a, i) => ({
      application_id: a.id, call_id: callId, version: 1, report_due: addDays(today, (i % 20) - 10), data_sharing_due: addDays(today, (i % 20) - 10),
      report_status: i % 4 === 0 ? 'SUBMITTED' : 'DUE', data_sharing_status: i % 5 === 0 ? 'SUBMITTED' : 'DUE', view: sql.json({}),
    })))}`;
    console.log(`  rows inserted in ${Date.now() - t} ms`);

    // ---- the JSON behind the page, alone ----
    const jsonTimes: number[] = [];
    let count = 0;
    for (let i = 0; i < LOADS; i++) {
      t = performance.now();
      const res = await fetch(new URL('/work/today', api.url), { headers: { authorization: `Bearer ${operatorKey}` } });
      count = ((await res.json()) as { items: unknown[] }).items.length;
      jsonTimes.push(performance.now() - t);
    }

    // ---- the page in chromium ----
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    stops.unshift(() => browser.close());
    const page = await (await browser.newContext({ locale: 'ko-KR', viewport: { width: 1360, height: 900 } })).newPage();
    await page.goto(`${api.url}/console/login`);
    await page.getByTestId('api-key').fill(operatorKey);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(/\/console\/today/);
    const paints: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      await page.goto(`${api.url}/console/today`, { waitUntil: 'load' });
      // The paint entry is recorded once the frame is presented: wait for it (buffered observer).
      const m = JSON.parse(
        (await page.evaluate(`new Promise((ok) => new PerformanceObserver((list, obs) => {
          const e = list.getEntriesByName('first-contentful-paint')[0];
          if (e) { obs.disconnect(); ok(e.startTime); }
        }).observe({ type: 'paint', buffered: true })).then((fcp) => JSON.stringify({
          fcp,
          load: performance.getEntriesByType('navigation')[0].loadEventEnd,
          rows: document.querySelectorAll('[data-testid=today-work] tbody tr').length }))`)) as string,
      ) as { fcp: number; load: number; rows: number };
      if (m.rows !== count) throw new Error(`the page shows ${m.rows} rows, the API ${count}`);
      paints.push(m.fcp);
      loads.push(m.load);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-today-1000.png') }); // the first screenful
    const warm = (xs: number[]) => xs.slice(1); // the first load also warms the server's caches
    console.log(`  today's work: ${count} items for ${APPLICATIONS} applications`);
    console.log(`  GET /work/today (JSON):        median ${ms(median(warm(jsonTimes)))} (first ${ms(jsonTimes[0]!)})`);
    console.log(`  /console/today first paint:     median ${ms(median(warm(paints)))} (first ${ms(paints[0]!)}, min ${ms(Math.min(...paints))}, max ${ms(Math.max(...paints))})`);
    console.log(`  /console/today load event end:  median ${ms(median(warm(loads)))}`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
