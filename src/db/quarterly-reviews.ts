import type { Sql } from './index';

export interface QuarterlyReviewFilter {
  callId?: string;
  reviewDate?: string;
  /** true: only undecided reviews; false: only decided ones. */
  open?: boolean;
}

/** Q1/I2: a quarterly review with its application's title and organisation. */
export interface QuarterlyReviewRow {
  applicationId: string;
  callId: string;
  reviewDate: string;
  dueOn: string;
  title: string;
  organisationName: string;
  pool: string;
  resource: unknown;
  recommendation: unknown;
  verdicts: unknown;
  decision: string | null;
  decidedBy: string | null;
  decidedOn: string | null;
  defaulted: boolean;
  newResource: unknown;
}

export async function quarterlyReviews(sql: Sql, f: QuarterlyReviewFilter): Promise<QuarterlyReviewRow[]> {
  return sql<QuarterlyReviewRow[]>`
    select r.application_id as "applicationId", r.call_id as "callId", r.review_date as "reviewDate", r.due_on as "dueOn",
      a.title, a.organisation_name as "organisationName", a.pool, r.resource, r.recommendation, r.verdicts,
      r.decision, r.decided_by as "decidedBy", r.decided_on as "decidedOn", r.defaulted, r.new_resource as "newResource"
    from quarterly_reviews r join applications a on a.id = r.application_id
    where true
      ${f.callId ? sql`and r.call_id = ${f.callId}` : sql``}
      ${f.reviewDate ? sql`and r.review_date = ${f.reviewDate}` : sql``}
      ${f.open === true ? sql`and r.decision is null` : f.open === false ? sql`and r.decision is not null` : sql``}
    order by r.review_date, r.application_id`;
}
