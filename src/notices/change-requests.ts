import type { Template } from './base';

type Change = { kind?: string; extraStorageTb?: number; units?: number; endOn?: string } | undefined;

/** O6: what was asked, in each language. */
function changeText(v: unknown): { ko: string; en: string } {
  const c = v as Change;
  if (c?.kind === 'STORAGE') return { ko: `추가 스토리지 ${c.extraStorageTb}TB`, en: `extra storage of ${c.extraStorageTb} TB` };
  if (c?.kind === 'BOW_SIZE') return { ko: `BOW 카드 ${c.units}장으로 변경`, en: `${c.units} BOW cards` };
  if (c?.kind === 'EARLY_END') return { ko: `지원기간 조기 종료 (${c.endOn})`, en: `an earlier end on ${c.endOn}` };
  return { ko: String(c?.kind ?? '-'), en: String(c?.kind ?? '-') };
}

/** N/O6: change requests during operation (Korean first, then English). */
export const CHANGE_REQUEST_TEMPLATES = {
  /** O6 (operators): an applicant asked for a change; decide it within capacity (K5). */
  CHANGE_REQUESTED: (c) => {
    const t = changeText(c.data.change);
    return {
      subjectKo: `[AI데이터센터 운영] 변경 신청 ${c.applicationId ?? ''}: ${t.ko}`,
      subjectEn: `Change request ${c.applicationId ?? ''}: ${t.en}`,
      ko: [
        `신청 ${c.applicationId ?? ''}이 운영 중 변경을 신청했습니다: ${t.ko}.`,
        `사유: ${String(c.data.reason ?? '')}`,
        `자원 현황(K5) 안에서 승인하거나 사유와 함께 반려해 주십시오 (POST /applications/${c.applicationId ?? ':id'}/change-requests/${String(c.data.requestId)}/decision).`,
      ],
      en: [`Application ${c.applicationId ?? ''} asks for ${t.en} (reason given). Approve within capacity (K5) or refuse with a reason.`],
      rules: ['O6', 'K5'],
    };
  },

  /** O6: the operators' decision, with its reason; an earlier end names the new support end. */
  CHANGE_DECIDED: (c) => {
    const t = changeText(c.data.change);
    const approved = c.data.status === 'APPROVED';
    const early = (c.data.change as Change)?.kind === 'EARLY_END';
    return {
      subjectKo: `[AI데이터센터] 변경 신청 ${approved ? '승인' : '반려'}: ${t.ko}`,
      subjectEn: `Change request ${approved ? 'approved' : 'refused'}: ${t.en}`,
      ko: [
        `「${c.projectTitle}」의 변경 신청(${t.ko})이 ${approved ? '승인' : '반려'}되었습니다.`,
        `사유: ${String(c.data.reason ?? '')}`,
        ...(approved && early ? [`지원기간이 ${String(c.data.supportEnd)}에 종료됩니다. 결과보고서와 데이터 공유 기한은 종료일 기준으로 다시 정해졌습니다.`] : []),
      ],
      en: [
        `Your change request (${t.en}) was ${approved ? 'approved' : 'refused'}.`,
        ...(approved && early ? [`Support ends on ${String(c.data.supportEnd)}; the report and data-sharing due dates follow from that end.`] : []),
      ],
      next: approved && early
        ? { ko: '종료일까지 이용하시고, 종료 후 결과보고서와 데이터 공유를 기한 내에 제출해 주십시오.', en: 'Use the resources until the end; then hand in the report and data sharing.', dueOn: String(c.data.supportEnd), dueKo: '지원 종료일', dueEn: 'Support ends' }
        : { ko: approved ? '변경된 자원으로 계속 이용하시면 됩니다.' : '필요하면 사유를 보완하여 다시 신청할 수 있습니다.', en: approved ? 'Carry on with the changed resources.' : 'You may ask again with a fuller reason.' },
      rules: ['O6', ...(approved && early ? ['R1', 'R2'] : [])],
    };
  },
} satisfies Record<string, Template>;
