import { liveDeadlines } from '../live-deadlines';
import * as R from '../responses';
import { randomInt } from 'node:crypto';
import express from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import {
  applicationDeadlines,
  applicationWorkflowId,
  contentMatchesExtension,
  detectContentKind,
  DOCUMENT_TYPES,
  eligibilityViolations,
  intakeViolations,
  maskEmail,
  maskName,
  maskPhone,
  missingDocuments,
  normaliseBusinessRegistrationNumber,
  normaliseEmail,
  poolOf,
  practitionerConfirmed,
  requiredDocuments,
  RuleViolation,
  type DocumentType,
} from '../../domain';
import { applicationWorkflow } from '../../workflows/application/index';
import {
  reviewDocumentsUpdate,
  statusQuery,
  submitSupplementUpdate,
  withdrawUpdate,
  type ApplicationInput,
  type ApplicationState,
} from '../../workflows/messages';
import {
  AcceleratorTypeAttr,
  CallIdAttr,
  PoolAttr,
  PriorityAttr,
  StatusAttr,
} from '../../workflows/search-attributes';
import { logErrorSafely } from '../../safe-log';
import { sendLink } from '../applicant-session';
import { actorLabel, hashSecret, newApplicantToken, type Actor } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { documentStore } from '../document-store';
import { conflict, forbidden, HttpProblem, notFound, ruleRefused } from '../errors';
import { defineRoute } from '../route';
import {
  applicationDraftSchema,
  applicationIdParam,
  draftEditSchema,
  callIdParam,
  documentReviewSchema,
  documentUploadQuery,
  listApplicationsQuery,
  withdrawSchema,
  type ApplicationDraft,
  type CreateCall,
} from '../schemas';
import { loadCall } from './calls';
import { closeOutSettingsOf } from './closeout-settings';
import { onBehalf } from './on-behalf';
import { grantedOrRequested, resourceView } from './resource-view';
import exampleDraft from '../../../examples/draft.json';

interface ApplicationRow {
  id: string;
  call_id: string;
  status: string;
  brn: string;
  organisation_name: string;
  title: string;
  pool: string;
  accelerator_type: string;
  units: number;
  priority: boolean;
  content: ApplicationDraft;
  token_hash: string;
  practitioner_confirmed_email: string | null;
  submitted_at: Date | null;
  documents_accepted_on: string | null;
  batch_id: string | null;
  granted_type: string | null;
  granted_units: number | null;
  deadlines: Record<string, string>;
  timeline: ApplicationState['timeline'] | null;
  created_at: Date;
  updated_at: Date;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newApplicationId = () => Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');

const documentTypeParam = applicationIdParam.extend({
  type: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]]),
});

/** What an applicant may still change: a draft, or the documents a supplement asks for (A6, I5). */
const EDITABLE = ['DRAFT', 'SUPPLEMENT_REQUESTED'];

/** A2: the accelerator type belongs to the pool asked for (on creation and on every edit). */
function assertPoolOf(resource: ApplicationDraft['resource']) {
  if (poolOf(resource.type) !== resource.pool) throw ruleRefused('A2', `${resource.type} is not in the ${resource.pool} pool`);
}

/** The columns kept beside a draft's content, derived from it (on creation and on every edit). */
const draftColumns = (d: ApplicationDraft) => ({
  brn: normaliseBusinessRegistrationNumber(d.organisation.businessRegistrationNumber),
  organisationName: d.organisation.name,
  title: d.project.title,
  pool: d.resource.pool,
  type: d.resource.type,
  units: d.resource.units,
  priority: d.organisation.priority.status || d.organisation.digitalLeadersClub,
});

/** A2: one organisation, one title per call. */
const sameTitleRefused = () =>
  ruleRefused('A2', 'this organisation already submitted an application with the same project title in this call');

