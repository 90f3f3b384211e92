import { z } from 'zod';
import { ACCELERATOR_TYPES, applicationWorkflowId, inRankOrder, total, type AcceleratorType } from '../../domain';
import { capacityBeyondWaitlist, callRemainingCapacity } from '../../activities/capacity';
import type { Sql } from '../../db';
import { waitlistOf } from '../../db/waitlist';
import { applicationRef, batchSelectionLock, committeeSummaryOf, opinionsOf, writeCommitteeSummary } from '../../db/selection';
import { changeWaitlistedResourceUpdate } from '../../contracts/selection';
import { actorLabel } from '../auth';
import { audit, auditEntry, auditWritten, type ApiDeps } from '../context';
import { conflict, notFound } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam, callIdParam, MAX_UNITS } from '../schemas';

const text = (max: number) => z.string().trim().min(1).max(max);

export const waitlistChangeSchema = z.strictObject({
  type: z.enum(ACCELERATOR_TYPES),
  units: z.number().int().min(1).max(MAX_UNITS),
  reason: text(2000).describe("the committee's reason (V7; S4: audited; told to the applicant)"),
});

export const committeeSummarySchema = z.strictObject({
  summary: text(2000).describe("V8: the committee's summary reason; a not-selected applicant receives it (never an evaluator's opinion or scores)"),
});

const resource = z.object({ type: z.string(), units: z.number().int() });
const waitlistResponse = z.object({
  callId: z.string(),
  free: z.object({ T4: z.number(), H100: z.number(), BOW: z.number() }),
  beyondWaitlist: z.object({ T4: z.number(), H100: z.number(), BOW: z.number() }),
  items: z.array(z.object({ place: z.number().int(), applicationId: z.string(), title: z.string(), batchId: z.string().nullable(), total: z.number(), resource })),
});
const opinionsResponse = z.object({
  applicationId: z.string(),
  committeeSummary: z.string().nullable(),
  evaluations: z.array(z.object({ evaluatorId: z.string(), evaluatorName: z.string(), scores: z.looseObject({}), opinion: z.string().nullable(), updatedAt: z.union([z.string(), z.date()]) })),
});
const summaryResponse = z.object({ applicationId: z.string(), committeeSummary: z.string() });
const waitlistChangeResponse = z.object({ id: z.string(), status: z.string(), resource });

/** What the committee decides besides the scores: V7 changes of waitlisted requests, V8 opinions and summary. */
export function committeeRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;

  async function load(id: string) {
    const app = await applicationRef(sql, id);
    if (!app) throw notFound(`application ${id}`);
    return app;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/calls/:id/waitlist',
      tag: 'evaluation',
      summary: "The call's waitlist across batches in V5/V6/I6 order (V7), with the capacity free and what is left beyond the waitlist (K5)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the waitlist', schema: waitlistResponse },
      params: callIdParam,
      handler: async ({ params }) => {
        const [call] = await sql`select id from calls where id = ${params.id}`;
        if (!call) throw notFound(`call ${params.id}`);
        const list = inRankOrder(await waitlistOf(sql, params.id));
        return {
          callId: params.id,
          free: await callRemainingCapacity(sql, params.id),
          beyondWaitlist: await capacityBeyondWaitlist(sql, params.id),
          items: list.map((w, i) => ({ place: i + 1, applicationId: w.applicationId, title: w.title, batchId: w.batchId, total: total(w.scores), resource: w.resource })),
        };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/waitlist-change',
      tag: 'evaluation',
      summary: 'The committee (or an operator) changes a waitlisted request to a type that has capacity (V7, within the pool, K5): it is selected with it; audited',
      access: ['OPERATOR'],
      success: { status: 200, description: 'selected with the changed resource', schema: waitlistChangeResponse },
      params: applicationIdParam,
      body: waitlistChangeSchema,
      example: { type: 'T4', units: 1, reason: 'H100 소진, T4로 학습 가능' },
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        const entry = await auditEntry(sql, actor, 'application.waitlist.change', `application:${app.id}`, { ...body });
        const state = await client.workflow
          .getHandle(applicationWorkflowId(app.call_id, app.id))
          .executeUpdate(changeWaitlistedResourceUpdate, { updateId: entry.key, args: [{ ...body, actor: actorLabel(actor), audit: entry }] });
        await auditWritten(sql, entry.key);
        return { id: app.id, status: state.status, resource: { type: state.acceleratorType as AcceleratorType, units: state.units } };
      },
    }),

    defineRoute({
      method: 'put',
      path: '/applications/:id/committee-summary',
      tag: 'evaluation',
      summary: "The committee's summary reason of an application in evaluation (V8), before the selection; a not-selected applicant receives it; audited",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the summary', schema: summaryResponse },
      params: applicationIdParam,
      body: committeeSummarySchema,
      example: { summary: '과제의 구체성과 월별 추진계획의 현실성이 부족함' },
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        if (!app.batch_id || app.status !== 'IN_EVALUATION') {
          throw conflict(`V8: the committee's summary is written during evaluation (status is ${app.status})`);
        }
        const batchId = app.batch_id;
        await sql.begin(async (tx) => {
          const b = await batchSelectionLock(tx as unknown as Sql, batchId);
          if (b?.selection_started_at) throw conflict(`V5: the selection of batch ${batchId} began at ${b.selection_started_at.toISOString()}; the summary can no longer change`);
          const before = await writeCommitteeSummary(tx as unknown as Sql, app.id, body.summary);
          await audit(tx as unknown as Sql, actor, 'evaluation.summary', `application:${app.id}`, { batchId, before, after: body.summary });
        });
        return { applicationId: app.id, committeeSummary: body.summary };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/opinions',
      tag: 'evaluation',
      summary: "Every evaluator's scores and opinion of an application, and the committee's summary (V8: operators only; S2)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the opinions', schema: opinionsResponse },
      params: applicationIdParam,
      handler: async ({ params }) => {
        const app = await load(params.id);
        return { applicationId: app.id, committeeSummary: await committeeSummaryOf(sql, app.id), evaluations: await opinionsOf(sql, app.id) };
      },
    }),
  ];
}
