import * as R from '../responses';
import express from 'express';
import { z } from 'zod';
import {
  applicationWorkflowId,
  DATA_REGISTRATION_TYPES,
  detectContentKind,
  evidenceFileViolations,
  extensionOf,
  isValidBusinessRegistrationNumber,
  normaliseBusinessRegistrationNumber,
  OUTCOME_CATEGORIES,
  resultReportViolations,
  RuleViolation,
  SHARING_TERMS,
  type IsoDate,
  SUPPORTED_STATUSES,
  hasStatus,
} from '../../domain';
import type { Sql } from '../../db';
import { reviewCloseOutUpdate, submitDataSharingUpdate, submitResultReportUpdate, type CloseOutItemName, type CloseOutView } from '../../contracts/closeout';
import { statusQuery } from '../../contracts/application';
import { actorLabel, type Actor } from '../auth';
import { audit, auditEntry, type ApiDeps } from '../context';
import { documentStore } from '../document-store';
import { conflict, forbidden, notFound, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';

const text = (max: number) => z.string().trim().min(1).max(max);

/** An evidence file's name: its own extension, no path. */
const evidenceName = z
  .string()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._()-]{0,118}\.[A-Za-z0-9]{1,8}$/u, 'a file name with its extension, without a path (e.g. paper-2026.pdf)');

export const resultReportSchema = z
  .strictObject({
    summary: text(10000).describe('what was achieved with the resources'),
    outcomes: z
      .array(
        z.strictObject({
          category: z.enum(OUTCOME_CATEGORIES).describe('R4'),
          count: z.number().int().min(0).max(1_000_000),
          details: z.string().trim().max(2000).optional(),
        }),
      )
      .min(1)
      .max(OUTCOME_CATEGORIES.length)
      .describe('R4: outcomes by category, each category once'),
    evidence: z.array(evidenceName).min(1).max(50).describe('names of files uploaded with PUT /applications/{id}/evidence/{name}'),
  })
  .superRefine((r, ctx) => {
    for (const v of resultReportViolations(r.outcomes)) {
      ctx.addIssue({ code: 'custom', path: (v.field ?? '').split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: v.message });
    }
  });

export const dataSharingSchema = z.strictObject({
  registrationType: z.enum(DATA_REGISTRATION_TYPES).describe('R3: (1) PLANNED_DATA, (2a) DEIDENTIFIED_SAFE_ZONE, (2b) SIMILAR_OWN_DATA, (3) DATA_USE_STORY'),
  dataName: text(500).describe('the data (or story) registered'),
  portalReference: text(500).describe("the registration's id or URL on the agency's data portal"),
  sharingTerms: z.array(z.enum(SHARING_TERMS)).max(SHARING_TERMS.length).default([]).describe('R3; not needed for (3)'),
  policyReason: z.string().trim().max(2000).optional().describe('(2a)/(2b): why policy forbids publishing the planned data'),
  deidentified: z.boolean().optional().describe('(2a): must be true'),
  publiclyAvailableOnWeb: z.boolean().optional().describe('(2b): must be false: web-public data is not accepted'),
  legalReason: z.string().trim().max(2000).optional().describe('(3): the law that makes (1) and (2) impossible'),
  ownsSimilarData: z.boolean().optional().describe('(3): must be false'),
});

export const closeOutDecisionSchema = z
  .strictObject({
    decision: z.enum(['ACCEPT', 'RETURN']),
    reason: z.string().trim().max(2000).optional().describe('required to return: the applicant is told'),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'RETURN' && !d.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a return needs a reason' });
  });

const evidenceParam = applicationIdParam.extend({ name: evidenceName });
const brnParam = z.strictObject({
  brn: z.string().refine(isValidBusinessRegistrationNumber, 'E5: a 10-digit business registration number with a valid check digit'),
});
const liftSchema = z.strictObject({
  reason: text(2000).describe('why the restriction ends (S4: kept in the audit log)'),
  restrictionId: z.number().int().positive().optional().describe('lift only this one; default: every active restriction'),
});
const closeOutsQuery = z.strictObject({
  overdue: z.enum(['true', 'false']).optional().describe('true: only close-outs past a due date with something outstanding'),
  callId: z.string().optional(),
});


