import type { CaughtMail } from '../../src/runtime/mail-inbox';
import type { TestApp } from './app';
import { testServices } from './services';

/** S6: the token of the sign-in or confirmation link in an e-mail. */
export function linkToken(mail: CaughtMail): string {
  const token = /\/sign-in\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no sign-in link in "${mail.subject}"`);
  return token;
}

/** The newest e-mail of a kind to an address that matches, waiting for it to arrive. */
export async function latestMail(app: TestApp, address: string, match: (m: CaughtMail) => boolean, count = 1): Promise<CaughtMail> {
  const until = Date.now() + 15_000;
  for (;;) {
    const found = (await app.mailTo(address, { links: true })).filter(match);
    if (found.length >= count) return found[found.length - 1]!;
    if (Date.now() > until) throw new Error(`no matching e-mail to ${address} (found ${found.length}, expected ${count})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A7: the confirmation e-mail of a draft, read from the inbox of its practitioner address. */
export async function confirmationMail(app: TestApp, applicationId: string, count = 1): Promise<CaughtMail> {
  const [row] = await app.sql<Array<{ email: string }>>`select content #>> '{practitioner,email}' as email from applications where id = ${applicationId}`;
  if (!row) throw new Error(`no application ${applicationId}`);
  return latestMail(app, row.email, (m) => m.kind === 'PRACTITIONER_CONFIRMATION' && m.subject.includes(applicationId), count);
}

/**
 * A7, the real way: opens the confirmation link the draft's practitioner received (read from
 * the SMTP inbox) as the link page's button does. Every test that submits a draft calls it.
 * SETUP SHORTCUT only where the file's mail goes to another SMTP server than the shared
 * inbox (the notice-fault tests' relays refuse or drop it): the confirmation is recorded
 * in the row as the redeemed link would.
 */
export async function confirmPractitioner(app: TestApp, applicationId: string): Promise<void> {
  const { smtpHost, smtpPort } = testServices();
  if (app.config.SMTP_HOST !== smtpHost || app.config.SMTP_PORT !== smtpPort) {
    await app.sql`update applications set practitioner_confirmed_email = lower(btrim(content #>> '{practitioner,email}')) where id = ${applicationId}`;
    return;
  }
  const token = linkToken(await confirmationMail(app, applicationId));
  const res = await app.api.post('/sign-in/redeem', { token });
  if (res.status !== 200 || res.body.confirmedApplication !== applicationId) {
    throw new Error(`A7 confirmation of ${applicationId}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
