import { CONTACT_FIELD_NAMES, DEFAULT_CALL_CONTACTS, formatDeadlineKo, RULE_IDS, type CallContacts } from '../../src/domain';
import { contactFieldOf } from '../../src/notices/fields';
import { NOTICE_AUDIENCE, NOTICE_TEMPLATES, renderNotice, type NoticeContext, type NoticeKind } from '../../src/notices/templates';

/**
 * N2/N3: every notice kind rendered with sample data: an applicant's has the next step,
 * its deadline in KST date and time, the link to the application, the desk of its field
 * (Reply-To) and rule ids only in the footer; an evaluator's has the link to the queue.
 */
const contacts: CallContacts = {
  operationsPolicy: { name: '운영 담당', phone: '062-000-0001', email: 'ops-desk@aidc.example' },
  technicalSupport: { name: '기술 담당', phone: '1644-0002', email: 'tech-desk@aidc.example' },
  dataSharing: { name: '데이터 담당', phone: '062-000-0003', email: 'data-desk@aidc.example' },
  platformHelpdesk: { name: '헬프데스크', phone: '062-000-0004', email: 'help-desk@aidc.example' },
};
const resource = { type: 'H100', units: 2 };
const missing = [{ applicationId: 'AB12CD34EF', title: '과제', evaluators: 2, needed: 5 }];

