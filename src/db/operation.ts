import type { AcceleratorType } from '../domain';
import type { Sql } from './index';

/** O1–O5: an application as the operation routes need it, with its call's support end. */
export interface OperationAppRow {
  id: string;
  call_id: string;
  status: string;
  pool: 'DEDICATED' | 'SHARED';
  accelerator_type: AcceleratorType;
  units: number;
  granted_type: AcceleratorType | null;
  granted_units: number | null;
  allocated_on: string | null;
  support_ended_on: string | null;
  support_ends_on: string;
  /** K3: the extra storage the application asked for (with its reason), the allocation's default. */
  requested_extra_storage_tb?: number | null;
}

export async function operationApp(sql: Sql, id: string): Promise<OperationAppRow | undefined> {
  const [row] = await sql<OperationAppRow[]>`
    select a.id, a.call_id, a.status, a.pool, a.accelerator_type, a.units, a.granted_type, a.granted_units,
      a.allocated_on, a.support_ended_on, c.support_ends_on,
      (a.content->'resource'->>'extraStorageTb')::float8 as requested_extra_storage_tb
    from applications a join calls c on c.id = a.call_id where a.id = ${id}`;
  return row;
}

/** S5: the ids go as one array parameter, so a file of any size stays within PostgreSQL's 65,535 parameters. */
export async function operationApps(sql: Sql, ids: string[]): Promise<OperationAppRow[]> {
  if (!ids.length) return [];
  return sql<OperationAppRow[]>`
    select a.id, a.call_id, a.status, a.pool, a.accelerator_type, a.units, a.granted_type, a.granted_units,
      a.allocated_on, a.support_ended_on, c.support_ends_on
    from applications a join calls c on c.id = a.call_id where a.id = any(${sql.array(ids)}::text[])`;
}
