import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { applicationWorkflowId, isoDateSchema } from '../../domain';
import { changeRequestTarget, listChangeRequests } from '../../db/change-requests';
import { decideChangeUpdate, requestChangeUpdate } from '../../contracts/change-requests';
import { actorLabel, type Actor } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { forbidden, notFound } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

const reason = z.string().trim().min(1).max(2000).describe('O6: why (required)');

export const changeRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('STORAGE'), extraStorageTb: z.number().min(0).max(10_000).describe('K3: the extra storage wanted in total (beyond 50 TB + 20 TB)'), reason }),
  z.strictObject({ kind: z.literal('BOW_SIZE'), units: z.number().int().min(1).max(16).describe('K1: 1, 2, 4, 8 or 16 cards'), reason }),
  z.strictObject({ kind: z.literal('EARLY_END'), endOn: isoDateSchema.describe('the last day of support'), reason }),
]);

export const changeDecisionSchema = z.strictObject({
  decision: z.enum(['APPROVE', 'REFUSE']),
  reason: z.string().trim().min(1).max(2000).describe('O6: the reason the applicant receives'),
});

const requestParams = z.strictObject({
  id: applicationIdParam.shape.id,
  requestId: z.uuid('not a change request id'),
});

const changeRequestView = z.object({ id: z.string(), status: z.string(), change: z.object({ kind: z.string() }) });
const changeRequestList = z.object({ id: z.string(), items: z.array(z.object({ id: z.string(), status: z.string() })) });

/** O6: change requests during operation (the applicant asks, the operators decide within K5). */
export function changeRequestRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;

  async function target(id: string, actor: Actor) {
    const app = await changeRequestTarget(sql, id);
    if (!app) throw notFound(`application ${id}`);
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application');
    return { app, handle: client.workflow.getHandle(applicationWorkflowId(app.call_id, app.id)) };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/applications/:id/change-requests',
      tag: 'applications',
      summary: 'Ask for a change while support runs (O6): more storage (K3), another BOW size (K1) or an earlier end, with a reason',
      access: ['APPLICANT'],
      success: { status: 201, description: 'the request, waiting for the operators', schema: changeRequestView },
      params: applicationIdParam,
      body: changeRequestSchema,
      example: { kind: 'STORAGE', extraStorageTb: 20, reason: '학습 데이터가 늘었습니다' },
      handler: async ({ params, body, actor, res }) => {
        const { handle } = await target(params.id, actor);
        const { reason: why, ...change } = body;
        const requestId = randomUUID();
        const view = await handle.executeUpdate(requestChangeUpdate, {
          updateId: requestId,
          args: [{ requestId, actor: actorLabel(actor), change, reason: why }],
        });
        res.status(201);
        return view;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/applications/:id/change-requests',
      tag: 'applications',
      summary: "An allocation's change requests and their decisions (O6)",
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the requests, oldest first', schema: changeRequestList },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const { app } = await target(params.id, actor);
        return { id: app.id, items: await listChangeRequests(sql, app.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/applications/:id/change-requests/:requestId/decision',
      tag: 'operators',
      summary: 'Approve (within capacity, K5: 422) or refuse a change request with a reason (O6); audited, e-mailed',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the decided request', schema: changeRequestView },
      params: requestParams,
      body: changeDecisionSchema,
      example: { decision: 'APPROVE', reason: '여유 스토리지가 있습니다' },
      handler: async ({ params, body, actor }) => {
        const { app, handle } = await target(params.id, actor);
        // S4/S5: the workflow's activity writes this entry with the decision and the change it makes.
        const entry = await auditEntry(sql, actor, 'application.change-request.decide', `application:${app.id}`, { requestId: params.requestId, ...body });
        const view = await handle.executeUpdate(decideChangeUpdate, {
          updateId: entry.key,
          args: [{ requestId: params.requestId, decision: body.decision, reason: body.reason, actor: actorLabel(actor), audit: entry }],
        });
        await auditWritten(sql, entry.key);
        return view;
      },
    }),
  ];
}
