import { CONTACT_FIELD_NAMES, callContacts, formatDeadlineEn, formatDeadlineKo } from '../domain';
import type { Body, NoticeContext } from './base';
import { CHANGE_REQUEST_TEMPLATES } from './change-requests';
import { CLOSEOUT_TEMPLATES } from './closeout';
import { EVALUATION_TEMPLATES } from './evaluation';
import { EVALUATOR_TEMPLATES } from './evaluator';
import { FAILED_TEMPLATES } from './failed';
import { contactFieldOf, type Audience } from './fields';
import { INTAKE_TEMPLATES } from './intake';
import { OPERATION_TEMPLATES } from './operation';
import { SELECTION_TEMPLATES } from './selection';
import { SIGNIN_TEMPLATES } from './signin';

export type { NoticeContext } from './base';

/** Every notice the service sends (N), by kind; each phase keeps its own in its own file. */
export const NOTICE_TEMPLATES = {
  ...INTAKE_TEMPLATES,
  ...EVALUATION_TEMPLATES,
  ...OPERATION_TEMPLATES,
  ...SELECTION_TEMPLATES,
  ...CHANGE_REQUEST_TEMPLATES,
  ...CLOSEOUT_TEMPLATES,
  ...SIGNIN_TEMPLATES,
  ...EVALUATOR_TEMPLATES,
  ...FAILED_TEMPLATES,
};

export type NoticeKind = keyof typeof NOTICE_TEMPLATES;

/** N/N2/N3: the audience of every kind (the compiler asks for each new one). */
export const NOTICE_AUDIENCE: Record<NoticeKind, Audience> = {
  RECEIPT: 'APPLICANT',
  SUPPLEMENT_REQUEST: 'APPLICANT',
  SUPPLEMENT_REMINDER: 'APPLICANT',
  INELIGIBLE: 'APPLICANT',
  BATCH_ASSIGNED: 'APPLICANT',
  WITHDRAWN: 'APPLICANT',
  EARLY_CLOSE: 'APPLICANT',
  RESULT_SELECTED: 'APPLICANT',
  RESULT_WAITLISTED: 'APPLICANT',
  RESULT_NOT_SELECTED: 'APPLICANT',
  BATCH_REVIEW_AT_RISK: 'OPERATORS',
  BATCH_REVIEW_OVERDUE: 'OPERATORS',
  BATCH_RESULTS_AT_RISK: 'OPERATORS',
  BATCH_RESULTS_OVERDUE: 'OPERATORS',
  ALLOCATED: 'APPLICANT',
  SETUP_ENDING: 'APPLICANT',
  UTILISATION_WARNING: 'APPLICANT',
  EXCLUSION_CANDIDATE: 'OPERATORS',
  UTILISATION_MISSING: 'OPERATORS',
  QUARTERLY_REVIEW_DUE: 'OPERATORS',
  QUARTERLY_DECISION_OVERDUE: 'OPERATORS',
  QUARTERLY_DECISION: 'APPLICANT',
  RECLAIMED: 'APPLICANT',
  WAITLIST_OFFER: 'OPERATORS',
  SELECTION_RELEASE_SOON: 'OPERATORS',
  SELECTION_RELEASED: 'APPLICANT',
  CHANGE_REQUESTED: 'OPERATORS',
  CHANGE_DECIDED: 'APPLICANT',
  CLOSE_OUT_SUPPORT_ENDED: 'APPLICANT',
  CLOSE_OUT_REMINDER: 'APPLICANT',
  CLOSE_OUT_OVERDUE: 'APPLICANT',
  CLOSE_OUT_OVERDUE_OPERATORS: 'OPERATORS',
  CLOSE_OUT_RETURNED: 'APPLICANT',
  CLOSE_OUT_ACCEPTED: 'APPLICANT',
  CLOSE_OUT_COMPLETED: 'APPLICANT',
  CLOSE_OUT_RESTRICTED: 'APPLICANT',
  SURVEY: 'APPLICANT',
  EVALUATOR_BATCH_ASSIGNED: 'EVALUATOR',
  EVALUATOR_REVIEW_DUE_SOON: 'EVALUATOR',
  EVALUATOR_REVIEW_MISSED: 'EVALUATOR',
  SIGN_IN_LINK: 'LINK',
  PRACTITIONER_CONFIRMATION: 'LINK',
  NOTICE_FAILED: 'OPERATORS',
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
  /** N2: the contact of the notice's field (applicants' and evaluators' notices), when it has an address. */
  replyTo?: string;
}

