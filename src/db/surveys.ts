import { DEFAULT_SURVEY_QUESTIONS, SUPPORTED_STATUSES, type IsoDate, type SurveyAnswers, type SurveyQuestion } from '../domain';
import type { Sql } from './index';

/** R6: the call's questions (the defaults when it gave none). */
export async function surveyQuestionsOf(sql: Sql, callId: string): Promise<SurveyQuestion[]> {
  const [row] = await sql<Array<{ survey_questions: SurveyQuestion[] | null }>>`select survey_questions from calls where id = ${callId}`;
  return row?.survey_questions ?? [...DEFAULT_SURVEY_QUESTIONS];
}

/** R6: stores the questions a call was created with (in POST /calls' transaction). */
export async function setSurveyQuestions(sql: Sql, callId: string, questions: SurveyQuestion[]): Promise<void> {
  await sql`update calls set survey_questions = ${sql.json(questions as never)} where id = ${callId}`;
}

/**
 * R6: every user whose support ran in `year` up to `on` (allocated by then, and not ended
 * before the year began), once per practitioner address: "users" are not only those
 * active on the survey day. The application whose form the e-mail links to is the
 * address's earliest.
 */
export async function surveyedUsers(sql: Sql, callId: string, year: number, on: IsoDate) {
  const yearStart = `${String(year).padStart(4, '0')}-01-01`;
  return sql<Array<{ id: string; email: string }>>`
    select distinct on (lower(a.content->'practitioner'->>'email')) a.id, lower(a.content->'practitioner'->>'email') as email
    from applications a join calls c on c.id = a.call_id
    where a.call_id = ${callId} and a.status in ${sql(SUPPORTED_STATUSES)}
      and a.allocated_on is not null and a.allocated_on <= ${on}
      and coalesce(a.support_ended_on, c.support_ends_on) >= ${yearStart}
    order by lower(a.content->'practitioner'->>'email'), a.submitted_at, a.id`;
}

/** R6: an invitation, once per user and year (a repeated run keeps the first). */
export async function recordInvitation(sql: Sql, i: { callId: string; year: number; email: string; applicationId: string; on: IsoDate }) {
  await sql`
    insert into survey_invitations (call_id, year, email, application_id, sent_on)
    values (${i.callId}, ${i.year}, ${i.email}, ${i.applicationId}, ${i.on})
    on conflict (call_id, year, email) do nothing`;
}

export interface SurveyInvitation {
  call_id: string;
  year: number;
  sent_on: IsoDate;
}

/** R6: the latest survey this application's form was sent for, or undefined. */
export async function latestInvitation(sql: Sql, applicationId: string): Promise<SurveyInvitation | undefined> {
  const [row] = await sql<SurveyInvitation[]>`
    select call_id, year, sent_on from survey_invitations where application_id = ${applicationId} order by year desc limit 1`;
  return row;
}

export interface SurveyResponseRow {
  answers: SurveyAnswers;
  submitted_at: Date;
}

export async function responseOf(sql: Sql, callId: string, year: number, applicationId: string): Promise<SurveyResponseRow | undefined> {
  const [row] = await sql<SurveyResponseRow[]>`
    select answers, submitted_at from survey_responses where call_id = ${callId} and year = ${year} and application_id = ${applicationId}`;
  return row;
}

/** R6: records (or replaces) the answers of one invitation; the audit-free applicant action. */
export async function saveResponse(sql: Sql, r: { callId: string; year: number; applicationId: string; answers: SurveyAnswers }) {
  const [row] = await sql<SurveyResponseRow[]>`
    insert into survey_responses (call_id, year, application_id, answers)
    values (${r.callId}, ${r.year}, ${r.applicationId}, ${sql.json(r.answers as never)})
    on conflict (call_id, year, application_id) do update set answers = excluded.answers, submitted_at = now()
    returning answers, submitted_at`;
  return row!;
}

/** R6: every response of a call (for the export), organisation but no personal data (S3). */
export async function responsesOfCall(sql: Sql, callId: string) {
  return sql<Array<{ year: number; application_id: string; title: string; organisation_name: string; answers: SurveyAnswers; submitted_at: Date }>>`
    select r.year, r.application_id, a.title, a.organisation_name, r.answers, r.submitted_at
    from survey_responses r join applications a on a.id = r.application_id
    where r.call_id = ${callId} order by r.year, r.submitted_at, r.application_id`;
}
