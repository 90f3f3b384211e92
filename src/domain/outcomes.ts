/**
 * Close-out content: outcome categories (R4) and data registration (R3).
 */
import { z } from 'zod';
import { extensionOf, FILE_EXTENSIONS, fileMatchesExtension, detectContentKind } from './documents';
import { violation, Violation } from './rules';

/** R4: outcome categories, used by an application's target outcomes (A1) and its result report. */
export const OUTCOME_CATEGORIES = [
  'TRAINED_MODEL',
  'PAPER',
  'TECHNOLOGY_TRANSFER',
  'SOFTWARE',
  'PATENT',
  'REVENUE_INCREASE',
  'NEW_HIRES',
  'COMMERCIAL_SERVICE',
  'AWARD',
  'DATA_PROVISION',
  'OTHER',
] as const;
export type OutcomeCategory = (typeof OUTCOME_CATEGORIES)[number];
export const outcomeCategorySchema = z.enum(OUTCOME_CATEGORIES);

export const OUTCOME_CATEGORY_NAMES: Record<OutcomeCategory, { ko: string; en: string }> = {
  TRAINED_MODEL: { ko: '학습모델개발', en: 'Trained model' },
  PAPER: { ko: '논문', en: 'Paper' },
  TECHNOLOGY_TRANSFER: { ko: '기술이전', en: 'Technology transfer' },
  SOFTWARE: { ko: 'SW개발', en: 'Software' },
  PATENT: { ko: '특허', en: 'Patent' },
  REVENUE_INCREASE: { ko: '매출증대', en: 'Revenue increase' },
  NEW_HIRES: { ko: '신규채용', en: 'New hires' },
  COMMERCIAL_SERVICE: { ko: '상용화서비스', en: 'Commercial service' },
  AWARD: { ko: '수상내역', en: 'Award' },
  DATA_PROVISION: { ko: '데이터제공내역', en: 'Data provision' },
  OTHER: { ko: '기타', en: 'Other' },
};

/**
 * R3: how the data is registered on the agency's data portal: (1) the data named in the
 * plan; (2a) de-identified, for the safe zone only, or (2b) similar data the organisation
 * owns (data already public on the web is not accepted) where policy forbids publishing;
 * (3) a data-use story where neither is possible by law and no own data exists.
 */
export const DATA_REGISTRATION_TYPES = ['PLANNED_DATA', 'DEIDENTIFIED_SAFE_ZONE', 'SIMILAR_OWN_DATA', 'DATA_USE_STORY'] as const;
export type DataRegistrationType = (typeof DATA_REGISTRATION_TYPES)[number];
export const dataRegistrationTypeSchema = z.enum(DATA_REGISTRATION_TYPES);

export const DATA_REGISTRATION_TYPE_NAMES: Record<DataRegistrationType, { ko: string; en: string }> = {
  PLANNED_DATA: { ko: '① 이용계획에 명시한 데이터 등록', en: '(1) The data named in the plan' },
  DEIDENTIFIED_SAFE_ZONE: { ko: '②-ⓐ 비식별화 조치 후 안심구역 이용전용 등록', en: '(2a) De-identified, for the safe zone only' },
  SIMILAR_OWN_DATA: { ko: '②-ⓑ 기관(업) 자체 보유 유사 데이터 등록', en: '(2b) Similar data the organisation owns (not data already public on the web)' },
  DATA_USE_STORY: { ko: '③ 데이터활용 스토리 등록', en: '(3) A data-use story' },
};

/** R3: sharing terms of registered data. */
export const SHARING_TERMS = ['FREE', 'PAID', 'PROVIDER_APPROVAL', 'PUBLIC_RESEARCH_ONLY', 'PRICE_NEGOTIATION'] as const;
export type SharingTerm = (typeof SHARING_TERMS)[number];
export const sharingTermSchema = z.enum(SHARING_TERMS);

export const SHARING_TERM_NAMES: Record<SharingTerm, { ko: string; en: string }> = {
  FREE: { ko: '무료', en: 'Free' },
  PAID: { ko: '유료', en: 'Paid' },
  PROVIDER_APPROVAL: { ko: '제공기관 승인 후 제공', en: 'On provider approval' },
  PUBLIC_RESEARCH_ONLY: { ko: '공공·연구목적으로 제공', en: 'Public or research use only' },
  PRICE_NEGOTIATION: { ko: '가격협의', en: 'Price by negotiation' },
};

/** R3: a data-sharing declaration as the applicant hands it in (types with their conditions). */
export interface DataSharingDeclaration {
  registrationType: DataRegistrationType;
  /** Sharing terms; a data-use story (3) shares no data, so it may have none. */
  sharingTerms?: readonly SharingTerm[];
  /** (2a), (2b): why policy forbids publishing the data named in the plan. */
  policyReason?: string | null;
  /** (2a): the data was de-identified. */
  deidentified?: boolean | null;
  /** (2b): the similar data is already public on the web (not accepted). */
  publiclyAvailableOnWeb?: boolean | null;
  /** (3): the law that makes (1) and (2) impossible. */
  legalReason?: string | null;
  /** (3): the organisation owns similar data (then (2b) applies, not (3)). */
  ownsSimilarData?: boolean | null;
}

