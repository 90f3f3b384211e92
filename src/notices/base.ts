import { josa } from 'es-hangul';
import { DOCUMENT_TYPES, type CallContacts, type CallTraining, type Contact, type ContactField, type IsoDate } from '../domain';

/**
 * N: the e-mails applicants, evaluators and operators receive. Korean first (the
 * applicants' language), then English; plain text and HTML are rendered from the same
 * lines so they never drift.
 */
export interface NoticeContext {
  applicationId?: string;
  callId?: string;
  callTitle?: string;
  projectTitle?: string;
  organisationName?: string;
  recipientName?: string;
  /** The application's status when the notice is rendered (C3: a draft is told otherwise). */
  status?: string;
  /** N2: when the application was submitted (epoch ms), for the receipt. */
  submittedAt?: number;
  /** N2: the call's desks (defaults under what the call gave) and O3 training material. */
  contacts?: CallContacts;
  training?: CallTraining | null;
  /** R6: the call's survey form, when it has one. */
  surveyUrl?: string | null;
  /** V8: the committee's summary reason (never an evaluator's own opinion or scores). */
  committeeSummary?: string | null;
  /** N2/N3: absolute links under PUBLIC_URL. */
  links?: { application?: string; queue?: string };
  data: Record<string, unknown>;
}

/** N2: what the recipient does next, and by when (T1: the end of that day, KST). */
export interface NextStep {
  ko: string;
  en: string;
  dueOn?: IsoDate;
  /** What the date is, when it is not the recipient's own deadline (e.g. 결과 안내 기한). */
  dueKo?: string;
  dueEn?: string;
}

export interface Body {
  subjectKo: string;
  subjectEn: string;
  ko: string[];
  en: string[];
  next?: NextStep;
  /** N2: rule ids, in the footer line only. */
  rules?: string[];
}

export type Template = (c: NoticeContext) => Body;

export const docName = (type: unknown) => {
  const t = DOCUMENT_TYPES[String(type) as keyof typeof DOCUMENT_TYPES] as { nameKo?: string } | undefined;
  return t?.nameKo ?? String(type);
};
export const docNameEn = (type: unknown) => {
  const t = DOCUMENT_TYPES[String(type) as keyof typeof DOCUMENT_TYPES] as { nameEn?: string } | undefined;
  return t?.nameEn ?? String(type);
};
export const list = (v: unknown) => (Array.isArray(v) ? v.map(docName).join(', ') : '');
/** English names carry the API's document type, the one to upload under (PUT .../documents/:type). */
export const listEn = (v: unknown) => (Array.isArray(v) ? v.map((t) => `${docNameEn(t)} (${String(t)})`).join(', ') : '');

/**
 * Natural Korean: the particle chosen by the word's last syllable (es-hangul), read as
 * it is spoken: closing quotes and a parenthesised aside do not count ('저조'로,
 * 결과보고서 (증빙자료 포함)가).
 */
export function withJosa(word: string, particle: Parameters<typeof josa>[1]): string {
  let spoken = word.trim();
  for (let prev = ''; prev !== spoken; ) {
    prev = spoken;
    spoken = spoken.replace(/\s*\([^()]*\)$/, '').replace(/['"’”」』]+$/, '').trim();
  }
  return `${word}${josa.pick(spoken || word, particle)}`;
}

export type { CallContacts, Contact, ContactField };
