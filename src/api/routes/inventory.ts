import { z } from 'zod';
import { changeCallCapacity, callInventory, heldCapacity, replaceInventory } from '../../db/inventory';
import { actorLabel } from '../auth';
import type { ApiDeps } from '../context';
import { defineRoute, type RouteSpec } from '../route';
import { callIdParam } from '../schemas';
import { loadCall } from './calls';

/** K1: a server's name as the data centre labels it (e.g. `h100-07`). */
const serverName = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore');
const serverList = z.array(serverName).max(500);

export const inventorySchema = z.strictObject({
  T4: serverList.optional().describe('K1: the call\'s T4 servers by name'),
  H100: serverList.optional().describe('K1: the call\'s H100 servers by name'),
});

export const capacityChangeSchema = z
  .strictObject({
    T4: z.number().int().min(0).max(10_000).optional(),
    H100: z.number().int().min(0).max(10_000).optional(),
    BOW: z.number().int().min(0).max(10_000).optional(),
    extraStorageTb: z.number().min(0).max(1_000_000).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'C4/K5: give at least one of T4, H100, BOW, extraStorageTb');

const capacityShape = z.object({ T4: z.number(), H100: z.number(), BOW: z.number(), extraStorageTb: z.number() });
const inventoryResponse = z.object({
  callId: z.string(),
  servers: z.array(z.object({ name: z.string(), type: z.string(), allocatedTo: z.string().nullable() })),
});
const capacityResponse = z.object({ callId: z.string(), capacity: capacityShape, held: capacityShape });

/** C4/K5 capacity and the K1/K2 server inventory: data of a loaded call that operators change. */
export function inventoryRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/calls/:id/servers',
      tag: 'calls',
      summary: "The call's dedicated servers (K1/K2) and the allocation each is in today",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the inventory', schema: inventoryResponse },
      params: callIdParam,
      handler: async ({ params }) => {
        await loadCall(deps, params.id);
        return { callId: params.id, servers: await callInventory(sql, params.id, deps.today()) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/calls/:id/servers',
      tag: 'calls',
      summary: "Replace the call's server inventory (K1/K2); a server in a running allocation stays (422 K1); audited (S4)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the inventory', schema: inventoryResponse },
      params: callIdParam,
      body: inventorySchema,
      example: { T4: ['t4-01', 't4-02'], H100: ['h100-01'] },
      handler: async ({ params, body, actor }) => {
        await loadCall(deps, params.id);
        const servers = await replaceInventory(sql, params.id, body, deps.today(), {
          actor: actorLabel(actor), action: 'call.servers', subject: `call:${params.id}`,
        });
        return { callId: params.id, servers };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls/:id/capacity',
      tag: 'calls',
      summary: "The call's capacity and what is held now (K5: selected + allocated)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'capacity and held', schema: capacityResponse },
      params: callIdParam,
      handler: async ({ params }) => {
        const call = await loadCall(deps, params.id);
        return { callId: params.id, capacity: call.capacity, held: await heldCapacity(sql, params.id) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/calls/:id/capacity',
      tag: 'calls',
      summary: "Change a loaded call's capacity per type (C4/K5), never below what is held (422 K5); audited (S4)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the new capacity and what is held', schema: capacityResponse },
      params: callIdParam,
      body: capacityChangeSchema,
      example: { H100: 6 },
      handler: async ({ params, body, actor }) => {
        await loadCall(deps, params.id);
        const changed = await changeCallCapacity(sql, params.id, body, {
          actor: actorLabel(actor), action: 'call.capacity', subject: `call:${params.id}`,
        });
        return { callId: params.id, ...changed };
      },
    }),
  ];
}
