import type { Migration } from '../migrations';

/** The servers of a dedicated allocation, for the Prometheus collector (O4). Never edit once landed. */
export const COLLECTOR_MIGRATION: Migration = {
  id: '011_allocation_servers',
  sql: `
-- O1/O4: which dedicated servers an allocation holds (one per unit), by the name the data
-- center's monitoring knows them by (the DCGM exporter's instance label). Written by the
-- allocation and quarterly-change activities; until now the names lived only in the
-- workflow. Allocations made before this migration have no rows: the collector skips them
-- (samples still arrive through POST /applications/{id}/utilisation or the CSV upload).
create table allocation_servers (
  application_id text not null references applications(id),
  server text not null,
  recorded_at timestamptz not null default now(),
  primary key (application_id, server)
);
`,
};
