/**
 * A4: the documents of an application, their only accepted file types, which are
 * required for whom, and the content check ("a file must be what its extension says").
 * A5: an application missing required evidence is excluded from selection.
 */
import { z } from 'zod';
import { OrganisationType } from './organisation';
import { violation, Violation } from './rules';

export const DOCUMENT_TYPE_SLUGS = [
  'APPLICATION_PLAN',
  'USAGE_SUMMARY',
  'PRIVACY_CONSENT_PI',
  'PRIVACY_CONSENT_PRACTITIONER',
  'DATA_DEFINITION',
  'BUSINESS_REGISTRATION',
  'EMPLOYMENT_CERTIFICATE',
  'ENROLMENT_CERTIFICATE',
  'SME_CERTIFICATE',
  'DLC_CERTIFICATE',
  'MOU',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPE_SLUGS)[number];
export const documentTypeSchema = z.enum(DOCUMENT_TYPE_SLUGS);

export const FILE_EXTENSIONS = ['hwp', 'doc', 'docx', 'pdf', 'xls', 'xlsx'] as const;
export type FileExtension = (typeof FILE_EXTENSIONS)[number];

/**
 * When a document is required (A4):
 * ALWAYS; NOT_UNIVERSITY / UNIVERSITY (the practitioner's employment certificate, or for a
 * university the enrolment certificate of a computing department); WHEN_DLC_CLAIMED (E3);
 * OPTIONAL.
 */
export type DocumentRequirement = 'ALWAYS' | 'NOT_UNIVERSITY' | 'UNIVERSITY' | 'WHEN_DLC_CLAIMED' | 'OPTIONAL';

export interface DocumentTypeInfo {
  slug: DocumentType;
  nameKo: string;
  nameEn: string;
  extensions: readonly FileExtension[];
  required: DocumentRequirement;
}

const OFFICE_OR_PDF: readonly FileExtension[] = ['hwp', 'doc', 'docx', 'pdf'];
const PDF: readonly FileExtension[] = ['pdf'];

/** A4: the document table. */
export const DOCUMENT_TYPES: Record<DocumentType, DocumentTypeInfo> = {
  APPLICATION_PLAN: { slug: 'APPLICATION_PLAN', nameKo: '신청서 및 계획서', nameEn: 'Application and plan (signed by the PI)', extensions: OFFICE_OR_PDF, required: 'ALWAYS' },
  USAGE_SUMMARY: { slug: 'USAGE_SUMMARY', nameKo: '이용신청 요약서', nameEn: 'Usage summary', extensions: ['xls', 'xlsx'], required: 'ALWAYS' },
  PRIVACY_CONSENT_PI: { slug: 'PRIVACY_CONSENT_PI', nameKo: '개인정보 제공동의서 (과제책임자)', nameEn: 'Privacy consent (principal investigator)', extensions: PDF, required: 'ALWAYS' },
  PRIVACY_CONSENT_PRACTITIONER: { slug: 'PRIVACY_CONSENT_PRACTITIONER', nameKo: '개인정보 제공동의서 (실무개발자)', nameEn: 'Privacy consent (practitioner)', extensions: PDF, required: 'ALWAYS' },
  DATA_DEFINITION: { slug: 'DATA_DEFINITION', nameKo: '데이터 정의서', nameEn: 'Data definition', extensions: OFFICE_OR_PDF, required: 'ALWAYS' },
  BUSINESS_REGISTRATION: { slug: 'BUSINESS_REGISTRATION', nameKo: '사업자등록증', nameEn: 'Business registration certificate', extensions: PDF, required: 'ALWAYS' },
  EMPLOYMENT_CERTIFICATE: { slug: 'EMPLOYMENT_CERTIFICATE', nameKo: '실무담당자 재직증명서 (AI 등 개발 관련 부서 명기)', nameEn: "Practitioner's employment certificate naming an AI/development department", extensions: PDF, required: 'NOT_UNIVERSITY' },
  ENROLMENT_CERTIFICATE: { slug: 'ENROLMENT_CERTIFICATE', nameKo: '재학증명서 (컴퓨터 개발 관련 학과)', nameEn: "Practitioner's enrolment certificate of a computing department (universities)", extensions: PDF, required: 'UNIVERSITY' },
  SME_CERTIFICATE: { slug: 'SME_CERTIFICATE', nameKo: '중소기업확인서 또는 벤처기업확인서', nameEn: 'SME or venture certificate', extensions: PDF, required: 'OPTIONAL' },
  DLC_CERTIFICATE: { slug: 'DLC_CERTIFICATE', nameKo: '디지털 리더스 클럽 인증서', nameEn: 'Digital Leaders Club certificate', extensions: PDF, required: 'WHEN_DLC_CLAIMED' },
  MOU: { slug: 'MOU', nameKo: '사업단 MOU 체결 협약서', nameEn: 'MOU with the agency', extensions: PDF, required: 'OPTIONAL' },
};

export function isDocumentType(v: unknown): v is DocumentType {
  return typeof v === 'string' && (DOCUMENT_TYPE_SLUGS as readonly string[]).includes(v);
}

