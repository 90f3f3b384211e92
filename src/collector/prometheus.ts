/**
 * O4: the data center's own monitoring as the source of daily utilisation. Reads one
 * server's GPU utilisation per Seoul day from Prometheus' HTTP API (query_range, one step
 * per day), from the NVIDIA DCGM exporter's DCGM_FI_DEV_GPU_UTIL (0–100 per GPU).
 */
import { addDays, compareDates, endOfDayKst, type IsoDate } from '../domain';

export interface PrometheusSource {
  /** Base URL of Prometheus, e.g. http://prometheus:9090 (PROMETHEUS_URL). */
  url: string;
  /**
   * PromQL giving a server's utilisation over the day that ends at the evaluation time;
   * `$server` is the server's name, `$label` the label that carries it. Several series
   * (one per GPU) are averaged per day.
   */
  query: string;
  /** The label whose value is the server's name (the exporter's `instance`, PROMETHEUS_SERVER_LABEL). */
  label: string;
  /** Per HTTP request. */
  timeoutMs: number;
}

export const DEFAULT_UTILISATION_QUERY = 'avg_over_time(DCGM_FI_DEV_GPU_UTIL{$label="$server"}[1d])';

/** A PromQL double-quoted string's content: backslashes and quotes escaped, no line breaks. */
const promqlString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function utilisationQueryFor(source: Pick<PrometheusSource, 'query' | 'label'>, server: string): string {
  return source.query.replace(/\$label/g, source.label).replace(/\$server/g, promqlString(server));
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

/**
 * The server's mean utilisation on each day from `first` to `last` (inclusive) that has
 * data: series (GPUs) averaged per day. Days without data are absent from the map.
 */
export async function serverDailyUtilisation(
  source: PrometheusSource,
  server: string,
  first: IsoDate,
  last: IsoDate,
): Promise<Map<IsoDate, number>> {
  const params = new URLSearchParams({
    query: utilisationQueryFor(source, server),
    start: String(dayEndSeconds(first)),
    end: String(dayEndSeconds(last)),
    step: '86400',
  });
  const url = `${source.url.replace(/\/$/, '')}/api/v1/query_range`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
    signal: AbortSignal.timeout(source.timeoutMs),
  });
  const body = (await res.json().catch(() => ({}))) as RangeResponse;
  if (!res.ok || body.status !== 'success' || !body.data) {
    // The server name is an operations identifier, not personal data (S3).
    throw new Error(`O4: Prometheus query for server ${server} failed: HTTP ${res.status} ${body.error ?? ''}`.trim());
  }
  const sums = new Map<number, { sum: number; n: number }>();
  for (const series of body.data.result) {
    for (const [t, v] of series.values) {
      const value = Number(v);
      if (!Number.isFinite(value)) continue;
      const ms = Math.round(t * 1000); // keyed by the millisecond: no float comparison
      const s = sums.get(ms) ?? { sum: 0, n: 0 };
      s.sum += value;
      s.n += 1;
      sums.set(ms, s);
    }
  }
  const out = new Map<IsoDate, number>();
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) {
    const s = sums.get(endOfDayKst(d));
    if (s) out.set(d, s.sum / s.n);
  }
  return out;
}
