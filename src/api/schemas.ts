import { z } from 'zod';
import {
  callContactsSchema,
  callTrainingSchema,
  COMPANY_SIZES,
  DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT,
  MISSING_REPORT_CONSEQUENCE_DEFAULT,
  MISSING_REPORT_CONSEQUENCES,
  isKoreanPhone,
  isoDateSchema,
  isoMonthSchema,
  isValidBusinessRegistrationNumber,
  isCallId,
  isSurveyDay,
  SURVEY_QUESTION_ID,
  SURVEY_QUESTION_KINDS,
  ORGANISATION_TYPES,
  OUTCOME_CATEGORIES,
  RULE_IDS,
  validateResourceRequest,
} from '../domain';

/**
 * The API's request and response shapes. These zod schemas are the single source of the
 * handlers' types (z.infer) and of /openapi.json; a body that breaks one answers 400
 * naming each bad field (H1).
 */
const text = (max: number) => z.string().trim().min(1).max(max);
/** S5: more units than any call has, and far below the PostgreSQL integer columns that keep them. */
export const MAX_UNITS = 10_000;

export const callIdParam = z.strictObject({ id: z.string().refine(isCallId, 'not a call id (letters, digits, dashes)') });
export const applicationIdParam = z.strictObject({ id: z.string().regex(/^[A-Z0-9]{10}$/, 'not an application id') });

// ---- calls (C, K5) ----
export const capacitySchema = z.strictObject({
  T4: z.number().int().min(0).describe('dedicated T4 servers'),
  H100: z.number().int().min(0).describe('dedicated H100 servers'),
  BOW: z.number().int().min(0).describe('shared-pool Graphcore Bow IPU cards'),
  extraStorageTb: z.number().min(0).default(0).describe('total extra storage beyond 50 TB + 20 TB per user (K3)'),
});

export const callSettingsSchema = z.strictObject({
  supplementDays: z.number().int().min(1).max(60).default(7).describe('I5'),
  minEvaluators: z.number().int().min(1).max(20).default(5).describe('I4'),
  utilisationNonePercent: z.number().min(0).max(100).default(1).describe('I1'),
  utilisationLowPercent: z.number().min(0).max(100).default(20).describe('I1'),
  dataSharingDecemberException: z
    .boolean()
    .default(DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT)
    .describe('R2: whether a December end makes data sharing due by 30 November too (I3 with it); false: one month after the end'),
  missingReportConsequence: z
    .enum(MISSING_REPORT_CONSEQUENCES)
    .default(MISSING_REPORT_CONSEQUENCE_DEFAULT)
    .describe('R5: what a missing result report leads to: reclaim what is still held, restrict the organisation (E5), or both'),
  selectedReleaseDays: z.number().int().min(8).max(365).default(30).describe('V9: days after its result that a selected application not allocated is released (warned 7 days before)'),
});
/** R2/R5: the settings a call stored before they existed read as their defaults. */
export const CALL_SETTINGS_DEFAULTS = {
  supplementDays: 7,
  minEvaluators: 5,
  utilisationNonePercent: 1,
  utilisationLowPercent: 20,
  dataSharingDecemberException: DATA_SHARING_DECEMBER_EXCEPTION_DEFAULT,
  missingReportConsequence: MISSING_REPORT_CONSEQUENCE_DEFAULT,
  selectedReleaseDays: 30,
} as const satisfies z.infer<typeof callSettingsSchema>;

export const createCallSchema = z
  .strictObject({
    id: z.string().refine(isCallId, 'letters, digits and dashes, e.g. 2024-1').describe('e.g. 2024-1'),
    title: text(300),
    announcedOn: isoDateSchema,
    closesOn: isoDateSchema.optional().describe('omit for a rolling call (C1)'),
    supportEndsOn: isoDateSchema,
    capacity: capacitySchema,
    settings: callSettingsSchema.default({ ...CALL_SETTINGS_DEFAULTS }),
    cutoffs: z.array(isoDateSchema).max(50).default([]).describe('initial batch cutoffs (C2)'),
    surveyOn: z.string().refine(isSurveyDay, "R6: a day of the year 'MM-DD'").optional().describe('R6: yearly survey day (default: a month before the support end)'),
    contacts: callContactsSchema.optional(),
    training: callTrainingSchema.optional(),
    surveyUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000).optional().describe('R6/N2: the survey form the yearly survey e-mail links to'),
    surveyQuestions: z
      .array(
        z.strictObject({
          id: z.string().regex(SURVEY_QUESTION_ID, 'lower-case letters, digits and _, starting with a letter'),
          text: text(500),
          kind: z.enum(SURVEY_QUESTION_KINDS).describe('SCALE: answered 1–5; TEXT: free text'),
        }),
      )
      .min(1)
      .max(20)
      .optional()
      .describe("R6: the yearly survey's questions (default: overall, resource, support, comments)"),
  })
  .superRefine((c, ctx) => {
    if (c.supportEndsOn <= c.announcedOn) {
      ctx.addIssue({ code: 'custom', path: ['supportEndsOn'], message: 'must be after announcedOn' });
    }
    if (c.closesOn && (c.closesOn < c.announcedOn || c.closesOn > c.supportEndsOn)) {
      ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'must lie between announcedOn and supportEndsOn' });
    }
    const ids = (c.surveyQuestions ?? []).map((q) => q.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['surveyQuestions', i, 'id'], message: `R6: question id '${id}' is used twice` });
    });
    if (c.settings.utilisationNonePercent >= c.settings.utilisationLowPercent) {
      ctx.addIssue({ code: 'custom', path: ['settings', 'utilisationNonePercent'], message: 'must be below utilisationLowPercent (I1)' });
    }
  });
export type CreateCall = z.infer<typeof createCallSchema>;

