import type { NoticeContext, Template } from './base';

const resource = (c: NoticeContext) => {
  const r = c.data.resource as { type?: string; units?: number } | undefined;
  return r ? `${r.type} × ${r.units}` : '';
};

/** N: the evaluation phase's notices (Korean first, then English). */
export const EVALUATION_TEMPLATES = {
  RESULT_SELECTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 선정',
    subjectEn: 'Result: selected',
    ko: [
      `「${c.projectTitle}」 신청이 선정되었습니다 (평가 점수 ${c.data.total}점, 순위 ${c.data.rank}).`,
      `배정 자원: ${resource(c)}. 자원 할당 후 환경 구축 안내와 사전교육 자료를 보내드립니다.`,
    ],
    en: [`Selected with ${c.data.total} points (rank ${c.data.rank}); resource granted: ${resource(c)}. Allocation follows.`],
  }),
  RESULT_WAITLISTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 대기',
    subjectEn: 'Result: waitlisted',
    ko: [
      `「${c.projectTitle}」 신청은 평가 기준(60점 이상)을 충족했으나 ${resource(c)} 자원이 소진되어 대기 순번에 올랐습니다 (V7).`,
      `평가 점수 ${c.data.total}점. 자원이 확보되는 대로 순위에 따라 안내드립니다.`,
    ],
    en: [`You passed (${c.data.total} points) but ${resource(c)} capacity is exhausted: you are waitlisted in rank order (V7).`],
  }),
  RESULT_NOT_SELECTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 미선정',
    subjectEn: 'Result: not selected',
    ko: [`「${c.projectTitle}」 신청은 평가 점수 ${c.data.total}점으로 선정 기준(60점 이상, V5)에 미달하여 선정되지 않았습니다.`],
    en: [`Not selected: ${c.data.total} points, below the pass mark of 60 (V5).`],
  }),
} satisfies Record<string, Template>;