/**
 * N2: an applicant's notice is what happened, then the next step with its deadline (KST
 * date and time), the link to the application and the desk of its field; Korean first, then
 * the same in English; rule ids only in the footer. Evaluators' notices (N3) have the same
 * parts with the link to their queue. Operators' notices are what happened and what to do.
 */
export function renderNotice(kind: NoticeKind, c: NoticeContext): RenderedNotice {
  const b: Body = NOTICE_TEMPLATES[kind](c);
  const audience = NOTICE_AUDIENCE[kind];
  const greeting = c.recipientName ? `${c.recipientName}님, 안녕하십니까.` : '안녕하십니까.';
  const ko = [...b.ko];
  const en = [...b.en];
  let replyTo: string | undefined;
  if (b.next) {
    ko.push('', `다음 할 일: ${b.next.ko}`);
    en.push('', `Next: ${b.next.en}`);
    if (b.next.dueOn) {
      ko.push(`${b.next.dueKo ?? '기한'}: ${formatDeadlineKo(b.next.dueOn)}`);
      en.push(`${b.next.dueEn ?? 'Deadline'}: ${formatDeadlineEn(b.next.dueOn)}`);
    }
  }
  const link = audience === 'APPLICANT' ? c.links?.application : audience === 'EVALUATOR' ? c.links?.queue : undefined;
  if (link) {
    ko.push(`${audience === 'EVALUATOR' ? '평가 화면' : '신청 확인'}: ${link}`);
    en.push(`${audience === 'EVALUATOR' ? 'Your queue' : 'Your application'}: ${link}`);
  }
  if (audience !== 'OPERATORS') {
    const field = contactFieldOf(kind, c.data);
    const contact = callContacts(c.contacts)[field];
    const names = CONTACT_FIELD_NAMES[field];
    const reach = [contact.phone, contact.email].filter(Boolean).join(', ');
    ko.push(`문의: ${names.ko} ${contact.name} (${reach})${contact.email ? ' — 이 메일에 회신하시면 담당자에게 전달됩니다.' : ''}`);
    en.push(`Contact: ${names.en}, ${contact.name} (${reach})${contact.email ? '; replying to this e-mail reaches them.' : ''}`);
    replyTo = contact.email;
  }
  const rules = b.rules?.filter((r) => r && r !== 'undefined') ?? [];
  const footer = [
    ...(rules.length ? [`관련 규정 / Rules: ${rules.join(', ')}`] : []),
    'AI데이터센터 서비스 운영팀 · AI Data Center service operations',
  ];
  const text = [greeting, '', ...ko, '', '—', ...en, '', ...footer].join('\n');
  const linkify = (l: string) => escapeHtml(l).replace(/https?:\/\/[^\s<>()"']+/g, (u) => `<a href="${u}">${u}</a>`);
  const para = (lines: string[]) => lines.filter((l) => l !== '').map((l) => `<p>${linkify(l)}</p>`).join('');
  const html =
    `<!doctype html><html lang="ko"><body>` +
    `<p>${escapeHtml(greeting)}</p>${para(ko)}<hr><div lang="en">${para(en)}</div>` +
    footer.map((f) => `<p style="color:#666">${escapeHtml(f)}</p>`).join('') +
    `</body></html>`;
  return { subject: `${b.subjectKo} / ${b.subjectEn}`, text, html, ...(replyTo ? { replyTo } : {}) };
}
