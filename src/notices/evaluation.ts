import type { NoticeContext, Template } from './base';

const resource = (c: NoticeContext) => {
  const r = c.data.resource as { type?: string; units?: number } | undefined;
  return r ? `${r.type} × ${r.units}` : '';
};

const changedFrom = (c: NoticeContext) => {
  const r = c.data.changedFrom as { type?: string; units?: number } | undefined;
  return r ? `${r.type} × ${r.units}` : '';
};

/** One line per application short of the I4 minimum (the activity caps the list). */
interface MissingLine {
  applicationId: string;
  title: string;
  evaluators: number;
  needed: number;
}
const missingLines = (c: NoticeContext): string[] => {
  const list = (c.data.missing as MissingLine[] | undefined) ?? [];
  const total = Number(c.data.missingTotal ?? list.length);
  const lines = list.map((m) => `- ${m.applicationId} 「${m.title}」: ${m.evaluators}/${m.needed}`);
  if (total > list.length) lines.push(`- … +${total - list.length}`);
  return lines;
};
const missingSummary = (c: NoticeContext) =>
  `평가위원 최소 인원(I4) 미달 신청 ${Number(c.data.missingTotal ?? 0)}건 / ${Number(c.data.missingTotal ?? 0)} application(s) short of the I4 minimum of evaluators:`;

