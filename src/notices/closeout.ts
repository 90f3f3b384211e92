import { formatDeadlineKo, formatDeadlineEn } from '../domain';
import { withJosa, type NoticeContext, type Template } from './base';

const ITEM_KO: Record<string, string> = { REPORT: '결과보고서 (증빙자료 포함)', DATA_SHARING: '데이터 공유 (데이터 포털 등록)' };
const ITEM_EN: Record<string, string> = { REPORT: 'result report with evidence (R1)', DATA_SHARING: 'data sharing on the data portal (R2)' };
const itemsKo = (v: unknown) => (Array.isArray(v) ? v.map((i) => ITEM_KO[String(i)] ?? String(i)).join(', ') : ITEM_KO[String(v)] ?? String(v));
const itemsEn = (v: unknown) => (Array.isArray(v) ? v.map((i) => ITEM_EN[String(i)] ?? String(i)).join(', ') : ITEM_EN[String(v)] ?? String(v));

const STATUS_KO: Record<string, string> = { DUE: '미제출', SUBMITTED: '검토 중', RETURNED: '보완 요청', ACCEPTED: '승인 완료' };
const END_REASON_KO: Record<string, string> = {
  SUPPORT_END: '지원기간 종료',
  RECLAIMED: '자원 회수',
  WITHDRAWN: '이용 철회',
  EARLY_END: '조기 종료 (변경 신청 승인)',
};

const endReason = (c: NoticeContext) => {
  const reason = String(c.data.reason);
  return { ko: END_REASON_KO[reason] ?? reason, en: reason.toLowerCase().replace('_', ' ') };
};

