/**
 * Eligibility of the applying organisation (E1–E5) and its identification by business
 * registration number (E5), plus the priority status of V4.
 */
import { z } from 'zod';
import { compareDates, IsoDate } from './dates';
import { violation, Violation } from './rules';

/** E1/E2: the kinds of applicant organisation. */
export const ORGANISATION_TYPES = [
  'COMPANY',
  'PUBLIC_INSTITUTION',
  'RESEARCH_INSTITUTE',
  'UNIVERSITY',
  'ASSOCIATION',
  'INDIVIDUAL',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];
export const organisationTypeSchema = z.enum(ORGANISATION_TYPES);

export const ORGANISATION_TYPE_NAMES: Record<OrganisationType, { ko: string; en: string }> = {
  COMPANY: { ko: '기업', en: 'Company' },
  PUBLIC_INSTITUTION: { ko: '공공기관', en: 'Public institution' },
  RESEARCH_INSTITUTE: { ko: '연구소(원)', en: 'Research institute' },
  UNIVERSITY: { ko: '대학교(원)', en: 'University or graduate school' },
  ASSOCIATION: { ko: '협·단체', en: 'Association or organisation' },
  INDIVIDUAL: { ko: '소속 없는 개인', en: 'Individual with no affiliation' },
};

/** E1: the types that may apply (E2: individuals may not). */
export const ELIGIBLE_ORGANISATION_TYPES: readonly OrganisationType[] = ORGANISATION_TYPES.filter((t) => t !== 'INDIVIDUAL');

/** A1: size of a company (E3 refuses LARGE unless Digital Leaders Club). */
export const COMPANY_SIZES = ['LARGE', 'MIDDLE', 'SME', 'VENTURE', 'STARTUP'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];
export const companySizeSchema = z.enum(COMPANY_SIZES);

export const COMPANY_SIZE_NAMES: Record<CompanySize, { ko: string; en: string }> = {
  LARGE: { ko: '대기업', en: 'Large enterprise' },
  MIDDLE: { ko: '중견기업', en: 'Middle-market enterprise' },
  SME: { ko: '중소기업', en: 'Small or medium enterprise' },
  VENTURE: { ko: '벤처기업', en: 'Venture company' },
  STARTUP: { ko: '스타트업', en: 'Start-up' },
};

const BRN_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/**
 * E5: the 10 digits of a business registration number (사업자등록번호) written
 * '1234567890' or '123-45-67890' (surrounding spaces ignored), or null when it is
 * written any other way. The checksum is not checked here.
 */
export function normaliseBusinessRegistrationNumber(brn: string): string | null {
  if (typeof brn !== 'string') return null;
  const s = brn.trim();
  if (/^\d{10}$/.test(s)) return s;
  const m = /^(\d{3})-(\d{2})-(\d{5})$/.exec(s);
  return m ? `${m[1]}${m[2]}${m[3]}` : null;
}

