import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import type { Sql } from '../db';

export interface OutgoingNotice {
  key: string;
  kind: string;
  applicationId?: string;
  to: string;
  cc?: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * How long a claim protects an attempt that may still be sending (its worker alive but
 * slow, or killed mid-send: nobody can tell). It must outlast one SMTP send, which the
 * transport's timeouts bound (src/mail.ts: 10 s connect + 10 s greeting + 20 s idle), so a
 * live attempt is never overtaken. A failed attempt does not wait for it: it releases its
 * claim at once (below); only a worker that died mid-send leaves a claim to run out.
 */
export const CLAIM_LEASE_SECONDS = 60;

/**
 * N: why a notice can never go out. The activity fails non-retryably with one of these
 * types; the workflow records it on the timeline and tells the operators (never retried).
 */
export const POISON_NOTICE = {
  /** PostgreSQL refuses the row (e.g. a NUL byte: `invalid byte sequence … 0x00`). */
  UNSTORABLE: 'NOTICE_UNSTORABLE',
  /** The SMTP server refused the recipient or the message permanently (5xx). */
  REJECTED: 'NOTICE_REJECTED',
  /** The notice's template cannot render its data. */
  UNRENDERABLE: 'NOTICE_UNRENDERABLE',
} as const;
export type PoisonNoticeType = (typeof POISON_NOTICE)[keyof typeof POISON_NOTICE];

/**
 * N: every notice is sent exactly once. The outbox row (unique key per notice) is written
 * first; an attempt then claims it with its own token, sends, and marks it sent. A retried
 * activity, or a worker that died after the write, finds the row and either sees it sent
 * (done), sees it refused for good (fails again, non-retryably), or claims it: at once when
 * the last attempt failed (it released its claim), after the lease when that attempt may
 * still be running. What remains (SMTP accepted, worker killed before `sent_at` is written)
 * is kept to one database round trip, and closed at the receiver by the Message-ID, which
 * is the notice key's and so the same on every resend.
 */
export async function enqueueAndSend(sql: Sql, transport: Transporter, from: string, n: OutgoingNotice, attempt?: ClaimingAttempt) {
  try {
    await sql`
      insert into email_outbox (notice_key, application_id, kind, to_address, cc_address, subject, text_body, html_body)
      values (${n.key}, ${n.applicationId ?? null}, ${n.kind}, ${n.to}, ${n.cc ?? null}, ${n.subject}, ${n.text}, ${n.html})
      on conflict (notice_key) do nothing`;
  } catch (err) {
    throw unstorable(n, err) ?? err;
  }
  const token = randomUUID();
  const [claimed] = await sql<Array<{ to_address: string; cc_address: string | null; subject: string; text_body: string; html_body: string }>>`
    update email_outbox set claimed_at = now(), claim_token = ${token}, claimed_by = ${attempt?.activity ?? null}, claim_attempt = ${attempt?.attempt ?? null}
    where notice_key = ${n.key} and sent_at is null and failed_at is null
      and (claimed_at is null or claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS})
           or (claimed_by = ${attempt?.activity ?? null} and claim_attempt < ${attempt?.attempt ?? 0}))
    returning to_address, cc_address, subject, text_body, html_body`;
  if (!claimed) {
    const [row] = await sql<Array<{ sent_at: Date | null; failure: string | null }>>`
      select sent_at, failure from email_outbox where notice_key = ${n.key}`;
    if (row?.sent_at) return { sent: false, alreadySent: true };
    if (row?.failure) {
      throw ApplicationFailure.nonRetryable(`N: notice ${label(n)} was refused for good earlier (${row.failure})`, POISON_NOTICE.REJECTED);
    }
    throw new Error(`N: notice ${label(n)} is being sent by another attempt; retrying after its lease`);
  }
  let info: { messageId?: string };
  try {
    info = await transport.sendMail({
      from,
      to: claimed.to_address,
      cc: claimed.cc_address ?? undefined,
      subject: claimed.subject,
      text: claimed.text_body,
      html: claimed.html_body,
      messageId: messageIdOf(n.key),
      headers: { 'X-AIDC-Notice-Key': n.key, 'X-AIDC-Notice-Kind': n.kind },
    });
  } catch (err) {
    const refusal = permanentSmtpRefusal(err);
    // The attempt is over either way, so its claim goes with it (only if still ours: a
    // later attempt may have taken it after the lease). A refused notice is marked for good;
    // any other failure leaves the row free, so the next retry sends at once.
    await sql`
      update email_outbox
      set claimed_at = null, claim_token = null,
          failed_at = case when ${refusal !== undefined} then now() end, failure = ${refusal ?? null}
      where notice_key = ${n.key} and claim_token = ${token} and sent_at is null`.catch(() => undefined);
    if (refusal) throw ApplicationFailure.nonRetryable(`N: notice ${label(n)} refused for good: ${refusal}`, POISON_NOTICE.REJECTED);
    // S3: nodemailer's messages quote the server's reply, which names the recipient.
    throw new Error(`N: notice ${label(n)} not sent, will retry: ${smtpSummary(err)}`);
  }
  // N: nothing between SMTP's acceptance and this one statement.
  await sql`update email_outbox set sent_at = now(), smtp_message_id = ${info.messageId ?? null} where notice_key = ${n.key}`;
  return { sent: true, alreadySent: false };
}

/**
 * The activity attempt that claims a notice: the activity (workflow run + activity id) and
 * its attempt number. Temporal starts attempt n+1 only once attempt n is over (it failed,
 * or its worker stopped heartbeating: killed, see the notices' heartbeat timeout in
 * src/workflows/application/context.ts), so attempt n+1 takes over attempt n's claim at
 * once instead of waiting out the lease: a SIGKILLed worker delays a notice by seconds.
 */
export interface ClaimingAttempt {
  activity: string;
  attempt: number;
}

/** S3: a notice in messages and logs, by kind and application (a survey's key holds an address). */
const label = (n: { kind: string; applicationId?: string }) => `${n.kind}${n.applicationId ? ` of ${n.applicationId}` : ''}`;

/** N: the Message-ID comes from the notice key, so every resend of a notice carries the same one. */
export const messageIdOf = (key: string) => `<${encodeURIComponent(key)}@aidc.notice>`;

interface SmtpError {
  code?: string;
  responseCode?: number;
  command?: string;
}

/**
 * A 5xx to the recipient (RCPT TO) or the message (DATA), or a message nodemailer itself
 * cannot address or size: never deliverable, whatever the retries. A 5xx to our greeting,
 * sender or login (EAUTH, MAIL FROM) is the relay's configuration: it hits every notice
 * alike, so those keep retrying until an operator fixes it, as do 4xx and lost connections.
 */
function permanentSmtpRefusal(err: unknown): string | undefined {
  const e = (err ?? {}) as SmtpError;
  const permanent5xx = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  if (permanent5xx && (e.command === 'RCPT TO' || e.command === 'DATA')) return smtpSummary(err);
  if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.command === 'API') return smtpSummary(err);
  if (e.code === 'EMESSAGE' && !e.responseCode) return smtpSummary(err);
  return undefined;
}

