import type { Migration } from '../migration';

/** K1/K2 server inventory, O6 change requests. Never edit once landed: add the next migration instead. */
export const OPERATION_RULES_MIGRATION: Migration = {
  id: '016_operation_rules',
  sql: `
-- K1/K2: the call's dedicated servers by name (data of the call, edited by operators).
create table call_servers (
  call_id text not null references calls(id),
  name text not null,
  type text not null check (type in ('T4', 'H100')),
  added_by text not null,
  added_at timestamptz not null default now(),
  primary key (call_id, name)
);

-- K1: which server an allocation got. Its period runs from the allocation to the end of
-- support (the application's earlier end, else the call's support end); a server is never
-- in two allocations whose periods overlap.
create table allocation_servers (
  application_id text not null references applications(id),
  call_id text not null references calls(id),
  name text not null,
  starts_on date not null,
  primary key (application_id, name)
);
create index allocation_servers_name on allocation_servers (name);

-- O6: the applicant's change requests during operation, decided by operators.
create table change_requests (
  id text primary key,
  application_id text not null references applications(id),
  call_id text not null references calls(id),
  kind text not null check (kind in ('STORAGE', 'BOW_SIZE', 'EARLY_END')),
  detail jsonb not null,
  reason text not null,
  status text not null check (status in ('PENDING', 'APPROVED', 'REFUSED')),
  requested_on date not null,
  decided_by text,
  decided_on date,
  decision_reason text,
  created_at timestamptz not null default now()
);
create index change_requests_app on change_requests (application_id, created_at);
`,
};
