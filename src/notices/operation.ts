import type { Template } from './base';

/** N: the operation phase's notices (Korean first, then English). */
export const OPERATION_TEMPLATES = {
  ALLOCATED: (c) => {
    const r = c.data.resource as { type: string; units: number };
    return {
      subjectKo: '[AI데이터센터] 자원 할당 안내',
      subjectEn: 'Resources allocated',
      ko: [
        `「${c.projectTitle}」에 ${r.type} × ${r.units} 자원과 스토리지 ${c.data.storageTb}TB (백업 ${c.data.backupTb}TB)가 ${c.data.allocatedOn}부터 할당되었습니다.`,
        '지원기간이 시작되었습니다. 사전교육(온라인) 자료를 확인해 주십시오 (O3).',
      ],
      en: [`${r.type} × ${r.units} and ${c.data.storageTb} TB storage (+${c.data.backupTb} TB backup) are allocated from ${c.data.allocatedOn}; support starts now (O1, O3).`],
    };
  },
} satisfies Record<string, Template>;
