import type { Sql } from '../db';
import { remainingCapacity, type AcceleratorType } from '../domain';

/** K5: the statuses in which an application holds its granted resource. */
export const HOLDING_STATUSES = ['SELECTED', 'ALLOCATED', 'IN_OPERATION'] as const;

/**
 * K5: a call's capacity left per type: its configured capacity minus what the applications
 * in a holding status hold. The one place capacity is counted (selection, allocation,
 * quarterly increase and the waitlist offer all ask here).
 */
export async function callRemainingCapacity(sql: Sql, callId: string, exceptApplicationId?: string) {
  const [call] = await sql<Array<{ capacity: Partial<Record<AcceleratorType, number>> }>>`
    select capacity from calls where id = ${callId}`;
  if (!call) throw new Error(`call ${callId} not found`);
  const held = await sql<Array<{ type: AcceleratorType; units: number }>>`
    select granted_type as type, granted_units as units from applications
    where call_id = ${callId} and status in ${sql(HOLDING_STATUSES)} and granted_type is not null
      and id <> ${exceptApplicationId ?? ''}`;
  return remainingCapacity(call.capacity, held.map((h) => ({ resource: h })));
}
