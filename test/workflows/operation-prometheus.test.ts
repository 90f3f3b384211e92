import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { serverDailyUtilisation } from '../../src/collector/prometheus';
import { collectorSettingsOf } from '../../src/config';
import { addDays, firstDayOfNextMonth, kstDateOf, lastDayOfMonth, monthOf, setupEndDate, startOfDayKst, type IsoDate } from '../../src/domain';
import { freePort } from '../../src/runtime/ports';
import { backfill, openMetricsGauge, startPrometheus, type RunningPrometheus } from '../../src/runtime/prometheus';
import { startFakeDcgmExporter, type FakeDcgmExporter } from '../support/dcgm-exporter';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, eventually } from '../support/lifecycle';
import { advanceTo, days, HOUR, postSamples, selected, type Allocated } from './operation-support';

/**
 * O4 with the data center's own monitoring: a real Prometheus (Debian's package) holds the
 * DCGM exporter's DCGM_FI_DEV_GPU_UTIL per GPU; the collector pulls each dedicated server's
 * Seoul day into the samples the monthly check judges. History is backfilled with promtool
 * (days cannot be waited for); the live path (exporter → scrape → instance label → query)
 * is shown with a fake exporter Prometheus scrapes every second.
 *   A dedicated H100, server h100-a01, 2 GPUs at 5 % and 15 % every day → mean 10 → LOW, warned
 *   B dedicated T4 (one server, K1), t4-b01's two GPUs at 40 % and 20 %, silent on three chosen days → OK 30, 3 days missing
 *   C shared BOW ×4 → never pulled (K2)
 */
let app: TestApp;
let prom: RunningPrometheus;
let exporter: FakeDcgmExporter;
let work: string;
let d0: IsoDate; // allocation day
let m1: string; // the judged month
const silent = (d: IsoDate) => ['-20', '-21', '-22'].some((s) => d.endsWith(s));
const apps: Record<'A' | 'B' | 'C', Allocated> = {} as never;

/** Every 30 minutes of every day from `from` to `to`, at `percent`. */
function halfHourly(from: IsoDate, to: IsoDate, percent: number, skip: (d: IsoDate) => boolean = () => false): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const d of days(from, to)) {
    if (skip(d)) continue;
    for (let t = startOfDayKst(d); t < startOfDayKst(addDays(d, 1)); t += HOUR / 2) out.push([t, percent]);
  }
  return out;
}

async function allocate(a: Allocated, servers?: string[]) {
  const res = await app.api.post(`/applications/${a.id}/allocation`, servers ? { servers } : {}, app.operatorKey);
  if (res.status !== 201) throw new Error(`allocation: ${res.status} ${JSON.stringify(res.body)}`);
}

const samplesOf = async (id: string, month: string) =>
  (await app.api.get(`/applications/${id}/utilisation?month=${month}`, app.operatorKey)).body as {
    samples: Array<{ day: string; meanPercent: number }>;
    months: Array<{ month: string; verdict: string; mean: number; daysCounted: number; daysMissing: number }>;
  };

/**
 * The collector workflow as the Schedule starts it. Through a plain client on the test
 * server's connection: the time-skipping client would skip time while awaiting the result,
 * straight to the applications' next timers (the monthly check).
 */
const runCollector = () =>
  new Client({ connection: app.env!.connection }).workflow.execute('utilisationCollectorWorkflow', {
    taskQueue: app.config.TEMPORAL_TASK_QUEUE,
    workflowId: `utilisation-collector-test-${Math.random().toString(36).slice(2)}`,
    args: [{}],
  }) as Promise<{ configured: boolean; stored: number; missing: number; queries: number; withoutServers: number; through: string }>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'aidc-prom-'));
  const port = await freePort();
  app = await startTestApp({ timeSkipping: true, config: { PROMETHEUS_URL: `http://127.0.0.1:${port}` } });
  // T3: a chosen date under time skipping (3 January of next year), as in operation-monthly.
  d0 = `${Number(app.today().slice(0, 4)) + 1}-01-03`;
  m1 = monthOf(d0);
  const last = lastDayOfMonth(d0);
  const series = (instance: string, gpu: string, percent: number, skip?: (d: IsoDate) => boolean) => ({
    labels: { gpu, instance, job: 'dcgm', modelName: 'NVIDIA H100 80GB HBM3' },
    samples: halfHourly(d0, last, percent, skip),
  });
  await backfill(path.join(work, 'tsdb'), openMetricsGauge('DCGM_FI_DEV_GPU_UTIL', [
    series('h100-a01', '0', 5),
    series('h100-a01', '1', 15),
    series('t4-b01', '0', 40, silent),
    series('t4-b01', '1', 20, silent),
    series('bow-c01', '0', 90), // K2: a shared card's exporter is there, but the pool is not judged
  ]));
  prom = await startPrometheus({ tsdbDir: path.join(work, 'tsdb'), port });

  await advanceTo(app, startOfDayKst(d0) + 10 * HOUR);
  const callId = await createCall(app, { supportEndsOn: addDays(d0, 300), capacity: { T4: 10, H100: 10, BOW: 64 } });
  apps.A = await selected(app, callId, 'H100', 1);
  apps.B = await selected(app, callId, 'T4', 1);
  apps.C = await selected(app, callId, 'BOW', 4);
  await allocate(apps.A, ['h100-a01']);
  await allocate(apps.B, ['t4-b01']);
  await allocate(apps.C); // K2: cards, no servers
}, 240_000);

