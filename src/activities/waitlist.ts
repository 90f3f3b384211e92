import type { AcceleratorType } from '../domain';
import { capacityBeyondWaitlist } from './capacity';
import type { ActivityDeps } from './notify';
import { withCallCapacityLock, type CapacityOutcome } from './operation';

/** Activities of the waitlist (V7; idempotent: Temporal may run any of them again). */
export function waitlistActivities(deps: ActivityDeps) {
  const { sql } = deps;
  return {
    /**
     * V7/K5: a waitlisted request changed to a type with capacity takes it at once (status
     * SELECTED, the granted resource), under the call's capacity lock, if the capacity left
     * after the rest of the waitlist (which has it first) covers it. A retry after it was
     * written finds it done.
     */
    async grantWaitlistedResource(g: { applicationId: string; callId: string; resource: { type: AcceleratorType; units: number } }): Promise<CapacityOutcome> {
      return withCallCapacityLock(sql, g.callId, async (tx) => {
        const [row] = await tx<Array<{ status: string; granted_type: string | null; granted_units: number | null }>>`
          select status, granted_type, granted_units from applications where id = ${g.applicationId}`;
        if (!row) throw new Error(`application ${g.applicationId} not found`);
        if (row.status === 'SELECTED' && row.granted_type === g.resource.type && row.granted_units === g.resource.units) return { ok: true };
        const left = await capacityBeyondWaitlist(tx, g.callId, g.applicationId);
        const free = Math.max(0, left[g.resource.type]);
        if (free < g.resource.units) {
          return { ok: false, reason: `K5: no ${g.resource.type} capacity left for the waitlisted request (${free} free after the waitlist, ${g.resource.units} needed)` };
        }
        await tx`update applications set granted_type = ${g.resource.type}, granted_units = ${g.resource.units}, status = 'SELECTED', updated_at = now()
                 where id = ${g.applicationId}`;
        return { ok: true };
      });
    },
  };
}
