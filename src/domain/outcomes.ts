/**
 * Close-out content: outcome categories (R4) and data registration (R3).
 */
import { z } from 'zod';

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
