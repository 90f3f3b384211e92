import type { Template } from './base';

const res = (r: unknown) => {
  const x = r as { type?: string; units?: number } | undefined;
  return x ? `${x.type} × ${x.units}` : '-';
};

/** N: what happens to a selected application that is not allocated (V9). Korean first. */
export const SELECTION_TEMPLATES = {
  /** V9 (operators): 7 days before a selected application is released unless allocated. */
  SELECTION_RELEASE_SOON: (c) => ({
    subjectKo: `[AI데이터센터 운영] 미할당 선정 해제 예정 ${c.applicationId} (${String(c.data.releaseOn)})`,
    subjectEn: `Selected, not allocated: released on ${String(c.data.releaseOn)} (${c.applicationId})`,
    ko: [
      `신청 ${c.applicationId}: ${String(c.data.resultOn)}에 선정(${res(c.data.resource)})되었으나 아직 자원이 할당되지 않았습니다.`,
      `${String(c.data.releaseOn)} 23:59 (KST)까지 할당하지 않으면 선정이 해제되고 자원은 대기 신청에 제공됩니다 (V9, V7).`,
      `할당: POST /applications/${c.applicationId}/allocation`,
    ],
    en: [`Application ${c.applicationId} was selected on ${String(c.data.resultOn)} and is not allocated: it is released at the end of ${String(c.data.releaseOn)} KST and its capacity goes to the waitlist (V9, V7).`],
  }),
  /** V9 (applicant): the selection was released; the capacity went back. */
  SELECTION_RELEASED: (c) => ({
    subjectKo: '[AI데이터센터] 선정 해제 안내 (자원 미할당)',
    subjectEn: 'Selection released (not allocated)',
    ko: [
      `「${c.projectTitle}」 신청은 선정(${res(c.data.resource)}) 후 기한 내에 자원이 할당되지 않아 선정이 해제되었습니다.`,
      ...(c.data.early ? [`사유: ${String(c.data.reason)}`] : [`할당 기한: ${String(c.data.releaseOn)}`]),
    ],
    en: [`The selection of "${c.projectTitle}" was released: it was not allocated in time${c.data.early ? ` (${String(c.data.reason)})` : ` (by ${String(c.data.releaseOn)})`}.`],
    next: {
      ko: '이 신청으로 하실 일은 더 없습니다. 문의는 아래 담당자에게 해 주십시오.',
      en: 'Nothing more to do for this application; ask the contact below about it.',
    },
    rules: ['V9'],
  }),
} satisfies Record<string, Template>;
