import type { Transporter } from 'nodemailer';
import type { Sql } from '../db';

export interface OutgoingNotice {
  key: string;
  kind: string;
  applicationId?: string;
  to: string;
  cc?: string;
  /** N2: the contact of the notice's field. */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

/** A notice whose send was claimed by an attempt that may still be running is retried later. */
const CLAIM_LEASE_SECONDS = 120;

/**
 * N: every notice is sent exactly once. The outbox row (unique key per notice) is written
 * first; an attempt then claims it, sends, and marks it sent. A retried activity, or a
 * worker that died after the write, finds the row and either sees it sent (done) or
 * re-claims it once the lease has run out. The window that remains (SMTP accepted, worker
 * killed before `sent_at` is written) is closed at the receiver by a stable Message-ID.
 */
export async function enqueueAndSend(sql: Sql, transport: Transporter, from: string, n: OutgoingNotice) {
  await sql`
    insert into email_outbox (notice_key, application_id, kind, to_address, cc_address, reply_to, subject, text_body, html_body)
    values (${n.key}, ${n.applicationId ?? null}, ${n.kind}, ${n.to}, ${n.cc ?? null}, ${n.replyTo ?? null}, ${n.subject}, ${n.text}, ${n.html})
    on conflict (notice_key) do nothing`;
  const [claimed] = await sql<Array<{ to_address: string; cc_address: string | null; reply_to: string | null; subject: string; text_body: string; html_body: string }>>`
    update email_outbox set claimed_at = now()
    where notice_key = ${n.key} and sent_at is null
      and (claimed_at is null or claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS}))
    returning to_address, cc_address, reply_to, subject, text_body, html_body`;
  if (!claimed) {
    const [row] = await sql<Array<{ sent_at: Date | null }>>`select sent_at from email_outbox where notice_key = ${n.key}`;
    if (row?.sent_at) return { sent: false, alreadySent: true };
    throw new Error(`notice ${n.key} is being sent by another attempt; retrying after its lease`);
  }
  const info = await transport.sendMail({
    from,
    to: claimed.to_address,
    cc: claimed.cc_address ?? undefined,
    replyTo: claimed.reply_to ?? undefined,
    subject: claimed.subject,
    text: claimed.text_body,
    html: claimed.html_body,
    messageId: `<${encodeURIComponent(n.key)}@aidc.notice>`,
    headers: { 'X-AIDC-Notice-Key': n.key, 'X-AIDC-Notice-Kind': n.kind },
  });
  await sql`update email_outbox set sent_at = now(), smtp_message_id = ${info.messageId ?? null} where notice_key = ${n.key}`;
  return { sent: true, alreadySent: false };
}
