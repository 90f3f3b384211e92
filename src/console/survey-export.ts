import type { Sql } from '../db';
import { responsesOfCall, surveyQuestionsOf } from '../db/surveys';
import { kstDateOf } from '../domain';
import type { Sheet } from './spreadsheet';

/**
 * R6/H4: a call's survey responses, one row per response and one column per question (the
 * call's questions). The organisation and project, never the person (S3).
 */
export async function surveySheet(sql: Sql, callId: string): Promise<Sheet> {
  const questions = await surveyQuestionsOf(sql, callId);
  const rows = await responsesOfCall(sql, callId);
  return {
    name: '만족도 조사',
    columns: [
      { key: 'year', header: '연도 (year)' },
      { key: 'id', header: '신청번호 (id)' },
      { key: 'title', header: '과제명 (title)', width: 40 },
      { key: 'organisation', header: '기관명 (organisation)', width: 30 },
      { key: 'submittedOn', header: '응답일 (answered)' },
      ...questions.map((q) => ({ key: `q_${q.id}`, header: `${q.id}: ${q.text}`, width: q.kind === 'TEXT' ? 50 : 12 })),
    ],
    rows: rows.map((r) => ({
      year: r.year,
      id: r.application_id,
      title: r.title,
      organisation: r.organisation_name,
      submittedOn: kstDateOf(r.submitted_at.getTime()),
      ...Object.fromEntries(questions.map((q) => [`q_${q.id}`, r.answers[q.id] ?? null])),
    })),
  };
}
