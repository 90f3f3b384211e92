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
  });
}
