import { z } from 'zod';
import { isIsoDate, type IsoDate } from './dates';

/**
 * N2: every notice names the desk of its field, taken from the call (the call's 문의처).
 * The four fields are the ones the agency publishes; which notice belongs to which field
 * is the notices' choice (src/notices/fields.ts).
 */
export const CONTACT_FIELDS = ['operationsPolicy', 'technicalSupport', 'dataSharing', 'platformHelpdesk'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const CONTACT_FIELD_NAMES: Record<ContactField, { ko: string; en: string }> = {
  operationsPolicy: { ko: '운영정책', en: 'operations policy' },
  technicalSupport: { ko: '기술지원 (NHN Cloud)', en: 'technical support (NHN Cloud)' },
  dataSharing: { ko: '데이터 공유', en: 'data sharing' },
  platformHelpdesk: { ko: '플랫폼 헬프데스크', en: 'platform help desk' },
};

export interface Contact {
  name: string;
  phone: string;
  email?: string;
}
export type CallContacts = Record<ContactField, Contact>;

/**
 * N2: the desks the agency published with its 2024-1 call (seed 9. 문의처). A call created
 * without `contacts` gets these (the same agency runs every call); fields given replace them.
 * The help desk's address is kept as published ("aiclsuter" sic): it is never a Reply-To.
 */
export const DEFAULT_CALL_CONTACTS: CallContacts = {
  operationsPolicy: { name: '오세희 선임', phone: '062-610-3973', email: 'aica_dc@aicluster.or.kr' },
  technicalSupport: { name: 'NHN클라우드 콜센터', phone: '1644-9426', email: 'tech_support@aica.dooray.com' },
  dataSharing: { name: '김홍근 책임', phone: '062-610-3923', email: 'aica_di@aicluster.or.kr' },
  platformHelpdesk: { name: '플랫폼 헬프데스크', phone: '062-610-3919', email: 'atops_help@aiclsuter.or.kr' },
};

/** The call's contacts with the defaults under them (a call stored before N2 has none). */
export const callContacts = (stored?: Partial<CallContacts> | null): CallContacts => ({ ...DEFAULT_CALL_CONTACTS, ...(stored ?? {}) });

/** O3: the call's pre-training: where the material is and when the online sessions are (KST). */
export interface TrainingSession {
  on: IsoDate;
  /** 'HH:MM' KST */
  at: string;
}
export interface CallTraining {
  materialUrl: string;
  onlineSessions: TrainingSession[];
}

/** O3: the first online session on or after the day (an allocation's), if the call has one. */
export function nextTrainingSession(t: CallTraining | null | undefined, from: IsoDate): TrainingSession | undefined {
  return [...(t?.onlineSessions ?? [])].filter((s) => s.on >= from).sort((a, b) => (a.on + a.at < b.on + b.at ? -1 : 1))[0];
}

const text = (max: number) => z.string().trim().min(1).max(max);
const phoneLike = z.string().regex(/^[0-9][0-9-]{3,19}$/, 'a phone number, e.g. 062-610-3973 or 1644-9426');
export const contactSchema = z.strictObject({ name: text(100), phone: phoneLike, email: z.email('an e-mail address').optional() });
export const callContactsSchema = z
  .strictObject({
    operationsPolicy: contactSchema.optional(),
    technicalSupport: contactSchema.optional(),
    dataSharing: contactSchema.optional(),
    platformHelpdesk: contactSchema.optional(),
  })
  .describe('N2: the desks named in notices (운영정책, 기술지원, 데이터 공유, 플랫폼 헬프데스크); omitted ones default to the agency\'s published desks');
export const callTrainingSchema = z
  .strictObject({
    materialUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000).describe('O3: the pre-training material'),
    onlineSessions: z
      .array(
        z.strictObject({
          on: z.string().refine(isIsoDate, "T1: expected a calendar date 'YYYY-MM-DD'"),
          at: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "'HH:MM' (KST)"),
        }),
      )
      .max(100)
      .default([])
      .describe('O3: the online pre-training sessions (KST)'),
  })
  .describe('O3: training material of the call, sent with each allocation');