export const addBatchSchema = z.strictObject({ cutoff: isoDateSchema });
export const earlyCloseSchema = z.strictObject({ closesOn: isoDateSchema });

// ---- applications (A1) ----
const phone = z.string().refine(isKoreanPhone, 'a Korean phone number, e.g. 010-1234-5678 or 02-123-4567');
const person = z.strictObject({ name: text(100), email: z.email('an e-mail address'), phone });

export const resourceRequestSchema = z
  .strictObject({
    pool: z.enum(['DEDICATED', 'SHARED']),
    type: z.enum(['T4', 'H100', 'BOW']),
    // S5: the bound keeps a count within the PostgreSQL integer it is stored in (K1 gives the real limits).
    units: z.number().int().min(1).max(MAX_UNITS).describe('dedicated: servers; BOW: cards 1/2/4/8/16'),
    os: z.enum(['UBUNTU', 'WINDOWS']).optional().describe('K4: dedicated pool only'),
    extraStorageTb: z.number().min(0).max(10000).default(0),
    extraStorageReason: z.string().trim().max(2000).optional(),
  })
  .superRefine((r, ctx) => {
    // K1, K3, K4, A2: the rules live in the domain; here they name the field.
    for (const v of validateResourceRequest(r)) {
      ctx.addIssue({ code: 'custom', path: v.field ? [v.field] : [], message: v.message });
    }
  });

export const applicationDraftSchema = z.strictObject({
  organisation: z
    .strictObject({
      name: text(200),
      type: z.enum(ORGANISATION_TYPES),
      size: z.enum(COMPANY_SIZES).optional().describe('companies only (E3)'),
      businessRegistrationNumber: z
        .string()
        .refine(isValidBusinessRegistrationNumber, 'E5: a 10-digit business registration number with a valid check digit'),
      priority: z
        .strictObject({ status: z.boolean(), projectName: z.string().trim().max(300).optional() })
        .default({ status: false })
        .describe('V4: performer of the AI cluster project'),
      digitalLeadersClub: z.boolean().default(false).describe('E3/V4'),
    })
    .superRefine((o, ctx) => {
      if (o.type === 'COMPANY' && !o.size) ctx.addIssue({ code: 'custom', path: ['size'], message: 'required for companies (E3)' });
      if ((o.priority.status || o.digitalLeadersClub) && !o.priority.projectName) {
        ctx.addIssue({ code: 'custom', path: ['priority', 'projectName'], message: 'V4: priority applicants name the project they perform' });
      }
    }),
  principalInvestigator: person,
  practitioner: person,
  project: z.strictObject({
    title: text(300),
    description: text(10000),
    aiModelKind: text(300),
    trainingPlan: text(10000),
    // A1: one entry a month from the start to the support end (checked against the call); S5: bounded
    monthlyPlan: z.array(z.strictObject({ month: isoMonthSchema, plan: text(2000) })).min(1).max(36),
    targetOutcomes: z
      .array(z.strictObject({ category: z.enum(OUTCOME_CATEGORIES), target: text(1000), count: z.number().int().min(0).optional() }))
      .min(1)
      .describe('R4 categories'),
    dataDescription: text(10000),
  }),
  resource: resourceRequestSchema,
  // A3: the plan allows use right after the (at most 2 weeks of) environment setup: what is ready.
  readiness: z
    .strictObject({
      data: z.strictObject({ ready: z.boolean(), detail: text(2000).describe('데이터 확보 현황: what data, where; if not ready, what is missing and when') }),
      team: z.strictObject({ ready: z.boolean(), detail: text(2000).describe('실무 개발자 역량: who trains; if not ready, what is missing and when') }),
      firstMonth: text(2000).describe("the first month's plan: what runs on the accelerators right after setup"),
    })
    .describe('A3: readiness for use right after environment setup (evaluated with resource feasibility, V3)'),
});
export type ApplicationDraft = z.infer<typeof applicationDraftSchema>;

/** A7: a draft's edit: any of its sections, each whole (strict: an unknown section is a 400 naming it). */
export const draftEditSchema = applicationDraftSchema
  .partial()
  .refine((e) => Object.keys(e).length > 0, 'A7: give at least one section to change');

export const documentUploadQuery = z.strictObject({ filename: z.string().trim().min(3).max(255).describe('original file name with its extension') });

export const documentReviewSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('COMPLETE') }),
  z.strictObject({
    decision: z.literal('SUPPLEMENT'),
    missingDocuments: z.array(z.string()).min(1),
    dueDays: z.number().int().min(1).max(60).optional().describe('I5: default from the call'),
    note: z.string().max(2000).optional(),
  }),
  z.strictObject({ decision: z.literal('INELIGIBLE'), rule: z.enum(RULE_IDS), reason: text(2000) }),
]);

export const withdrawSchema = z.strictObject({ reason: z.string().max(2000).optional() });

export const listApplicationsQuery = z.strictObject({
  callId: z.string().optional(),
  status: z.string().optional(),
  pool: z.enum(['DEDICATED', 'SHARED']).optional(),
  type: z.enum(['T4', 'H100', 'BOW']).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('S5: bounded, so the offset stays a PostgreSQL bigint'),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const createApiKeySchema = z.strictObject({
  role: z.enum(['OPERATOR', 'EVALUATOR', 'COLLECTOR']),
  name: text(200),
  organisationBrn: z.string().refine(isValidBusinessRegistrationNumber, 'E5: a valid business registration number').optional(),
  // N3: optional so that keys (and scripts) from before N3 keep working; an evaluator key
  // without one is never e-mailed, and the answer says so.
  email: z.email('an e-mail address').max(320).optional().describe('N3: where the key holder is e-mailed (batch assignment, 3 days before and after the review deadline)'),
});
