import type { Sql } from '../../db';
import { GRANTED_STATUSES, hasStatus } from '../../domain';
import type { ApplicationState } from '../../contracts/application';


/**
 * H1: the resource an application view shows. `resource` is the one granted once there is
 * one (the committee may have changed it, V7; a quarterly decision may have, Q1), else the
 * one asked for; `requestedResource` is what the applicant asked for; `grantedResource` is
 * null until selected; `allocation` is the operator's allocation (servers, storage, setup)
 * while the workflow can show it. The workflow is the authority; the row follows it.
 */
export function resourceView(
  row: { pool: string; accelerator_type: string; units: number; granted_type: string | null; granted_units: number | null; status: string },
  state: ApplicationState | undefined,
) {
  const status = state?.status ?? row.status;
  const granted = hasStatus(GRANTED_STATUSES, status)
    ? state
      ? { type: state.acceleratorType as string, units: state.units }
      : row.granted_type
        ? { type: row.granted_type, units: row.granted_units ?? row.units }
        : null
    : null;
  const allocated = state?.allocation?.resource;
  const holding = allocated ? { type: allocated.type as string, units: allocated.units } : granted;
  const requested = { pool: row.pool, type: row.accelerator_type, units: row.units };
  return {
    resource: holding ? { pool: row.pool, ...holding } : requested,
    requestedResource: requested,
    grantedResource: holding ? { pool: row.pool, ...holding } : null,
    allocation: state?.allocation ?? null,
  };
}

/** H1: the listing's `type`/`units` column: the granted value once there is one, else the requested one. */
export const grantedOrRequested = (sql: Sql, what: 'type' | 'units') =>
  what === 'type' ? sql`coalesce(granted_type, accelerator_type)` : sql`coalesce(granted_units, units)`;