interface AppRow {
  id: string;
  call_id: string;
  status: string;
  brn: string;
  title: string;
  organisation_name: string;
}

/**
 * R1/R2/N: a close-out (table alias `c`) past a due date with something outstanding.
 * T1: overdue once the due day has ended; DUE and RETURNED are outstanding. Also read by
 * the console's today's work (H4).
 */
export const closeOutOverdue = (sql: Sql, today: IsoDate) => sql`(
  (c.report_status in ('DUE', 'RETURNED') and c.report_due < ${today}) or
  (c.data_sharing_status in ('DUE', 'RETURNED') and c.data_sharing_due < ${today}))`;

/** Result report, data sharing, restriction lift (R1–R6, E5). */
export function closeOutRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client, config } = deps;
  const store = documentStore(deps.documentDir);
  const handleOf = (a: AppRow) => client.workflow.getHandle(applicationWorkflowId(a.call_id, a.id));

  async function load(id: string, actor: Actor): Promise<AppRow> {
    const [row] = await sql<AppRow[]>`select id, call_id, status, brn, title, organisation_name from applications where id = ${id}`;
    if (!row) throw notFound(`application ${id}`);
    if (actor.kind === 'APPLICANT' && actor.applicationId !== row.id) throw forbidden('not your application'); // S2
    return row;
  }

  /** The close-out as the workflow shows it, or its mirror when the workflow cannot be asked. */
  async function closeOutOf(app: AppRow): Promise<CloseOutView | undefined> {
    try {
      const state = await handleOf(app).query(statusQuery);
      if (state.closeOut) return state.closeOut;
    } catch {
      // no worker at the moment, or no workflow: the mirror below
    }
    const [row] = await sql<Array<{ view: CloseOutView }>>`select view from close_outs where application_id = ${app.id}`;
    return row?.view;
  }

  function assertTracked(app: AppRow) {
    if (!hasStatus(SUPPORTED_STATUSES, app.status)) {
      throw conflict(`R1: the close-out starts with the allocation (status is ${app.status})`);
    }
  }

  const decisionRoute = (path: string, item: CloseOutItemName, what: string) =>
    defineRoute({
      method: 'post',
      path,
      tag: 'operators',
      summary: `Accept or return (with a reason) the ${what}; returned → the applicant is told and may hand it in again`,
      access: ['OPERATOR'],
      success: { status: 200, description: 'the close-out after the decision', schema: R.closeOutChangeResponse },
      params: applicationIdParam,
      body: closeOutDecisionSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id, actor);
        assertTracked(app);
        // S4/S5: checked first; the workflow stores the decision and this entry in one transaction.
        const entry = await auditEntry(sql, actor, `close-out.${item === 'REPORT' ? 'report' : 'data-sharing'}.${body.decision.toLowerCase()}`, `application:${app.id}`, body);
        const view = await handleOf(app).executeUpdate(reviewCloseOutUpdate, {
          updateId: entry.key,
          args: [{ item, decision: body.decision, reason: body.reason, actor: actorLabel(actor), audit: entry }],
        });
        // S4: the handler awaited the activity that wrote the audit row with the change, so its
        // answer proves the write: nothing to poll for.
        return { id: app.id, closeOut: view };
      },
    });

  return [
    defineRoute({
      method: 'put',
      path: '/applications/:id/evidence/:name',
      tag: 'close-out',
      summary: 'Upload an evidence file of the result report (R1, A4 checks: type, content, size); raw file body',
      access: ['APPLICANT'],
      success: { status: 201, description: 'stored', schema: R.evidenceUploadedResponse },
      params: evidenceParam,
      bodyType: 'binary',
      middleware: [express.raw({ type: () => true, limit: config.MAX_UPLOAD_BYTES })],
      handler: async ({ params, actor, req, res }) => {
        const app = await load(params.id, actor);
        assertTracked(app);
        const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const broken = evidenceFileViolations(params.name, bytes, config.MAX_UPLOAD_BYTES);
        if (broken.length) throw RuleViolation.of(broken);
        const closeOut = await closeOutOf(app);
        const reportStatus = closeOut?.report.status ?? 'DUE';
        if (reportStatus === 'SUBMITTED' || reportStatus === 'ACCEPTED') {
          // The report refers to its files by hash: they cannot change under it.
          throw conflict(`R1: the result report is ${reportStatus}; its evidence can no longer change`);
        }
        const ext = extensionOf(params.name);
        // S5: the name was checked at the boundary; the file is kept only once its row is committed.
        const sha256 = await store.storeFor(bytes, async (sha256) => {
          await sql`
            insert into closeout_evidence (application_id, name, extension, content_kind, size_bytes, sha256)
            values (${app.id}, ${params.name}, ${ext}, ${detectContentKind(bytes)}, ${bytes.length}, ${sha256})
            on conflict (application_id, name) do update set extension = excluded.extension, content_kind = excluded.content_kind,
              size_bytes = excluded.size_bytes, sha256 = excluded.sha256, uploaded_at = now()`;
          return sha256;
        });
        res.status(201);
        return { name: params.name, sizeBytes: bytes.length, sha256 };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/evidence/:name',
      tag: 'close-out',
      summary: 'Download an evidence file (S3: owner and operators)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the evidence file', media: R.DOWNLOAD },
      params: evidenceParam,
      handler: async ({ params, actor, res }) => {
        const app = await load(params.id, actor);
        const [file] = await sql<Array<{ sha256: string }>>`
          select sha256 from closeout_evidence where application_id = ${app.id} and name = ${params.name}`;
        if (!file) throw notFound(`evidence ${params.name}`);
        await store.send(res, file.sha256, params.name);
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/result-report',
      tag: 'close-out',
      summary: 'Hand in the result report (R1, R4): outcomes by category with counts, and the uploaded evidence',
      access: ['APPLICANT'],
      success: { status: 200, description: 'the close-out after the hand-in', schema: R.closeOutChangeResponse },
      params: applicationIdParam,
      body: resultReportSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id, actor);
        assertTracked(app);
        const files = await sql<Array<{ name: string; sha256: string; size_bytes: number }>>`
          select name, sha256, size_bytes from closeout_evidence where application_id = ${app.id} and name in ${sql(body.evidence)}`;
        const missing = body.evidence.filter((n) => !files.some((f) => f.name === n));
        if (missing.length) {
          throw ruleRefused('R1', `evidence not uploaded: ${missing.join(', ')} (PUT /applications/${app.id}/evidence/{name} first)`, { missing });
        }
        const view = await handleOf(app).executeUpdate(submitResultReportUpdate, {
          args: [{
            summary: body.summary,
            outcomes: body.outcomes,
            evidence: body.evidence.map((n) => {
              const f = files.find((x) => x.name === n)!;
              return { name: f.name, sha256: f.sha256, sizeBytes: f.size_bytes };
            }),
          }],
        });
        return { id: app.id, closeOut: view };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/data-sharing',
      tag: 'close-out',
      summary: 'Hand in the data sharing (R2, R3): registration type with its conditions, sharing terms, portal reference',
      access: ['APPLICANT'],
      success: { status: 200, description: 'the close-out after the hand-in', schema: R.closeOutChangeResponse },
      params: applicationIdParam,
      body: dataSharingSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id, actor);
        assertTracked(app);
        // H1: R3 is the workflow validator's to refuse (RULE:R3 → 422 naming each field).
        const view = await handleOf(app).executeUpdate(submitDataSharingUpdate, { args: [body] });
        return { id: app.id, closeOut: view };
      },
    }),

    decisionRoute('/applications/:id/result-report/decision', 'REPORT', 'result report (R1)'),
    decisionRoute('/applications/:id/data-sharing/decision', 'DATA_SHARING', 'data sharing (R2)'),

    defineRoute({
      method: 'get',
      path: '/applications/:id/close-out',
      tag: 'close-out',
      summary: 'The close-out: both due dates (R1, R2), what was handed in and decided, R5, the evidence files',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the close-out', schema: R.closeOutResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const app = await load(params.id, actor);
        const evidence = await sql`
          select name, size_bytes as "sizeBytes", sha256, uploaded_at as "uploadedAt"
          from closeout_evidence where application_id = ${app.id} order by name`;
        return { id: app.id, status: app.status, closeOut: (await closeOutOf(app)) ?? null, evidence };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/close-outs',
      tag: 'operators',
      summary: 'Close-outs (operators): overdue=true lists every one past a due date with something outstanding (N)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'close-outs', schema: R.closeOutListResponse },
      query: closeOutsQuery,
      handler: async ({ query }) => {
        const today = deps.today();
        const overdue = closeOutOverdue(sql, today);
        const rows = await sql<Array<Record<string, unknown>>>`
          select c.application_id as "applicationId", c.call_id as "callId", a.title, a.organisation_name as organisation,
                 a.status, c.report_due as "reportDue", c.report_status as "reportStatus",
                 c.data_sharing_due as "dataSharingDue", c.data_sharing_status as "dataSharingStatus",
                 c.support_ended_on as "supportEndedOn", c.restricted_on as "restrictedOn", c.completed_on as "completedOn",
                 ${overdue} as overdue
          from close_outs c join applications a on a.id = c.application_id
          where true
            ${query.callId ? sql`and c.call_id = ${query.callId}` : sql``}
            ${query.overdue === 'true' ? sql`and ${overdue}` : query.overdue === 'false' ? sql`and not ${overdue}` : sql``}
          order by least(c.report_due, c.data_sharing_due), c.application_id`;
        return { today, items: rows };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/organisations/:brn/restrictions',
      tag: 'operators',
      summary: "An organisation's restrictions by this service (R5, Q3), active and lifted (E5)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the restrictions', schema: R.restrictionsResponse },
      params: brnParam,
      handler: async ({ params }) => {
        const brn = normaliseBusinessRegistrationNumber(params.brn)!;
        const items = await sql`
          select id::int, rule, reason, application_id as "applicationId", created_at as "createdAt",
                 lifted_at as "liftedAt", lifted_by as "liftedBy", lift_reason as "liftReason"
          from organisation_restrictions where brn = ${brn} order by created_at, id`;
        return { brn, restricted: items.some((r) => r.liftedAt === null), items };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/organisations/:brn/restriction/lift',
      tag: 'operators',
      summary: 'Lift the restriction of an organisation (E5), with a reason (S4: audited)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'what was lifted', schema: R.restrictionLiftedResponse },
      params: brnParam,
      body: liftSchema,
      handler: async ({ params, body, actor }) => {
        const brn = normaliseBusinessRegistrationNumber(params.brn)!;
        // S4/S5: the lift and its audit row in one transaction; a refusal rolls both back.
        const lifted = await sql.begin(async (tx) => {
          const rows = await tx<Array<{ id: number; rule: string; application_id: string | null }>>`
            update organisation_restrictions set lifted_at = now(), lifted_by = ${actorLabel(actor)}, lift_reason = ${body.reason}
            where brn = ${brn} and lifted_at is null ${body.restrictionId ? sql`and id = ${body.restrictionId}` : sql``}
            returning id::int, rule, application_id`;
          if (rows.length === 0) throw conflict(`E5: organisation ${brn} has no active restriction${body.restrictionId ? ` ${body.restrictionId}` : ''}`);
          await audit(tx as never, actor, 'organisation.restriction.lift', `organisation:${brn}`, {
            reason: body.reason,
            lifted: rows.map((r) => ({ id: r.id, rule: r.rule, applicationId: r.application_id })),
          });
          return rows;
        });
        return { brn, lifted: lifted.map((r) => ({ id: r.id, rule: r.rule, applicationId: r.application_id })) };
      },
    }),
  ];
}
