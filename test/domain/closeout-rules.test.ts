import {
  applicationDeadlines,
  dataSharingViolations,
  defaultSurveyDay,
  evidenceFileViolations,
  isSurveyDay,
  nextSurveyDate,
  resultReportViolations,
  surveyDateIn,
} from '../../src/domain';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

describe('R5: a reclaim for a missing report keeps the due date it enforced', () => {
  test('R5: ended on the missed 30 November, the report stays due on 30 November (not a month on, not I3)', () => {
    const d = applicationDeadlines({
      pool: 'DEDICATED', supportEnd: '2027-12-31', allocatedOn: '2027-06-01', endedOn: '2027-11-30', endRecordedOn: '2027-12-01',
      closeOutDue: '2027-11-30', today: '2027-12-01',
    });
    expect([d.supportEnd, d.reportDue, d.dataSharingDue]).toEqual(['2027-11-30', '2027-11-30', '2027-11-30']);
  });

  test('Q2: an operator reclaim (no R5 due date given) moves the due date a month on from the end', () => {
    const d = applicationDeadlines({ pool: 'DEDICATED', supportEnd: '2027-12-31', allocatedOn: '2027-06-01', endedOn: '2027-08-10', endRecordedOn: '2027-08-10', today: '2027-08-10' });
    expect(d.reportDue).toBe('2027-09-10');
  });
});

describe('R3: the conditions of each registration type', () => {
  const fields = (v: ReturnType<typeof dataSharingViolations>) => v.map((x) => x.field).sort();

  test('R3 (1): the planned data needs sharing terms', () => {
    expect(dataSharingViolations({ registrationType: 'PLANNED_DATA', sharingTerms: ['FREE'] })).toEqual([]);
    expect(fields(dataSharingViolations({ registrationType: 'PLANNED_DATA', sharingTerms: [] }))).toEqual(['sharingTerms']);
  });

  test('R3 (2a): only where policy forbids publishing, and only de-identified', () => {
    expect(dataSharingViolations({ registrationType: 'DEIDENTIFIED_SAFE_ZONE', sharingTerms: ['PROVIDER_APPROVAL'], policyReason: '개인정보', deidentified: true })).toEqual([]);
    expect(fields(dataSharingViolations({ registrationType: 'DEIDENTIFIED_SAFE_ZONE', sharingTerms: ['PROVIDER_APPROVAL'] }))).toEqual(['deidentified', 'policyReason']);
  });

  test('R3 (2b): data already public on the web is not accepted, and it must be stated', () => {
    const base = { registrationType: 'SIMILAR_OWN_DATA' as const, sharingTerms: ['PAID' as const], policyReason: '영업비밀' };
    expect(dataSharingViolations({ ...base, publiclyAvailableOnWeb: false })).toEqual([]);
    const web = dataSharingViolations({ ...base, publiclyAvailableOnWeb: true });
    expect(web).toEqual([expect.objectContaining({ rule: 'R3', field: 'publiclyAvailableOnWeb' })]);
    expect(web[0]!.message).toContain('public on the web');
    expect(fields(dataSharingViolations({ ...base }))).toEqual(['publiclyAvailableOnWeb']);
  });

  test('R3 (3): a legal reason and no own data; no sharing terms needed', () => {
    expect(dataSharingViolations({ registrationType: 'DATA_USE_STORY', legalReason: '법 제23조', ownsSimilarData: false })).toEqual([]);
    expect(fields(dataSharingViolations({ registrationType: 'DATA_USE_STORY', ownsSimilarData: true }))).toEqual(['legalReason', 'ownsSimilarData']);
    expect(fields(dataSharingViolations({ registrationType: 'DATA_USE_STORY', legalReason: '법' }))).toEqual(['ownsSimilarData']);
  });

  test('R3: FREE cannot be combined with PAID or PRICE_NEGOTIATION', () => {
    expect(fields(dataSharingViolations({ registrationType: 'PLANNED_DATA', sharingTerms: ['FREE', 'PRICE_NEGOTIATION'] }))).toEqual(['sharingTerms']);
    expect(dataSharingViolations({ registrationType: 'PLANNED_DATA', sharingTerms: ['PAID', 'PRICE_NEGOTIATION'] })).toEqual([]);
  });
});

describe('R1/R4 with A4 checks: the result report and its evidence', () => {
  test('A4: evidence must be an A4 file type whose content matches, not empty, not over the size limit', () => {
    expect(evidenceFileViolations('paper.pdf', PDF, 1000)).toEqual([]);
    expect(evidenceFileViolations('model.bin', PDF, 1000)[0]).toMatchObject({ rule: 'A4', field: 'name' });
    expect(evidenceFileViolations('paper.pdf', Buffer.from('hello'), 1000)[0]!.message).toContain('not a .pdf');
    expect(evidenceFileViolations('paper.pdf', Buffer.alloc(0), 1000)[0]!.message).toContain('empty');
    expect(evidenceFileViolations('paper.pdf', PDF, 5)[0]!.message).toContain('larger than 5 bytes');
  });

  test('R4: each category once, with a whole count', () => {
    expect(resultReportViolations([{ category: 'PAPER', count: 2 }, { category: 'PATENT', count: 0 }])).toEqual([]);
    const v = resultReportViolations([{ category: 'PAPER', count: 2 }, { category: 'PAPER', count: -1 }]);
    expect(v.map((x) => x.field)).toEqual(['outcomes.1.category', 'outcomes.1.count']);
  });
});

describe('R6: the yearly survey day', () => {
  test('R6: a survey day is a real MM-DD (29 February allowed, 30 February not)', () => {
    expect(['01-01', '02-29', '12-31'].every(isSurveyDay)).toBe(true);
    expect(['13-01', '02-30', '04-31', '1-05', '00-10'].some(isSurveyDay)).toBe(false);
  });

  test('R6: the next survey date from a day, up to the support end; 29 February falls on the 28th in a common year', () => {
    expect(nextSurveyDate('06-15', '2026-11-26', '2027-12-31')).toBe('2027-06-15');
    expect(nextSurveyDate('06-15', '2027-06-15', '2027-12-31')).toBe('2027-06-15');
    expect(nextSurveyDate('06-15', '2027-06-16', '2027-12-31')).toBeNull();
    expect(nextSurveyDate('11-30', '2026-11-26', '2027-12-31')).toBe('2026-11-30');
    expect(surveyDateIn(2027, '02-29')).toBe('2027-02-28');
    expect(surveyDateIn(2028, '02-29')).toBe('2028-02-29');
  });

  test('R6: without a day given, a month before the support end', () => {
    expect(defaultSurveyDay('2024-12-31')).toBe('11-30');
    expect(defaultSurveyDay('2025-03-31')).toBe('02-28');
  });
});
