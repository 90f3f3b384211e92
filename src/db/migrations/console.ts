import type { Migration } from '../migration';

/** The staff console's sessions (H4). Never edit once landed: add the next migration instead. */
export const CONSOLE_MIGRATION: Migration = {
  id: '007_console_sessions',
  sql: `
-- H4/S1: a signed-in operator or evaluator. The cookie carries a random token; only its
-- SHA-256 is kept (a 256-bit random token needs no slow hash, unlike a chosen secret).
-- method says how the person proved who they are: their API key today, the e-mail link
-- of S6 once it exists (it creates the same row).
create table console_sessions (
  token_hash text primary key,
  api_key_id text not null references api_keys(id),
  method text not null check (method in ('API_KEY', 'EMAIL_LINK')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ended_at timestamptz
);
create index console_sessions_key on console_sessions (api_key_id);
`,
};
