import * as R from '../responses';
import { z } from 'zod';
import {
  ACCELERATOR_TYPES,
  batchDeadlines,
  CRITERIA,
  DOCUMENT_TYPES,
  isConflictOfInterest,
  hasStatus,
  poolOf,
  RuleViolation,
  scoreViolations,
  validateResourceRequest,
  type DocumentType,
} from '../../domain';
import {
  applicationDocument,
  applicationStatus,
  priorScoresForUpdate,
  reviewQueue,
  setCommitteeResource,
  upsertScores,
} from '../../db/evaluations';
import { audit, type ApiDeps } from '../context';
import { documentStore } from '../document-store';
import { conflict, forbidden, notFound, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam, MAX_UNITS } from '../schemas';
import { ACTIVE, batchParams, evaluationSupport } from './evaluation-support';

/** V3: the four criteria, each a number; the maxima are the domain's rule (422 naming V3). */
export const scoresSchema = z.strictObject(
  Object.fromEntries(CRITERIA.map((c) => [c.key, z.number().describe(`V3: ${c.nameEn} (${c.nameKo}), 0..${c.max}`)])) as Record<
    (typeof CRITERIA)[number]['key'],
    z.ZodNumber
  >,
);

/** V8: an evaluator's scores with their opinion (평가의견), which only operators read. */
const scoreSubmissionSchema = scoresSchema.extend({ opinion: z.string().trim().min(1).max(4000).optional().describe("V8: the evaluator's opinion (평가의견); operators see it, the applicant never (S2)") });

export const resourceChangeSchema = z.strictObject({
  type: z.enum(ACCELERATOR_TYPES),
  units: z.number().int().min(1).max(MAX_UNITS),
  reason: z.string().trim().min(1).max(2000).describe("the committee's reason (V7)"),
});

const memberDocumentParams = batchParams.extend({
  applicationId: applicationIdParam.shape.id,
  type: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]]),
});