/** '1234567890' → '123-45-67890'. */
export function formatBusinessRegistrationNumber(brn: string): string | null {
  const n = normaliseBusinessRegistrationNumber(brn);
  return n === null ? null : `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
}

/**
 * E5: a well-formed business registration number with a valid Korean checksum: weights
 * 1,3,7,1,3,7,1,3,5 on the first nine digits, plus floor(d9 × 5 / 10); the tenth digit
 * is (10 − sum mod 10) mod 10.
 */
export function isValidBusinessRegistrationNumber(brn: string): boolean {
  const n = normaliseBusinessRegistrationNumber(brn);
  if (n === null) return false;
  const d = Array.from(n, Number);
  let sum = 0;
  BRN_WEIGHTS.forEach((w, i) => { sum += (d[i] as number) * w; });
  sum += Math.floor(((d[8] as number) * 5) / 10);
  return (10 - (sum % 10)) % 10 === d[9];
}

export interface EligibilityFacts {
  organisationType: string;
  /** Required for companies (A1). */
  companySize?: string | null;
  /** E3: claims Digital Leaders Club certification (the certificate is checked with the documents, A4). */
  digitalLeadersClub?: boolean;
  businessRegistrationNumber?: string | null;
  /** E5: an active restriction by this service (R5, Q3); `until` null = until lifted. */
  restriction?: { until?: IsoDate | null; reason?: string } | null;
  /** The date of receipt, for E5 (needed when a restriction is given). */
  today?: IsoDate;
  /** E4: the operator excluded the organisation (participation restriction, sanction, false statement, controversy). */
  exclusionReason?: string | null;
}

/** E1–E5: every reason the organisation may not apply; empty when eligible. */
export function eligibilityViolations(facts: EligibilityFacts): Violation[] {
  const out: Violation[] = [];
  const type = facts.organisationType;
  if (type === 'INDIVIDUAL') {
    out.push(violation('E2', 'individuals with no affiliation may not apply (소속이 없는 일반 개인은 지원대상 제외)', 'organisationType'));
  } else if (!(ELIGIBLE_ORGANISATION_TYPES as readonly string[]).includes(type)) {
    out.push(violation('E1', `organisation type must be one of ${ELIGIBLE_ORGANISATION_TYPES.join(', ')}`, 'organisationType'));
  }
  if (type === 'COMPANY') {
    const size = facts.companySize;
    if (size === undefined || size === null || size === '') {
      out.push(violation('A1', 'a company must state its size', 'companySize'));
    } else if (!(COMPANY_SIZES as readonly string[]).includes(size)) {
      out.push(violation('A1', `company size must be one of ${COMPANY_SIZES.join(', ')}`, 'companySize'));
    } else if (size === 'LARGE' && facts.digitalLeadersClub !== true) {
      out.push(violation('E3', 'large enterprises may not apply unless certified as a Digital Leaders Club company (디지털 리더스 클럽)', 'companySize'));
    }
  }
  if (facts.businessRegistrationNumber !== undefined && facts.businessRegistrationNumber !== null
    && !isValidBusinessRegistrationNumber(facts.businessRegistrationNumber)) {
    out.push(violation('E5', 'the business registration number must be 10 digits (123-45-67890) with a valid checksum', 'businessRegistrationNumber'));
  }
  if (facts.exclusionReason) {
    out.push(violation('E4', `excluded by the operator: ${facts.exclusionReason}`));
  }
  if (facts.restriction && restrictionActive(facts.restriction, facts.today)) {
    const until = facts.restriction.until ? ` until ${facts.restriction.until}` : ' until lifted';
    out.push(violation('E5', `the organisation is restricted by this service${until}${facts.restriction.reason ? ` (${facts.restriction.reason})` : ''}`));
  }
  return out;
}

/** E5: a restriction lasts through its `until` day (T1: end of day); without `until`, until lifted. */
export function restrictionActive(restriction: { until?: IsoDate | null }, today: IsoDate | undefined): boolean {
  if (restriction.until === undefined || restriction.until === null) return true;
  if (today === undefined) return true;
  return compareDates(today, restriction.until) <= 0;
}

export interface PriorityFacts {
  /** Performer of the AI cluster project (R&D or not). */
  clusterProjectPerformer?: boolean;
  digitalLeadersClub?: boolean;
  /** The project the organisation performs. */
  priorityProjectName?: string | null;
}

/** V4: a priority applicant claims cluster-project performance or DLC and names the project. */
export function isPriorityApplicant(f: PriorityFacts): boolean {
  return (f.clusterProjectPerformer === true || f.digitalLeadersClub === true) && priorityViolations(f).length === 0;
}

/** V4: a priority claim must name the project performed. */
export function priorityViolations(f: PriorityFacts): Violation[] {
  const claims = f.clusterProjectPerformer === true || f.digitalLeadersClub === true;
  if (claims && (typeof f.priorityProjectName !== 'string' || f.priorityProjectName.trim() === '')) {
    return [violation('V4', 'a priority applicant (AI cluster project performer or Digital Leaders Club) must name the project it performs (수행사업명)', 'priorityProjectName')];
  }
  return [];
}