/** A4 (and E3 for the DLC certificate): the documents this applicant must upload, in table order. */
export function requiredDocuments(facts: { organisationType: OrganisationType | string; digitalLeadersClub?: boolean }): DocumentType[] {
  const university = facts.organisationType === 'UNIVERSITY';
  return DOCUMENT_TYPE_SLUGS.filter((slug) => {
    switch (DOCUMENT_TYPES[slug].required) {
      case 'ALWAYS': return true;
      case 'NOT_UNIVERSITY': return !university;
      case 'UNIVERSITY': return university;
      case 'WHEN_DLC_CLAIMED': return facts.digitalLeadersClub === true;
      case 'OPTIONAL': return false;
    }
  });
}

/** A5: the required documents not uploaded, in the order of `required`. */
export function missingDocuments(required: readonly DocumentType[], uploadedTypes: Iterable<string>): DocumentType[] {
  const have = new Set(uploadedTypes);
  return required.filter((t) => !have.has(t));
}

/** The lower-case extension of a file name without the dot ('Plan.PDF' → 'pdf'), or '' when none. */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export type ContentKind = 'PDF' | 'OLE2' | 'ZIP' | 'UNKNOWN';

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/** A4: what a file really is, by its magic number. */
export function detectContentKind(bytes: Uint8Array): ContentKind {
  if (startsWith(bytes, PDF_MAGIC)) return 'PDF';
  if (startsWith(bytes, OLE2_MAGIC)) return 'OLE2';
  if (startsWith(bytes, ZIP_MAGIC)) return 'ZIP';
  return 'UNKNOWN';
}

const KIND_OF_EXTENSION: Record<FileExtension, ContentKind> = {
  pdf: 'PDF', hwp: 'OLE2', doc: 'OLE2', xls: 'OLE2', docx: 'ZIP', xlsx: 'ZIP',
};

/** A4: pdf → PDF; hwp/doc/xls → OLE2 compound file; docx/xlsx → ZIP (Office Open XML). */
export function contentMatchesExtension(ext: string, kind: ContentKind): boolean {
  const e = ext.replace(/^\./, '').toLowerCase();
  return Object.prototype.hasOwnProperty.call(KIND_OF_EXTENSION, e) && KIND_OF_EXTENSION[e as FileExtension] === kind;
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}
function utf16le(s: string): number[] {
  return Array.from(s).flatMap((c) => [c.charCodeAt(0), 0]);
}

function contains(bytes: Uint8Array, needle: readonly number[]): boolean {
  const first = needle[0];
  if (first === undefined) return true;
  const last = bytes.length - needle.length;
  for (let i = bytes.indexOf(first); i !== -1 && i <= last; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/**
 * The format inside an OLE2 or ZIP container when it can be told with confidence
 * (stream names of the OLE2 directory, part names of the ZIP), else null.
 */
export function detectOfficeFormat(bytes: Uint8Array): 'hwp' | 'doc' | 'xls' | 'docx' | 'xlsx' | null {
  const kind = detectContentKind(bytes);
  if (kind === 'OLE2') {
    const found: Array<'hwp' | 'doc' | 'xls'> = [];
    if (contains(bytes, utf16le('HwpSummaryInformation')) || contains(bytes, utf16le('FileHeader'))) found.push('hwp');
    if (contains(bytes, utf16le('WordDocument'))) found.push('doc');
    if (contains(bytes, utf16le('Workbook'))) found.push('xls');
    return found.length === 1 ? (found[0] as 'hwp' | 'doc' | 'xls') : null;
  }
  if (kind === 'ZIP') {
    const word = contains(bytes, ascii('word/'));
    const xl = contains(bytes, ascii('xl/'));
    return word && !xl ? 'docx' : xl && !word ? 'xlsx' : null;
  }
  return null;
}

/**
 * A4: the file is what its extension says: the container kind must match, and when the
 * format inside can be told (a .doc that is really a spreadsheet) it must match too.
 */
export function fileMatchesExtension(ext: string, bytes: Uint8Array): boolean {
  const e = ext.replace(/^\./, '').toLowerCase();
  if (!contentMatchesExtension(e, detectContentKind(bytes))) return false;
  const inner = detectOfficeFormat(bytes);
  return inner === null || inner === e;
}

/** A4: every problem of one uploaded file for a document type; empty when accepted. */
export function documentFileViolations(type: string, fileName: string, bytes: Uint8Array): Violation[] {
  if (!isDocumentType(type)) {
    return [violation('A4', `unknown document type; one of ${DOCUMENT_TYPE_SLUGS.join(', ')}`, 'type')];
  }
  const info = DOCUMENT_TYPES[type];
  const ext = extensionOf(fileName);
  if (!(info.extensions as readonly string[]).includes(ext)) {
    return [violation('A4', `${info.nameEn} (${info.nameKo}) accepts only ${info.extensions.join(', ')} files, not ${ext ? `'.${ext}'` : 'a file without extension'}`, 'file')];
  }
  if (bytes.length === 0) return [violation('A4', 'the file is empty', 'file')];
  if (!fileMatchesExtension(ext, bytes)) {
    return [violation('A4', `the content is not a .${ext} file (detected ${detectContentKind(bytes)})`, 'file')];
  }
  return [];
}
