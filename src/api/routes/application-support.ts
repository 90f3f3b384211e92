import { WorkflowNotFoundError } from '@temporalio/client';
import {
  applicationDeadlines,
  applicationWorkflowId,
  dedicatedUnitsViolations,
  intakeViolations,
  missingDocuments,
  monthlyPlanViolations,
  normaliseBusinessRegistrationNumber,
  poolOf,
  practitionerConfirmed,
  readinessViolations,
  requiredDocuments,
  RuleViolation,
  titleKey,
  type Violation,
  EDITABLE_STATUSES,
  hasStatus,
} from '../../domain';
import { findApplication, type ApplicationRow as Row, type DraftColumns } from '../../db/applications';
import { statusQuery, type ApplicationState } from '../../contracts/application';
import { logErrorSafely } from '../../safe-log';
import { sendLink } from '../applicant-session';
import type { Actor } from '../auth';
import type { ApiDeps } from '../context';
import { liveDeadlines } from '../live-deadlines';
import { forbidden, notFound, ruleRefused } from '../errors';
import type { ApplicationDraft } from '../schemas';
import { loadCall } from './calls';
import { resourceView } from './resource-view';

/** An application's row with its A1 content (the readiness part, A3, is missing on drafts stored before it). */
export type ApplicationRow = Row<ApplicationDraft> & { content: Partial<Pick<ApplicationDraft, 'readiness'>> };

type Call = Awaited<ReturnType<typeof loadCall>>;


/** A2: the accelerator type belongs to the pool asked for (on creation and on every edit). */
export function assertPoolOf(resource: ApplicationDraft['resource']) {
  if (poolOf(resource.type) !== resource.pool) throw ruleRefused('A2', `${resource.type} is not in the ${resource.pool} pool`);
}

/** The columns kept beside a draft's content, derived from it (on creation and on every edit). */
export const draftColumns = (d: ApplicationDraft): DraftColumns => ({
  // the schema accepted only valid numbers (E5), so the normal form exists
  brn: normaliseBusinessRegistrationNumber(d.organisation.businessRegistrationNumber) ?? d.organisation.businessRegistrationNumber,
  organisationName: d.organisation.name,
  title: d.project.title,
  titleKey: titleKey(d.project.title), // A2
  pool: d.resource.pool,
  type: d.resource.type,
  units: d.resource.units,
  priority: d.organisation.priority.status || d.organisation.digitalLeadersClub,
});

/** A2: one organisation, one title per call. */
export const sameTitleRefused = () =>
  ruleRefused('A2', 'this organisation already submitted an application with the same project title in this call (titles are compared as people read them)');

/**
 * The content rules that need the call, checked on the draft, each edit and the submit:
 * A1 (the monthly plan runs to the support end), K1 (a dedicated application asks for one
 * server), A3 (the readiness part). 422 naming the first rule, with every violation.
 */
export function contentViolations(content: ApplicationRow['content'], call: Call, today: string): Violation[] {
  return [
    ...dedicatedUnitsViolations(content.resource),
    ...monthlyPlanViolations(content.project.monthlyPlan, { announcedOn: call.announced_on, supportEndsOn: call.support_ends_on, today }),
    ...readinessViolations(content.readiness),
  ];
}

export function applicationSupport(deps: ApiDeps) {
  const { sql, client } = deps;
  const handleOf = (a: Pick<ApplicationRow, 'call_id' | 'id'>) => client.workflow.getHandle(applicationWorkflowId(a.call_id, a.id));

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

  /** A1, K1, A3: see contentViolations. */
  function assertContent(content: ApplicationRow['content'], call: Call) {
    const violations = contentViolations(content, call, deps.today());
    if (violations.length) throw RuleViolation.of(violations);
  }

  async function load(id: string): Promise<ApplicationRow> {
    const row = await findApplication<ApplicationRow['content']>(sql, id);
    if (!row) throw notFound(`application ${id}`);
    return row as ApplicationRow;
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
      readiness: app.content.readiness ?? null, // A3
      submittedAt: app.submitted_at,
      practitionerEmailConfirmed: practitionerConfirmed(app.content.practitioner.email, app.practitioner_confirmed_email), // A7
      deadlines, // T2
      nextDeadline: live?.nextDeadline ?? null,
      supplement: state?.supplement ?? null,
      ineligibility: state?.ineligibility ?? null,
      batch: state?.batch ?? null,
      documents,
      missingDocuments: hasStatus(EDITABLE_STATUSES, state?.status ?? app.status) ? await missingFor(app) : [],
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

  /** S2: an applicant only reaches their own application (the token is checked per application). */
  function assertOwnerOrStaff(actor: Actor, app: ApplicationRow) {
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application');
  }

  return { handleOf, assertCallOpen, assertContent, load, missingFor, workflowState, view, sendConfirmation, assertOwnerOrStaff };
}
