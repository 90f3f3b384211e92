import type { Migration } from '../migration';

/** Tables of the operation phase. Never edit once landed: add the next migration instead. */
export const OPERATION_MIGRATION: Migration = {
  id: '004_operation',
  sql: `
-- O4/I1: each judged month of a dedicated allocation (the samples stay in utilisation_samples).
create table utilisation_months (
  application_id text not null references applications(id),
  month text not null,                   -- YYYY-MM
  verdict text not null check (verdict in ('OK', 'LOW', 'NONE', 'NO_DATA', 'NOT_JUDGED')),
  mean_percent numeric(6, 2),
  days_counted integer not null,
  days_missing integer not null,
  judged_on date not null,
  primary key (application_id, month)
);

-- Q1/I2: one row per allocation and review date: what was recommended, what was decided.
create table quarterly_reviews (
  application_id text not null references applications(id),
  call_id text not null references calls(id),
  review_date date not null,
  due_on date not null,                  -- I2: review date + 14 days, then CONTINUE
  resource jsonb not null,               -- the granted resource when the review opened
  recommendation jsonb,                  -- null for the shared pool (I2)
  verdicts jsonb not null default '[]'::jsonb,
  decision text check (decision in ('INCREASE', 'CONTINUE', 'DECREASE', 'RECLAIM')),
  decided_by text,
  decided_on date,
  defaulted boolean not null default false,
  new_resource jsonb,
  note text,
  opened_at timestamptz not null default now(),
  primary key (application_id, review_date)
);
create index quarterly_reviews_open on quarterly_reviews (call_id, review_date) where decision is null;

-- V7: the waitlist offer looks for the first waitlisted application of a type in rank order.
create index applications_waitlist on applications (call_id, status, selection_rank);
`,
};