/** N: the closeout phase's notices (Korean first, then English). */
export const CLOSEOUT_TEMPLATES = {
  /** N: end of support with both due dates (R1, R2). */
  CLOSE_OUT_SUPPORT_ENDED: (c) => {
    // What is still to hand in (due or returned); a submitted item waits for its review.
    const open = (status: unknown) => status === 'DUE' || status === 'RETURNED';
    const todo = [
      ...(open(c.data.report) ? [{ item: 'REPORT', due: String(c.data.reportDue) }] : []),
      ...(open(c.data.dataSharing) ? [{ item: 'DATA_SHARING', due: String(c.data.dataSharingDue) }] : []),
    ].sort((a, b) => (a.due < b.due ? -1 : 1));
    return {
      subjectKo: `[AI데이터센터] 지원 종료 및 결과보고 안내 (기한 ${c.data.reportDue})`,
      subjectEn: 'End of support: result report and data sharing due',
      ko: [
        `「${c.projectTitle}」의 자원 지원이 ${c.data.endedOn}에 종료되었습니다 (${endReason(c).ko}${c.data.detail ? `: ${String(c.data.detail)}` : ''}).`,
        `결과보고서(증빙자료 포함): ${formatDeadlineKo(String(c.data.reportDue))}까지 — 현재 ${STATUS_KO[String(c.data.report)] ?? ''}`,
        `데이터 공유(데이터 포털 등록): ${formatDeadlineKo(String(c.data.dataSharingDue))}까지 — 현재 ${STATUS_KO[String(c.data.dataSharing)] ?? ''}`,
        '결과보고서를 제출하지 않으면 향후 서비스 이용이 제한될 수 있습니다.',
      ],
      en: [
        `Support ended on ${c.data.endedOn} (${endReason(c).en}).`,
        `Result report due ${formatDeadlineEn(String(c.data.reportDue))}; data sharing due ${formatDeadlineEn(String(c.data.dataSharingDue))}. A missing report restricts future use.`,
      ],
      next: todo.length
        ? {
            ko: `아래 링크에서 ${withJosa(todo.map((t) => ITEM_KO[t.item]).join(', '), '을/를')} 기한까지 제출해 주십시오.`,
            en: `Hand in the ${todo.map((t) => ITEM_EN[t.item]).join(' and ')} at the link below by the deadline.`,
            dueOn: todo[0]!.due,
          }
        : { ko: '지금 하실 일은 없습니다. 제출하신 항목은 검토 중이거나 승인되었습니다.', en: 'Nothing to do now: what you handed in is accepted or under review.' },
      rules: ['R1', 'R2', 'R5'],
    };
  },
  /** N: reminders 14 and 3 days before each due date. */
  CLOSE_OUT_REMINDER: (c) => ({
    subjectKo: `[AI데이터센터] 결과보고 기한 ${c.data.daysBefore}일 전 안내 (${c.data.dueOn})`,
    subjectEn: `Reminder: due in ${c.data.daysBefore} days`,
    ko: [
      `「${c.projectTitle}」의 ${itemsKo(c.data.items)} 기한이 ${c.data.daysBefore}일 남았습니다.`,
      '기한까지 결과보고서가 제출되지 않으면 보유 자원이 회수되고 이용이 제한됩니다.',
    ],
    en: [`Reminder: ${itemsEn(c.data.items)} due in ${c.data.daysBefore} days.`],
    next: { ko: '아래 링크에서 기한까지 제출해 주십시오.', en: 'Hand them in at the link below by the deadline.', dueOn: String(c.data.dueOn) },
    rules: ['R1', 'R2', 'R5'],
  }),
  /** N: overdue, the day after the due date and weekly after. */
  CLOSE_OUT_OVERDUE: (c) => ({
    subjectKo: `[AI데이터센터] 결과보고 기한 경과 안내 (기한 ${c.data.dueOn})`,
    subjectEn: 'Overdue: close-out not received',
    ko: [
      `「${c.projectTitle}」의 ${itemsKo(c.data.items)} 기한(${formatDeadlineKo(String(c.data.dueOn))})이 지났습니다.`,
      ...(c.data.restricted ? ['결과보고서 미제출로 기관의 서비스 이용이 제한되었습니다.'] : []),
    ],
    en: [`Overdue since ${formatDeadlineEn(String(c.data.dueOn))}: ${itemsEn(c.data.items)}.`],
    next: { ko: '아래 링크에서 지금 바로 제출해 주십시오. 제출하시면 제한 해제를 검토합니다.', en: 'Hand them in now at the link below; the restriction is reviewed once they are in.' },
    rules: ['R1', 'R2', ...(c.data.restricted ? ['R5', 'E5'] : [])],
  }),
  /** N: operators are told of every overdue close-out. */
  CLOSE_OUT_OVERDUE_OPERATORS: (c) => ({
    subjectKo: `[운영] 결과보고 기한 경과: ${c.applicationId} (${c.data.dueOn})`,
    subjectEn: `Overdue close-out: ${c.applicationId}`,
    ko: [
      `신청 ${c.applicationId} (공고 ${c.callId})의 ${itemsKo(c.data.items)} 기한 ${c.data.dueOn}이 지났습니다.`,
      c.data.restricted ? '결과보고서 미제출로 기관 이용 제한(R5)이 적용되었습니다.' : '이용 제한은 적용되지 않았습니다.',
      '전체 목록: GET /close-outs?overdue=true',
    ],
    en: [`Application ${c.applicationId} (call ${c.callId}): ${itemsEn(c.data.items)} overdue since ${c.data.dueOn}${c.data.restricted ? '; organisation restricted (R5)' : ''}.`],
  }),
  CLOSE_OUT_RETURNED: (c) => ({
    subjectKo: `[AI데이터센터] ${itemsKo(c.data.item)} 보완 요청`,
    subjectEn: 'Close-out returned for changes',
    ko: [`제출하신 ${withJosa(itemsKo(c.data.item), '이/가')} 다음 사유로 반려되었습니다: ${String(c.data.reason)}`],
    en: [`Your ${itemsEn(c.data.item)} was returned: ${String(c.data.reason)}.`],
    next: { ko: '보완하여 아래 링크에서 다시 제출해 주십시오.', en: 'Change it and hand it in again at the link below.', dueOn: String(c.data.dueOn) },
    rules: [String(c.data.item) === 'DATA_SHARING' ? 'R2' : 'R1'],
  }),
  CLOSE_OUT_ACCEPTED: (c) => {
    const done = c.data.otherStatus === 'ACCEPTED';
    return {
      subjectKo: `[AI데이터센터] ${itemsKo(c.data.item)} 승인`,
      subjectEn: 'Close-out item accepted',
      ko: [`제출하신 ${withJosa(itemsKo(c.data.item), '이/가')} 승인되었습니다.`],
      en: [`Your ${itemsEn(c.data.item)} was accepted.`],
      next: done
        ? { ko: '하실 일은 없습니다. 지원기간 종료 후 결과보고가 완료 처리됩니다.', en: 'Nothing to do; the close-out completes after the support end.' }
        : {
            ko: `남은 항목 ${withJosa(itemsKo(c.data.other), '을/를')} 기한까지 제출해 주십시오 (현재 ${STATUS_KO[String(c.data.otherStatus)] ?? ''}).`,
            en: `Hand in the remaining item, ${itemsEn(c.data.other)}, by its deadline.`,
            ...(c.data.otherDueOn ? { dueOn: String(c.data.otherDueOn) } : {}),
          },
      rules: [String(c.data.item) === 'DATA_SHARING' ? 'R2' : 'R1'],
    };
  },
  CLOSE_OUT_COMPLETED: (c) => ({
    subjectKo: '[AI데이터센터] 결과보고 완료 안내',
    subjectEn: 'Close-out completed',
    ko: [`「${c.projectTitle}」의 결과보고서와 데이터 공유가 모두 승인되어 이용이 완료되었습니다. 감사합니다.`],
    en: ['The result report and the data sharing are both accepted: your use of the service is complete. Thank you.'],
    next: { ko: '하실 일은 없습니다. 이후 공고에 다시 신청하실 수 있습니다.', en: 'Nothing to do; you may apply to later calls.' },
    rules: ['R1', 'R2'],
  }),
  /** N: restriction (R5, E5), with the reclaim of resources still held. */
  CLOSE_OUT_RESTRICTED: (c) => ({
    subjectKo: '[AI데이터센터] 결과보고서 미제출에 따른 이용 제한 안내',
    subjectEn: 'Use restricted: result report missing',
    ko: [
      `「${c.projectTitle}」의 결과보고서가 기한(${formatDeadlineKo(String(c.data.dueOn))})까지 제출되지 않았습니다.`,
      ...(c.data.reclaimed ? [`보유 중인 자원은 ${c.data.endedOn ?? c.data.dueOn}자로 회수되었습니다.`] : []),
      `${withJosa(c.organisationName ?? '기관', '은/는')} 운영자가 제한을 해제할 때까지 이후 공고에 신청할 수 없습니다.`,
    ],
    en: [
      `The result report was not received by ${c.data.dueOn}${c.data.reclaimed ? '; the resources still held are reclaimed' : ''}.`,
      'Your organisation cannot apply to later calls until an operator lifts the restriction.',
    ],
    next: { ko: '결과보고서는 지금도 아래 링크에서 제출하실 수 있습니다. 제출 후 제한 해제를 요청해 주십시오.', en: 'You can still hand in the report at the link below, then ask for the restriction to be lifted.' },
    rules: ['R5', 'E5'],
  }),
  /** N/R6: the yearly satisfaction survey, with the link to its form (the call's own form too, when it has one). */
  SURVEY: (c) => {
    const form = typeof c.data.formUrl === 'string' ? c.data.formUrl : c.surveyUrl;
    return {
      subjectKo: `[AI데이터센터] ${c.data.year}년 서비스 만족도 조사`,
      subjectEn: `${c.data.year} satisfaction survey`,
      ko: [
        `AI데이터센터 서비스(${c.callTitle ?? c.callId})를 이용해 주셔서 감사합니다.`,
        `${c.data.year}년 서비스 만족도 조사에 참여해 주십시오. 응답은 서비스 개선에만 사용됩니다.`,
        ...(form ? [`조사 참여: ${form}`] : []),
        ...(form && c.surveyUrl && c.surveyUrl !== form ? [`추가 설문: ${c.surveyUrl}`] : []),
      ],
      en: [`Please answer the ${c.data.year} satisfaction survey of the AI Data Center service.`, ...(form ? [`Survey: ${form}`] : [])],
      next: form
        ? { ko: '위 링크에서 조사에 응답해 주십시오.', en: 'Answer the survey at the link above.' }
        : { ko: '이 메일에 회신하여 의견을 보내 주십시오 (담당자에게 전달됩니다).', en: 'Reply to this e-mail with your views (it reaches the desk below).' },
      rules: ['R6'],
    };
  },
} satisfies Record<string, Template>;