/** SMTP failure in a fixed form: nodemailer code, command and reply code, never the reply text. */
function smtpSummary(err: unknown): string {
  const e = (err ?? {}) as SmtpError;
  return ['SMTP', e.code ?? 'error', e.command, e.responseCode].filter((x) => x !== undefined && x !== '').join(' ');
}

/**
 * PostgreSQL refusing the data itself (class 22 data exception: a NUL byte, an unsupported
 * Unicode escape; class 23 integrity, e.g. a missing address): the same row is refused
 * on every retry. Connection and server errors stay retryable.
 */
function unstorable(n: OutgoingNotice, err: unknown): ApplicationFailure | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^2[23][0-9A-Z]{3}$/.test(code)) return undefined;
  // S3: only the SQLSTATE; PostgreSQL's message and detail can quote the row.
  return ApplicationFailure.nonRetryable(`N: notice ${label(n)} cannot be stored: PostgreSQL ${code}`, POISON_NOTICE.UNSTORABLE);
}

/** The type of a poison notice's failure (thrown by the outbox or the renderer), or undefined for any other error. */
export function poisonNoticeType(err: unknown): PoisonNoticeType | undefined {
  if (!(err instanceof ApplicationFailure) || !err.nonRetryable) return undefined;
  return (Object.values(POISON_NOTICE) as string[]).includes(err.type ?? '') ? (err.type as PoisonNoticeType) : undefined;
}
