/**
 * Schema migrations, applied in order and recorded in `schema_migrations`. Kept as TS
 * strings (not .sql files) so they ship inside the compiled output with nothing to copy.
 * Never edit an applied migration: add the next one.
 */
import { CLOSEOUT_MIGRATION } from './migrations/closeout';
import { CLOSEOUT_RULES_MIGRATION } from './migrations/closeout-rules';
import { CONSOLE_MIGRATION } from './migrations/console';
import { EVALUATION_MIGRATION } from './migrations/evaluation';
import { INTAKE_MIGRATION } from './migrations/intake';
import { EVALUATION_RULES_MIGRATION } from './migrations/evaluation-rules';
import { OPERATION_MIGRATION } from './migrations/operation';
import { OPERATION_RULES_MIGRATION } from './migrations/operation-rules';
import { OUTBOX_MIGRATION } from './migrations/outbox';
import { SIGNIN_MIGRATION } from './migrations/signin';

import type { Migration } from './migration';

export type { Migration } from './migration';

export const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    id: '001_initial',
    sql: `
create table api_keys (
  id text primary key,
  role text not null check (role in ('OPERATOR', 'EVALUATOR', 'COLLECTOR')),
  name text not null,
  organisation_brn text,
  secret_hash text not null,            -- S1: only a scrypt hash of the secret is kept
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table calls (
  id text primary key,
  title text not null,
  announced_on date not null,
  closes_on date,                        -- C1: a rolling call has none until one is set
  support_ends_on date not null,
  capacity jsonb not null,               -- K5
  settings jsonb not null,               -- I1, I4, I5 parameters of this call
  survey_on text,                        -- R6: MM-DD, once a year
  created_at timestamptz not null default now()
);

create table batches (
  id text primary key,
  call_id text not null references calls(id),
  cutoff date not null,
  closed_at timestamptz,
  created_by text not null,              -- operator key id, or 'C2' when the quarter rule added it
  unique (call_id, cutoff)
);

create table applications (
  id text primary key,
  call_id text not null references calls(id),
  status text not null,
  brn text not null,                     -- E5: organisations are identified by it
  organisation_name text not null,
  title text not null,
  pool text not null,
  accelerator_type text not null,
  units integer not null,
  priority boolean not null,
  content jsonb not null,                -- A1
  token_hash text not null,              -- S1
  submitted_at timestamptz,
  submit_idempotency_key text,
  documents_accepted_on date,
  batch_id text references batches(id),
  deadlines jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- A2: one organisation, one title per call (among submitted applications).
create unique index applications_a2_title on applications (call_id, brn, lower(title)) where submitted_at is not null;
create index applications_call_status on applications (call_id, status);

create table documents (
  application_id text not null references applications(id),
  type text not null,
  filename text not null,
  extension text not null,
  content_kind text not null,
  size_bytes integer not null,
  sha256 text not null,                  -- content-addressed store key
  uploaded_at timestamptz not null default now(),
  primary key (application_id, type)
);

create table email_outbox (
  notice_key text primary key,           -- one row per notice: the exactly-once guarantee
  application_id text,
  kind text not null,
  to_address text not null,
  cc_address text,
  subject text not null,
  text_body text not null,
  html_body text not null,
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  sent_at timestamptz,
  smtp_message_id text
);

create table utilisation_samples (
  application_id text not null references applications(id),
  day date not null,
  mean_percent numeric(6, 3) not null check (mean_percent >= 0 and mean_percent <= 100),
  recorded_at timestamptz not null default now(),
  primary key (application_id, day)
);

create table organisation_restrictions (
  id bigserial primary key,
  brn text not null,
  rule text not null,                    -- R5 or Q3
  reason text not null,
  application_id text,
  created_at timestamptz not null default now(),
  lifted_at timestamptz,
  lifted_by text,
  lift_reason text
);
create index organisation_restrictions_active on organisation_restrictions (brn) where lifted_at is null;

create table evaluator_assignments (
  batch_id text not null references batches(id),
  evaluator_id text not null references api_keys(id),
  primary key (batch_id, evaluator_id)
);

create table evaluations (
  application_id text not null references applications(id),
  evaluator_id text not null references api_keys(id),
  scores jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (application_id, evaluator_id)
);

-- S4: append-only. Updates and deletes are refused by the database itself.
create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  subject text not null,
  detail jsonb not null default '{}'::jsonb
);
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only (S4)';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
`,
  },
  {
    id: '002_granted_resource',
    sql: `
-- K5/V7: what an application holds once selected. Capacity left in a call is its capacity
-- minus what the applications in a holding status hold (src/activities/capacity.ts).
alter table applications
  add column granted_type text,
  add column granted_units integer,
  add column granted_extra_storage_tb numeric(10, 2) not null default 0,
  add column selection_outcome text,
  add column selection_rank integer,
  add column total_score numeric(6, 2),
  add column allocated_on date,
  add column support_ended_on date;
`,
  },
  EVALUATION_MIGRATION,
  OPERATION_MIGRATION,
  CLOSEOUT_MIGRATION,
  {
    id: '006_s4_audit_key',
    sql: `
-- S4/S5: an action a workflow carries out has its audit row written by the activity that
-- persists the change, in the same transaction; the key (the Update's id) keeps a retried
-- activity from writing it twice. Rows the API writes itself have none (NULLs never clash).
alter table audit_log add column key text unique;
`,
  },
  CONSOLE_MIGRATION,
  OUTBOX_MIGRATION,
  // S6/A7: numbered 008 as assigned, applied after the outbox's 008 (the list's order is the order).
  SIGNIN_MIGRATION,
  {
    id: '010_call_contacts',
    sql: `
-- N2: the call's desks (운영정책, 기술지원, 데이터 공유, 플랫폼 헬프데스크) named in its notices,
-- and O3: its training material. NULL on calls stored before: the defaults apply
-- (src/domain/contacts.ts).
alter table calls add column contacts jsonb, add column training jsonb, add column survey_url text; -- R6: its survey form
-- N3: evaluators (and operators) are e-mailed at this address. Optional: keys created
-- before it have none (they are simply not e-mailed); POST /api-keys asks it of new EVALUATOR keys.
alter table api_keys add column email text;
-- N2: Reply-To is the contact of the notice's field, kept with the notice so a retried send is the same e-mail.
alter table email_outbox add column reply_to text;
`,
  },
  EVALUATION_RULES_MIGRATION, // V8 (numbered 015 as assigned)
  // K1/K2 inventory, O6 change requests (016 as assigned).
  OPERATION_RULES_MIGRATION,
  // Issue 11 (S4 TRUNCATE, R6 survey form and responses): numbered 017 as assigned.
  CLOSEOUT_RULES_MIGRATION,
  // A2 titles (014 as assigned), applied after 016 (the list's order is the order).
  INTAKE_MIGRATION,
];
