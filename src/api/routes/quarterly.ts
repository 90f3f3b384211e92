import * as R from '../responses';
import { z } from 'zod';
import { adjustResource, isoDateSchema, reclaimReasonSchema, type AcceleratorType } from '../../domain';
import { quarterlyReviews } from '../../db/quarterly-reviews';
import { quarterlyDecisionUpdate, reclaimUpdate } from '../../contracts/operation';
import { actorLabel } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { conflict, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';
import { operationSupport, servers } from './operation-support';

const text = (max: number) => z.string().trim().min(1).max(max);

export const quarterlyDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('CONTINUE'), note: z.string().trim().max(2000).optional() }),
  z.strictObject({ decision: z.literal('INCREASE'), note: z.string().trim().max(2000).optional(), servers: servers.optional() }),
  z.strictObject({ decision: z.literal('DECREASE'), note: z.string().trim().max(2000).optional(), servers: servers.optional() }),
  z.strictObject({
    decision: z.literal('RECLAIM'),
    note: z.string().trim().max(2000).optional(),
    reason: reclaimReasonSchema.describe('Q2/Q3: misuse reasons also restrict the organisation (E5)'),
    text: text(2000),
  }),
]);

export const quarterlyReviewsQuery = z.strictObject({
  callId: z.string().optional(),
  reviewDate: isoDateSchema.optional(),
  open: z.enum(['true', 'false']).optional().describe('only undecided reviews (true) or decided ones (false)'),
});

export const reclaimSchema = z.strictObject({
  reason: reclaimReasonSchema.describe('Q2/Q3: MISUSE_* and OUT_OF_SCOPE also restrict the organisation (E5); so does FALSE_STATEMENT (E6)'),
  text: text(2000).describe('what was found'),
});

/** Quarterly reviews and their decisions, and reclamation at any time (Q1–Q3, I2). */
export function quarterlyRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;
  const { handleOf, load, stateOf } = operationSupport(deps);

  return [
    defineRoute({
      method: 'get',
      path: '/quarterly-reviews',
      tag: 'operators',
      summary: 'Quarterly reviews with their recommendation and decision (Q1, I2)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'quarterly reviews', schema: R.quarterlyReviewsResponse },
      query: quarterlyReviewsQuery,
      handler: async ({ query }) => {
        const open = query.open === 'true' ? true : query.open === 'false' ? false : undefined;
        const rows = await quarterlyReviews(sql, { callId: query.callId, reviewDate: query.reviewDate, open });
        return { items: rows };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/quarterly-decision',
      tag: 'operators',
      summary: 'Decide the open quarterly review (Q1): INCREASE / CONTINUE / DECREASE within capacity (K5), or RECLAIM (Q2/Q3)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the decision', schema: R.quarterlyDecisionResponse },
      params: applicationIdParam,
      body: quarterlyDecisionSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        const state = await stateOf(app);
        const review = state.allocation?.reviews.find((r) => !r.decision);
        if (!state.allocation || !review) throw conflict(`Q1: no quarterly review is open for this allocation (status is ${state.status})`);
        let to: { type: AcceleratorType; units: number } | undefined;
        if (body.decision === 'INCREASE' || body.decision === 'DECREASE') {
          const step = adjustResource(state.allocation.resource, body.decision);
          if (!step) {
            throw ruleRefused('Q1', `${state.allocation.resource.type} × ${state.allocation.resource.units} has no ${body.decision === 'INCREASE' ? 'larger' : 'smaller'} step`);
          }
          to = { type: step.type, units: step.units }; // K5: the workflow's activity refuses it without capacity (RULE:K5 → 422)
        }
        const request =
          body.decision === 'RECLAIM'
            ? { decision: 'RECLAIM' as const, actor: actorLabel(actor), note: body.note, reason: body.reason, text: body.text }
            : body.decision === 'CONTINUE'
              ? { decision: 'CONTINUE' as const, actor: actorLabel(actor), note: body.note }
              : { decision: body.decision, actor: actorLabel(actor), note: body.note, to: to!, servers: body.servers };
        // S4/S5: the workflow writes this entry (with review date, from, to) with the decision's row.
        const entry = await auditEntry(sql, actor, 'application.quarterly-decision', `application:${app.id}`, { ...body });
        const decided = await handleOf(app)
          .executeUpdate(quarterlyDecisionUpdate, { updateId: entry.key, args: [{ ...request, audit: entry }] });
        await auditWritten(sql, entry.key);
        return decided;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/reclaim',
      tag: 'operators',
      summary: 'Reclaim now (Q2) with a reason; misuse (Q3) also restricts the organisation (E5)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'reclaimed', schema: R.reclaimResponse },
      params: applicationIdParam,
      body: reclaimSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        // S4/S5: the workflow writes this entry (with `restricted`) with the support end it records.
        const entry = await auditEntry(sql, actor, 'application.reclaim', `application:${app.id}`, { ...body });
        const result = await handleOf(app).executeUpdate(reclaimUpdate, { updateId: entry.key, args: [{ actor: actorLabel(actor), ...body, audit: entry }] });
        await auditWritten(sql, entry.key);
        return { id: app.id, ...result };
      },
    }),
  ];
}
