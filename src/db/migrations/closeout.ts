import type { Migration } from '../migration';

/** Tables of the closeout phase. Never edit once landed: add the next migration instead. */
export const CLOSEOUT_MIGRATION: Migration = {
  id: '005_closeout',
  sql: `
-- R1/R2: the close-out of each allocated application, mirrored from its workflow (the
-- operators' overdue listing reads it; the workflow is the source of truth). version
-- orders the writes: an older mirror never overwrites a newer one.
create table close_outs (
  application_id text primary key references applications(id),
  call_id text not null references calls(id),
  version integer not null,
  report_due date not null,
  data_sharing_due date not null,
  report_status text not null check (report_status in ('DUE', 'SUBMITTED', 'RETURNED', 'ACCEPTED')),
  data_sharing_status text not null check (data_sharing_status in ('DUE', 'SUBMITTED', 'RETURNED', 'ACCEPTED')),
  support_ended_on date,
  restricted_on date,
  completed_on date,
  view jsonb not null,
  updated_at timestamptz not null default now()
);
create index close_outs_open on close_outs (report_due) where completed_on is null;

-- R1 + A4: evidence files of the result report, content-addressed like the A4 documents.
create table closeout_evidence (
  application_id text not null references applications(id),
  name text not null,
  extension text not null,
  content_kind text not null,
  size_bytes integer not null,
  sha256 text not null,
  uploaded_at timestamptz not null default now(),
  primary key (application_id, name)
);

-- R5: one restriction per missed due date, however often the activity runs.
alter table organisation_restrictions add column source_key text unique;

-- The final timeline, readable after the workflow's history is gone (GET /applications/:id).
alter table applications add column timeline jsonb;
`,
};
