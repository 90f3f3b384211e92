import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../config';
import { HttpProblem } from './errors';

/**
 * S6: public endpoints that send e-mail are limited per address and per client, so nobody
 * can flood an inbox or probe addresses in bulk. A small in-process fixed window: enough
 * for one API process (several would each count their own share). Keys are SHA-256 digests
 * of the scope and value, so no address or IP is held in memory or ever logged (S3).
 */
export interface EmailRateLimiter {
  /** Counts one request; throws 429 (problem+json, Retry-After) when the address or the client is over its limit. */
  take(req: Request, address: string): void;
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');
const MAX_KEYS = 100_000;

export function emailRateLimiter(
  config: Pick<Config, 'EMAIL_RATE_PER_ADDRESS' | 'EMAIL_RATE_PER_CLIENT' | 'EMAIL_RATE_WINDOW_SECONDS'>,
  now: () => number = Date.now,
): EmailRateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const windowMs = config.EMAIL_RATE_WINDOW_SECONDS * 1000;

  function sweep(t: number) {
    if (windows.size < MAX_KEYS) return;
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
  }

  function count(key: string, limit: number, t: number): number | undefined {
    let w = windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + windowMs };
      windows.set(key, w);
    }
    w.count++;
    return w.count > limit ? w.resetAt : undefined;
  }

  return {
    take(req, address) {
      const t = now();
      sweep(t);
      const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const byAddress = count(`address|${digest(address.trim().toLowerCase())}`, config.EMAIL_RATE_PER_ADDRESS, t);
      const byClient = count(`client|${digest(client)}`, config.EMAIL_RATE_PER_CLIENT, t);
      const until = Math.max(byAddress ?? 0, byClient ?? 0);
      if (until) {
        const retryAfter = Math.max(1, Math.ceil((until - t) / 1000));
        throw new HttpProblem(
          429,
          'Too many requests',
          `S6: too many e-mails requested ${byAddress ? 'for this address' : 'from this client'}; try again in ${retryAfter} s`,
          { rule: 'S6', retryAfterSeconds: retryAfter },
          { 'retry-after': String(retryAfter) },
        );
      }
    },
  };
}