/** An evaluator's queue, documents and scores; the committee's resource change (V3, V4, V7, V8, I4, S2–S4). */
export function scoreRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;
  const store = documentStore(deps.documentDir);
  const { loadBatch, loadMember, assigned, whileSelectionOpen } = evaluationSupport(deps);

  return [
    defineRoute({
      method: 'get',
      path: '/calls/:id/batches/:batchId/applications',
      tag: 'evaluation',
      summary: "An assigned evaluator's review queue: priority applicants first (V4), never their own organisation's (I4), only their own scores (S2)",
      access: ['EVALUATOR'],
      success: { status: 200, description: 'the review queue', schema: R.reviewQueueResponse },
      params: batchParams,
      handler: async ({ params, actor }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const me = actor as { id: string; organisationBrn?: string | null };
        if (!(await assigned(batch.id, me.id))) throw forbidden(`S2: you are not assigned to batch ${batch.id}`);
        const rows = await reviewQueue(sql, batch.id, me.id);
        const visible = rows.filter((r) => !isConflictOfInterest(me.organisationBrn, r.brn));
        const o = (r: (typeof rows)[number]) => r.content.organisation;
        return {
          batchId: batch.id,
          reviewDue: batchDeadlines(batch.cutoff).reviewDue,
          criteria: CRITERIA,
          // I4: the applications of the evaluator's own organisation are not theirs to see.
          withheldOwnOrganisation: rows.length - visible.length,
          items: visible.map((r) => ({
            id: r.id,
            title: r.title,
            priority: r.priority, // V4
            status: r.status,
            submittedAt: r.submitted_at,
            organisation: {
              name: o(r).name,
              type: o(r).type,
              size: o(r).size ?? null,
              priority: o(r).priority,
              digitalLeadersClub: o(r).digitalLeadersClub,
            },
            project: r.content.project,
            // A3: readiness for use right after setup, judged with resource feasibility (V3)
            readiness: r.content.readiness ?? null,
            resource: { pool: r.pool, type: r.type, units: r.units },
            documents: r.documents ?? [], // S3: GET …/applications/:applicationId/documents/:type
            myScores: r.my_scores ?? null,
            myScoresUpdatedAt: r.my_scores_at,
          })),
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/calls/:id/batches/:batchId/applications/:applicationId/documents/:type',
      tag: 'evaluation',
      summary: "An assigned evaluator reads a member's document (S3); never their own organisation's (I4); each read is audited (S4)",
      access: ['EVALUATOR'],
      success: { status: 200, description: 'the document', media: R.DOWNLOAD },
      params: memberDocumentParams,
      handler: async ({ params, actor, res }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const me = actor as { id: string; organisationBrn?: string | null };
        if (!(await assigned(batch.id, me.id))) throw forbidden(`S2: you are not assigned to batch ${batch.id}`);
        const app = await loadMember(params.applicationId);
        if (app.batch_id !== batch.id) throw notFound(`application ${app.id} in batch ${batch.id}`);
        if (isConflictOfInterest(me.organisationBrn, app.brn)) {
          throw forbidden(`I4: an evaluator does not review an application of their own organisation (${app.id})`);
        }
        const doc = await applicationDocument(sql, app.id, params.type);
        if (!doc) throw notFound(`document ${params.type} of application ${app.id}`);
        await audit(sql, actor, 'evaluation.document.read', `application:${app.id}`, { batchId: batch.id, type: params.type });
        await store.send(res, doc.sha256, doc.filename);
      },
    }),

    defineRoute({
      method: 'put',
      path: '/applications/:id/scores',
      tag: 'evaluation',
      summary: "Submit or replace the calling evaluator's four criterion scores (V3); a replacement is audited (S4); refused after selection",
      access: ['EVALUATOR'],
      success: { status: [201, 200], description: '201 the first scores, 200 a replacement', schema: R.scoresResponse },
      params: applicationIdParam,
      body: scoreSubmissionSchema,
      handler: async ({ params, body: submitted, actor, res }) => {
        const { opinion, ...body } = submitted; // V8: the opinion goes with the scores
        const app = await loadMember(params.id);
        const me = actor as { id: string; organisationBrn?: string | null };
        if (!app.batch_id) throw conflict(`V2: application ${app.id} is not in an evaluation batch (status is ${app.status})`);
        if (!(await assigned(app.batch_id, me.id))) throw forbidden(`S2: you are not assigned to batch ${app.batch_id}`);
        if (isConflictOfInterest(me.organisationBrn, app.brn)) {
          throw forbidden(`I4: an evaluator cannot score an application of their own organisation (${app.id})`);
        }
        const violations = scoreViolations(body);
        if (violations.length) throw RuleViolation.of(violations);
        const { replaced, before } = await whileSelectionOpen(app.batch_id, async (tx) => {
          const status = (await applicationStatus(tx, app.id))!;
          if (!hasStatus(ACTIVE, status)) throw conflict(`application ${app.id} is no longer evaluated (status is ${status})`);
          const prior = await priorScoresForUpdate(tx, app.id, me.id);
          await upsertScores(tx, { applicationId: app.id, evaluatorId: me.id, scores: body, opinion: opinion ?? null });
          // S4: a replacement keeps what it replaced, in the same transaction as the change.
          await audit(tx, actor, prior ? 'evaluation.scores.replace' : 'evaluation.scores.submit', `application:${app.id}`, {
            batchId: app.batch_id,
            ...(prior ? { before: prior.scores, ...(prior.opinion ? { opinionBefore: prior.opinion } : {}) } : {}),
            after: body,
            ...(opinion ? { opinion } : {}),
          });
          return { replaced: Boolean(prior), before: prior?.scores };
        });
        res.status(replaced ? 200 : 201);
        return { applicationId: app.id, batchId: app.batch_id, scores: body, opinion: opinion ?? null, replaced, ...(replaced ? { replacedScores: before } : {}) };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/resource-change',
      tag: 'evaluation',
      summary: "The committee changes the requested resource before selection (V7), within the application's pool; audited",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the committee change', schema: R.resourceChangeResponse },
      params: applicationIdParam,
      body: resourceChangeSchema,
      handler: async ({ params, body, actor }) => {
        const app = await loadMember(params.id);
        if (!app.batch_id || !hasStatus(ACTIVE, app.status)) {
          throw conflict(`V7: the committee changes a resource during evaluation only (status is ${app.status})`);
        }
        if (poolOf(body.type) !== app.pool) {
          throw ruleRefused('V7', `the committee changes the type within the application's ${app.pool} pool (A2: one pool per application); ${body.type} is ${poolOf(body.type)}`);
        }
        const violations = validateResourceRequest({
          pool: app.pool,
          type: body.type,
          units: body.units,
          os: app.pool === 'DEDICATED' ? (app.content.resource?.os ?? 'UBUNTU') : undefined,
        });
        if (violations.length) throw RuleViolation.of(violations);
        const before = { type: app.committee_type ?? app.accelerator_type, units: app.committee_units ?? app.units };
        await whileSelectionOpen(app.batch_id, async (tx) => {
          await setCommitteeResource(tx, app.id, { type: body.type, units: body.units, reason: body.reason });
          await audit(tx, actor, 'evaluation.resource.change', `application:${app.id}`, {
            batchId: app.batch_id,
            requested: { type: app.accelerator_type, units: app.units },
            before,
            after: { type: body.type, units: body.units },
            reason: body.reason,
          });
        });
        return {
          applicationId: app.id,
          requested: { type: app.accelerator_type, units: app.units },
          committee: { type: body.type, units: body.units, reason: body.reason },
        };
      },
    }),
  ];
}
