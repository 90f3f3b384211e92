/**
 * The application's lifecycle (V1, README "The lifecycle"): its statuses and every named
 * set of them, one home each, so the workflows, the activities' SQL (`sql(SET)`), the API
 * and the console ask the same question the same way. Each set says the rule it serves.
 */

/** The statuses an application's workflow moves through, in the agency's order of things (V1). */
export const APPLICATION_STATUSES = [
  'UNDER_REVIEW', // A6: submitted, documents being reviewed
  'SUPPLEMENT_REQUESTED', // A5/I5
  'DOCUMENTS_COMPLETE', // V2: waiting for the next batch cutoff
  'IN_EVALUATION', // V2: member of a batch
  'SELECTED', // V5: waiting for allocation
  'WAITLISTED', // V7: capacity exhausted, kept in rank order
  'NOT_SELECTED', // V5: below 60
  'ALLOCATED', // O1/O2: support period started, environment setup
  'IN_OPERATION', // O4: in use
  'CLOSE_OUT', // R1/R2: support ended, report and data sharing due
  'COMPLETED', // R: report and data sharing accepted
  'INELIGIBLE', // E4, E6, A5
  'WITHDRAWN',
  'RELEASED', // V9: selected, never allocated in time: the capacity went back (to the waitlist, V7)
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** A1: an application row before submission (no workflow yet) is a DRAFT. */
export const RECORD_STATUSES = ['DRAFT', ...APPLICATION_STATUSES] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Whether a status (typed or read from a row) is in one of the sets below. */
export const hasStatus = (set: readonly RecordStatus[], status: string): boolean => (set as readonly string[]).includes(status);

/** V1: the statuses nothing follows (the workflow ends; C3: no early-close notice). */
export const FINAL_STATUSES = ['NOT_SELECTED', 'INELIGIBLE', 'WITHDRAWN', 'COMPLETED', 'RELEASED'] as const satisfies readonly ApplicationStatus[];

/** A2: the statuses whose application no longer holds its title (migrations/intake.ts's unique index says the same). */
export const TITLE_FREEING_STATUSES = ['WITHDRAWN', 'INELIGIBLE'] as const satisfies readonly ApplicationStatus[];

/** A6, I5: what an applicant may still change: a draft, or the documents a supplement asks for. */
export const EDITABLE_STATUSES = ['DRAFT', 'SUPPLEMENT_REQUESTED'] as const satisfies readonly RecordStatus[];

/** V2: statuses that wait for a batch: their next deadline includes the expected cutoff. */
export const WAITING_FOR_BATCH_STATUSES = ['UNDER_REVIEW', 'SUPPLEMENT_REQUESTED', 'DOCUMENTS_COMPLETE'] as const satisfies readonly ApplicationStatus[];

/** V2–V4: a batch member still being evaluated (not withdrawn or excluded since the cutoff). */
export const ACTIVE_MEMBER_STATUSES = ['DOCUMENTS_COMPLETE', 'IN_EVALUATION'] as const satisfies readonly ApplicationStatus[];

/** E4/E6: the statuses before allocation (V1) in which an application can be excluded. */
export const EXCLUDABLE_STATUSES = ['UNDER_REVIEW', 'SUPPLEMENT_REQUESTED', 'DOCUMENTS_COMPLETE', 'IN_EVALUATION', 'SELECTED', 'WAITLISTED'] as const satisfies readonly ApplicationStatus[];

/** O1/V7: the selection outcomes an operator can allocate a resource to. */
export const ALLOCATABLE_STATUSES = ['SELECTED', 'WAITLISTED'] as const satisfies readonly ApplicationStatus[];

/**
 * K5: the statuses in which an application holds capacity of its call (selected and not
 * released, or allocated and its support not ended). Counted by the capacity left (V5, V7).
 */
export const HOLDING_CAPACITY_STATUSES = ['SELECTED', 'ALLOCATED', 'IN_OPERATION'] as const satisfies readonly ApplicationStatus[];

/**
 * O1–O6, Q1–Q3: the support period is running: the resource is allocated and in use or
 * being set up (the operation phase's checks, the reclaim, an R1 report due before support end).
 */
export const SUPPORT_RUNNING_STATUSES = ['ALLOCATED', 'IN_OPERATION'] as const satisfies readonly ApplicationStatus[];

/** R1/R2, R6: the support period started (running or ended): close-out is tracked and the user may be surveyed. */
export const SUPPORTED_STATUSES = ['ALLOCATED', 'IN_OPERATION', 'CLOSE_OUT', 'COMPLETED'] as const satisfies readonly ApplicationStatus[];

/** V5–V7, O1, Q1: the application holds (or held) a granted resource, so its view shows the grant. */
export const GRANTED_STATUSES = ['SELECTED', 'WAITLISTED', 'ALLOCATED', 'IN_OPERATION', 'CLOSE_OUT', 'COMPLETED'] as const satisfies readonly ApplicationStatus[];

/**
 * H4: the statuses that can put an item on the operators' "today" list (A6 review, I5
 * supplement due, V5/V7 allocation to do, O2 setup end).
 */
export const OPERATOR_TODAY_STATUSES = ['UNDER_REVIEW', 'SUPPLEMENT_REQUESTED', 'SELECTED', 'WAITLISTED', 'ALLOCATED'] as const satisfies readonly ApplicationStatus[];
