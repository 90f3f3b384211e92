import type { Sql } from './index';

/** O4: a dedicated allocation as the Prometheus collector sees it. */
export interface AllocationToPull {
  applicationId: string;
  allocatedOn: string;
  /** The last supported day: the support end, or the earlier end of a reclaim/withdrawal. */
  endsOn: string;
  servers: string[];
  /** Days within the asked window that already have a sample (pulled or posted). */
  sampled: string[];
}

/**
 * O4/K2: the dedicated allocations supported on some day of [from, through], with their
 * servers (allocation_servers: K1, the names given at allocation) and the days that already have samples. The
 * shared pool (BOW) is never pulled: it has no monthly check (K2).
 */
export async function allocationsToPull(
  sql: Sql,
  w: { from: string; through: string; applicationId?: string },
): Promise<AllocationToPull[]> {
  return sql<AllocationToPull[]>`
    select a.id as "applicationId", a.allocated_on::text as "allocatedOn",
      least(coalesce(a.support_ended_on, c.support_ends_on), c.support_ends_on)::text as "endsOn",
      array(select s.name from allocation_servers s where s.application_id = a.id order by s.name) as servers,
      array(select u.day::text from utilisation_samples u
            where u.application_id = a.id and u.day between ${w.from}::date and ${w.through}::date) as sampled
    from applications a join calls c on c.id = a.call_id
    where a.pool = 'DEDICATED' and a.allocated_on is not null and a.allocated_on <= ${w.through}::date
      and least(coalesce(a.support_ended_on, c.support_ends_on), c.support_ends_on) >= ${w.from}::date
      ${w.applicationId ? sql`and a.id = ${w.applicationId}` : sql``}
    order by a.id`;
}

/**
 * O4: pulled samples go in only where a day has none: a re-run writes nothing, and an
 * operator's correction (POST .../utilisation) is never overwritten by the collector.
 */
export async function insertPulledSamples(
  sql: Sql,
  rows: Array<{ application_id: string; day: string; mean_percent: number }>,
): Promise<number> {
  let stored = 0;
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const done = await sql`
      insert into utilisation_samples ${sql(chunk, 'application_id', 'day', 'mean_percent')}
      on conflict (application_id, day) do nothing returning 1`;
    stored += done.length;
  }
  return stored;
}