/** N: the evaluation phase's notices (Korean first, then English). */
export const EVALUATION_TEMPLATES = {
  RESULT_SELECTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 선정',
    subjectEn: 'Result: selected',
    ko: [
      `「${c.projectTitle}」 신청이 선정되었습니다 (평가 점수 ${c.data.total}점, 순위 ${c.data.rank}).`,
      `배정 자원: ${resource(c)}.`,
      // V7: a waitlisted request the committee changed to a type with capacity.
      ...(c.data.changedFrom ? [`대기 중이던 신청 자원(${changedFrom(c)})이 평가위원회 결정으로 변경되었습니다. 사유: ${String(c.data.reason)}`] : []),
    ],
    en: [
      `Selected with ${c.data.total} points (rank ${c.data.rank}); resource granted: ${resource(c)}.`,
      ...(c.data.changedFrom ? [`Your waitlisted request (${changedFrom(c)}) was changed by the committee: ${String(c.data.reason)}`] : []),
    ],
    next: {
      ko: '지금 하실 일은 없습니다. 자원이 할당되면 환경 구축 기한과 사전교육 안내를 메일로 보내드립니다.',
      en: 'Nothing to do now: the allocation e-mail brings the setup deadline and the pre-training.',
    },
    rules: ['V5', 'V6'],
  }),
  RESULT_WAITLISTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 대기',
    subjectEn: 'Result: waitlisted',
    ko: [
      `「${c.projectTitle}」 신청은 평가 기준(60점 이상)을 충족했으나 ${resource(c)} 자원이 소진되어 대기 순번에 올랐습니다.`,
      `평가 점수 ${c.data.total}점.`,
    ],
    en: [`You passed (${c.data.total} points) but ${resource(c)} capacity is exhausted: you are waitlisted in rank order.`],
    next: {
      ko: '지금 하실 일은 없습니다. 자원이 확보되면 순위에 따라 할당 안내를 보내드립니다.',
      en: 'Nothing to do now; when capacity frees up you are offered it in rank order.',
    },
    rules: ['V7'],
  }),
  RESULT_NOT_SELECTED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 결과 안내: 미선정',
    subjectEn: 'Result: not selected',
    ko: [
      `「${c.projectTitle}」 신청은 평가 점수 ${c.data.total}점으로 선정 기준(60점 이상)에 미달하여 선정되지 않았습니다.`,
      // V8: the committee's summary reason, never an evaluator's opinion or scores.
      ...(c.committeeSummary ? [`평가위원회 종합 의견: ${c.committeeSummary}`] : []),
    ],
    en: [
      `Not selected: ${c.data.total} points, below the pass mark of 60.`,
      ...(c.committeeSummary ? [`The committee's summary: ${c.committeeSummary}`] : []),
    ],
    next: {
      ko: '이 신청으로 하실 일은 더 없습니다. 이후 공고에 다시 신청하실 수 있습니다.',
      en: 'Nothing more to do for this application; you may apply to a later call.',
    },
    rules: ['V5'],
  }),

  // ---- operators: a batch's deadlines (V2, N). Batch-level: no application, keyed by batch. ----
  BATCH_REVIEW_AT_RISK: (c) => ({
    subjectKo: `[AI데이터센터 운영] 평가 기한 임박: ${c.data.batchId} (평가 마감 ${c.data.dueOn})`,
    subjectEn: `Evaluation deadline at risk: batch ${c.data.batchId}`,
    ko: [
      `평가 차수 ${c.data.batchId} (공고 ${c.callId}, 마감 ${c.data.cutoff})의 평가 기한은 ${c.data.dueOn} 23:59 (KST)입니다 (V2: 마감 후 14일).`,
      missingSummary(c),
      ...missingLines(c),
    ],
    en: [`Batch ${c.data.batchId}: the committee's review is due ${c.data.dueOn} 23:59 KST (V2) and scores are missing (list above).`],
  }),
  BATCH_REVIEW_OVERDUE: (c) => ({
    subjectKo: `[AI데이터센터 운영] 평가 기한 경과: ${c.data.batchId} (${c.data.day})`,
    subjectEn: `Evaluation deadline missed: batch ${c.data.batchId}`,
    ko: [
      `평가 차수 ${c.data.batchId} (공고 ${c.callId})의 평가 기한(${c.data.dueOn})이 지났으나 평가가 끝나지 않았습니다 (V2 위반으로 기록됨).`,
      missingSummary(c),
      ...missingLines(c),
      '평가가 완료될 때까지 매일 안내합니다.',
    ],
    en: [`Batch ${c.data.batchId}: the review was due ${c.data.dueOn} (V2) and is not done; the breach is recorded. Repeated daily until done.`],
  }),
  BATCH_RESULTS_AT_RISK: (c) => ({
    subjectKo: `[AI데이터센터 운영] 결과 통보 기한 임박: ${c.data.batchId} (통보 기한 ${c.data.dueOn})`,
    subjectEn: `Results deadline at risk: batch ${c.data.batchId}`,
    ko: [
      `평가 차수 ${c.data.batchId} (공고 ${c.callId})의 결과 통보 기한은 ${c.data.dueOn} 23:59 (KST)이나 선정이 아직 이루어지지 않았습니다 (V2: 마감 후 21일).`,
      ...(Number(c.data.missingTotal ?? 0) > 0 ? [missingSummary(c), ...missingLines(c)] : ['모든 신청의 평가가 끝났습니다: 선정을 진행해 주십시오.']),
    ],
    en: [`Batch ${c.data.batchId}: results are due ${c.data.dueOn} 23:59 KST (V2) and the selection has not been made.`],
  }),
  BATCH_RESULTS_OVERDUE: (c) => ({
    subjectKo: `[AI데이터센터 운영] 결과 통보 기한 경과: ${c.data.batchId} (${c.data.day})`,
    subjectEn: `Results deadline missed: batch ${c.data.batchId}`,
    ko: [
      `평가 차수 ${c.data.batchId} (공고 ${c.callId})의 결과 통보 기한(${c.data.dueOn})이 지났으나 선정이 이루어지지 않았습니다 (V2 위반으로 기록됨).`,
      ...(Number(c.data.missingTotal ?? 0) > 0 ? [missingSummary(c), ...missingLines(c)] : []),
      '선정이 완료될 때까지 매일 안내합니다.',
    ],
    en: [`Batch ${c.data.batchId}: results were due ${c.data.dueOn} (V2) and the selection is not made; the breach is recorded. Repeated daily until done.`],
  }),
} satisfies Record<string, Template>;
