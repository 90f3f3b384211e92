import type { Migration } from '../migration';

/**
 * Listings at scale (issue 13): GET /applications pages in (created_at, id) order by keyset
 * (src/db/applications.ts). One index for the unfiltered order and one per filter, each
 * ending in the order's columns, so a page of any filter, at any depth, is an index seek
 * and a short range, never a scan and sort of every row. Never edit once landed.
 */
export const LISTING_MIGRATION: Migration = {
  id: '012_listing_indexes',
  sql: `
create index applications_listing on applications (created_at, id);
create index applications_listing_call on applications (call_id, created_at, id);
create index applications_listing_status on applications (status, created_at, id);
-- the console's usual pair (a call's applications in one status), which neither alone serves when rare
create index applications_listing_call_status on applications (call_id, status, created_at, id);
create index applications_listing_pool on applications (pool, created_at, id);
-- H1: the type filter reads the granted type once there is one, else the requested one.
create index applications_listing_type on applications ((coalesce(granted_type, accelerator_type)), created_at, id);
`,
};
