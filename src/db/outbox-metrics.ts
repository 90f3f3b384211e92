import type { Sql } from './index';

/** N: the outbox as /metrics shows it (counts only: never an address or a subject, S3). */
export interface OutboxFigures {
  sent: number;
  failed: number;
  unsent: number;
  /** Seconds since the oldest notice still waiting (neither sent nor failed) was queued; 0 when none waits. */
  oldestUnsentAgeSeconds: number;
}

export async function outboxFigures(sql: Sql): Promise<OutboxFigures> {
  const [row] = await sql<OutboxFigures[]>`
    select count(*) filter (where sent_at is not null)::int as sent,
      count(*) filter (where sent_at is null and failed_at is not null)::int as failed,
      count(*) filter (where sent_at is null and failed_at is null)::int as unsent,
      coalesce(extract(epoch from now() - min(created_at) filter (where sent_at is null and failed_at is null)), 0)::float8
        as "oldestUnsentAgeSeconds"
    from email_outbox`;
  return row!;
}
