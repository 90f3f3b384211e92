import * as R from '../responses';
import express from 'express';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import {
  applicationWorkflowId,
  DOCUMENT_TYPES,
  documentFileViolations,
  detectContentKind,
  eligibilityViolations,
  extensionOf,
  maskEmail,
  maskName,
  maskPhone,
  practitionerConfirmed,
  RuleViolation,
  titleKey,
  type DocumentType,
  EDITABLE_STATUSES,
  hasStatus,
} from '../../domain';
import { titleTaken } from '../../db/applications';
import { applicationWorkflow } from '../../workflows/application/index';
import { reviewDocumentsUpdate, submitSupplementUpdate, withdrawUpdate, type ApplicationInput } from '../../contracts/application';
import { AcceleratorTypeAttr, CallIdAttr, PoolAttr, PriorityAttr, StatusAttr } from '../../contracts/search-attributes';
import { decodeCursor, encodeCursor, listApplications } from '../../db/applications';
import { actorLabel } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { documentStore } from '../document-store';
import { conflict, HttpProblem, notFound, ruleRefused } from '../errors';
import { defineRoute } from '../route';
import {
  applicationIdParam,
  documentReviewSchema,
  documentUploadQuery,
  listApplicationsQuery,
  withdrawSchema,
  type CreateCall,
} from '../schemas';
import { applicationSupport, sameTitleRefused, type ApplicationRow } from './application-support';
import { loadCall } from './calls';
import { closeOutSettingsOf } from './closeout-settings';
import { onBehalf } from './on-behalf';
import { grantedOrRequested } from './resource-view';

const documentTypeParam = applicationIdParam.extend({
  type: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]]),
});

