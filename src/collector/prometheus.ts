/**
 * O4: the data center's own monitoring as the source of daily utilisation. Reads servers'
 * GPU utilisation per Seoul day from Prometheus' HTTP API (query_range, one step per day),
 * from the NVIDIA DCGM exporter's DCGM_FI_DEV_GPU_UTIL (0–100 per GPU).
 */
import { addDays, compareDates, endOfDayKst, type IsoDate } from '../domain';

export interface PrometheusSource {
  /** Base URL of Prometheus, e.g. http://prometheus:9090 (PROMETHEUS_URL). */
  url: string;
  /**
   * PromQL giving utilisation over the day that ends at the evaluation time. `$label` is
   * the label that carries the server name; either `$servers` (a regex alternation of many
   * servers: one query for a batch) or `$server` (one server per query). Result series are
   * grouped by `$label` and averaged per server and day (one series per GPU, or one already
   * averaged by the query).
   */
  query: string;
  /** The label whose value is the server's name (the exporter's `instance`, PROMETHEUS_SERVER_LABEL). */
  label: string;
  /** Per HTTP request. */
  timeoutMs: number;
}

/**
 * One query for up to PROMETHEUS_BATCH_SIZE servers: Prometheus averages each server's GPUs
 * (`avg by`). The bench measured one query per server ~9× slower for 2,000 servers.
 */
export const DEFAULT_UTILISATION_QUERY = 'avg by ($label) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{$label=~"$servers"}[1d]))';

/** Whether the query reads many servers at once (`$servers`) or one (`$server`). */
export const batchedQuery = (query: string) => query.includes('$servers');

/** A PromQL double-quoted string's content: backslashes and quotes escaped, no line breaks. */
const promqlString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** RE2 metacharacters escaped: a server name matches itself only. */
const regexLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function utilisationQueryFor(source: Pick<PrometheusSource, 'query' | 'label'>, servers: readonly string[]): string {
  return source.query
    .replace(/\$label/g, source.label)
    .replace(/\$servers/g, () => promqlString(servers.map(regexLiteral).join('|')))
    .replace(/\$server/g, () => promqlString(servers[0] ?? ''));
}

/**
 * T1: a Seoul day is read at its last millisecond (23:59:59.999 KST), in Prometheus'
 * seconds: a `[1d]` range then holds that day's samples only, not the next day's first.
 */
export const dayEndSeconds = (d: IsoDate) => endOfDayKst(d) / 1000;

interface RangeResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
}

async function queryRange(source: PrometheusSource, servers: readonly string[], first: IsoDate, last: IsoDate) {
  const params = new URLSearchParams({
    query: utilisationQueryFor(source, servers),
    start: String(dayEndSeconds(first)),
    end: String(dayEndSeconds(last)),
    step: '86400',
  });
  const res = await fetch(`${source.url.replace(/\/$/, '')}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
    signal: AbortSignal.timeout(source.timeoutMs),
  });
  const body = (await res.json().catch(() => ({}))) as RangeResponse;
  if (!res.ok || body.status !== 'success' || !body.data) {
    // Server names are operations identifiers, not personal data (S3).
    throw new Error(`O4: Prometheus query for ${servers.length} server(s) from ${servers[0]} failed: HTTP ${res.status} ${body.error ?? ''}`.trim());
  }
  return body.data.result;
}

/**
 * Each server's mean utilisation on each day from `first` to `last` (inclusive) that has
 * data: series averaged per server and day. Days without data are absent from a server's
 * map; a server without any data has an empty map. One query for all (`$servers`) or
 * one per server (`$server`).
 */
export async function serversDailyUtilisation(
  source: PrometheusSource,
  servers: readonly string[],
  first: IsoDate,
  last: IsoDate,
): Promise<Map<string, Map<IsoDate, number>>> {
  const sums = new Map<string, Map<number, { sum: number; n: number }>>(servers.map((s) => [s, new Map()]));
  const add = (server: string | undefined, result: Awaited<ReturnType<typeof queryRange>>) => {
    for (const series of result) {
      const byTime = sums.get(server ?? series.metric[source.label] ?? '');
      if (!byTime) continue; // a series of another server (a regex the names did not pin down)
      for (const [t, v] of series.values) {
        const value = Number(v);
        if (!Number.isFinite(value)) continue;
        const ms = Math.round(t * 1000); // keyed by the millisecond: no float comparison
        const s = byTime.get(ms) ?? { sum: 0, n: 0 };
        s.sum += value;
        s.n += 1;
        byTime.set(ms, s);
      }
    }
  };
  if (batchedQuery(source.query)) add(undefined, await queryRange(source, servers, first, last));
  else for (const s of servers) add(s, await queryRange(source, [s], first, last));
  const out = new Map<string, Map<IsoDate, number>>();
  for (const [server, byTime] of sums) {
    const days = new Map<IsoDate, number>();
    for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) {
      const s = byTime.get(endOfDayKst(d));
      if (s) days.set(d, s.sum / s.n);
    }
    out.set(server, days);
  }
  return out;
}

/** One server's days (the live check, tools). */
export async function serverDailyUtilisation(source: PrometheusSource, server: string, first: IsoDate, last: IsoDate) {
  return (await serversDailyUtilisation(source, [server], first, last)).get(server)!;
}
