import type { Sql } from './index';
import { meanScores, type AcceleratorType, type RankingCandidate, type Scores } from '../domain';

/** V7: one waitlisted application of a call, with what the waitlist order (V5/V6/I6) needs. */
export interface WaitlistEntry extends RankingCandidate {
  title: string;
  organisationName: string;
  batchId: string | null;
}

/**
 * V7: every waitlisted application of a call, whatever its batch, with the criterion-wise
 * mean over its evaluators (V3, from the scores themselves, as its batch's ranking had
 * them) and its submission time (I6). The order is the domain's (inRankOrder).
 */
export async function waitlistOf(sql: Sql, callId: string, exceptApplicationId?: string): Promise<WaitlistEntry[]> {
  const rows = await sql<
    Array<{ id: string; title: string; organisation_name: string; batch_id: string | null; submitted_at: Date | null; created_at: Date; type: AcceleratorType; units: number; scores: Scores[] }>
  >`
    select a.id, a.title, a.organisation_name, a.batch_id, a.submitted_at, a.created_at,
      coalesce(a.granted_type, a.committee_type, a.accelerator_type) as type,
      coalesce(a.granted_units, a.committee_units, a.units) as units,
      coalesce((select json_agg(e.scores) from evaluations e where e.application_id = a.id), '[]'::json) as scores
    from applications a
    where a.call_id = ${callId} and a.status = 'WAITLISTED' and a.id <> ${exceptApplicationId ?? ''}`;
  return rows.map((r) => ({
    applicationId: r.id,
    title: r.title,
    organisationName: r.organisation_name,
    batchId: r.batch_id,
    // A row without scores (put on the waitlist outside a committee's ranking) comes last, by submission.
    scores: r.scores.length > 0 ? meanScores(r.scores) : NO_SCORES,
    submittedAt: (r.submitted_at ?? r.created_at).getTime(), // I6
    resource: { type: r.type, units: r.units },
  }));
}

const NO_SCORES: Scores = { policyAlignment: 0, projectExcellence: 0, resourceFeasibility: 0, targetOutcomes: 0 };
