import * as R from '../responses';
import { z } from 'zod';
import { applicationWorkflowId, MISSING_REPORT_CONSEQUENCES } from '../../domain';
import { findApplicationRef } from '../../db/closeout-cases';
import { setMissingReportConsequenceUpdate } from '../../contracts/closeout';
import { actorLabel } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { conflict, notFound } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

export const missingReportOverrideSchema = z.strictObject({
  consequence: z.enum(MISSING_REPORT_CONSEQUENCES).describe('R5: RECLAIM what is still held, RESTRICT the organisation (E5), or BOTH'),
  reason: z.string().trim().min(1).max(2000).describe('why this case differs from the call (S4: kept in the audit log)'),
});

/** R5 per case: the operator's override of what a missing report leads to. */
export function closeOutCaseRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/applications/:id/missing-report-consequence',
      tag: 'operators',
      summary: "R5: set what a missing result report leads to for this application (reclaim, restrict or both), instead of the call's setting, until the report is missed; audited",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the case as it now stands', schema: R.missingReportCaseResponse },
      params: applicationIdParam,
      body: missingReportOverrideSchema,
      example: { consequence: 'RESTRICT', reason: '장비 반납 일정 협의 완료: 회수 대신 이용 제한' },
      handler: async ({ params, body, actor }) => {
        const app = await findApplicationRef(sql, params.id);
        if (!app) throw notFound(`application ${params.id}`);
        if (!app.submitted_at) throw conflict('R5: a draft has no close-out');
        // S4/S5: checked first; the workflow writes this entry with the timeline row of the change.
        const entry = await auditEntry(sql, actor, 'close-out.missing-report-consequence', `application:${app.id}`, body);
        const view = await client.workflow.getHandle(applicationWorkflowId(app.call_id, app.id)).executeUpdate(setMissingReportConsequenceUpdate, {
          updateId: entry.key,
          args: [{ ...body, actor: actorLabel(actor), audit: entry }],
        });
        await auditWritten(sql, entry.key);
        return { id: app.id, missingReport: view };
      },
    }),
  ];
}
