import type { Sql } from './index';
import { MIGRATIONS } from './migrations';

/**
 * Applies pending migrations in one transaction each, under an advisory lock so a worker
 * and an API starting together never race. Returns the ids it applied.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(727274)`;
    await tx`create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ id: string }[]>`select id from schema_migrations`).map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await tx.unsafe(m.sql);
      await tx`insert into schema_migrations (id) values (${m.id})`;
      applied.push(m.id);
    }
  });
  return applied;
}
