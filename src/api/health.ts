import type { Client } from '@temporalio/client';
import type { Sql } from '../db';

/**
 * Readiness of the API's two dependencies (/readyz, /healthz). Each check is bounded: a
 * dependency that does not answer within 2 s is "down", so the probe answers in about 2 s
 * instead of waiting for the Temporal client's connect timeout and gRPC retries (19.9 s
 * measured with Temporal down) or PostgreSQL's 30 s connect timeout.
 */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

export type CheckResult = 'ok' | `down: ${string}`;

/**
 * Runs `f` with an AbortSignal and answers its result, or throws once `ms` have passed
 * (aborting the signal, so a gRPC call is cancelled rather than left retrying).
 */
export async function withTimeout<T>(ms: number, what: string, f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([f(abort.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(what: string, f: (signal: AbortSignal) => Promise<unknown>, ms: number): Promise<CheckResult> {
  try {
    await withTimeout(ms, what, f);
    return 'ok';
  } catch (err) {
    // Only the first line of the message: a probe is public and must not echo more (S3).
    return `down: ${String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 200)}`;
  }
}

/** PostgreSQL answers a trivial query. */
export function checkPostgres(sql: Sql, ms = READINESS_CHECK_TIMEOUT_MS): Promise<CheckResult> {
  return check('PostgreSQL', () => sql`select 1`.then(() => undefined), ms);
}

/** The Temporal frontend answers GetSystemInfo (with a gRPC deadline too, so it is not retried past it). */
export function checkTemporal(client: Client, ms = READINESS_CHECK_TIMEOUT_MS): Promise<CheckResult> {
  const { connection } = client;
  return check(
    'Temporal',
    (signal) => connection.withAbortSignal(signal, () => connection.withDeadline(Date.now() + ms, () => connection.workflowService.getSystemInfo({}))),
    ms,
  );
}

/** Both checks at once, so the probe takes the slower of the two, not their sum. */
export async function readiness(deps: { sql: Sql; client: Client }) {
  const [postgres, temporal] = await Promise.all([checkPostgres(deps.sql), checkTemporal(deps.client)]);
  const ready = postgres === 'ok' && temporal === 'ok';
  return { ready, body: { status: ready ? 'ok' : 'degraded', postgres, temporal } };
}
