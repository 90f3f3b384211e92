import nodemailer from 'nodemailer';
import type { Config } from './config';

/** H3: any SMTP server works; the local inbox (`npm start`, tests) is just one. */
export function createTransport(config: Config) {
  return nodemailer.createTransport({
    host: config.SMTP_HOST ?? 'localhost',
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } : undefined,
    // A local catcher has no certificate; a real relay negotiates STARTTLS as usual.
    tls: config.SMTP_HOST ? undefined : { rejectUnauthorized: false },
    // N: one send is bounded (nodemailer's defaults: 2 min to connect, 10 min idle), so an
    // attempt ends well within the notify activity's timeout and the outbox's claim lease
    // (CLAIM_LEASE_SECONDS in src/activities/outbox.ts): a live attempt is never overtaken.
    // Issue 13: connections are kept and reused (a new one per e-mail cost ~120 ms of TCP,
    // greeting, EHLO and STARTTLS, measured against MailDev: 199 → 59 ms per send). A
    // connection the server dropped is replaced on the next send; close() ends them.
    pool: true,
    maxConnections: 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}
