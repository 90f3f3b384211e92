/**
 * The rule ids of the specification (SPEC.md), each with a one-line English title.
 * Code comments, error texts and test names quote these ids; this is the single list
 * that says which ids exist, so a typo in an id is a compile error.
 */

export const RULE_IDS = [
  'C1', 'C2', 'C3', 'C4',
  'K1', 'K2', 'K3', 'K4', 'K5',
  'E1', 'E2', 'E3', 'E4', 'E5', 'E6',
  'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7',
  'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9',
  'O1', 'O2', 'O3', 'O4', 'O5', 'O6',
  'Q1', 'Q2', 'Q3',
  'R1', 'R2', 'R3', 'R4', 'R5', 'R6',
  'N', 'N2', 'N3',
  'T1', 'T2', 'T3',
  'H1', 'H2', 'H3', 'H4',
  'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7',
  'I1', 'I2', 'I3', 'I4', 'I5', 'I6',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export const RULES: Record<RuleId, string> = {
  C1: 'A call has an id, title, announcement, intake period, support end, capacity and batch cutoffs',
  C2: 'Rolling evaluation at least once per calendar quarter; a quarter ending with waiting applications and no cutoff gets its last day as cutoff',
  C3: 'Early close of a rolling call needs notice at least 21 days ahead; nothing is accepted after the close date',
  C4: 'Calls are data created through the API; nothing about a year is hard-coded',
  K1: 'Pools and accelerator types: dedicated T4 or H100 servers, shared BOW cards of 1, 2, 4, 8 or 16 (32+ not accepted)',
  K2: 'A dedicated server is exclusive with monthly management; the shared pool has none',
  K3: 'Storage is 50 TB plus 20 TB backup; more only on request with a reason',
  K4: 'Dedicated users choose one OS (Ubuntu Server 20.04 LTS+ or Windows Server 2019+); environments and SaaS are catalogue data',
  K5: 'Capacity is call configuration; selection and adjustments never allocate beyond it',
  E1: 'Domestic companies, public institutions, research institutes, universities and associations may apply',
  E2: 'Individuals with no affiliation may not apply',
  E3: 'Large enterprises may not apply unless certified Digital Leaders Club members',
  E4: 'Excluded at once: participation restriction, privacy-law sanction, false statements or social controversy',
  E6: 'A false statement found before the end of support excludes the application and restricts the organisation until lifted; operators may exclude under E4 or E6 at any stage before allocation',
  E5: 'An organisation restricted by this service is refused while the restriction lasts; identified by a checksum-valid business registration number',
  A1: 'An application contains organisation, PI and practitioner, project, resource request and documents',
  A2: 'One pool and one accelerator type per application; no two applications of one organisation with the same title in a call',
  A3: 'The plan must allow use right after environment setup (at most 2 weeks)',
  A4: 'Required documents with their only accepted file types; content must match the extension',
  A5: 'An application missing required evidence is excluded from selection',
  A6: 'Draft, upload, submit; submission checks completeness and is idempotent',
  A7: 'A draft is editable until submitted; the practitioner\'s e-mail is confirmed by a link before submission',
  V1: 'Order: call, intake and review, evaluation, selection and notification, allocation, training, operation',
  V2: 'An application joins the first batch whose cutoff is on or after its acceptance; evaluation within 14 days, notification within 21 days',
  V3: 'Criteria maxima: policy 30, excellence 30, feasibility 20, outcomes 20; score is the mean over evaluators',
  V4: 'Priority applicants (AI cluster project performers, Digital Leaders Club) head the review queue',
  V5: 'Only applications scoring 60 or more can be selected, allocated in descending score order within resources',
  V6: 'Ties are broken by policy, then excellence, then feasibility, then outcomes (higher first)',
  V7: 'The committee may change the requested resource; with no capacity the application waits on the waitlist',
  V8: 'Evaluators may write an opinion; operators see all; a not-selected applicant gets the committee\'s summary reason only',
  V9: 'A selected application not allocated within 30 days of its result (per call) is released to the waitlist, with a warning 7 days before',
  O1: 'The operator allocates after notification; support runs until the call support end or an earlier end',
  O2: 'Environment setup lasts at most 2 weeks after allocation and is not counted in utilisation',
  O3: 'Training material and online pre-training are sent after allocation',
  O4: 'Dedicated pool utilisation is judged monthly (setup days excluded); low or none warns and flags',
  O5: 'No or negligible usage during the last month makes the user a candidate for exclusion',
  O6: 'While support runs the applicant may request more storage, another BOW size or an earlier end; operators decide within capacity',
  Q1: 'Every quarter the operator decides per allocation: increase, continue, decrease or reclaim',
  Q2: 'Reclaim ends the support period now; close-out applies from that date',
  Q3: 'Use for anything but the proposed project is reclaimed at once and restricts the organisation',
  R1: 'The result report is due one month after the end; a December end is due by 30 November',
  R2: 'Data sharing is due on the same rule as the report',
  R3: 'Data registration types and sharing terms',
  R4: 'Outcome categories of the report',
  R5: 'A missing report leads to reclamation or restriction; the data definition is mandatory',
  R6: 'A satisfaction survey goes to users at least once a year',
  N: 'Every transition an applicant should know of sends exactly one e-mail to the practitioner (PI in copy)',
  N2: 'Every applicant notice says what happened, the next step and its KST deadline, links to the application and names the call\'s contact (Reply-To)',
  N3: 'Evaluators are e-mailed on assignment, 3 days before the review deadline and when it is missed',
  T1: 'Dates are Asia/Seoul calendar dates; a deadline ends at 23:59:59 KST; one month after is clamped',
  T2: 'Every deadline of an application is visible at all times',
  T3: 'Behaviour and tests do not depend on the wall-clock day',
  H1: 'HTTP API with OpenAPI; 409 for invalid state, 400 for bad bodies, 422 naming the rule',
  H2: 'One Temporal workflow per application and per call, ids built from call and application ids',
  H3: 'E-mail through SMTP',
  H4: 'Operators and evaluators work in a web console served by the API, Korean first',
  S1: 'Operator and evaluator API keys, applicant access tokens, stored only as hashes',
  S2: 'Applicants see only their application; evaluators only assigned batches, never others\' scores',
  S3: 'Personal data is masked in listings; documents are served only to entitled users',
  S4: 'Every operator and evaluator action is in an append-only audit log',
  S5: 'Bad input gets a clear 4xx, never a 5xx, and changes nothing',
  S6: 'Applicants sign in with a one-time e-mail link (30 minutes, once, hashed); e-mail-sending public endpoints are rate-limited',
  S7: 'A valid credential on a resource it does not cover answers 403 (or 404), never 401',
  I1: 'Utilisation thresholds are configuration (none < 1 %, low < 20 %); two low months in a row or one none month flag',
  I2: 'Quarterly reviews on the last day of March, June and September; under 30 days of operation skips; no decision in 14 days continues',
  I3: 'A December end recorded after its 30 November gets 14 days after the end',
  I4: 'At least 5 evaluators per application; no evaluator scores their own organisation',
  I5: 'A supplement request gives 7 days; missing evidence after that makes the application ineligible',
  I6: 'After ties on all four criteria, the earlier submission wins',
};

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RULES, value);
}

