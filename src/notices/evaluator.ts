import { formatDeadlineKo } from '../domain';
import type { NoticeContext, Template } from './base';

const pending = (c: NoticeContext) => Number(c.data.pending ?? 0);

/**
 * N3: evaluators are told when they are assigned a batch (with the link to their queue),
 * 3 days before its review deadline (V2: cutoff + 14) and when it is missed.
 */
export const EVALUATOR_TEMPLATES = {
  EVALUATOR_BATCH_ASSIGNED: (c) => ({
    subjectKo: `[AI데이터센터 평가] 평가 차수 배정: ${c.data.batchId} (평가 기한 ${String(c.data.reviewDue)})`,
    subjectEn: `Evaluation batch assigned: ${c.data.batchId}`,
    ko: [`${c.callTitle ?? c.callId} 공고의 평가 차수 ${c.data.batchId}(접수 마감 ${String(c.data.cutoff)})에 평가위원으로 배정되었습니다.`],
    en: [`You are an evaluator of batch ${c.data.batchId} of the call ${c.callId} (cutoff ${String(c.data.cutoff)}).`],
    next: {
      ko: '접수 마감 후 아래 평가 화면에서 배정된 신청을 평가해 주십시오.',
      en: 'After the cutoff, score the applications in your queue (link below).',
      dueOn: String(c.data.reviewDue),
      dueKo: '평가 기한',
      dueEn: 'Review due',
    },
    rules: ['N3', 'V2', 'V3'],
  }),
  EVALUATOR_REVIEW_DUE_SOON: (c) => ({
    subjectKo: `[AI데이터센터 평가] 평가 기한 3일 전: ${c.data.batchId} (${String(c.data.reviewDue)})`,
    subjectEn: `Review due in 3 days: batch ${c.data.batchId}`,
    ko: [`평가 차수 ${c.data.batchId}에서 평가를 기다리는 신청이 ${pending(c)}건 있습니다.`],
    en: [`Batch ${c.data.batchId}: ${pending(c)} application(s) still wait for your scores.`],
    next: { ko: '기한까지 평가를 마쳐 주십시오.', en: 'Please finish your scores by the deadline.', dueOn: String(c.data.reviewDue), dueKo: '평가 기한', dueEn: 'Review due' },
    rules: ['N3', 'V2'],
  }),
  EVALUATOR_REVIEW_MISSED: (c) => ({
    subjectKo: `[AI데이터센터 평가] 평가 기한 경과: ${c.data.batchId}`,
    subjectEn: `Review deadline missed: batch ${c.data.batchId}`,
    ko: [`평가 차수 ${c.data.batchId}의 평가 기한(${formatDeadlineKo(String(c.data.reviewDue))})이 지났으나 평가를 기다리는 신청이 ${pending(c)}건 남아 있습니다.`],
    en: [`Batch ${c.data.batchId}: the review was due ${String(c.data.reviewDue)} and ${pending(c)} application(s) still wait for your scores.`],
    next: { ko: '지금 바로 평가를 마쳐 주십시오. 선정과 결과 통보가 평가를 기다리고 있습니다.', en: 'Please finish your scores now: the selection and the results wait for them.' },
    rules: ['N3', 'V2'],
  }),
} satisfies Record<string, Template>;
