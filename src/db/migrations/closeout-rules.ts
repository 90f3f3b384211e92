import type { Migration } from '../migration';

/** Issue 11's close-out items (S4, R6). Never edit once landed: add the next migration instead. */
export const CLOSEOUT_RULES_MIGRATION: Migration = {
  id: '017_closeout_rules',
  sql: `
-- S4: TRUNCATE fires no row trigger, so the append-only log refuses it with a statement trigger too.
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();

-- R6: the call's survey questions (call data, C4); NULL: the default questions (src/domain/survey.ts).
alter table calls add column survey_questions jsonb;

-- R6: who was asked in which year: one user (practitioner address) once a year, with the
-- application whose survey form the e-mail links to.
create table survey_invitations (
  call_id text not null references calls(id),
  year integer not null,
  email text not null,
  application_id text not null references applications(id),
  sent_on date not null,
  primary key (call_id, year, email)
);
create index survey_invitations_application on survey_invitations (application_id, year);

-- R6: the answers, one response per invitation (a later answer replaces the earlier one).
create table survey_responses (
  call_id text not null references calls(id),
  year integer not null,
  application_id text not null references applications(id),
  answers jsonb not null,
  submitted_at timestamptz not null default now(),
  primary key (call_id, year, application_id)
);
`,
};
