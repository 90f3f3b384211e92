/**
 * O4: pulls the dedicated allocations' daily utilisation from Prometheus into
 * utilisation_samples, the table the monthly check judges from. Idempotent per
 * allocation and day: days that already have a sample are neither queried nor written.
 */
import { allocationDayMean, addDays, compareDates, maxDate, minDate, type IsoDate } from '../domain';
import type { Sql } from '../db';
import { allocationsToPull, insertPulledSamples, type AllocationToPull } from '../db/utilisation-pull';
import { batchedQuery, serversDailyUtilisation, type PrometheusSource } from './prometheus';

export interface CollectorSettings extends PrometheusSource {
  /** Queries in flight at once (PROMETHEUS_CONCURRENCY). */
  concurrency: number;
  /** Servers per query when the query takes `$servers` (PROMETHEUS_BATCH_SIZE). */
  batchSize: number;
  /** How many days back a daily run looks for days still without a sample (PROMETHEUS_LOOKBACK_DAYS). */
  lookbackDays: number;
}

export interface PullReport {
  from: IsoDate;
  through: IsoDate;
  allocations: number;
  /** Allocations with days to fill but no server recorded (allocated before the K1 inventory, or without server names). */
  withoutServers: number;
  queries: number;
  stored: number;
  /** Days asked for that Prometheus had no data for: left without a sample (missing, not 0). */
  missing: number;
}

/** The days of [from, through] within the allocation's support that still have no sample. */
function daysToFill(a: AllocationToPull, from: IsoDate, through: IsoDate): IsoDate[] {
  const first = maxDate(from, a.allocatedOn);
  const last = minDate(through, a.endsOn);
  const have = new Set(a.sampled);
  const out: IsoDate[] = [];
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) if (!have.has(d)) out.push(d);
  return out;
}

async function inParallel<T>(items: readonly T[], width: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

export async function pullUtilisation(
  sql: Sql,
  settings: CollectorSettings,
  window: { from: IsoDate; through: IsoDate; applicationId?: string },
  progress: () => void = () => undefined,
): Promise<PullReport> {
  const { from, through } = window;
  const allocations = await allocationsToPull(sql, window);
  const report: PullReport = { from, through, allocations: allocations.length, withoutServers: 0, queries: 0, stored: 0, missing: 0 };
  const work = allocations.map((a) => ({ a, days: daysToFill(a, from, through) })).filter((w) => w.days.length > 0);
  report.withoutServers = work.filter((w) => w.a.servers.length === 0).length;
  // Allocations in groups of at most batchSize servers, one query per group over the
  // days any of them needs (one allocation per group with a one-server query).
  const perQuery = batchedQuery(settings.query) ? Math.max(1, settings.batchSize) : 1;
  const groups: Array<typeof work> = [];
  let group: typeof work = [];
  let size = 0;
  for (const w of work.filter((x) => x.a.servers.length > 0)) {
    if (group.length > 0 && size + w.a.servers.length > perQuery) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(w);
    size += w.a.servers.length;
  }
  if (group.length > 0) groups.push(group);
  const rows: Array<{ application_id: string; day: string; mean_percent: number }> = [];
  await inParallel(groups, settings.concurrency, async (g) => {
    const first = g.map((w) => w.days[0]!).reduce((x, y) => minDate(x, y));
    const last = g.map((w) => w.days.at(-1)!).reduce((x, y) => maxDate(x, y));
    const servers = [...new Set(g.flatMap((w) => w.a.servers))];
    const got = await serversDailyUtilisation(settings, servers, first, last);
    report.queries += batchedQuery(settings.query) ? 1 : servers.length;
    for (const { a, days } of g) {
      for (const day of days) {
        const mean = allocationDayMean(a.servers.map((s) => got.get(s)?.get(day) ?? NaN));
        if (mean === null) report.missing += 1;
        else rows.push({ application_id: a.applicationId, day, mean_percent: mean });
      }
    }
    progress();
  });
  report.stored = await insertPulledSamples(sql, rows);
  return report;
}
