import { z } from 'zod';
import { applicationWorkflowId, BACKUP_STORAGE_TB, BASE_STORAGE_TB } from '../../domain';
import { callRemainingCapacity } from '../../activities/capacity';
import { allocateUpdate } from '../../workflows/application/operation-messages';
import { actorLabel } from '../auth';
import { audit, type ApiDeps } from '../context';
import { conflict, notFound, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

export const allocateSchema = z.object({
  servers: z.array(z.string().trim().min(1).max(100)).max(16).optional().describe('dedicated: which servers'),
  extraStorageTb: z.number().min(0).max(10000).default(0).describe('K3: granted beyond 50 TB + 20 TB'),
});

/** Allocation, setup, utilisation, quarterly decisions, reclamation (O1–O5, Q1–Q3). */
export function operationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any>> {
  const { sql, client } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/applications/:id/allocation',
      tag: 'operators',
      summary: 'Allocate the granted resource (O1, K3, K5); 409 unless selected',
      access: ['OPERATOR'],
      params: applicationIdParam,
      body: allocateSchema,
      handler: async ({ params, body, actor, res }) => {
        const [app] = await sql<Array<{ id: string; call_id: string; status: string; granted_type: string | null; granted_units: number | null; accelerator_type: string; units: number }>>`
          select id, call_id, status, granted_type, granted_units, accelerator_type, units from applications where id = ${params.id}`;
        if (!app) throw notFound(`application ${params.id}`);
        if (app.status !== 'SELECTED' && app.status !== 'WAITLISTED') {
          throw conflict(`O1: only a selected application can be allocated (status is ${app.status})`);
        }
        const type = (app.granted_type ?? app.accelerator_type) as 'T4' | 'H100' | 'BOW';
        const units = app.granted_units ?? app.units;
        if (app.status === 'WAITLISTED') {
          // V7/K5: a waitlisted application is allocated only when capacity has freed.
          const left = await callRemainingCapacity(sql, app.call_id);
          if (left[type] < units) throw ruleRefused('K5', `no ${type} capacity left (${left[type]} free, ${units} needed)`);
        }
        const view = await client.workflow.getHandle(applicationWorkflowId(app.call_id, app.id)).executeUpdate(allocateUpdate, {
          args: [{
            actor: actorLabel(actor),
            servers: body.servers,
            type,
            units,
            storageTb: BASE_STORAGE_TB,
            backupTb: BACKUP_STORAGE_TB,
            extraStorageTb: body.extraStorageTb,
          }],
        });
        await audit(sql, actor, 'application.allocate', `application:${app.id}`, { ...body, type, units });
        res.status(201);
        return view;
      },
    }),
  ];
}
