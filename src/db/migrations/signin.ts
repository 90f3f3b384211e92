import type { Migration } from '../migration';

/** S6/A7: e-mail sign-in links, applicant sessions, the practitioner's confirmed address. Never edit once landed. */
export const SIGNIN_MIGRATION: Migration = {
  id: '009_signin',
  sql: `
-- S6: a one-time link sent to an address. Only the SHA-256 of its random 256-bit token is
-- kept; used_at makes it usable once (set by the one UPDATE that redeems it). purpose
-- CONFIRM_PRACTITIONER (A7) names the application whose practitioner address it confirms.
create table applicant_links (
  token_hash text primary key,
  email text not null,                       -- normalised: trimmed, lower case
  purpose text not null check (purpose in ('SIGN_IN', 'CONFIRM_PRACTITIONER')),
  application_id text references applications(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  check ((purpose = 'CONFIRM_PRACTITIONER') = (application_id is not null))
);

-- S6: a signed-in address. It opens every application where the address is practitioner
-- or PI at the time of the request (not a list frozen at sign-in).
create table applicant_sessions (
  token_hash text primary key,
  email text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz
);

-- A7: the practitioner address whose confirmation link was opened; a changed address no
-- longer matches it, so it must be confirmed again before submitting.
alter table applications add column practitioner_confirmed_email text;

-- S6: finding an address's applications.
create index applications_practitioner_email on applications (lower(btrim(content #>> '{practitioner,email}')));
create index applications_pi_email on applications (lower(btrim(content #>> '{principalInvestigator,email}')));
`,
};
