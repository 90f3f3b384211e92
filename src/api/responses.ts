import { z } from 'zod';
import { DOCUMENT_TYPES, type DocumentType } from '../domain';

/**
 * H1: the shapes the API answers, one zod schema per success answer. They type the handlers'
 * returns (route.ts: `success.schema`), are published with every status in /openapi.json and
 * /docs, and test/api/response-schemas.test.ts parses real answers with them, so they stay
 * honest. The views that are large and shaped by the workflows (allocation, evaluation,
 * close-out) name their top-level fields and leave the rest open (`looseObject`).
 */

/** An instant: the handler may hold a Date; the JSON carries its ISO string. */
export const instant = z.union([z.iso.datetime({ offset: true }), z.date()]).describe('ISO 8601 instant');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('a date, YYYY-MM-DD (Asia/Seoul, T1)');
/** An object whose fields /docs leaves open; typed `object` so views declared as interfaces fit. */
const open = z.looseObject({}) as unknown as z.ZodType<object, object>;
const nullable = <T extends z.ZodType>(s: T) => s.nullable();

export const documentTypeSchema = z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]]);

// ---- calls (C) ----
const batchSummary = z.object({ batchId: z.string(), cutoff: day, closed: z.boolean(), members: z.number().int().optional(), addedBy: z.string() });
export const callResponse = z.object({
  id: z.string(),
  title: z.string(),
  announcedOn: day,
  closesOn: nullable(day),
  supportEndsOn: day,
  capacity: z.object({ T4: z.number(), H100: z.number(), BOW: z.number(), extraStorageTb: z.number() }),
  settings: open,
  surveyOn: nullable(z.string()),
  surveyQuestions: z.array(z.object({ id: z.string(), text: z.string(), kind: z.string() })).optional().describe('R6'),
  open: z.boolean().optional().describe('C1–C3: whether the call takes applications (from its workflow)'),
  earlyClose: nullable(z.object({ closesOn: day, noticeOn: day })).optional(),
  batches: z.array(batchSummary).optional(),
});
export const callListResponse = z.object({ items: z.array(callResponse) });
export const batchAddedResponse = batchSummary;
export const earlyCloseResponse = z.object({ closesOn: day.optional(), earlyClose: z.object({ closesOn: day, noticeOn: day }).optional() });

// ---- applications (A) ----
export const draftCreatedResponse = z.object({
  id: z.string().describe('the application id'),
  accessToken: z.string().describe('apt_<applicationId>_<secret>: shown once (S1, S7)'),
});
const storedDocument = z.object({ type: z.string(), filename: z.string(), sizeBytes: z.number().int().min(0), sha256: z.string() });
export const documentUploadedResponse = storedDocument.extend({ missingDocuments: z.array(z.string()).describe('A4: still to upload') });
export const submittedResponse = z.object({ id: z.string(), status: z.string(), submittedAt: nullable(instant), repeated: z.boolean().describe('A6: a repeated submit changes nothing') });
export const applicationResponse = z.object({
  id: z.string(),
  callId: z.string(),
  status: z.string(),
  title: z.string(),
  organisation: z.object({ name: z.string(), businessRegistrationNumber: z.string() }),
  resource: z.object({ pool: z.string(), type: z.string(), units: z.number().int() }).describe('H1: the granted resource once there is one, else the one asked for'),
  requestedResource: z.object({ pool: z.string(), type: z.string(), units: z.number().int() }).optional().describe('what the applicant asked for'),
  grantedResource: nullable(z.object({ pool: z.string(), type: z.string(), units: z.number().int() })).optional().describe('V5–V7/O1/Q1: granted (null until selected)'),
  allocation: nullable(open).optional().describe('O1/O2: the allocation (servers, storage, setup end)'),
  priority: z.boolean(),
  readiness: nullable(open).describe('A3: data, team and first month: ready for use right after setup'),
  submittedAt: nullable(instant),
  deadlines: (open as z.ZodType<object, object>).describe('T2: every deadline known so far'),
  nextDeadline: nullable(z.object({ name: z.string(), date: day })),
  supplement: nullable(open),
  ineligibility: nullable(open),
  batch: nullable(open),
  documents: z.array(storedDocument.extend({ uploadedAt: instant })),
  missingDocuments: z.array(z.string()),
  supportEnd: nullable(open),
  closeOut: nullable(open),
  timeline: z.array(z.object({ at: z.string(), event: z.string() })),
  content: open.optional().describe('the draft as handed in (the applicant and operators only)'),
});
const masked = z.object({ name: z.string(), email: z.string(), phone: z.string() });
export const applicationListResponse = z.object({
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.string(), callId: z.string(), status: z.string(), title: z.string(), organisation: z.string(), pool: z.string(), type: z.string(),
      units: z.number().int(), priority: z.boolean(), submittedAt: nullable(instant), nextDeadlines: open,
      requested: z.object({ type: z.string(), units: z.number().int() }).optional().describe('H1: type/units are the granted ones once granted'),
      practitioner: masked.describe('S3: masked'), principalInvestigator: masked.describe('S3: masked'),
    }),
  ),
});
export const statusChangeResponse = z.object({ id: z.string(), status: z.string() });
export const documentReviewResponse = statusChangeResponse.extend({ decision: z.enum(['COMPLETE', 'SUPPLEMENT', 'INELIGIBLE']) });