export function applicationRoutes(deps: ApiDeps) {
  const { sql, client, config } = deps;
  const store = documentStore(deps.documentDir);
  const { handleOf, assertCallOpen, assertContent, load, missingFor, workflowState, view, assertOwnerOrStaff } = applicationSupport(deps);

  /**
   * H2: the summary and details the Temporal UI shows for an application's workflow: the
   * call, the project title and the resource asked for. No names, e-mails or phones (S3),
   * and not the organisation either (the list is visible to anyone with UI access).
   */
  function workflowSummaryOf(app: ApplicationRow) {
    const resource = `${app.pool} ${app.accelerator_type} × ${app.units}${app.priority ? ' (priority)' : ''}`;
    const title = app.title.length > 80 ? `${app.title.slice(0, 79)}…` : app.title;
    return {
      staticSummary: `${app.call_id} · ${title} · ${resource}`,
      staticDetails: [
        `- **Application** ${app.id} of call **${app.call_id}**`,
        `- **Project** ${app.title}`,
        `- **Resource asked for** ${resource}`,
        '',
        'Status, next deadline and last event: Current Details; the full state: Queries → status.',
      ].join('\n'),
    };
  }

  async function startWorkflow(app: ApplicationRow, call: Awaited<ReturnType<typeof loadCall>>) {
    const input: ApplicationInput = {
      applicationId: app.id,
      callId: app.call_id,
      pool: app.pool as ApplicationInput['pool'],
      acceleratorType: app.accelerator_type as ApplicationInput['acceleratorType'],
      units: app.units,
      priority: app.priority,
      supportEndsOn: call.support_ends_on,
      supplementDays: (call.settings as CreateCall['settings']).supplementDays,
      // R2/R5: the call's close-out settings (absent on calls stored before them: the defaults).
      ...closeOutSettingsOf(call.settings as Partial<CreateCall['settings']>),
      selectedReleaseDays: (call.settings as Partial<CreateCall['settings']>).selectedReleaseDays, // V9 (absent: 30)
    };
    try {
      await client.workflow.start(applicationWorkflow, {
        workflowId: applicationWorkflowId(app.call_id, app.id),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [input],
        // H2: readable in the Temporal UI's list: call, project title, resource (no personal data, S3).
        ...workflowSummaryOf(app),
        ...(deps.searchAttributes
          ? {
              typedSearchAttributes: [
                { key: CallIdAttr, value: app.call_id },
                { key: StatusAttr, value: 'UNDER_REVIEW' },
                { key: PoolAttr, value: app.pool },
                { key: AcceleratorTypeAttr, value: app.accelerator_type },
                { key: PriorityAttr, value: app.priority },
              ],
            }
          : {}),
      });
    } catch (err) {
      // A6: submission is idempotent; the workflow id is the application's.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  return [
    defineRoute({
      method: 'put',
      path: '/applications/:id/documents/:type',
      tag: 'applications',
      summary: 'Upload one document (A4): raw file body, ?filename= with its extension; checked by content',
      access: ['APPLICANT'],
      success: { status: 201, description: 'stored; what is still missing (A4)', schema: R.documentUploadedResponse },
      params: documentTypeParam,
      query: documentUploadQuery,
      bodyType: 'binary',
      middleware: [express.raw({ type: () => true, limit: config.MAX_UPLOAD_BYTES })],
      handler: async ({ params, query, actor, req, res }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        if (!hasStatus(EDITABLE_STATUSES, app.status)) throw conflict(`documents can change only while DRAFT or SUPPLEMENT_REQUESTED (status is ${app.status})`);
        const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.length === 0) throw new HttpProblem(400, 'Invalid request', 'body: the file is empty', { errors: [{ field: 'body', message: 'empty file' }] });
        // A4: the one content check (close-out evidence uses it too): the extension is one the
        // document accepts, the container matches it, and so does the format inside (a
        // spreadsheet ZIP is not a .docx, an OLE2 workbook is not a .doc).
        const violations = documentFileViolations(params.type, query.filename, bytes);
        if (violations.length) throw RuleViolation.of(violations);
        const ext = extensionOf(query.filename);
        const kind = detectContentKind(bytes);
        // S5: name (at the boundary), type and content are all checked before anything is
        // stored; the file is kept only once its row is committed.
        const sha256 = await store.storeFor(bytes, async (sha256) => {
          await sql`
            insert into documents (application_id, type, filename, extension, content_kind, size_bytes, sha256)
            values (${app.id}, ${params.type}, ${query.filename}, ${ext}, ${kind}, ${bytes.length}, ${sha256})
            on conflict (application_id, type) do update set filename = excluded.filename, extension = excluded.extension,
              content_kind = excluded.content_kind, size_bytes = excluded.size_bytes, sha256 = excluded.sha256, uploaded_at = now()`;
          return sha256;
        });
        res.status(201);
        return { type: params.type, filename: query.filename, sizeBytes: bytes.length, sha256, missingDocuments: await missingFor(app) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/documents/:type',
      tag: 'applications',
      summary: 'Download a document (S3: owner and operators)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the document', media: R.DOWNLOAD },
      params: documentTypeParam,
      handler: async ({ params, actor, res }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        const [doc] = await sql<Array<{ sha256: string; filename: string }>>`
          select sha256, filename from documents where application_id = ${app.id} and type = ${params.type}`;
        if (!doc) throw notFound(`document ${params.type}`);
        await store.send(res, doc.sha256, doc.filename);
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/submit',
      tag: 'applications',
      summary: 'Submit (A6): checks C1/C3, E1–E5, A1, A3, K1, A2 (titles as people read them), A4, A7 and starts the application workflow; idempotent',
      access: ['APPLICANT'],
      success: { status: 200, description: 'submitted (or already: repeated)', schema: R.submittedResponse },
      params: applicationIdParam,
      handler: async ({ params, actor, req }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        const call = await loadCall(deps, app.call_id);
        if (app.submitted_at) {
          await startWorkflow(app, call); // A6: a repeat finds the same workflow (and heals a half-done first try)
          return { id: app.id, status: app.status === 'DRAFT' ? 'UNDER_REVIEW' : app.status, submittedAt: app.submitted_at, repeated: true };
        }
        assertCallOpen(call);
        const o = app.content.organisation;
        const eligibility = eligibilityViolations({
          organisationType: o.type,
          companySize: o.size,
          digitalLeadersClub: o.digitalLeadersClub,
        });
        if (eligibility.length) throw RuleViolation.of(eligibility);
        const [restriction] = await sql<Array<{ rule: string; reason: string; created_at: Date }>>`
          select rule, reason, created_at from organisation_restrictions where brn = ${app.brn} and lifted_at is null limit 1`;
        if (restriction) {
          throw ruleRefused('E5', `the organisation is restricted by this service since ${restriction.created_at.toISOString().slice(0, 10)} (${restriction.rule}: ${restriction.reason})`);
        }
        assertContent(app.content, call); // A1, K1, A3 (a draft stored before them is completed by PATCH)
        if (await titleTaken(sql, { id: app.id, callId: app.call_id, brn: app.brn, titleKey: app.title_key ?? titleKey(app.title) })) {
          throw sameTitleRefused(); // A2
        }
        const missing = await missingFor(app);
        if (missing.length) {
          throw ruleRefused('A4', `required documents are missing: ${missing.join(', ')}`, { missingDocuments: missing });
        }
        if (!practitionerConfirmed(app.content.practitioner.email, app.practitioner_confirmed_email)) {
          throw ruleRefused(
            'A7',
            `the practitioner's e-mail address is not confirmed yet: open the link sent to ${maskEmail(app.content.practitioner.email)} (a new one: POST /applications/${app.id}/confirmation)`,
          );
        }
        // Start first (idempotent by workflow id), then mark submitted: a crash in between is
        // healed by the applicant's retry, and never leaves a submitted row without a process.
        await startWorkflow(app, call);
        const idempotencyKey = req.get('idempotency-key') ?? null;
        try {
          await sql`update applications set submitted_at = coalesce(submitted_at, now()), status = case when status = 'DRAFT' then 'UNDER_REVIEW' else status end,
                      submit_idempotency_key = coalesce(submit_idempotency_key, ${idempotencyKey}), updated_at = now()
                    where id = ${app.id}`;
        } catch (err) {
          if ((err as { code?: string }).code === '23505') {
            await handleOf(app).terminate('A2: duplicate title in the same call').catch(() => undefined);
            throw sameTitleRefused();
          }
          throw err;
        }
        const after = await load(app.id);
        return { id: app.id, status: 'UNDER_REVIEW', submittedAt: after.submitted_at, repeated: false };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id',
      tag: 'applications',
      summary: 'An application: status, every deadline known so far (T2), the timeline',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the application', schema: R.applicationResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        return view(app, actor);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications',
      tag: 'applications',
      summary: 'List applications (operators); personal data masked (S3)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'a page of applications', schema: R.applicationListResponse },
      query: listApplicationsQuery,
      handler: async ({ query }) => {
        const after = query.cursor ? decodeCursor(query.cursor) : undefined;
        const listing = await listApplications(sql, query, { pageSize: query.pageSize, after, page: after ? undefined : query.page });
        const rows = listing.rows;
        return {
          page: query.page, // a cursor, when given, wins over page
          pageSize: query.pageSize,
          total: listing.total,
          totalExact: listing.totalExact,
          next: listing.next ? encodeCursor(listing.next) : null,
          items: rows.map((r) => ({
            id: r.id,
            callId: r.call_id,
            status: r.status,
            title: r.title,
            organisation: r.organisation_name,
            pool: r.pool,
            // H1: the granted resource once there is one (the type filter reads the same)
            type: r.granted_type ?? r.accelerator_type,
            units: r.granted_units ?? r.units,
            requested: { type: r.accelerator_type, units: r.units },
            priority: r.priority,
            submittedAt: r.submitted_at,
            nextDeadlines: r.deadlines,
            // S3: personal data masked in listings
            practitioner: {
              name: maskName(r.practitioner.name),
              email: maskEmail(r.practitioner.email),
              phone: maskPhone(r.practitioner.phone),
            },
            principalInvestigator: {
              name: maskName(r.principal_investigator.name),
              email: maskEmail(r.principal_investigator.email),
              phone: maskPhone(r.principal_investigator.phone),
            },
          })),
        };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/document-review',
      tag: 'operators',
      summary: 'Document review (A4, A5, E4): complete, supplement required, or ineligible',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the decision and the new status', schema: R.documentReviewResponse },
      params: applicationIdParam,
      body: documentReviewSchema,
      example: { decision: 'SUPPLEMENT', missingDocuments: ['DATA_DEFINITION'], dueDays: 7, note: '데이터 정의서에 항목별 설명을 보완해 주십시오.' },
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        if (!app.submitted_at) throw conflict('the application is a draft; it has not been submitted');
        if (body.decision === 'SUPPLEMENT') {
          const unknown = body.missingDocuments.filter((t) => !(t in DOCUMENT_TYPES));
          if (unknown.length) {
            throw new HttpProblem(400, 'Invalid request', `missingDocuments: unknown document types ${unknown.join(', ')}`, {
              errors: [{ field: 'missingDocuments', message: `unknown: ${unknown.join(', ')}` }],
            });
          }
        }
        // S4/S5: checked (PostgreSQL can store it) before the Update; the workflow writes this
        // entry with the status change, so the review and its audit row land together or not at all.
        const entry = await auditEntry(sql, actor, 'application.document-review', `application:${app.id}`, body);
        const state = await handleOf(app).executeUpdate(reviewDocumentsUpdate, {
          updateId: entry.key,
          args: [{ ...body, actor: actorLabel(actor), audit: entry }],
        });
        // S4: under REVIEW_ANSWERS_WHEN_WRITTEN_PATCH the Update answers once its audit row is
        // stored, so this finds it at the first look; a workflow started before the patch
        // answers at once, and for it this waits (bounded) as before.
        await auditWritten(sql, entry.key);
        return { id: app.id, decision: body.decision, status: state.status };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/supplement',
      tag: 'applications',
      summary: 'Hand in the requested supplement (I5) after re-uploading the documents',
      access: ['APPLICANT'],
      success: { status: 200, description: 'handed in; the new status', schema: R.statusChangeResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        const state = await workflowState(app);
        if (state?.status !== 'SUPPLEMENT_REQUESTED') throw conflict(`no supplement is requested (status is ${state?.status ?? app.status})`);
        const uploadedAfter = new Set(
          (await sql<Array<{ type: string }>>`select type from documents where application_id = ${app.id}`).map((r) => r.type),
        );
        const stillMissing = [...new Set([...(await missingFor(app)), ...state.supplement!.missingDocuments.filter((t) => !uploadedAfter.has(t))])];
        if (stillMissing.length) {
          throw ruleRefused('A4', `still missing: ${stillMissing.join(', ')}`, { missingDocuments: stillMissing });
        }
        const after = await handleOf(app).executeUpdate(submitSupplementUpdate);
        return { id: app.id, status: after.status };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/withdraw',
      tag: 'applications',
      summary: 'Withdraw the application (the applicant, or an operator on their behalf with a reason, audited: H1)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'withdrawn', schema: R.statusChangeResponse },
      params: applicationIdParam,
      body: withdrawSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        if (actor.kind === 'OPERATOR') return onBehalf(deps).withdraw(app, handleOf(app), body.reason, actor);
        if (!app.submitted_at) {
          await sql`update applications set status = 'WITHDRAWN', updated_at = now() where id = ${app.id} and status = 'DRAFT'`;
          return { id: app.id, status: 'WITHDRAWN' };
        }
        await handleOf(app).executeUpdate(withdrawUpdate, { args: [{ reason: body.reason }] });
        return { id: app.id, status: 'WITHDRAWN' };
      },
    }),
  ];
}
