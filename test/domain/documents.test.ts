import {
  contentMatchesExtension, detectContentKind, detectOfficeFormat, DOCUMENT_TYPE_SLUGS, DOCUMENT_TYPES, documentFileViolations,
  extensionOf, fileMatchesExtension, missingDocuments, requiredDocuments,
} from '../../src/domain';

const enc = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const u16 = (s: string) => Array.from(s).flatMap((c) => [c.charCodeAt(0), 0]);
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const pdf = bytes(enc('%PDF-1.7\n%\xe2\xe3\n1 0 obj\n'));
const doc = bytes(OLE2, new Array(500).fill(0), u16('Root Entry'), u16('WordDocument'), u16('1Table'));
const xls = bytes(OLE2, new Array(500).fill(0), u16('Root Entry'), u16('Workbook'));
const hwp = bytes(OLE2, new Array(500).fill(0), u16('Root Entry'), u16('FileHeader'), u16('HwpSummaryInformation'), u16('BodyText'));
const ole2Unknown = bytes(OLE2, new Array(64).fill(0));
const docx = bytes(enc('PK\x03\x04'), new Array(26).fill(0), enc('[Content_Types].xml'), enc('word/document.xml'));
const xlsx = bytes(enc('PK\x03\x04'), new Array(26).fill(0), enc('[Content_Types].xml'), enc('xl/workbook.xml'));
const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('documents (A4, A5)', () => {
  test('A4: the document table has a Korean name, extensions and a requirement for every slug', () => {
    expect(Object.keys(DOCUMENT_TYPES)).toEqual([...DOCUMENT_TYPE_SLUGS]);
    expect(DOCUMENT_TYPES.APPLICATION_PLAN.extensions).toEqual(['hwp', 'doc', 'docx', 'pdf']);
    expect(DOCUMENT_TYPES.USAGE_SUMMARY.extensions).toEqual(['xls', 'xlsx']);
    expect(DOCUMENT_TYPES.DATA_DEFINITION.extensions).toEqual(['hwp', 'doc', 'docx', 'pdf']);
    for (const slug of ['PRIVACY_CONSENT_PI', 'PRIVACY_CONSENT_PRACTITIONER', 'BUSINESS_REGISTRATION', 'EMPLOYMENT_CERTIFICATE',
      'ENROLMENT_CERTIFICATE', 'SME_CERTIFICATE', 'DLC_CERTIFICATE', 'MOU'] as const) {
      expect(DOCUMENT_TYPES[slug].extensions).toEqual(['pdf']);
    }
    for (const slug of DOCUMENT_TYPE_SLUGS) expect(DOCUMENT_TYPES[slug].nameKo).toMatch(/[가-힣]/);
  });

  test('A4: a company needs the six common documents plus the employment certificate; optional ones are never required', () => {
    const req = requiredDocuments({ organisationType: 'COMPANY' });
    expect(req).toEqual(['APPLICATION_PLAN', 'USAGE_SUMMARY', 'PRIVACY_CONSENT_PI', 'PRIVACY_CONSENT_PRACTITIONER', 'DATA_DEFINITION',
      'BUSINESS_REGISTRATION', 'EMPLOYMENT_CERTIFICATE']);
    expect(req).not.toContain('SME_CERTIFICATE');
    expect(req).not.toContain('MOU');
    expect(req).not.toContain('DLC_CERTIFICATE');
  });

  test('A4: a university needs the enrolment certificate instead of the employment certificate', () => {
    const req = requiredDocuments({ organisationType: 'UNIVERSITY' });
    expect(req).toContain('ENROLMENT_CERTIFICATE');
    expect(req).not.toContain('EMPLOYMENT_CERTIFICATE');
    expect(req).toHaveLength(7);
  });

  test('A4/E3: the Digital Leaders Club certificate is required when DLC is claimed', () => {
    expect(requiredDocuments({ organisationType: 'COMPANY', digitalLeadersClub: true })).toContain('DLC_CERTIFICATE');
    expect(requiredDocuments({ organisationType: 'COMPANY', digitalLeadersClub: false })).not.toContain('DLC_CERTIFICATE');
  });

  test('A5: missing documents are the required ones not uploaded, in order', () => {
    const req = requiredDocuments({ organisationType: 'COMPANY', digitalLeadersClub: true });
    expect(missingDocuments(req, [])).toEqual(req);
    expect(missingDocuments(req, req)).toEqual([]);
    expect(missingDocuments(req, ['APPLICATION_PLAN', 'MOU', 'USAGE_SUMMARY', 'PRIVACY_CONSENT_PI', 'PRIVACY_CONSENT_PRACTITIONER',
      'DATA_DEFINITION', 'BUSINESS_REGISTRATION'])).toEqual(['EMPLOYMENT_CERTIFICATE', 'DLC_CERTIFICATE']);
    expect(missingDocuments(req, new Set(req.slice(1)))).toEqual(['APPLICATION_PLAN']);
  });

  test('A4: content kind by magic number', () => {
    expect(detectContentKind(pdf)).toBe('PDF');
    expect(detectContentKind(doc)).toBe('OLE2');
    expect(detectContentKind(hwp)).toBe('OLE2');
    expect(detectContentKind(docx)).toBe('ZIP');
    expect(detectContentKind(png)).toBe('UNKNOWN');
    expect(detectContentKind(new Uint8Array())).toBe('UNKNOWN');
    expect(detectContentKind(bytes(enc('%PDF')))).toBe('UNKNOWN');
    expect(detectContentKind(bytes(enc(' %PDF-1.4')))).toBe('UNKNOWN');
    expect(detectContentKind(bytes(OLE2.slice(0, 7)))).toBe('UNKNOWN');
    expect(detectContentKind(bytes(enc('PK\x05\x06')))).toBe('UNKNOWN');
  });

  test('A4: pdf → PDF; hwp/doc/xls → OLE2; docx/xlsx → ZIP; anything else refused', () => {
    expect(contentMatchesExtension('pdf', 'PDF')).toBe(true);
    expect(contentMatchesExtension('PDF', 'PDF')).toBe(true);
    expect(contentMatchesExtension('.pdf', 'PDF')).toBe(true);
    for (const e of ['hwp', 'doc', 'xls']) {
      expect(contentMatchesExtension(e, 'OLE2')).toBe(true);
      expect(contentMatchesExtension(e, 'ZIP')).toBe(false);
      expect(contentMatchesExtension(e, 'PDF')).toBe(false);
    }
    for (const e of ['docx', 'xlsx']) {
      expect(contentMatchesExtension(e, 'ZIP')).toBe(true);
      expect(contentMatchesExtension(e, 'OLE2')).toBe(false);
    }
    expect(contentMatchesExtension('pdf', 'UNKNOWN')).toBe(false);
    expect(contentMatchesExtension('exe', 'UNKNOWN')).toBe(false);
    expect(contentMatchesExtension('hwpx', 'ZIP')).toBe(false);
    expect(contentMatchesExtension('constructor', 'UNKNOWN')).toBe(false);
  });

  test('A4: the format inside the container must match when it can be told', () => {
    expect(detectOfficeFormat(doc)).toBe('doc');
    expect(detectOfficeFormat(xls)).toBe('xls');
    expect(detectOfficeFormat(hwp)).toBe('hwp');
    expect(detectOfficeFormat(docx)).toBe('docx');
    expect(detectOfficeFormat(xlsx)).toBe('xlsx');
    expect(detectOfficeFormat(ole2Unknown)).toBeNull();
    expect(fileMatchesExtension('doc', doc)).toBe(true);
    expect(fileMatchesExtension('xls', doc)).toBe(false);
    expect(fileMatchesExtension('docx', xlsx)).toBe(false);
    expect(fileMatchesExtension('xlsx', xlsx)).toBe(true);
    expect(fileMatchesExtension('hwp', hwp)).toBe(true);
    expect(fileMatchesExtension('hwp', ole2Unknown)).toBe(true);
    expect(fileMatchesExtension('pdf', docx)).toBe(false);
  });

  test('A4: an upload is checked against its document type: extension allowed, content matching', () => {
    expect(documentFileViolations('APPLICATION_PLAN', '계획서.HWP', hwp)).toEqual([]);
    expect(documentFileViolations('USAGE_SUMMARY', 'summary.xlsx', xlsx)).toEqual([]);
    expect(documentFileViolations('BUSINESS_REGISTRATION', 'brn.pdf', pdf)).toEqual([]);
    const renamed = documentFileViolations('BUSINESS_REGISTRATION', 'brn.pdf', png);
    expect(renamed.map((v) => v.rule)).toEqual(['A4']);
    expect(renamed[0]?.message).toMatch(/^A4: the content is not a \.pdf file/);
    expect(documentFileViolations('BUSINESS_REGISTRATION', 'brn.docx', docx)[0]?.message).toMatch(/only pdf/);
    expect(documentFileViolations('USAGE_SUMMARY', 'summary.pdf', pdf)).toHaveLength(1);
    expect(documentFileViolations('USAGE_SUMMARY', 'summary', xlsx)[0]?.message).toMatch(/without extension/);
    expect(documentFileViolations('USAGE_SUMMARY', 'summary.xlsx', new Uint8Array())[0]?.message).toMatch(/empty/);
    expect(documentFileViolations('PASSPORT', 'a.pdf', pdf)[0]?.field).toBe('type');
  });

  test('A4: extensionOf takes the last dot of the base name, lower case', () => {
    expect(extensionOf('a.b.PDF')).toBe('pdf');
    expect(extensionOf('dir.v2/file')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
    expect(extensionOf('C:\\docs\\plan.docx')).toBe('docx');
  });
});
