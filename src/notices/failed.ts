import type { NoticeContext, Template } from './base';

/**
 * N (operators): a notice that can never be sent (SMTP refused it for good, PostgreSQL
 * cannot store it, its template cannot render). Names the notice and why, never the
 * recipient or the notice's content (S3); the application's timeline has the same entry.
 */
export const FAILED_TEMPLATES = {
  NOTICE_FAILED: (c: NoticeContext) => ({
    subjectKo: `[AI데이터센터 운영] 안내 메일 발송 실패 (${String(c.data.kind)}${c.applicationId ? `, ${c.applicationId}` : ''})`,
    subjectEn: `Notice could not be sent (${String(c.data.kind)})`,
    ko: [`안내 메일 ${String(c.data.kind)} (키 ${String(c.data.noticeKey)})의 발송이 불가능합니다: ${String(c.data.failure)} — ${String(c.data.reason)}.`],
    en: [`The notice ${String(c.data.kind)} (key ${String(c.data.noticeKey)}) cannot be sent: ${String(c.data.failure)} — ${String(c.data.reason)}.`],
    next: {
      ko: '재시도하지 않습니다. 신청인에게 다른 방법으로 연락하고, 필요하면 연락처를 바로잡아 주십시오.',
      en: 'It is not retried; please reach the applicant another way and correct the contact if needed.',
    },
    rules: ['N'],
  }),
} satisfies Record<string, Template>;
