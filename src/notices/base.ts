import { DOCUMENT_TYPES, RULES, type RuleId } from '../domain';

/**
 * N: the e-mails applicants and operators receive. Korean first (the applicants' language),
 * then English; plain text and HTML are rendered from the same lines so they never drift.
 */
export interface NoticeContext {
  applicationId?: string;
  callId?: string;
  callTitle?: string;
  projectTitle?: string;
  organisationName?: string;
  recipientName?: string;
  data: Record<string, unknown>;
}

export interface Body {
  subjectKo: string;
  subjectEn: string;
  ko: string[];
  en: string[];
}

export const docName = (type: unknown) => {
  const t = DOCUMENT_TYPES[String(type) as keyof typeof DOCUMENT_TYPES] as { nameKo?: string } | undefined;
  return t?.nameKo ? `${t.nameKo} (${String(type)})` : String(type);
};
export const list = (v: unknown) => (Array.isArray(v) ? v.map(docName).join(', ') : '');
export const ruleText = (r: unknown) => `${String(r)} — ${RULES[String(r) as RuleId] ?? ''}`;

export type Template = (c: NoticeContext) => Body;
