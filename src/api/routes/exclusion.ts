import { z } from 'zod';
import { applicationWorkflowId, EXCLUSION_RULES } from '../../domain';
import { applicationRef } from '../../db/selection';
import { excludeUpdate, releaseSelectionUpdate } from '../../contracts/selection';
import { actorLabel } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { notFound } from '../errors';
import * as R from '../responses';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

const text = (max: number) => z.string().trim().min(1).max(max);

export const exclusionSchema = z.strictObject({
  rule: z.enum(EXCLUSION_RULES).describe('E4 (participation restriction, sanction, social controversy) or E6 (a false statement: also restricts the organisation, E5)'),
  reason: text(2000).describe('why (S4: audited; told to the applicant)'),
});

export const releaseSchema = z.strictObject({
  reason: text(2000).describe('why the selection is released before its V9 date (S4: audited; told to the applicant)'),
});

/**
 * E4/E6 exclusion at any stage before allocation, and V9's early release of a selection:
 * both are Updates of the application's workflow (its validator refuses: 409 for the
 * state, 422 naming the rule), audited with the status change they cause (S4).
 */
export function exclusionRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;

  async function load(id: string) {
    const app = await applicationRef(sql, id);
    if (!app) throw notFound(`application ${id}`);
    return { app, handle: client.workflow.getHandle(applicationWorkflowId(app.call_id, app.id)) };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/applications/:id/exclusion',
      tag: 'operators',
      summary: 'Exclude an application at any stage before allocation (E4/E6), with the rule and a reason; E6 also restricts the organisation (E5); a selected one frees its capacity for the waitlist (V7)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'excluded', schema: R.statusChangeResponse },
      params: applicationIdParam,
      body: exclusionSchema,
      example: { rule: 'E6', reason: '신청서의 매출 실적이 증빙과 다름 (허위 기재)' },
      handler: async ({ params, body, actor }) => {
        const { app, handle } = await load(params.id);
        // S4/S5: the workflow writes this entry with the status change it causes.
        const entry = await auditEntry(sql, actor, 'application.exclude', `application:${app.id}`, { ...body });
        await handle.executeUpdate(excludeUpdate, { updateId: entry.key, args: [{ ...body, actor: actorLabel(actor), audit: entry }] });
        await auditWritten(sql, entry.key);
        return { id: app.id, status: 'INELIGIBLE' };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/release',
      tag: 'operators',
      summary: 'Release a selected application that is not allocated before its V9 date, with a reason; its capacity goes to the waitlist (V7)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'released', schema: R.statusChangeResponse },
      params: applicationIdParam,
      body: releaseSchema,
      example: { reason: '신청기관이 자원 이용 포기 의사를 밝힘' },
      handler: async ({ params, body, actor }) => {
        const { app, handle } = await load(params.id);
        const entry = await auditEntry(sql, actor, 'application.selection.release', `application:${app.id}`, { ...body });
        await handle.executeUpdate(releaseSelectionUpdate, { updateId: entry.key, args: [{ ...body, actor: actorLabel(actor), audit: entry }] });
        await auditWritten(sql, entry.key);
        return { id: app.id, status: 'RELEASED' };
      },
    }),
  ];
}