/** Sample data per kind (the shapes the workflows send), with the deadline each names, if any. */
const SAMPLES: Record<NoticeKind, { data: Record<string, unknown>; due?: string; status?: string }> = {
  RECEIPT: { data: {} },
  SUPPLEMENT_REQUEST: { data: { missingDocuments: ['APPLICATION_PLAN'], dueOn: '2027-01-02', note: '서명 누락' }, due: '2027-01-02' },
  SUPPLEMENT_REMINDER: { data: { missingDocuments: ['APPLICATION_PLAN'], dueOn: '2027-01-02' }, due: '2027-01-02' },
  INELIGIBLE: { data: { rule: 'A5', reason: '보완 기한 경과' } },
  BATCH_ASSIGNED: { data: { batchId: '2026-1-2027-01-31', cutoff: '2027-01-31', resultsBy: '2027-02-21' }, due: '2027-02-21' },
  WITHDRAWN: { data: {} },
  EARLY_CLOSE: { data: { callId: '2026-1', closesOn: '2027-03-31' }, due: '2027-03-31', status: 'DRAFT' },
  RESULT_SELECTED: { data: { total: 82.5, rank: 1, resource } },
  RESULT_WAITLISTED: { data: { total: 70, rank: 4, resource } },
  RESULT_NOT_SELECTED: { data: { total: 41 } },
  BATCH_REVIEW_AT_RISK: { data: { batchId: 'b', cutoff: '2027-01-31', dueOn: '2027-02-14', missing, missingTotal: 1 } },
  BATCH_REVIEW_OVERDUE: { data: { batchId: 'b', cutoff: '2027-01-31', dueOn: '2027-02-14', day: '2027-02-15', missing, missingTotal: 1 } },
  BATCH_RESULTS_AT_RISK: { data: { batchId: 'b', cutoff: '2027-01-31', dueOn: '2027-02-21', missing: [], missingTotal: 0 } },
  BATCH_RESULTS_OVERDUE: { data: { batchId: 'b', cutoff: '2027-01-31', dueOn: '2027-02-21', day: '2027-02-22', missing: [], missingTotal: 0 } },
  ALLOCATED: {
    data: { resource, storageTb: 50, backupTb: 20, extraStorageTb: 0, allocatedOn: '2027-03-02', setupEnd: '2027-03-16', pool: 'DEDICATED', servers: ['gpu-01'] },
    due: '2027-03-16',
  },
  SETUP_ENDING: { data: { setupEnd: '2027-03-16' }, due: '2027-03-16' },
  UTILISATION_WARNING: { data: { month: '2027-04', mean: 12.5, verdict: 'LOW', nonePercent: 1, lowPercent: 20, flagged: true } },
  EXCLUSION_CANDIDATE: { data: { month: '2027-04', mean: 0.2 } },
  UTILISATION_MISSING: { data: { month: '2027-04', daysMissing: 30 } },
  QUARTERLY_REVIEW_DUE: { data: { resource, reviewDate: '2027-06-30', dueOn: '2027-07-14', recommendation: null, verdicts: [] } },
  QUARTERLY_DECISION_OVERDUE: { data: { reviewDate: '2027-06-30', dueOn: '2027-07-14' } },
  QUARTERLY_DECISION: { data: { decision: 'DECREASE', reviewDate: '2027-06-30', from: resource, to: { type: 'H100', units: 1 } } },
  RECLAIMED: { data: { reason: 'MISUSE', text: '채굴', endedOn: '2027-05-01', restricted: true } },
  SELECTION_RELEASE_SOON: { data: { resultOn: '2027-02-20', releaseOn: '2027-03-22', resource } },
  SELECTION_RELEASED: { data: { rule: 'V9', releaseOn: '2027-03-22', early: false, resource } },
  WAITLIST_OFFER: { data: { candidateId: 'ZZ12CD34EF', resource, cause: '철회', type: 'H100', free: 2, rank: 1, title: 't', organisationName: 'o' } },
  CHANGE_REQUESTED: { data: { requestId: 'r1', change: { kind: 'STORAGE', extraStorageTb: 10 }, reason: '데이터 증가' } },
  CHANGE_DECIDED: { data: { requestId: 'r1', change: { kind: 'EARLY_END', endOn: '2027-09-30' }, status: 'APPROVED', reason: '조기 완료', supportEnd: '2027-09-30' }, due: '2027-09-30' },
  CLOSE_OUT_SUPPORT_ENDED: {
    data: { endedOn: '2027-12-31', reason: 'SUPPORT_END', reportDue: '2028-01-31', dataSharingDue: '2028-03-31', report: 'DUE', dataSharing: 'DUE' },
    due: '2028-01-31',
  },
  CLOSE_OUT_REMINDER: { data: { dueOn: '2028-03-31', daysBefore: 14, items: ['DATA_SHARING'] }, due: '2028-03-31' },
  CLOSE_OUT_OVERDUE: { data: { dueOn: '2028-01-31', items: ['REPORT'], week: 0, restricted: true } },
  CLOSE_OUT_OVERDUE_OPERATORS: { data: { dueOn: '2028-01-31', items: ['REPORT'], restricted: true } },
  CLOSE_OUT_RETURNED: { data: { item: 'REPORT', reason: '증빙 누락', dueOn: '2028-01-31' }, due: '2028-01-31' },
  CLOSE_OUT_ACCEPTED: { data: { item: 'REPORT', other: 'DATA_SHARING', otherStatus: 'DUE', otherDueOn: '2028-03-31' }, due: '2028-03-31' },
  CLOSE_OUT_COMPLETED: { data: {} },
  CLOSE_OUT_RESTRICTED: { data: { dueOn: '2028-01-31', reclaimed: true, endedOn: '2027-12-31' } },
  SURVEY: { data: { year: 2027, on: '2027-11-15' } },
  EVALUATOR_BATCH_ASSIGNED: { data: { batchId: '2026-1-2027-01-31', cutoff: '2027-01-31', reviewDue: '2027-02-14' }, due: '2027-02-14' },
  EVALUATOR_REVIEW_DUE_SOON: { data: { batchId: '2026-1-2027-01-31', reviewDue: '2027-02-14', pending: 3 }, due: '2027-02-14' },
  EVALUATOR_REVIEW_MISSED: { data: { batchId: '2026-1-2027-01-31', reviewDue: '2027-02-14', pending: 3 } },
  SIGN_IN_LINK: { data: { link: 'https://aidc.example/sign-in?token=t', expiresAtKst: '2026-12-01 14:37' } },
  PRACTITIONER_CONFIRMATION: { data: { link: 'https://aidc.example/sign-in?token=t', expiresAtKst: '2026-12-01 14:37' } },
  NOTICE_FAILED: { data: { kind: 'RECEIPT', noticeKey: 'k', failure: 'NOTICE_REJECTED', reason: 'SMTP 550' } },
};

const APP_LINK = 'https://aidc.example/applications/AB12CD34EF';
const QUEUE_LINK = 'https://aidc.example/console/committee';

