import type { Sql } from '../db';
import { waitlistOf } from '../db/waitlist';
import { capacityAfterWaitlist, HOLDING_CAPACITY_STATUSES, remainingCapacity, type AcceleratorType } from '../domain';

/**
 * K5: a call's capacity left per type: its configured capacity minus what the applications
 * in a holding status hold. An application whose support ended early (Q2 reclaim,
 * withdrawal: support_ended_on written at that moment) holds nothing any more, even before
 * its status moves on to the close-out. The one place capacity is counted (selection, allocation,
 * quarterly increase and the waitlist offer all ask here).
 */
export async function callRemainingCapacity(sql: Sql, callId: string, exceptApplicationId?: string) {
  const [call] = await sql<Array<{ capacity: Partial<Record<AcceleratorType, number>> }>>`
    select capacity from calls where id = ${callId}`;
  if (!call) throw new Error(`call ${callId} not found`);
  const held = await sql<Array<{ type: AcceleratorType; units: number }>>`
    select granted_type as type, granted_units as units from applications
    where call_id = ${callId} and status in ${sql(HOLDING_CAPACITY_STATUSES)} and granted_type is not null
      and support_ended_on is null and id <> ${exceptApplicationId ?? ''}`;
  return remainingCapacity(call.capacity, held.map((h) => ({ resource: h })));
}

/**
 * K3/K5: extra storage (beyond 50 TB + 20 TB backup) left in a call: its configured total
 * minus what the applications in a holding status were granted.
 */
export async function callRemainingExtraStorageTb(sql: Sql, callId: string, exceptApplicationId?: string): Promise<number> {
  const [row] = await sql<Array<{ total: number | null; held: number }>>`
    select (c.capacity->>'extraStorageTb')::numeric::float8 as total,
      coalesce((select sum(a.granted_extra_storage_tb)::float8 from applications a
        where a.call_id = c.id and a.status in ${sql(HOLDING_CAPACITY_STATUSES)} and a.support_ended_on is null
          and a.id <> ${exceptApplicationId ?? ''}), 0) as held
    from calls c where c.id = ${callId}`;
  if (!row) throw new Error(`call ${callId} not found`);
  return (row.total ?? 0) - row.held;
}

/**
 * V7/K5: the capacity a selection or a change may take: what is left after the call's
 * waitlist (every batch's) took what fits, in its order. Freed capacity goes to the
 * waitlist first; a later batch's selection only gets what the waitlist cannot use.
 */
export async function capacityBeyondWaitlist(sql: Sql, callId: string, exceptApplicationId?: string) {
  const free = await callRemainingCapacity(sql, callId, exceptApplicationId);
  return capacityAfterWaitlist(free, await waitlistOf(sql, callId, exceptApplicationId));
}
