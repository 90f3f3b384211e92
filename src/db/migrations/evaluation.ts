import type { Migration } from '../migration';

/** Tables of the evaluation phase. Never edit once landed: add the next migration instead. */
export const EVALUATION_MIGRATION: Migration = {
  id: '003_evaluation',
  sql: `
-- V5: a batch's selection happens once. selection_started_at is set, under a row lock, in the
-- same transaction that found the I4 quorum met: from then on scores and the committee's
-- resource changes are refused (they lock the row too), so the ranking reads a fixed set.
alter table batches
  add column selection_started_at timestamptz,
  add column selection_started_by text,
  add column selected_at timestamptz;

-- V7: the committee's change of the requested resource, before selection (the request
-- itself stays as the applicant wrote it; ranking and results use the committee's).
alter table applications
  add column committee_type text,
  add column committee_units integer,
  add column committee_reason text;

create index applications_batch on applications (batch_id) where batch_id is not null;

-- V3: one row per (application, evaluator); the first submission time is kept, a
-- replacement overwrites the scores (and is audited, S4).
alter table evaluations add column created_at timestamptz not null default now();
create index evaluations_evaluator on evaluations (evaluator_id);

-- V5/V6/I6/V7: the ranking of a batch as the selection computed it, written once. The
-- selection activity signals each member from here; signalled_at lets a retried activity
-- carry on where the failed attempt stopped.
create table selection_results (
  application_id text primary key references applications(id),
  batch_id text not null references batches(id),
  rank integer not null,
  total numeric(6, 2) not null,
  scores jsonb not null,                 -- V3: mean per criterion over evaluators
  evaluators integer not null,           -- I4: how many evaluators scored it
  outcome text not null check (outcome in ('SELECTED', 'WAITLISTED', 'NOT_SELECTED')),
  rule text not null,                    -- V5 (in order / below 60) or V7 (no capacity left)
  resource_type text not null,
  resource_units integer not null,
  signalled_at timestamptz,
  unique (batch_id, rank)
);

-- V2/N: the batch's deadlines as the batch workflow watched them: warnings 3 days before,
-- escalations when a deadline passed (one per day until done). An escalation is a breach.
create table batch_sla_events (
  batch_id text not null references batches(id),
  kind text not null check (kind in ('REVIEW_AT_RISK', 'REVIEW_OVERDUE', 'RESULTS_AT_RISK', 'RESULTS_OVERDUE')),
  on_day date not null,
  due_on date not null,
  missing integer not null,              -- applications short of the I4 minimum at the time
  recorded_at timestamptz not null default now(),
  primary key (batch_id, kind, on_day)
);
`,
};