afterAll(async () => {
  await app?.close();
  await prom?.stop();
  await exporter?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('O4: the live path: Prometheus scrapes the DCGM exporter and the query averages a server\'s GPUs', async () => {
  // Its own Prometheus: the one above holds backfilled days after the wall clock (time
  // skipping), and a TSDB refuses scraped samples older than its newest block.
  exporter = await startFakeDcgmExporter();
  exporter.set('h100-live', 0, 60);
  exporter.set('h100-live', 1, 80);
  const live = await startPrometheus({ tsdbDir: path.join(work, 'live', 'tsdb'), port: await freePort(), scrapeTargets: [exporter.target] });
  const settings = { ...collectorSettingsOf(app.config)!, url: live.url };
  // T1: today in Seoul, through the rule; the scrape lands at the wall clock's now.
  const today = kstDateOf(Date.now());
  const got = await eventually(() => serverDailyUtilisation(settings, 'h100-live', today, today), (m) => m.size === 1, 20_000);
  expect(exporter.scrapes()).toBeGreaterThan(0);
  // The same with a one-server query ($server): the GPUs' series are averaged by the collector.
  const one = await serverDailyUtilisation({ ...settings, query: 'avg_over_time(DCGM_FI_DEV_GPU_UTIL{$label="$server"}[1d])' }, 'h100-live', today, today);
  await live.stop();
  expect(got.get(today)).toBeCloseTo(70, 5);
  expect(one.get(today)).toBeCloseTo(70, 5);
});

test('O4: the daily collector (a Temporal workflow) pulls each dedicated server\'s days into the samples; a re-run writes nothing', async () => {
  await advanceTo(app, startOfDayKst(addDays(d0, 22)) + HOUR); // the 25th
  await postSamples(app, apps.A.id, [addDays(d0, 2)], 50); // an operator's correction the collector must keep
  const first = await runCollector();
  expect(first).toEqual(expect.objectContaining({ configured: true, through: addDays(d0, 21), withoutServers: 0 }));
  // A: d0..24th (22 days, one posted); B: the same days but the three silent ones.
  expect(first.stored).toBe(21 + 19);
  expect(first.missing).toBe(3);
  const a = await samplesOf(apps.A.id, m1);
  expect(a.samples).toHaveLength(22);
  expect(a.samples.find((s) => s.day === addDays(d0, 2))!.meanPercent).toBe(50);
  expect(a.samples.filter((s) => s.day !== addDays(d0, 2)).every((s) => s.meanPercent === 10)).toBe(true);
  const b = await samplesOf(apps.B.id, m1);
  expect(b.samples.map((s) => s.day)).toEqual(days(d0, addDays(d0, 21)).filter((d) => !silent(d)));
  expect(b.samples.every((s) => s.meanPercent === 30)).toBe(true);
  expect((await samplesOf(apps.C.id, m1)).samples).toEqual([]); // K2

  const again = await runCollector();
  expect(again).toEqual(expect.objectContaining({ stored: 0, missing: 3 }));
  expect((await samplesOf(apps.A.id, m1)).samples).toEqual(a.samples);
});

test('O4/I1: the monthly check pulls the rest of its month and judges it: A LOW and warned, B OK with the silent days missing, C not judged (K2)', async () => {
  const checkOn = firstDayOfNextMonth(d0);
  await advanceTo(app, startOfDayKst(checkOn) + HOUR);
  const counted = days(addDays(setupEndDate(d0), 1), lastDayOfMonth(d0));
  const a = await eventually(() => samplesOf(apps.A.id, m1), (v) => v.months.length > 0, 30_000);
  expect(a.months).toEqual([expect.objectContaining({ month: m1, verdict: 'LOW', mean: 10, daysCounted: counted.length, daysMissing: 0 })]);
  expect(a.samples.map((s) => s.day)).toContain(lastDayOfMonth(d0)); // pulled by the check itself, at 00:00 KST
  const b = await eventually(() => samplesOf(apps.B.id, m1), (v) => v.months.length > 0, 30_000);
  expect(b.months).toEqual([expect.objectContaining({ month: m1, verdict: 'OK', mean: 30, daysCounted: counted.length - 3, daysMissing: 3 })]);
  const warnings = async (email: string) => (await app.mailTo(email)).filter((x) => /가속기 활용률 (저조|미사용) 안내/.test(x.subject));
  const warned = await eventually(() => warnings(apps.A.email), (m) => m.length > 0, 20_000);
  expect(warned).toHaveLength(1);
  expect(warned[0]!.subject).toContain(m1);
  expect(warned[0]!.subject).toContain('저조');
  expect(await warnings(apps.B.email)).toHaveLength(0);
  const c = await samplesOf(apps.C.id, m1);
  expect(c.samples).toEqual([]);
  expect(c.months).toEqual([]);
});
