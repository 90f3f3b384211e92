import { z } from 'zod';
import type { CollectorSettings } from './collector/pull';
import { DEFAULT_UTILISATION_QUERY } from './collector/prometheus';
import { workerSettingsErrors, workerSettingsSchema } from './worker-settings';

/**
 * Configuration comes only from environment variables, validated once at start-up so a
 * bad value stops the process with a message naming the variable, never a crash later.
 * Unset DATABASE_URL / SMTP_HOST mean "use the embedded PostgreSQL / local inbox"
 * (only `npm start` and the tests start those; the worker and API just connect).
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  PORT: port.default(3000),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DOCUMENT_STORE_DIR: z.string().min(1).optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),

  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('aidc-lifecycle'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_PORT: port.default(8233),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EMBEDDED_POSTGRES_PORT: port.default(5433),

  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.default(1025),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).default('AI데이터센터 <no-reply@aidc.example>'),
  MAILDEV_WEB_PORT: port.default(1080),
  /** N: where the operators' notices (deadlines at risk, exclusion candidates, overdue close-outs) go. */
  OPERATIONS_EMAIL: z.string().email().default('operations@aidc.example'),

  /**
   * S6: public endpoints that send e-mail (sign-in request, draft creation and its
   * confirmation, confirmation resend) answer 429 past this many requests per address and
   * per client (IP) within the window.
   */
  EMAIL_RATE_PER_ADDRESS: z.coerce.number().int().positive().default(5),
  EMAIL_RATE_PER_CLIENT: z.coerce.number().int().positive().default(30),
  EMAIL_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  /** S6: how long an applicant stays signed in after opening a link. */
  APPLICANT_SESSION_HOURS: z.coerce.number().int().positive().max(24 * 30).default(12),
  /** The client of a request is the X-Forwarded-For hop the proxy set (express 'trust proxy'); off = the socket's address. */
  TRUST_PROXY: bool.default(false),
  /** A pre-built workflow bundle for the worker (tests restart workers; bundling takes seconds). */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /**
   * Issue 13: signals in flight at once when a batch tells its members (V2 batch assigned,
   * V5 results): enough to keep the server busy, few enough not to starve the other work.
   */
  FANOUT_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
  /**
   * Issue 13: the call and batch workflows continue as new past this many history events
   * (or when the server suggests it): well under 1,024, so a history replays fast. Set low
   * only to test it; new calls get it in their input.
   */
  WORKFLOW_HISTORY_BOUND: z.coerce.number().int().min(40).max(10_000).optional(),

  OPERATOR_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),

  /**
   * O4: the data center's Prometheus (e.g. http://prometheus:9090). Set: the worker pulls
   * each dedicated server's daily GPU utilisation from it (docs/OPERATIONS.md, "Utilisation
   * from Prometheus"). Unset: samples come only through the API (collector keys, CSV).
   */
  PROMETHEUS_URL: z.string().url().optional(),
  /** PromQL for servers' day, evaluated at 23:59:59.999 KST; `$servers` a regex of a batch's names (or `$server` one name), `$label` PROMETHEUS_SERVER_LABEL. */
  PROMETHEUS_UTILISATION_QUERY: z.string().min(1).default(DEFAULT_UTILISATION_QUERY),
  /** The label that carries the server name the operators give at allocation (the DCGM exporter's instance). */
  PROMETHEUS_SERVER_LABEL: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name').default('instance'),
  PROMETHEUS_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Queries in flight at once: Prometheus answers each in milliseconds; more only loads it. */
  PROMETHEUS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Servers per query when PROMETHEUS_UTILISATION_QUERY takes `$servers` (a regex alternation): one query per batch. */
  PROMETHEUS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** A daily run also fills earlier days still without a sample, this far back (a whole judged month and then some). */
  PROMETHEUS_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(400).default(35),
  /** The daily pull's time, KST (after 24:00 so the day is complete; the monthly check pulls its own month first anyway). */
  UTILISATION_COLLECTOR_AT_KST: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM').default('00:30'),
  /** /metrics: when set, scrapes must send `Authorization: Bearer <token>`; unset, /metrics is open (keep it off the public proxy). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The worker's capacity (src/worker-settings.ts; defaults and reasons in docs/OPERATIONS.md). */
  ...workerSettingsSchema.shape,
});

export type Config = z.infer<typeof configSchema>;

/** N2/N3: the base of every link a notice carries (PUBLIC_URL, or the local API). */
export const publicUrlOf = (c: Pick<Config, 'PUBLIC_URL' | 'PORT'>) => (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, '');

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH: set both or neither',
    );
  }
  const worker = workerSettingsErrors(c);
  if (worker.length) throw new ConfigError(`Invalid configuration:\n${worker.join('\n')}`);
  return c;
}

/** For entry points: a bad configuration prints the variables at fault and exits 1, no stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** O4: the collector's settings, or undefined when no Prometheus is configured. */
export function collectorSettingsOf(c: Config): CollectorSettings | undefined {
  if (!c.PROMETHEUS_URL) return undefined;
  return {
    url: c.PROMETHEUS_URL,
    query: c.PROMETHEUS_UTILISATION_QUERY,
    label: c.PROMETHEUS_SERVER_LABEL,
    timeoutMs: c.PROMETHEUS_TIMEOUT_MS,
    concurrency: c.PROMETHEUS_CONCURRENCY,
    batchSize: c.PROMETHEUS_BATCH_SIZE,
    lookbackDays: c.PROMETHEUS_LOOKBACK_DAYS,
  };
}
