import type { Sql } from './index';

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

/** A2: the statuses whose application no longer holds its title. */
export const TITLE_FREEING_STATUSES = ['WITHDRAWN', 'INELIGIBLE'] as const;

/**
 * A2: another submitted application of the same organisation in the same call holds this
 * title (compared by its key); a withdrawn or ineligible one does not (the index agrees).
 */
export async function titleTaken(sql: Sql, a: { id: string; callId: string; brn: string; titleKey: string }): Promise<boolean> {
  const [row] = await sql`
    select 1 from applications
    where call_id = ${a.callId} and brn = ${a.brn} and title_key = ${a.titleKey} and submitted_at is not null
      and status not in ${sql(TITLE_FREEING_STATUSES as unknown as string[])} and id <> ${a.id}
    limit 1`;
  return Boolean(row);
}