function render(kind: NoticeKind, over: Partial<NoticeContext> = {}) {
  const s = SAMPLES[kind];
  return renderNotice(kind, {
    applicationId: 'AB12CD34EF',
    callId: '2026-1',
    callTitle: '2026 상시모집',
    projectTitle: '한국어 의료 LLM 학습',
    organisationName: '(주)가나다',
    recipientName: '김실무',
    status: s.status ?? 'UNDER_REVIEW',
    submittedAt: Date.UTC(2026, 11, 1, 5, 7), // 2026-12-01 14:07 KST
    contacts,
    training: { materialUrl: 'https://edu.aidc.example/pre-training', onlineSessions: [{ on: '2027-03-05', at: '14:00' }] },
    surveyUrl: 'https://survey.aidc.example/2027',
    links: { application: APP_LINK, queue: QUEUE_LINK },
    data: s.data,
    ...over,
  });
}

/** A rule id standing as a word (T4/H100 are accelerators, not rules). */
const ruleIdIn = (s: string) => RULE_IDS.filter((r) => r !== 'N' && new RegExp(`(?<![A-Za-z0-9])${r}(?![A-Za-z0-9])`).test(s));
const koreanHalf = (text: string) => text.slice(0, text.indexOf('\n—\n'));

const kinds = Object.keys(NOTICE_TEMPLATES) as NoticeKind[];
const of = (a: string) => kinds.filter((k) => NOTICE_AUDIENCE[k] === a);

