import type { Sql } from './index';
import { TITLE_FREEING_STATUSES } from '../domain';

/** An application's row (A1 content beside the columns derived from it). */
export interface ApplicationRow<Content = Record<string, unknown>> {
  id: string;
  call_id: string;
  status: string;
  brn: string;
  organisation_name: string;
  title: string;
  title_key: string | null;
  pool: string;
  accelerator_type: string;
  units: number;
  priority: boolean;
  content: Content;
  token_hash: string;
  practitioner_confirmed_email: string | null;
  submitted_at: Date | null;
  documents_accepted_on: string | null;
  batch_id: string | null;
  granted_type: string | null;
  granted_units: number | null;
  deadlines: Record<string, string>;
  timeline: Array<{ at: string; event: string }> | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns kept beside a draft's content, derived from it (on creation and on every edit). */
export interface DraftColumns {
  brn: string;
  organisationName: string;
  title: string;
  /** A2: the title as people read it (domain titleKey); the unique index is on it. */
  titleKey: string;
  pool: string;
  type: string;
  units: number;
  priority: boolean;
}

export async function findApplication<C>(sql: Sql, id: string): Promise<ApplicationRow<C> | undefined> {
  const [row] = await sql<ApplicationRow<C>[]>`select * from applications where id = ${id}`;
  return row;
}

export async function insertDraft(sql: Sql, d: { id: string; callId: string; columns: DraftColumns; content: object; tokenHash: string }) {
  const c = d.columns;
  await sql`
    insert into applications (id, call_id, status, brn, organisation_name, title, title_key, pool, accelerator_type, units, priority, content, token_hash)
    values (${d.id}, ${d.callId}, 'DRAFT', ${c.brn}, ${c.organisationName}, ${c.title}, ${c.titleKey}, ${c.pool}, ${c.type},
            ${c.units}, ${c.priority}, ${sql.json(d.content as never)}, ${d.tokenHash})`;
}

/** A7: a draft's new content; false when it was submitted meanwhile (nothing changed). */
export async function updateDraft(sql: Sql, id: string, c: DraftColumns, content: object): Promise<boolean> {
  const rows = await sql`
    update applications set brn = ${c.brn}, organisation_name = ${c.organisationName}, title = ${c.title}, title_key = ${c.titleKey},
      pool = ${c.pool}, accelerator_type = ${c.type}, units = ${c.units}, priority = ${c.priority},
      content = ${sql.json(content as never)}, updated_at = now()
    where id = ${id} and status = 'DRAFT' and submitted_at is null
    returning id`;
  return rows.length > 0;
}

/**
 * A2: another submitted application of the same organisation in the same call holds this
 * title (compared by its key); a withdrawn or ineligible one does not (the index agrees).
 */
export async function titleTaken(sql: Sql, a: { id: string; callId: string; brn: string; titleKey: string }): Promise<boolean> {
  const [row] = await sql`
    select 1 from applications
    where call_id = ${a.callId} and brn = ${a.brn} and title_key = ${a.titleKey} and submitted_at is not null
      and status not in ${sql(TITLE_FREEING_STATUSES)} and id <> ${a.id}
    limit 1`;
  return Boolean(row);
}

/**
 * The operators' listing of applications (GET /applications), at national scale: in the
 * order they were created (created_at, then id to break ties), filtered by call, status,
 * pool and accelerator type, each with its index (migration 012_listing_indexes).
 *
 * Paging is by keyset: the cursor is the (created_at, id) of the last row of the page, and
 * the next page is the rows after it, which the index seeks to directly however deep it
 * is. `page` (an offset) still works for links made before; it skips rows in the index
 * only (the deferred join below) and fetches just the page's rows.
 *
 * Counting every matching row is what made deep listings slow, so the count stops at
 * COUNT_CAP (1,000: a page of 50 needs no more to say "1,000+"; the exports give exact
 * figures): `total` is exact below it, and `totalExact` says when there are more.
 */
export const COUNT_CAP = 1_000;

export interface ListingFilter {
  callId?: string;
  status?: string;
  pool?: string;
  type?: string;
}

/** Where the next page starts: the sort key of the last row shown. */
export interface ListingCursor {
  createdAt: string; // created_at as PostgreSQL prints it (microseconds, offset): exact round trip
  id: string;
}

export interface ListingRow {
  id: string;
  call_id: string;
  status: string;
  title: string;
  organisation_name: string;
  pool: string;
  accelerator_type: string;
  units: number;
  granted_type: string | null;
  granted_units: number | null;
  priority: boolean;
  submitted_at: Date | null;
  deadlines: Record<string, string>;
  practitioner: { name: string; email: string; phone: string };
  principal_investigator: { name: string; email: string; phone: string };
  created_at_key: string;
}

export interface ListingPage {
  rows: ListingRow[];
  next?: ListingCursor;
  total: number;
  totalExact: boolean;
}

export async function listApplications(
  sql: Sql,
  filter: ListingFilter,
  at: { pageSize: number; after?: ListingCursor; page?: number },
): Promise<ListingPage> {
  const where = sql`where true
    ${filter.callId ? sql`and call_id = ${filter.callId}` : sql``}
    ${filter.status ? sql`and status = ${filter.status}` : sql``}
    ${filter.pool ? sql`and pool = ${filter.pool}` : sql``}
    ${filter.type ? sql`and coalesce(granted_type, accelerator_type) = ${filter.type}` : sql``}`; // H1: granted, else requested (routes/resource-view.ts)
  // ::text first: a parameter typed timestamptz would go through postgres.js's Date, which
  // drops the microseconds and makes the last row of the page its own successor.
  const after = at.after ? sql`and (created_at, id) > (${at.after.createdAt}::text::timestamptz, ${at.after.id})` : sql``;
  const offset = at.after ? 0 : ((at.page ?? 1) - 1) * at.pageSize;
  // One row more than the page says whether there is a next page without counting.
  const [rows, [{ n }]] = await Promise.all([
    sql<ListingRow[]>`
      select a.id, a.call_id, a.status, a.title, a.organisation_name, a.pool, a.accelerator_type, a.units, a.granted_type, a.granted_units, a.priority,
             a.submitted_at, a.deadlines, a.content -> 'practitioner' as practitioner,
             a.content -> 'principalInvestigator' as principal_investigator, a.created_at::text as created_at_key
      from (select id from applications ${where} ${after} order by created_at, id limit ${at.pageSize + 1} offset ${offset}) page
      join applications a using (id)
      order by a.created_at, a.id`,
    sql<Array<{ n: number }>>`select count(*)::int as n from (select 1 from applications ${where} limit ${COUNT_CAP + 1}) capped`,
  ]);
  const more = rows.length > at.pageSize;
  const shown = more ? rows.slice(0, at.pageSize) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown,
    next: more && last ? { createdAt: last.created_at_key, id: last.id } : undefined,
    total: Math.min(n, COUNT_CAP),
    totalExact: n <= COUNT_CAP,
  };
}

/** The cursor as the client sees it: opaque (base64url of the sort key), checked when it comes back. */
export const encodeCursor = (c: ListingCursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

export function decodeCursor(text: string): ListingCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [createdAt, id] = v as unknown[];
    if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt)) return undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}
