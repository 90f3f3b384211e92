import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import * as R from '../responses';
import { z } from 'zod';
import {
  ACCELERATOR_TYPES,
  DOCUMENT_TYPES,
  batchDeadlines,
  compareDates,
  CRITERIA,
  endOfDayKst,
  isConflictOfInterest,
  poolOf,
  RuleViolation,
  scoreViolations,
  validateResourceRequest,
  addDays,
  AT_RISK_DAYS_BEFORE,
  type AcceleratorType,
  type DocumentType,
  type IsoDate,
  ACTIVE_MEMBER_STATUSES,
  hasStatus,
} from '../../domain';
import { batchProgress, missingList } from '../../activities/evaluation';
import type { Sql } from '../../db';
import { batchSelectionLock } from '../../db/selection';
import { batchWorkflowId } from '../../contracts/ids';
import { selectBatchUpdate, type BatchDeadlineKind } from '../../contracts/batch';
import { evaluatorsAssignedWorkflow } from '../../workflows/evaluator-notices';
import { actorLabel, type Actor } from '../auth';
import { audit, auditEntry, type ApiDeps } from '../context';
import { documentStore } from '../document-store';
import { badRequest, conflict, forbidden, notFound, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam, callIdParam, MAX_UNITS } from '../schemas';

const batchParams = callIdParam.extend({
  batchId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a batch id (e.g. 2024-1-2024-03-31)'),
});

/** V3: the four criteria, each a number; the maxima are the domain's rule (422 naming V3). */
export const scoresSchema = z.strictObject(
  Object.fromEntries(CRITERIA.map((c) => [c.key, z.number().describe(`V3: ${c.nameEn} (${c.nameKo}), 0..${c.max}`)])) as Record<
    (typeof CRITERIA)[number]['key'],
    z.ZodNumber
  >,
);

/** V8: an evaluator's scores with their opinion (평가의견), which only operators read. */
const scoreSubmissionSchema = scoresSchema.extend({ opinion: z.string().trim().min(1).max(4000).optional().describe("V8: the evaluator's opinion (평가의견); operators see it, the applicant never (S2)") });

export const assignEvaluatorsSchema = z.strictObject({
  evaluatorIds: z.array(z.string().regex(/^[0-9a-f]{12}$/, 'an API key id')).min(1).max(50).describe('ids of EVALUATOR API keys'),
});

export const resourceChangeSchema = z.strictObject({
  type: z.enum(ACCELERATOR_TYPES),
  units: z.number().int().min(1).max(MAX_UNITS),
  reason: z.string().trim().min(1).max(2000).describe("the committee's reason (V7)"),
});

interface BatchRow {
  id: string;
  call_id: string;
  cutoff: IsoDate;
  closed_at: Date | null;
  created_by: string;
  selection_started_at: Date | null;
  selection_started_by: string | null;
  selected_at: Date | null;
  min_evaluators: number;
}

interface MemberRow {
  id: string;
  call_id: string;
  batch_id: string | null;
  status: string;
  brn: string;
  pool: string;
  accelerator_type: AcceleratorType;
  units: number;
  committee_type: AcceleratorType | null;
  committee_units: number | null;
  content: { resource?: { os?: string } };
}

const memberDocumentParams = batchParams.extend({
  applicationId: applicationIdParam.shape.id,
  type: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]]),
});

