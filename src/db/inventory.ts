import type { Sql } from './index';
import { writeAudit, type AuditRow } from './audit';
import {
  assertNoViolations,
  capacityChangeViolations,
  inventoryViolations,
  violation,
  type AcceleratorType,
  type CallCapacity,
  type IsoDate,
  type ServerType,
  HOLDING_CAPACITY_STATUSES,
} from '../domain';


/**
 * K5: capacity changes of one call are serialised with allocations and selections: the same
 * advisory lock the allocation takes (activities/operation.ts) and the call's row lock the
 * selection takes (activities/evaluation.ts).
 */
async function lockCallCapacity(tx: Sql, callId: string) {
  await tx`select pg_advisory_xact_lock(hashtext(${`K5:${callId}`}))`;
  await tx`select id from calls where id = ${callId} for update`;
}

/** K5: what the applications of a call hold now (units per type, extra storage). */
export async function heldCapacity(sql: Sql, callId: string): Promise<CallCapacity> {
  const rows = await sql<Array<{ type: AcceleratorType; units: number; extra: number }>>`
    select granted_type as type, coalesce(sum(granted_units), 0)::int as units,
      coalesce(sum(granted_extra_storage_tb), 0)::float8 as extra
    from applications
    where call_id = ${callId} and status in ${sql(HOLDING_CAPACITY_STATUSES)} and granted_type is not null and support_ended_on is null
    group by granted_type`;
  const held: CallCapacity = { T4: 0, H100: 0, BOW: 0, extraStorageTb: 0 };
  for (const r of rows) {
    held[r.type] = r.units;
    held.extraStorageTb += r.extra;
  }
  return held;
}

/**
 * C4/K5: changes a loaded call's capacity (only the keys given), never below what is held,
 * with its audit row in the same transaction (S4). Answers the new capacity and what is held.
 */
export async function changeCallCapacity(
  sql: Sql,
  callId: string,
  next: Partial<CallCapacity>,
  auditRow: Omit<AuditRow, 'detail'>,
): Promise<{ capacity: CallCapacity; held: CallCapacity }> {
  return sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await lockCallCapacity(tx, callId);
    const [row] = await tx<Array<{ capacity: CallCapacity }>>`select capacity from calls where id = ${callId}`;
    const held = await heldCapacity(tx, callId);
    assertNoViolations(capacityChangeViolations(next, held));
    const capacity = { ...row!.capacity, ...next };
    await tx`update calls set capacity = ${tx.json(capacity as never)} where id = ${callId}`;
    await writeAudit(tx, { ...auditRow, detail: { from: row!.capacity, to: capacity, held } });
    return { capacity, held };
  }) as Promise<{ capacity: CallCapacity; held: CallCapacity }>;
}

export interface InventoryServer {
  name: string;
  type: ServerType;
  /** K1: the application that has it now (an allocation whose support has not ended). */
  allocatedTo: string | null;
}

/** K1: the call's servers with the allocation each is in today (if any). */
export async function callInventory(sql: Sql, callId: string, today: IsoDate): Promise<InventoryServer[]> {
  return sql<InventoryServer[]>`
    select s.name, s.type,
      (select x.application_id from allocation_servers x join applications a on a.id = x.application_id
         join calls c on c.id = a.call_id
       where x.name = s.name and coalesce(a.support_ended_on, c.support_ends_on) >= ${today}::date
       order by x.starts_on desc limit 1) as "allocatedTo"
    from call_servers s where s.call_id = ${callId} order by s.type, s.name`;
}

/**
 * K1/K2: replaces the call's inventory. A server still in an allocation whose support runs
 * cannot be taken out. Audited in the same transaction (S4).
 */
export async function replaceInventory(
  sql: Sql,
  callId: string,
  inventory: Partial<Record<ServerType, string[]>>,
  today: IsoDate,
  auditRow: Omit<AuditRow, 'detail'>,
): Promise<InventoryServer[]> {
  assertNoViolations(inventoryViolations(inventory));
  return sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await lockCallCapacity(tx, callId);
    const before = await callInventory(tx, callId, today);
    const keep = new Map(Object.entries(inventory).flatMap(([type, names]) => (names ?? []).map((n) => [n, type])));
    const problems = before
      .filter((s) => s.allocatedTo && keep.get(s.name) !== s.type)
      .map((s) => violation('K1', `server ${s.name} is allocated to ${s.allocatedTo}; it stays in the inventory as ${s.type}`, s.name));
    assertNoViolations(problems);
    await tx`delete from call_servers where call_id = ${callId}`;
    const rows = [...keep].map(([name, type]) => ({ call_id: callId, name, type, added_by: auditRow.actor }));
    if (rows.length) await tx`insert into call_servers ${tx(rows, 'call_id', 'name', 'type', 'added_by')}`;
    await writeAudit(tx, { ...auditRow, detail: { before: before.map((s) => s.name), after: [...keep.keys()], inventory } });
    return callInventory(tx, callId, today);
  }) as Promise<InventoryServer[]>;
}

/**
 * K1: why these servers cannot go to this allocation starting `startsOn` until `endsOn`
 * (undefined when they can): a call with an inventory for the type allocates only its
 * servers, by name, and never one that another allocation has in an overlapping period.
 * Runs inside the allocation's transaction (per-server advisory locks, so two calls that
 * list the same machine cannot both hand it out).
 */
export async function serverProblem(
  tx: Sql,
  a: { applicationId: string; callId: string; type: AcceleratorType; servers?: string[]; startsOn: IsoDate; endsOn: IsoDate },
): Promise<string | undefined> {
  const inventory = await tx<Array<{ name: string; type: string }>>`
    select name, type from call_servers where call_id = ${a.callId} and type = ${a.type}`;
  if (inventory.length === 0) return undefined; // a call without an inventory of this type names no servers
  const servers = a.servers ?? [];
  if (servers.length === 0) return `K1: name the ${a.type} server from the call's inventory (${inventory.map((s) => s.name).join(', ')})`;
  for (const name of servers) {
    if (!inventory.some((s) => s.name === name)) return `K1: ${name} is not a ${a.type} server of the call's inventory`;
    await tx`select pg_advisory_xact_lock(hashtext(${`K1:${name}`}))`;
    const [other] = await tx<Array<{ applicationId: string; from: string; to: string }>>`
      select x.application_id as "applicationId", x.starts_on as from, coalesce(p.support_ended_on, c.support_ends_on) as to
      from allocation_servers x join applications p on p.id = x.application_id join calls c on c.id = p.call_id
      where x.name = ${name} and x.application_id <> ${a.applicationId}
        and x.starts_on <= ${a.endsOn}::date and coalesce(p.support_ended_on, c.support_ends_on) >= ${a.startsOn}::date
      limit 1`;
    if (other) return `K1: server ${name} is allocated to ${other.applicationId} from ${other.from} to ${other.to}, overlapping this support period`;
  }
  return undefined;
}

/** K1: records the servers of an allocation (idempotent: a retried activity writes nothing twice). */
export async function recordAllocationServers(tx: Sql, a: { applicationId: string; callId: string; servers: string[]; startsOn: IsoDate }) {
  for (const name of a.servers) {
    await tx`insert into allocation_servers (application_id, call_id, name, starts_on)
             values (${a.applicationId}, ${a.callId}, ${name}, ${a.startsOn}) on conflict do nothing`;
  }
}
