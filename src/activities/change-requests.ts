import type { Sql } from '../db';
import { insertChangeRequest, storeChangeDecision } from '../db/change-requests';
import type { AcceleratorType, ChangeRequestDetail, IsoDate } from '../domain';
import type { AuditEntry } from '../contracts/audit';
import { capacityShortfall, withCallCapacityLock, type CapacityOutcome } from './operation';
import type { ActivityDeps } from './notify';

/** O6: change requests during operation (idempotent: Temporal may run any of them again). */
export function changeRequestActivities(deps: ActivityDeps) {
  const { sql } = deps;
  return {
    async recordChangeRequest(r: { id: string; applicationId: string; callId: string; change: ChangeRequestDetail; reason: string; requestedOn: IsoDate }) {
      await insertChangeRequest(sql, r);
    },

    /**
     * O6/K5: an approval changes the granted resource within the call's capacity (the same lock
     * as allocations and quarterly changes); a refusal only records the reason. The audit row
     * goes with the change (S4). A capacity shortfall changes nothing.
     */
    async decideChangeRequest(d: {
      id: string;
      applicationId: string;
      callId: string;
      approve: boolean;
      change: ChangeRequestDetail;
      resource: { type: AcceleratorType; units: number };
      decidedBy: string;
      decidedOn: IsoDate;
      reason: string;
      audit?: AuditEntry;
    }): Promise<CapacityOutcome> {
      return withCallCapacityLock(sql, d.callId, async (tx: Sql) => {
        const [row] = await tx<Array<{ status: string }>>`select status from change_requests where id = ${d.id}`;
        if (row && row.status !== 'PENDING') return { ok: true }; // a retry after it was stored
        let grant: { extraStorageTb?: number; units?: number } | undefined;
        if (d.approve && d.change.kind === 'STORAGE') {
          const short = await capacityShortfall(tx, d.callId, d.applicationId, d.resource, d.change.extraStorageTb);
          if (short) return { ok: false, reason: short };
          grant = { extraStorageTb: d.change.extraStorageTb };
        }
        if (d.approve && d.change.kind === 'BOW_SIZE') {
          const short = await capacityShortfall(tx, d.callId, d.applicationId, { type: 'BOW', units: d.change.units });
          if (short) return { ok: false, reason: short };
          grant = { units: d.change.units };
        }
        await storeChangeDecision(tx, {
          id: d.id,
          applicationId: d.applicationId,
          status: d.approve ? 'APPROVED' : 'REFUSED',
          decidedBy: d.decidedBy,
          decidedOn: d.decidedOn,
          reason: d.reason,
          grant,
          audit: d.audit,
        });
        return { ok: true };
      });
    },
  };
}
