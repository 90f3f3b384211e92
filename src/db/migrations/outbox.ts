import type { Migration } from '../migration';

/** The outbox's claims and poison notices (N). Never edit once landed: add the next migration instead. */
export const OUTBOX_MIGRATION: Migration = {
  id: '008_outbox_claims',
  sql: `
-- N: the attempt that holds a notice's claim, so a failed attempt releases only its own
-- claim (never one a later attempt took after the lease ran out).
alter table email_outbox add column claim_token uuid;
-- N: which activity (workflow run and activity id) and which of its attempts holds the
-- claim: a later attempt of the same activity may take it over at once, since Temporal
-- retries an activity only when its earlier attempt is over (failed, or its worker stopped
-- heartbeating: killed). Any other claim waits for its lease.
alter table email_outbox add column claimed_by text, add column claim_attempt integer;
-- N: a notice that can never be sent (SMTP refused it permanently) is marked, not retried;
-- failure says why in a fixed form (type and SMTP status code), never the recipient.
alter table email_outbox add column failed_at timestamptz, add column failure text;
`,
};
