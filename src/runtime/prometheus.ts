/**
 * A real Prometheus for tests and benches (Debian's `prometheus` package: /usr/bin/prometheus
 * and promtool), on its own TSDB directory and port. History that cannot be waited for is
 * backfilled with `promtool tsdb create-blocks-from openmetrics` before the server starts.
 */
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tail, waitForExit } from './processes';

const run = promisify(execFile);

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

export const prometheusBinary = () => process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const promtoolBinary = () => process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** OpenMetrics text of gauge samples (timestamps in ms), one family, each series in time order. */
export function openMetricsGauge(
  name: string,
  series: Array<{ labels: Record<string, string>; samples: Array<[number, number]> }>,
): string {
  const lines = [`# TYPE ${name} gauge`];
  for (const s of series) {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
    for (const [t, v] of s.samples) lines.push(`${name}{${labels}} ${v} ${(t / 1000).toFixed(3)}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** Writes `text` (OpenMetrics, ending in `# EOF`) as TSDB blocks into `tsdbDir`. */
export async function backfill(tsdbDir: string, text: string): Promise<void> {
  const file = path.join(path.dirname(tsdbDir), `${path.basename(tsdbDir)}-backfill.om`);
  writeFileSync(file, text);
  await backfillFile(tsdbDir, file);
}

/** The same from an OpenMetrics file (large backfills are written as a stream). */
export async function backfillFile(tsdbDir: string, file: string): Promise<void> {
  mkdirSync(tsdbDir, { recursive: true });
  // Blocks of up to 31 days: fewer, larger blocks load faster than promtool's default 2 h ones.
  await run(promtoolBinary(), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=744h', file, tsdbDir], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * Starts Prometheus on `tsdbDir` scraping `scrapeTargets` (host:port, path /metrics) every
 * second, labels as the targets give them (honor_labels: the fake exporter names each
 * server's instance). Retention is long: backfilled days may lie far from the wall clock.
 */
export async function startPrometheus(opts: {
  tsdbDir: string;
  port: number;
  scrapeTargets?: string[];
  job?: string;
}): Promise<RunningPrometheus> {
  mkdirSync(opts.tsdbDir, { recursive: true });
  const dir = path.dirname(opts.tsdbDir);
  const configFile = path.join(dir, 'prometheus.yml');
  const targets = opts.scrapeTargets ?? [];
  writeFileSync(configFile, [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1m',
    'scrape_configs:',
    ...(targets.length
      ? [`  - job_name: ${opts.job ?? 'dcgm'}`, '    honor_labels: true', '    static_configs:', `      - targets: [${targets.map((t) => `"${t}"`).join(', ')}]`]
      : []),
    '',
  ].join('\n'));
  const logFile = path.join(dir, 'prometheus.log');
  const log = createWriteStream(logFile);
  const child = spawn(prometheusBinary(), [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${opts.tsdbDir}`,
    `--web.listen-address=127.0.0.1:${opts.port}`,
    '--storage.tsdb.retention.time=20y',
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child.pid, 15_000))) child.kill('SIGKILL');
    }
    log.end();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${tail(logFile)}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 60 s: ${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