/** Evaluators, scores, batches and selection (V2–V7, I4, S2, S4). */
export function evaluationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;
  const store = documentStore(deps.documentDir);

  async function loadBatch(callId: string, batchId: string): Promise<BatchRow> {
    const [row] = await sql<BatchRow[]>`
      select b.*, coalesce((c.settings->>'minEvaluators')::int, 5) as min_evaluators
      from batches b join calls c on c.id = b.call_id where b.id = ${batchId} and b.call_id = ${callId}`;
    if (!row) throw notFound(`batch ${batchId} of call ${callId}`);
    return row;
  }

  async function loadMember(id: string): Promise<MemberRow> {
    const [row] = await sql<MemberRow[]>`
      select id, call_id, batch_id, status, brn, pool, accelerator_type, units, committee_type, committee_units, content
      from applications where id = ${id}`;
    if (!row) throw notFound(`application ${id}`);
    return row;
  }

  const staffId = (actor: Actor) => (actor as { id: string }).id;

  async function assigned(batchId: string, evaluatorId: string) {
    const [row] = await sql`select 1 from evaluator_assignments where batch_id = ${batchId} and evaluator_id = ${evaluatorId}`;
    return Boolean(row);
  }

  /**
   * V5: scores and resource changes stop when the selection begins. The batch row is
   * locked (shared) for the change's transaction; the selection locks it exclusively to
   * begin, so the two never interleave.
   */
  async function whileSelectionOpen<T>(batchId: string, f: (tx: Sql) => Promise<T>): Promise<T> {
    return sql.begin(async (tx) => {
      const b = await batchSelectionLock(tx as unknown as Sql, batchId);
      if (b?.selection_started_at) {
        throw conflict(`V5: the selection of batch ${batchId} ${b.selected_at ? 'was made' : 'began'} at ${b.selection_started_at.toISOString()}; nothing can change now`);
      }
      return f(tx as unknown as Sql);
    }) as Promise<T>;
  }

  return [
    defineRoute({
      method: 'post',
      path: '/calls/:id/batches/:batchId/evaluators',
      tag: 'evaluation',
      summary: 'Assign evaluators (EVALUATOR API keys) to a batch (S2: they see only assigned batches)',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the evaluators of the batch', schema: R.evaluatorsAssignedResponse },
      params: batchParams,
      body: assignEvaluatorsSchema,
      handler: async ({ params, body, actor, res }) => {
        const batch = await loadBatch(params.id, params.batchId);
        if (batch.selection_started_at) throw conflict(`V5: the selection of batch ${batch.id} has begun; the committee is fixed`);
        const keys = await sql<Array<{ id: string; role: string; name: string; organisation_brn: string | null; revoked_at: Date | null }>>`
          select id, role, name, organisation_brn, revoked_at from api_keys where id in ${sql(body.evaluatorIds)}`;
        const bad = body.evaluatorIds
          .map((id, i) => ({ id, i, key: keys.find((k) => k.id === id) }))
          .filter((x) => !x.key || x.key.role !== 'EVALUATOR' || x.key.revoked_at);
        if (bad.length) {
          throw badRequest(bad.map((b) => ({ field: `evaluatorIds.${b.i}`, message: `${b.id} is not an active EVALUATOR API key` })));
        }
        // S4/S5: the assignment and its audit row commit together.
        await sql.begin(async (tx) => {
          await tx`insert into evaluator_assignments ${sql(body.evaluatorIds.map((id) => ({ batch_id: batch.id, evaluator_id: id })))}
                    on conflict do nothing`;
          await audit(tx as never, actor, 'batch.evaluators.assign', `batch:${batch.id}`, { evaluatorIds: body.evaluatorIds });
        });
        // N3: each evaluator is e-mailed the assignment with the link to their queue, by a
        // workflow (retried until sent; once per evaluator and batch by its notice key).
        // After the commit: a failed start answers 5xx and a repeated POST starts it again;
        // the same set posted while its notice is on the way is that same workflow.
        const evaluatorIds = [...new Set(body.evaluatorIds)].sort();
        const digest = createHash('sha256').update(evaluatorIds.join(',')).digest('hex').slice(0, 16);
        await client.workflow
          .start(evaluatorsAssignedWorkflow, {
            workflowId: `n3-assigned-${batch.id}-${digest}`,
            taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
            args: [{ callId: batch.call_id, batchId: batch.id, evaluatorIds }],
          })
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          });
        res.status(201);
        return { batchId: batch.id, evaluators: await evaluatorsOf(sql, batch.id) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/calls/:id/batches/:batchId',
      tag: 'evaluation',
      summary: 'A batch: members (V4 order), score progress (I4), ranking after selection (V5–V7), SLA state (V2, N)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the batch', schema: R.batchResponse },
      params: batchParams,
      handler: async ({ params }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const progress = await batchProgress(sql, batch.id, batch.min_evaluators);
        const details = await sql<
          Array<{ id: string; accelerator_type: string; units: number; committee_type: string | null; committee_units: number | null; committee_reason: string | null }>
        >`select id, accelerator_type, units, committee_type, committee_units, committee_reason from applications where batch_id = ${batch.id}`;
        const byId = new Map(details.map((d) => [d.id, d]));
        const ranking = await sql<
          Array<{ application_id: string; rank: number; total: string; scores: unknown; evaluators: number; outcome: string; rule: string; resource_type: string; resource_units: number; signalled_at: Date | null }>
        >`select * from selection_results where batch_id = ${batch.id} order by rank`;
        const events = await sql<Array<{ kind: BatchDeadlineKind; on_day: IsoDate; missing: number; recorded_at: Date }>>`
          select kind, on_day, missing, recorded_at from batch_sla_events where batch_id = ${batch.id} order by on_day, kind`;
        const { reviewDue, notificationDue } = batchDeadlines(batch.cutoff);
        const today = deps.today();
        const reviewComplete = progress.short.length === 0 && progress.members.length > 0;
        const deadline = (kind: 'REVIEW' | 'RESULTS', dueOn: IsoDate, doneAt: Date | null, done: boolean) => {
          const warnings = events.filter((e) => e.kind === `${kind}_AT_RISK`);
          const escalations = events.filter((e) => e.kind === `${kind}_OVERDUE`);
          const late = doneAt ? doneAt.getTime() > endOfDayKst(dueOn) : compareDates(today, dueOn) > 0;
          const breached = escalations.length > 0 || (late && (!done || doneAt !== null));
          const atRisk = compareDates(today, addDays(dueOn, -AT_RISK_DAYS_BEFORE)) >= 0;
          return {
            dueOn,
            warnOn: addDays(dueOn, -AT_RISK_DAYS_BEFORE),
            state: done ? (breached ? 'MET_LATE' : 'MET') : breached ? 'BREACHED' : atRisk ? 'AT_RISK' : 'ON_TRACK',
            breached,
            warnedOn: warnings[0]?.on_day ?? null,
            escalations: escalations.map((e) => ({ day: e.on_day, missing: e.missing, recordedAt: e.recorded_at })),
          };
        };
        return {
          batchId: batch.id,
          callId: batch.call_id,
          cutoff: batch.cutoff,
          closed: batch.closed_at !== null,
          closedAt: batch.closed_at,
          addedBy: batch.created_by,
          reviewDue,
          notificationDue,
          minEvaluators: batch.min_evaluators,
          evaluators: await evaluatorsOf(sql, batch.id),
          progress: {
            members: progress.members.length,
            complete: progress.members.length - progress.short.length,
            short: missingList(progress, progress.short.length),
          },
          members: progress.members.map((m) => {
            const d = byId.get(m.applicationId)!;
            return {
              id: m.applicationId,
              title: m.title,
              organisation: m.organisationName,
              priority: m.priority,
              status: m.status,
              submittedAt: m.submittedAt,
              evaluators: m.evaluators,
              complete: m.complete,
              requested: { type: d.accelerator_type, units: d.units },
              committee: d.committee_type ? { type: d.committee_type, units: d.committee_units, reason: d.committee_reason } : null,
            };
          }),
          selection: {
            state: batch.selected_at ? 'DONE' : batch.selection_started_at ? 'IN_PROGRESS' : 'NOT_STARTED',
            startedAt: batch.selection_started_at,
            by: batch.selection_started_by,
            selectedAt: batch.selected_at,
            // Issue 13: the selection answers once the ranking is stored; this is how many
            // members have been told their result so far (V5, the RESULT_* notices follow).
            notified: { done: ranking.filter((r) => r.signalled_at !== null).length, total: ranking.length },
          },
          ranking: ranking.map((r) => ({
            rank: r.rank,
            applicationId: r.application_id,
            total: Number(r.total),
            scores: r.scores,
            evaluators: r.evaluators,
            outcome: r.outcome,
            rule: r.rule,
            resource: { type: r.resource_type, units: r.resource_units },
            notified: r.signalled_at !== null,
          })),
          sla: {
            review: { ...deadline('REVIEW', reviewDue, null, reviewComplete || batch.selection_started_at !== null), complete: reviewComplete },
            results: deadline('RESULTS', notificationDue, batch.selected_at, batch.selected_at !== null),
          },
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/evaluator/batches',
      tag: 'evaluation',
      summary: "The batches assigned to the calling evaluator (S2), with the review deadline (V2)",
      access: ['EVALUATOR'],
      success: { status: 200, description: 'assigned batches', schema: R.evaluatorBatchesResponse },
      handler: async ({ actor }) => {
        const rows = await sql<Array<{ id: string; call_id: string; cutoff: IsoDate; selected_at: Date | null }>>`
          select b.id, b.call_id, b.cutoff, b.selected_at from evaluator_assignments x join batches b on b.id = x.batch_id
          where x.evaluator_id = ${staffId(actor)} order by b.cutoff, b.id`;
        return {
          items: rows.map((b) => ({ batchId: b.id, callId: b.call_id, cutoff: b.cutoff, ...batchDeadlines(b.cutoff), selected: b.selected_at !== null })),
        };
      },
    }),

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
        const rows = await sql<
          Array<{
            id: string; title: string; brn: string; priority: boolean; status: string; submitted_at: Date | null; pool: string;
            type: string; units: number; content: { organisation: Record<string, unknown>; project: unknown; readiness?: unknown };
            my_scores: unknown; my_scores_at: Date | null; documents: string[] | null;
          }>
        >`
          select a.id, a.title, a.brn, a.priority, a.status, a.submitted_at, a.pool,
            coalesce(a.committee_type, a.accelerator_type) as type, coalesce(a.committee_units, a.units) as units,
            a.content, e.scores as my_scores, e.updated_at as my_scores_at,
            (select json_agg(d.type order by d.type) from documents d where d.application_id = a.id) as documents
          from applications a left join evaluations e on e.application_id = a.id and e.evaluator_id = ${me.id}
          where a.batch_id = ${batch.id}
          order by a.priority desc, a.submitted_at nulls last, a.id`;
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
        const [doc] = await sql<Array<{ sha256: string; filename: string }>>`
          select sha256, filename from documents where application_id = ${app.id} and type = ${params.type}`;
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
          const [current] = await tx<Array<{ status: string }>>`select status from applications where id = ${app.id}`;
          if (!hasStatus(ACTIVE_MEMBER_STATUSES, current!.status)) throw conflict(`application ${app.id} is no longer evaluated (status is ${current!.status})`);
          const [prior] = await tx<Array<{ scores: unknown; opinion: string | null }>>`
            select scores, opinion from evaluations where application_id = ${app.id} and evaluator_id = ${me.id} for update`;
          await tx`
            insert into evaluations (application_id, evaluator_id, scores, opinion) values (${app.id}, ${me.id}, ${tx.json(body)}, ${opinion ?? null})
            on conflict (application_id, evaluator_id) do update set scores = excluded.scores, opinion = excluded.opinion, updated_at = now()`;
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
        if (!app.batch_id || !hasStatus(ACTIVE_MEMBER_STATUSES, app.status)) {
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
          await tx`update applications set committee_type = ${body.type}, committee_units = ${body.units},
                     committee_reason = ${body.reason}, updated_at = now() where id = ${app.id}`;
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

    defineRoute({
      method: 'post',
      path: '/calls/:id/batches/:batchId/selection',
      tag: 'evaluation',
      summary: 'Select the batch (V5–V7, K5): ranked from the database, results to every member; 409 until every application has its I4 minimum of evaluators',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the selection made', schema: R.selectionResponse },
      params: batchParams,
      handler: async ({ params, actor }) => {
        const batch = await loadBatch(params.id, params.batchId);
        if (!batch.closed_at) throw conflict(`V2: batch ${batch.id} closes at the end of its cutoff day ${batch.cutoff}; select after that`);
        if (batch.selection_started_at) {
          throw conflict(`V5: the selection of batch ${batch.id} ${batch.selected_at ? 'was made' : 'began'} at ${batch.selection_started_at.toISOString()}`);
        }
        const progress = await batchProgress(sql, batch.id, batch.min_evaluators);
        if (progress.inPlay === 0) throw conflict(`V5: batch ${batch.id} has no application to select`);
        // H1: I4's quorum is the batch workflow's to refuse (RULE:I4 → 422 with the short list).
        // S4/S5: the ranking's transaction writes this entry with the counts it produced.
        const entry = await auditEntry(sql, actor, 'batch.select', `batch:${batch.id}`);
        const summary = await client.workflow
          .getHandle(batchWorkflowId(batch.id))
          .executeUpdate(selectBatchUpdate, { updateId: entry.key, args: [{ actor: actorLabel(actor), audit: entry }] });
        // S4: the handler awaited the activity that wrote the audit row with the change, so its
        // answer proves the write: nothing to poll for.
        return summary;
      },
    }),
  ];
}

async function evaluatorsOf(sql: Sql, batchId: string) {
  const rows = await sql<Array<{ id: string; name: string; organisation_brn: string | null }>>`
    select k.id, k.name, k.organisation_brn from evaluator_assignments x join api_keys k on k.id = x.evaluator_id
    where x.batch_id = ${batchId} order by k.name, k.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, organisationBrn: r.organisation_brn }));
}