export function applicationRoutes(deps: ApiDeps) {
  const { sql, client, config } = deps;
  const store = documentStore(deps.documentDir);
  const handleOf = (a: Pick<ApplicationRow, 'call_id' | 'id'>) =>
    client.workflow.getHandle(applicationWorkflowId(a.call_id, a.id));

  /**
   * C1/C3: no draft or submission before the announcement, after the close date or after
   * the support end; the rule is the domain's (intakeViolations), the one GET /calls/:id shows.
   */
  function assertCallOpen(call: { announced_on: string; closes_on: string | null; support_ends_on: string }) {
    const violations = intakeViolations(
      { announcedOn: call.announced_on, closesOn: call.closes_on, supportEndsOn: call.support_ends_on },
      deps.today(),
    );
    if (violations.length) throw RuleViolation.of(violations);
  }

  async function load(id: string): Promise<ApplicationRow> {
    const [row] = await sql<ApplicationRow[]>`select * from applications where id = ${id}`;
    if (!row) throw notFound(`application ${id}`);
    return row;
  }

  async function uploadedTypes(id: string): Promise<string[]> {
    return (await sql<Array<{ type: string }>>`select type from documents where application_id = ${id}`).map((r) => r.type);
  }

  /** A4: what is still missing for this application's organisation. */
  async function missingFor(app: ApplicationRow) {
    const required = requiredDocuments({
      organisationType: app.content.organisation.type,
      digitalLeadersClub: app.content.organisation.digitalLeadersClub,
    });
    return missingDocuments(required, await uploadedTypes(app.id));
  }

  async function workflowState(app: ApplicationRow): Promise<ApplicationState | undefined> {
    if (!app.submitted_at) return undefined;
    try {
      return await handleOf(app).query(statusQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      return undefined; // no worker at the moment: fall back to the database row
    }
  }

  async function view(app: ApplicationRow, actor: Actor) {
    const state = await workflowState(app);
    const call = await loadCall(deps, app.call_id);
    const documents = await sql<Array<{ type: string; filename: string; sizeBytes: number; sha256: string; uploadedAt: Date }>>`
      select type, filename, size_bytes as "sizeBytes", sha256, uploaded_at as "uploadedAt"
      from documents where application_id = ${app.id} order by type`;
    const live = state ? liveDeadlines(state, deps.today()) : undefined; // T2: as of today
    const deadlines =
      live?.deadlines ??
      (Object.keys(app.deadlines).length
        ? app.deadlines
        : applicationDeadlines({ pool: app.pool as never, supportEnd: call.support_ends_on, today: deps.today() }));
    return {
      id: app.id,
      callId: app.call_id,
      status: state?.status ?? app.status,
      title: app.title,
      organisation: { name: app.organisation_name, businessRegistrationNumber: app.brn },
      // H1: the resource as it now stands (granted once selected, V7/Q1 changes included), what was asked for, the allocation.
      ...resourceView(app, state),
      priority: app.priority,
      submittedAt: app.submitted_at,
      practitionerEmailConfirmed: practitionerConfirmed(app.content.practitioner.email, app.practitioner_confirmed_email), // A7
      deadlines, // T2
      nextDeadline: live?.nextDeadline ?? null,
      supplement: state?.supplement ?? null,
      ineligibility: state?.ineligibility ?? null,
      batch: state?.batch ?? null,
      documents,
      missingDocuments: EDITABLE.includes(state?.status ?? app.status) ? await missingFor(app) : [],
      supportEnd: state?.supportEnd ?? null,
      closeOut: state?.closeOut ?? null,
      // The final timeline is kept in the row (close-out), for when the workflow cannot be asked.
      timeline: state?.timeline ?? app.timeline ?? [],
      content: actor.kind === 'APPLICANT' || actor.kind === 'OPERATOR' ? app.content : undefined,
    };
  }

  /**
   * A7: the link that confirms a draft's practitioner address. A failed send is logged
   * (S3: no address) and answered as not sent: the draft stands, and the applicant asks
   * for another link (POST /applications/:id/confirmation).
   */
  async function sendConfirmation(app: { id: string; callId: string; title: string; email: string }): Promise<boolean> {
    try {
      await sendLink(deps, { email: app.email, purpose: 'CONFIRM_PRACTITIONER', applicationId: app.id, projectTitle: app.title, callId: app.callId });
      return true;
    } catch (err) {
      logErrorSafely('A7 confirmation link', err);
      return false;
    }
  }

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

  /** S2: an applicant only reaches their own application (the token is checked per application). */
  function assertOwnerOrStaff(actor: Actor, app: ApplicationRow) {
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application');
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
      method: 'post',
      path: '/calls/:id/applications',
      tag: 'applications',
      summary: 'Create a draft application (A1). Answers the id and the access token, shown once (S1).',
      access: ['PUBLIC'],
      success: { status: 201, description: 'the draft: its id and access token (shown once)', schema: R.draftCreatedResponse },
      params: callIdParam,
      body: applicationDraftSchema,
      example: exampleDraft as ApplicationDraft, // examples/draft.json (H1)
      handler: async ({ params, body, req, res }) => {
        const call = await loadCall(deps, params.id);
        assertCallOpen(call);
        assertPoolOf(body.resource);
        // S6: creating a draft sends an e-mail (A7) to an address anyone may type in.
        deps.emailLimit.take(req, body.practitioner.email);
        const id = newApplicationId();
        const token = newApplicantToken(id);
        const c = draftColumns(body);
        await sql`
          insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority, content, token_hash)
          values (${id}, ${call.id}, 'DRAFT', ${c.brn}, ${c.organisationName}, ${c.title}, ${c.pool}, ${c.type},
                  ${c.units}, ${c.priority}, ${sql.json(body as never)}, ${await hashSecret(token)})`;
        const sent = await sendConfirmation({ id, callId: call.id, title: c.title, email: body.practitioner.email });
        res.status(201);
        return {
          id,
          accessToken: token,
          status: 'DRAFT',
          practitionerEmailConfirmed: false,
          confirmation: sent
            ? `A7: a confirmation link was sent to ${maskEmail(body.practitioner.email)}; open it before submitting`
            : 'A7: the confirmation link could not be sent; ask for another (POST /applications/:id/confirmation)',
          requiredDocuments: requiredDocuments({
            organisationType: body.organisation.type,
            digitalLeadersClub: body.organisation.digitalLeadersClub,
          }),
          note: 'Keep the access token: it is shown only once and opens this application (S1).',
        };
      },
    }),

    defineRoute({
      method: 'patch',
      path: '/applications/:id',
      success: { status: 200, description: 'the edited draft', schema: R.draftEditedResponse },
      tag: 'applications',
      summary:
        'A7: edit a draft until it is submitted. Each section given (organisation, principalInvestigator, practitioner, project, resource) replaces that section whole; the result is checked by the same rules as a new draft. A new practitioner address must be confirmed again (a link is sent).',
      access: ['APPLICANT'],
      params: applicationIdParam,
      body: draftEditSchema,
      handler: async ({ params, body, actor, req }) => {
        const app = await load(params.id);
        assertOwnerOrStaff(actor, app);
        if (app.submitted_at || app.status !== 'DRAFT') {
          // A7: after submission nothing in the content changes; what a supplement request asks
          // for is documents (re-upload them), and no content field is modelled as askable.
          throw conflict(
            `A7: only a draft can be edited (status is ${app.status})` +
              (EDITABLE.includes(app.status) ? '; a supplement request asks for documents: re-upload them and hand in the supplement' : ''),
          );
        }
        const parsed = applicationDraftSchema.safeParse({ ...app.content, ...body });
        if (!parsed.success) throw parsed.error; // 400 naming each field (H1), as on creation
        const draft = parsed.data;
        assertPoolOf(draft.resource);
        const emailChanged = normaliseEmail(draft.practitioner.email) !== normaliseEmail(app.content.practitioner.email);
        if (emailChanged) deps.emailLimit.take(req, draft.practitioner.email); // S6: the edit sends an e-mail
        const c = draftColumns(draft);
        const [updated] = await sql`
          update applications set brn = ${c.brn}, organisation_name = ${c.organisationName}, title = ${c.title}, pool = ${c.pool},
            accelerator_type = ${c.type}, units = ${c.units}, priority = ${c.priority}, content = ${sql.json(draft as never)}, updated_at = now()
          where id = ${app.id} and status = 'DRAFT' and submitted_at is null
          returning id`;
        if (!updated) throw conflict('A7: the application was submitted meanwhile; it can no longer be edited');
        const sent = emailChanged && (await sendConfirmation({ id: app.id, callId: app.call_id, title: c.title, email: draft.practitioner.email }));
        const after = await load(app.id);
        return {
          ...(await view(after, actor)),
          ...(emailChanged
            ? {
                confirmation: sent
                  ? `A7: the practitioner address changed; a confirmation link was sent to ${maskEmail(draft.practitioner.email)}`
                  : 'A7: the practitioner address changed; the link could not be sent: POST /applications/:id/confirmation',
              }
            : {}),
        };
      },
    }),

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
        if (!EDITABLE.includes(app.status)) throw conflict(`documents can change only while DRAFT or SUPPLEMENT_REQUESTED (status is ${app.status})`);
        const bytes: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.length === 0) throw new HttpProblem(400, 'Invalid request', 'body: the file is empty', { errors: [{ field: 'body', message: 'empty file' }] });
        const ext = /\.([A-Za-z0-9]+)$/.exec(query.filename)?.[1]?.toLowerCase() ?? '';
        const docType = DOCUMENT_TYPES[params.type];
        if (!(docType.extensions as readonly string[]).includes(ext)) {
          throw ruleRefused('A4', `${params.type} accepts only ${docType.extensions.join(', ')} (got "${ext || 'no extension'}")`);
        }
        const kind = detectContentKind(bytes);
        if (!contentMatchesExtension(ext, kind)) {
          throw ruleRefused('A4', `the file is not a .${ext}: its content is ${kind}`);
        }
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
      summary: 'Submit (A6): checks C3, E1–E5, A2, A4 and starts the application workflow; idempotent',
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
        const [sameTitle] = await sql`
          select id from applications where call_id = ${app.call_id} and brn = ${app.brn}
            and lower(title) = lower(${app.title}) and submitted_at is not null and id <> ${app.id}`;
        if (sameTitle) {
          throw sameTitleRefused();
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
        const where = sql`where true
          ${query.callId ? sql`and call_id = ${query.callId}` : sql``}
          ${query.status ? sql`and status = ${query.status}` : sql``}
          ${query.pool ? sql`and pool = ${query.pool}` : sql``}
          ${query.type ? sql`and ${grantedOrRequested(sql, 'type')} = ${query.type}` : sql``}`;
        const [{ count }] = await sql<Array<{ count: number }>>`select count(*)::int as count from applications ${where}`;
        const rows = await sql<ApplicationRow[]>`
          select * from applications ${where} order by created_at, id
          limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`;
        return {
          page: query.page,
          pageSize: query.pageSize,
          total: count,
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
              name: maskName(r.content.practitioner.name),
              email: maskEmail(r.content.practitioner.email),
              phone: maskPhone(r.content.practitioner.phone),
            },
            principalInvestigator: {
              name: maskName(r.content.principalInvestigator.name),
              email: maskEmail(r.content.principalInvestigator.email),
              phone: maskPhone(r.content.principalInvestigator.phone),
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