// ---- evaluation (V) ----
const evaluator = z.object({ id: z.string(), name: z.string(), organisationBrn: nullable(z.string()) });
export const evaluatorsAssignedResponse = z.object({ batchId: z.string(), evaluators: z.array(evaluator) });
export const batchResponse = z.object({
  batchId: z.string(), callId: z.string(), cutoff: day, closed: z.boolean(), closedAt: nullable(instant), reviewDue: day, notificationDue: day,
  minEvaluators: z.number().int(), evaluators: z.array(evaluator), progress: open, members: z.array(open), selection: open, ranking: z.array(open), sla: open,
});
export const evaluatorBatchesResponse = z.object({ items: z.array(z.object({ batchId: z.string(), callId: z.string(), cutoff: day, selected: z.boolean() })) });
export const reviewQueueResponse = z.object({ batchId: z.string(), reviewDue: day, criteria: z.unknown(), withheldOwnOrganisation: z.number().int(), items: z.array(open) });
export const scoresResponse = z.object({ applicationId: z.string(), batchId: nullable(z.string()), scores: open, opinion: nullable(z.string()), replaced: z.boolean(), replacedScores: z.unknown().optional() });
export const resourceChangeResponse = z.object({
  applicationId: z.string(),
  requested: z.object({ type: z.string(), units: z.number().int() }),
  committee: z.object({ type: z.string(), units: z.number().int(), reason: z.string() }),
});
export const selectionResponse = open.describe('V5–V7: the counts of the selection');
export const evaluationsResponse = z.object({ applicationId: z.string(), items: z.array(open), mean: nullable(open), total: nullable(z.number()) });
export const selectionPreviewResponse = z.object({ batchId: z.string(), selected: z.boolean(), ready: z.boolean(), ranking: z.array(open), waitlisted: z.array(z.string()) });

// ---- operation (O, Q) ----
export const allocationResponse = open.describe('O1–O5, Q1–Q3: the allocation view of the workflow');
export const setupDoneResponse = z.object({ id: z.string(), status: z.string(), setupEnd: z.unknown(), setupDoneOn: z.unknown() });
export const operationResponse = z.object({ id: z.string(), status: z.string() });
export const utilisationStoredResponse = z.object({ id: z.string(), stored: z.number().int(), days: z.array(day) });
export const utilisationResponse = z.object({ id: z.string(), month: z.string(), samples: z.array(open), months: z.array(open) });
export const utilisationCsvResponse = open.describe('O4: stored rows and the refusals per line');
export const quarterlyReviewsResponse = z.object({ items: z.array(open) });
export const quarterlyDecisionResponse = open;
export const reclaimResponse = z.object({ id: z.string() });

// ---- close-out (R) ----
export const evidenceUploadedResponse = z.object({ name: z.string(), sizeBytes: z.number().int().min(0), sha256: z.string() });
export const closeOutChangeResponse = z.object({ id: z.string(), closeOut: open });
/** R6: a survey form and its recorded answers. */
export const surveyFormResponse = z.object({
  applicationId: z.string(),
  callId: z.string(),
  year: z.number().int(),
  sentOn: day,
  questions: z.array(z.object({ id: z.string(), text: z.string(), kind: z.enum(['SCALE', 'TEXT']) })),
  response: nullable(z.object({ answers: z.record(z.string(), z.union([z.number(), z.string()])), submittedAt: instant })),
});
/** R5: what a missing report leads to for one application, and who set it. */
export const missingReportCaseResponse = z.object({
  id: z.string(),
  missingReport: z.object({ consequence: z.enum(['RECLAIM', 'RESTRICT', 'BOTH']), setBy: z.enum(['CALL', 'OPERATOR']), actor: z.string().optional(), reason: z.string().optional(), on: day.optional(), takenOn: day.optional() }),
});
export const closeOutResponse = z.object({ id: z.string(), status: z.string(), closeOut: nullable(open), evidence: z.array(open) });
export const closeOutListResponse = z.object({ today: day, items: z.array(open) });
export const restrictionsResponse = z.object({ brn: z.string(), restricted: z.boolean(), items: z.array(open) });
export const restrictionLiftedResponse = z.object({ brn: z.string(), lifted: z.array(z.object({ id: z.union([z.number(), z.string()]), rule: z.string(), applicationId: nullable(z.string()) })) });

// ---- system, console ----
export const livenessResponse = open;
export const catalogResponse = open.describe('K1–K4');
export const apiKeyCreatedResponse = z.object({ id: z.string(), role: z.string(), name: z.string(), key: z.string().describe('shown once (S1)'), note: z.string() });
export const todaysWorkResponse = z.object({ today: day, items: z.array(open) });

/** Downloads and exports: not JSON. */
export const DOWNLOAD = { 'application/octet-stream': 'the stored file, under its original name (Content-Disposition)' };
export const EXPORT = {
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '?format=xlsx (default)',
  'text/csv': '?format=csv',
};

// S6/A7: sign-in by e-mail and the practitioner's confirmation.
export const linkRequestedResponse = z.object({ note: z.string() }).loose();
export const PAGE = { 'text/html': 'a page with the button that redeems the link (a mail scanner\'s GET uses nothing)' };
export const applicantSessionResponse = open.describe('S6: the session (Bearer aps_…, also set as an HttpOnly cookie) and the applications it opens');
export const myApplicationsResponse = z.object({ items: z.array(open) }).loose();
export const confirmationResponse = z.object({ confirmed: z.boolean(), sent: z.boolean() }).loose();
export const draftEditedResponse = applicationResponse.loose();
export const signedOutResponse = z.object({ signedOut: z.literal(true) });