/** One broken rule, as listed by the validators (`…Violations(…)` functions). */
export interface Violation {
  rule: RuleId;
  /** Human-readable text, starting with the rule id (e.g. `E2: individuals …`). */
  message: string;
  /** The input field concerned, when there is one (for 400/422 bodies naming fields). */
  field?: string;
}

/** A list entry: `violation('E2', 'individuals may not apply')` → `{ rule: 'E2', message: 'E2: individuals …' }`. */
export function violation(rule: RuleId, message: string, field?: string): Violation {
  const text = message.startsWith(`${rule}:`) ? message : `${rule}: ${message}`;
  return field === undefined ? { rule, message: text } : { rule, message: text, field };
}

/**
 * Thrown when a rule refuses an action. The HTTP API answers 422 naming `rule` (H1);
 * workflow code converts it to a non-retryable failure or an Update rejection.
 */
export class RuleViolation extends Error {
  readonly rule: RuleId;
  /** The text without the rule id prefix. */
  readonly detail: string;
  /** Every violation found, the first being `rule`. */
  readonly violations: Violation[];

  constructor(rule: RuleId, detail: string, violations?: Violation[]) {
    const plain = detail.startsWith(`${rule}: `) ? detail.slice(rule.length + 2) : detail;
    super(`${rule}: ${plain}`);
    this.name = 'RuleViolation';
    this.rule = rule;
    this.detail = plain;
    this.violations = violations && violations.length > 0 ? violations : [violation(rule, plain)];
  }

  static of(violations: Violation[]): RuleViolation {
    const first = violations[0];
    if (!first) throw new RangeError('RuleViolation.of needs at least one violation');
    return new RuleViolation(first.rule, first.message, violations);
  }
}

/** Throws a RuleViolation carrying every violation when the list is not empty. */
export function assertNoViolations(violations: Violation[]): void {
  if (violations.length > 0) throw RuleViolation.of(violations);
}

export function isRuleViolation(e: unknown): e is RuleViolation {
  return e instanceof RuleViolation
    || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'RuleViolation'
      && isRuleId((e as { rule?: unknown }).rule));
}