const blank = (s: string | null | undefined) => typeof s !== 'string' || s.trim() === '';

/**
 * R3: every condition of the chosen registration type that the declaration breaks:
 * (2a)/(2b) only where policy forbids publishing the planned data; (2a) de-identified;
 * (2b) not data already public on the web; (3) only where the law forbids both and no
 * own data exists. Terms: FREE cannot be combined with PAID or PRICE_NEGOTIATION.
 */
export function dataSharingViolations(d: DataSharingDeclaration): Violation[] {
  const out: Violation[] = [];
  const terms = d.sharingTerms ?? [];
  const t = d.registrationType;
  if (t === 'DEIDENTIFIED_SAFE_ZONE' || t === 'SIMILAR_OWN_DATA') {
    if (blank(d.policyReason)) {
      out.push(violation('R3', 'type (2) is only for data whose publication policy forbids: give the reason', 'policyReason'));
    }
  }
  if (t === 'DEIDENTIFIED_SAFE_ZONE' && d.deidentified !== true) {
    out.push(violation('R3', 'type (2a) registers de-identified data only (비식별화 조치 후 안심구역 이용전용)', 'deidentified'));
  }
  if (t === 'SIMILAR_OWN_DATA') {
    if (d.publiclyAvailableOnWeb === true) {
      out.push(violation('R3', 'type (2b): data already public on the web is not accepted (웹상 공개된 데이터 불인정)', 'publiclyAvailableOnWeb'));
    } else if (d.publiclyAvailableOnWeb !== false) {
      out.push(violation('R3', 'type (2b): state whether the similar data is already public on the web', 'publiclyAvailableOnWeb'));
    }
  }
  if (t === 'DATA_USE_STORY') {
    if (blank(d.legalReason)) {
      out.push(violation('R3', 'type (3) is only where the law makes (1) and (2) impossible: give the legal reason', 'legalReason'));
    }
    if (d.ownsSimilarData === true) {
      out.push(violation('R3', 'type (3) is only where no own data exists: register similar own data as (2b)', 'ownsSimilarData'));
    } else if (d.ownsSimilarData !== false) {
      out.push(violation('R3', 'type (3): state that the organisation owns no similar data', 'ownsSimilarData'));
    }
  } else if (terms.length === 0) {
    out.push(violation('R3', `registered data needs its sharing terms (one or more of ${SHARING_TERMS.join(', ')})`, 'sharingTerms'));
  }
  if (terms.includes('FREE') && (terms.includes('PAID') || terms.includes('PRICE_NEGOTIATION'))) {
    out.push(violation('R3', 'FREE cannot be combined with PAID or PRICE_NEGOTIATION', 'sharingTerms'));
  }
  return out;
}

/** R1 + A4: evidence of the result report is accepted in the document types of A4. */
export const EVIDENCE_EXTENSIONS = FILE_EXTENSIONS;

/**
 * R1 with A4's checks: an evidence file's type is one of A4's, its content is what the
 * extension says, it is not empty and not larger than `maxBytes`.
 */
export function evidenceFileViolations(fileName: string, bytes: Uint8Array, maxBytes: number): Violation[] {
  const ext = extensionOf(fileName);
  if (!(EVIDENCE_EXTENSIONS as readonly string[]).includes(ext)) {
    return [violation('A4', `evidence files are accepted as ${EVIDENCE_EXTENSIONS.join(', ')}, not ${ext ? `'.${ext}'` : 'a file without extension'}`, 'name')];
  }
  if (bytes.length === 0) return [violation('A4', 'the file is empty', 'file')];
  if (bytes.length > maxBytes) return [violation('A4', `the file is larger than ${maxBytes} bytes`, 'file')];
  if (!fileMatchesExtension(ext, bytes)) {
    return [violation('A4', `the content is not a .${ext} file (detected ${detectContentKind(bytes)})`, 'file')];
  }
  return [];
}

/** R4: a result report lists each outcome category at most once, with its count. */
export function resultReportViolations(outcomes: ReadonlyArray<{ category: OutcomeCategory; count: number }>): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  outcomes.forEach((o, i) => {
    if (seen.has(o.category)) out.push(violation('R4', `${o.category} is listed twice`, `outcomes.${i}.category`));
    seen.add(o.category);
    if (!Number.isInteger(o.count) || o.count < 0) out.push(violation('R4', 'a count is a whole number, 0 or more', `outcomes.${i}.count`));
  });
  return out;
}
