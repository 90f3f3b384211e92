/**
 * R6: the yearly satisfaction survey's questions and answers. "년 1회이상 만족도 조사 시행"
 * (the seed): the questions are the call's data (C4); a call created without them asks
 * the defaults below. A SCALE answer is 1 (very unsatisfied) to 5 (very satisfied); a
 * TEXT answer is free text. SCALE questions must be answered; TEXT ones may be left out.
 */
import type { Violation } from './rules';

export const SURVEY_QUESTION_KINDS = ['SCALE', 'TEXT'] as const;
export type SurveyQuestionKind = (typeof SURVEY_QUESTION_KINDS)[number];
export interface SurveyQuestion {
  id: string;
  text: string;
  kind: SurveyQuestionKind;
}

export const SURVEY_SCALE = { min: 1, max: 5 } as const;
export const SURVEY_TEXT_MAX = 2000;
export const SURVEY_QUESTION_ID = /^[a-z][a-z0-9_]{0,39}$/;

export const DEFAULT_SURVEY_QUESTIONS: readonly SurveyQuestion[] = [
  { id: 'overall', text: 'AI데이터센터 서비스 전반에 얼마나 만족하십니까? (Overall satisfaction)', kind: 'SCALE' },
  { id: 'resource', text: '지원받은 자원(서버·카드·스토리지)이 과제 수행에 충분했습니까? (Resources sufficient)', kind: 'SCALE' },
  { id: 'support', text: '기술지원과 헬프데스크 응대에 만족하십니까? (Technical support)', kind: 'SCALE' },
  { id: 'comments', text: '개선이 필요한 점을 자유롭게 적어 주십시오. (Comments)', kind: 'TEXT' },
];

export type SurveyAnswers = Record<string, number | string>;

/** R6: what is wrong with a set of answers to `questions` (empty: it can be recorded). */
export function surveyAnswerViolations(questions: readonly SurveyQuestion[], answers: SurveyAnswers): Violation[] {
  const out: Violation[] = [];
  const known = new Set(questions.map((q) => q.id));
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) out.push({ rule: 'R6', field: `answers.${id}`, message: `R6: the survey has no question '${id}'` });
  }
  for (const q of questions) {
    const a = answers[q.id];
    if (q.kind === 'SCALE') {
      if (a === undefined) out.push({ rule: 'R6', field: `answers.${q.id}`, message: `R6: '${q.id}' needs an answer from ${SURVEY_SCALE.min} to ${SURVEY_SCALE.max}` });
      else if (typeof a !== 'number' || !Number.isInteger(a) || a < SURVEY_SCALE.min || a > SURVEY_SCALE.max) {
        out.push({ rule: 'R6', field: `answers.${q.id}`, message: `R6: '${q.id}' is answered with a whole number from ${SURVEY_SCALE.min} to ${SURVEY_SCALE.max}` });
      }
    } else if (a !== undefined && (typeof a !== 'string' || a.length > SURVEY_TEXT_MAX)) {
      out.push({ rule: 'R6', field: `answers.${q.id}`, message: `R6: '${q.id}' is answered with text of at most ${SURVEY_TEXT_MAX} characters` });
    }
  }
  return out;
}
