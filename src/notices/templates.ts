import { list, ruleText, type Body, type NoticeContext, type Template } from './base';
import { CLOSEOUT_TEMPLATES } from './closeout';
import { EVALUATION_TEMPLATES } from './evaluation';
import { OPERATION_TEMPLATES } from './operation';

export type { NoticeContext } from './base';

/**
 * N: the e-mails applicants and operators receive. Korean first (the applicants' language),
 * then English; plain text and HTML are rendered from the same lines so they never drift.
 */
const INTAKE_TEMPLATES = {
  RECEIPT: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 신청 접수 완료 (${c.applicationId})`,
    subjectEn: 'Application received',
    ko: [
      `「${c.projectTitle}」 신청이 ${c.callTitle ?? c.callId} 공고에 접수되었습니다.`,
      `접수번호: ${c.applicationId}`,
      '제출 서류를 검토한 뒤 결과를 알려드립니다.',
    ],
    en: [`Your application "${c.projectTitle}" (${c.applicationId}) was received; document review follows.`],
  }),
  SUPPLEMENT_REQUEST: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 서류 보완 요청 (기한 ${c.data.dueOn})`,
    subjectEn: 'Documents to supplement',
    ko: [
      `「${c.projectTitle}」 신청에 다음 서류의 보완이 필요합니다: ${list(c.data.missingDocuments)}.`,
      `보완 기한: ${c.data.dueOn} 23:59 (KST). 기한까지 보완되지 않으면 선정 대상에서 제외됩니다 (A5).`,
      ...(c.data.note ? [`담당자 메모: ${String(c.data.note)}`] : []),
    ],
    en: [
      `Please upload: ${list(c.data.missingDocuments)} by ${c.data.dueOn} 23:59 KST, then resubmit.`,
      'Without them the application is excluded from selection (A5, I5).',
    ],
  }),
  SUPPLEMENT_REMINDER: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 서류 보완 기한 임박 (${c.data.dueOn})`,
    subjectEn: 'Reminder: supplement due soon',
    ko: [`보완 서류(${list(c.data.missingDocuments)})의 제출 기한은 ${c.data.dueOn} 23:59 (KST)입니다.`],
    en: [`Reminder: the documents (${list(c.data.missingDocuments)}) are due ${c.data.dueOn} 23:59 KST.`],
  }),
  INELIGIBLE: (c: NoticeContext): Body => ({
    subjectKo: '[AI데이터센터] 신청 제외 안내',
    subjectEn: 'Application not eligible',
    ko: [`「${c.projectTitle}」 신청은 다음 사유로 제외되었습니다.`, `사유: ${String(c.data.reason)}`, `근거: ${ruleText(c.data.rule)}`],
    en: [`The application was excluded: ${String(c.data.reason)} (rule ${ruleText(c.data.rule)}).`],
  }),
  BATCH_ASSIGNED: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 평가 차수 배정 (결과 안내 ${c.data.resultsBy}까지)`,
    subjectEn: 'Evaluation batch assigned',
    ko: [
      `「${c.projectTitle}」 신청이 평가 차수 ${c.data.batchId} (마감 ${c.data.cutoff})에 배정되었습니다.`,
      `평가 결과는 ${c.data.resultsBy}까지 안내됩니다 (V2).`,
    ],
    en: [`Your application joins batch ${c.data.batchId} (cutoff ${c.data.cutoff}); results by ${c.data.resultsBy} (V2).`],
  }),
  WITHDRAWN: (c: NoticeContext): Body => ({
    subjectKo: '[AI데이터센터] 신청 철회 확인',
    subjectEn: 'Application withdrawn',
    ko: [`「${c.projectTitle}」 신청이 철회되었습니다.`],
    en: ['Your application was withdrawn at your request.'],
  }),
  EARLY_CLOSE: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터] 공고 조기 마감 안내 (${c.data.closesOn})`,
    subjectEn: 'The call closes early',
    ko: [
      `${c.callTitle ?? c.callId} 공고가 ${c.data.closesOn}에 조기 마감됩니다 (C3).`,
      `작성 중인 신청은 ${c.data.closesOn} 23:59 (KST)까지 제출해 주십시오. 이후에는 접수되지 않습니다.`,
    ],
    en: [`The call ${c.callId} closes early on ${c.data.closesOn} (C3); submit any draft before 23:59 KST that day.`],
  }),
  /**
   * N (operators): a notice that can never be sent (SMTP refused it for good, PostgreSQL
   * cannot store it, its template cannot render). Names the notice and why, never the
   * recipient or the notice's content (S3); the application's timeline has the same entry.
   */
  NOTICE_FAILED: (c: NoticeContext): Body => ({
    subjectKo: `[AI데이터센터 운영] 안내 메일 발송 실패 (${String(c.data.kind)}${c.applicationId ? `, ${c.applicationId}` : ''})`,
    subjectEn: `Notice could not be sent (${String(c.data.kind)})`,
    ko: [
      `안내 메일 ${String(c.data.kind)} (키 ${String(c.data.noticeKey)})을(를) 보낼 수 없습니다: ${String(c.data.failure)} — ${String(c.data.reason)}.`,
      '재시도하지 않습니다. 신청인에게 다른 방법으로 연락하고, 필요하면 연락처를 바로잡아 주십시오 (N).',
    ],
    en: [
      `The notice ${String(c.data.kind)} (key ${String(c.data.noticeKey)}) cannot be sent: ${String(c.data.failure)} — ${String(c.data.reason)}.`,
      'It is not retried; please reach the applicant another way and correct the contact if needed (N).',
    ],
  }),
} satisfies Record<string, Template>;

/** Every notice the service sends (N), by kind; each phase keeps its own in its own file. */
export const NOTICE_TEMPLATES = {
  ...INTAKE_TEMPLATES,
  ...EVALUATION_TEMPLATES,
  ...OPERATION_TEMPLATES,
  ...CLOSEOUT_TEMPLATES,
};

export type NoticeKind = keyof typeof NOTICE_TEMPLATES;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function renderNotice(kind: NoticeKind, c: NoticeContext) {
  const b = NOTICE_TEMPLATES[kind](c);
  const greeting = c.recipientName ? `${c.recipientName}님, 안녕하십니까.` : '안녕하십니까.';
  const footer = 'AI데이터센터 서비스 운영팀 · AI Data Center service operations';
  const text = [greeting, '', ...b.ko, '', '—', ...b.en, '', footer].join('\n');
  const para = (lines: string[]) => lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
  const html =
    `<!doctype html><html lang="ko"><body>` +
    `<p>${escapeHtml(greeting)}</p>${para(b.ko)}<hr><div lang="en">${para(b.en)}</div>` +
    `<p style="color:#666">${escapeHtml(footer)}</p></body></html>`;
  return { subject: `${b.subjectKo} / ${b.subjectEn}`, text, html };
}