describe('N2: every applicant notice says what happened, what to do by when, links and names its desk', () => {
  test.each(of('APPLICANT'))('N2 %s: next step, KST deadline, link, contact and Reply-To; rule ids in the footer only', (kind) => {
    const n = render(kind);
    const field = contactFieldOf(kind, SAMPLES[kind].data);
    const desk = contacts[field];
    expect(n.text).toContain('다음 할 일: ');
    expect(n.text).toContain('Next: ');
    if (SAMPLES[kind].due) expect(n.text).toContain(formatDeadlineKo(SAMPLES[kind].due!));
    expect(n.text).toContain(`신청 확인: ${APP_LINK}`);
    expect(n.html).toContain(`<a href="${APP_LINK}">`);
    expect(n.text).toContain(`문의: ${CONTACT_FIELD_NAMES[field].ko} ${desk.name} (${desk.phone}, ${desk.email})`);
    expect(n.replyTo).toBe(desk.email);
    expect(ruleIdIn(koreanHalf(n.text))).toEqual([]);
    expect(n.text).toMatch(/\n관련 규정 \/ Rules: [A-Z]/);
    expect(n.text).not.toMatch(/undefined|NaN|\[object/);
  });

  test('N2: every kind has an audience, and every deadline is written as its KST date and time (T1: the end of its day)', () => {
    expect(Object.keys(NOTICE_AUDIENCE).sort()).toEqual([...kinds].sort());
    expect(formatDeadlineKo('2027-01-02')).toBe('2027년 1월 2일(토) 23:59 (KST)');
  });

  test('N2: data-sharing notices name the data desk, allocation and setup technical support, the rest operations policy', () => {
    expect(render('CLOSE_OUT_REMINDER').replyTo).toBe(contacts.dataSharing.email);
    expect(render('CLOSE_OUT_REMINDER', { data: { dueOn: '2028-01-31', daysBefore: 3, items: ['REPORT'] } }).replyTo).toBe(contacts.operationsPolicy.email);
    expect(render('CLOSE_OUT_RETURNED', { data: { item: 'DATA_SHARING', reason: 'x', dueOn: '2028-03-31' } }).replyTo).toBe(contacts.dataSharing.email);
    expect(render('ALLOCATED').replyTo).toBe(contacts.technicalSupport.email);
    expect(render('SETUP_ENDING').replyTo).toBe(contacts.technicalSupport.email);
    expect(render('RECEIPT').replyTo).toBe(contacts.operationsPolicy.email);
    // a call stored before N2 (no contacts): the agency's published desks
    expect(render('RECEIPT', { contacts: undefined }).replyTo).toBe(DEFAULT_CALL_CONTACTS.operationsPolicy.email);
  });

  test('N2: the receipt has its date and time; the supplement request asks to resubmit in both languages', () => {
    expect(render('RECEIPT').text).toContain('접수 일시: 2026년 12월 1일(화) 14:07 (KST)');
    const s = render('SUPPLEMENT_REQUEST').text;
    expect(koreanHalf(s)).toContain('다시 제출');
    expect(s).toContain('resubmit');
  });

  test('N2: particles follow the word (es-hangul): \'저조\'로, \'미사용\'으로', () => {
    expect(render('UTILISATION_WARNING').text).toContain("'저조'로 판정");
    expect(render('UTILISATION_WARNING', { data: { ...SAMPLES.UTILISATION_WARNING.data, verdict: 'NONE', mean: 0.1 } }).text).toContain("'미사용'으로 판정");
    expect(render('CLOSE_OUT_RETURNED').text).toContain('결과보고서 (증빙자료 포함)가 다음 사유로');
  });

  test('N2: the end of support asks for what is still outstanding, by its deadline; nothing once all is handed in', () => {
    const both = render('CLOSE_OUT_SUPPORT_ENDED').text;
    expect(both).toContain(`기한: ${formatDeadlineKo('2028-01-31')}`);
    const onlyData = render('CLOSE_OUT_SUPPORT_ENDED', { data: { ...SAMPLES.CLOSE_OUT_SUPPORT_ENDED.data, report: 'ACCEPTED' } }).text;
    expect(onlyData).toContain('데이터 공유 (데이터 포털 등록)를 기한까지');
    expect(onlyData).toContain(`기한: ${formatDeadlineKo('2028-03-31')}`);
    const none = render('CLOSE_OUT_SUPPORT_ENDED', { data: { ...SAMPLES.CLOSE_OUT_SUPPORT_ENDED.data, report: 'ACCEPTED', dataSharing: 'SUBMITTED' } }).text;
    expect(none).toContain('지금 하실 일은 없습니다');
    expect(none).not.toContain('기한: ');
  });

  test('N2: the survey links its form; without one it asks for a reply', () => {
    expect(render('SURVEY').text).toContain('https://survey.aidc.example/2027');
    expect(render('SURVEY', { surveyUrl: null }).text).toContain('회신');
  });

  test('N2/O3: the allocation names the call\'s training material and its next online session, not /catalog', () => {
    const t = render('ALLOCATED').text;
    expect(t).toContain('사전교육 자료: https://edu.aidc.example/pre-training');
    expect(t).toContain('온라인 사전교육: 2027년 3월 5일(금) 14:00 (KST)');
    expect(t).not.toContain('/catalog');
    expect(render('ALLOCATED', { training: null }).text).toContain('기술지원 담당자가 별도로 안내');
  });

  test('N2/C3: the early close tells a draft to submit before the close, an application in progress that it continues', () => {
    const draft = render('EARLY_CLOSE', { status: 'DRAFT' }).text;
    expect(draft).toContain('제출해 주십시오');
    expect(draft).toContain(formatDeadlineKo('2027-03-31'));
    const going = render('EARLY_CLOSE', { status: 'IN_EVALUATION' }).text;
    expect(going).toContain('그대로 진행됩니다');
    expect(going).not.toContain('제출해 주십시오');
  });
});

describe('N3: evaluators are told with the link to their queue', () => {
  test.each(of('EVALUATOR'))('N3 %s: queue link, contact and Reply-To', (kind) => {
    const n = render(kind);
    expect(n.text).toContain(`평가 화면: ${QUEUE_LINK}`);
    if (SAMPLES[kind].due) expect(n.text).toContain(formatDeadlineKo(SAMPLES[kind].due!));
    expect(n.text).not.toContain(APP_LINK);
    expect(n.replyTo).toBe(contacts.operationsPolicy.email);
    expect(ruleIdIn(koreanHalf(n.text))).toEqual([]);
  });

  test('N: operators\' notices have no applicant link or Reply-To', () => {
    for (const kind of of('OPERATORS')) {
      const n = render(kind);
      expect(n.replyTo).toBeUndefined();
      expect(n.text).not.toContain(APP_LINK);
    }
  });
});
