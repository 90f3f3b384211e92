import { isValidBusinessRegistrationNumber, monthOf, monthsFromTo, type IsoDate } from '../../src/domain';
import type { ApplicationDraft } from '../../src/api/schemas';
import type { TestApp } from './app';

/** A valid business registration number from a 9-digit prefix (the check digit is found, not hard-coded). */
export function brn(prefix9: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = `${prefix9.slice(0, 3)}-${prefix9.slice(3, 5)}-${prefix9.slice(5, 9)}${d}`;
    if (isValidBusinessRegistrationNumber(candidate)) return candidate;
  }
  throw new Error(`no check digit for ${prefix9}`);
}

let counter = 0;
/** A random-enough prefix per call so test files never collide on an organisation. */
export const uniqueBrn = () => brn(String(100000000 + ((Date.now() % 100000) * 1000 + ++counter) % 800000000).padStart(9, '1'));

export function draftBody(overrides: {
  organisation?: Partial<ApplicationDraft['organisation']>;
  project?: Partial<ApplicationDraft['project']>;
  resource?: Partial<ApplicationDraft['resource']>;
  practitionerEmail?: string;
  principalInvestigatorEmail?: string;
  /** A1: the monthly plan runs from this day's month to the support end's (draftFor gives the call's). */
  plan?: { from: IsoDate; to: IsoDate };
  readiness?: Partial<ApplicationDraft['readiness']>;
} = {}) {
  return {
    organisation: {
      name: '주식회사 테스트에이아이',
      type: 'COMPANY',
      size: 'SME',
      businessRegistrationNumber: uniqueBrn(),
      priority: { status: false },
      digitalLeadersClub: false,
      ...overrides.organisation,
    },
    principalInvestigator: { name: '김연구', email: overrides.principalInvestigatorEmail ?? 'pi@test-ai.example', phone: '010-1234-5678' },
    practitioner: { name: '이개발', email: overrides.practitionerEmail ?? 'dev@test-ai.example', phone: '010-9876-5432' },
    project: {
      title: `한국어 음성 인식 모델 학습 ${++counter}`,
      description: '콜센터 상담 음성으로 한국어 STT 모델을 학습한다.',
      aiModelKind: 'speech recognition (conformer)',
      trainingPlan: '사전학습 후 미세조정',
      monthlyPlan: overrides.plan ? monthlyPlan(overrides.plan.from, overrides.plan.to) : [{ month: '2026-12', plan: '환경 구축 및 데이터 정제' }],
      targetOutcomes: [{ category: 'TRAINED_MODEL', target: 'CER 8% 이하 모델', count: 1 }],
      dataDescription: '상담 음성 5,000시간 (비식별화)',
      ...overrides.project,
    },
    resource: { pool: 'DEDICATED', type: 'H100', units: 1, os: 'UBUNTU', extraStorageTb: 0, ...overrides.resource },
    // A3: ready for use right after setup
    readiness: {
      data: { ready: true, detail: '상담 음성 5,000시간 비식별화 완료, 학습용 분할 완료' },
      team: { ready: true, detail: '실무 개발자 2명 (음성 인식 모델 학습 경험 3년)' },
      firstMonth: '환경 구축 후 즉시 사전학습 시작 (공개 말뭉치)',
      ...overrides.readiness,
    },
  };
}

/** A1: one entry per month from `from`'s month to `to`'s. */
export function monthlyPlan(from: IsoDate, to: IsoDate) {
  return monthsFromTo(monthOf(from), monthOf(to)).map((month, i) => ({ month, plan: i === 0 ? '환경 구축 및 데이터 정제' : '학습 및 평가' }));
}

/**
 * A draft for a call as it stands: its monthly plan runs from the server's today to the
 * call's support end (A1), read from the call's row.
 */
export async function draftFor(app: TestApp, callId: string, overrides: Parameters<typeof draftBody>[0] = {}) {
  const [call] = await app.sql<Array<{ support_ends_on: IsoDate }>>`select support_ends_on from calls where id = ${callId}`;
  return draftBody(call ? { plan: { from: app.today(), to: call.support_ends_on }, ...overrides } : overrides);
}

/** Files whose content matches what their extension says (A4 checks content, not only names). */
export const FILES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  ole2: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
  zip: Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(60)]),
  text: Buffer.from('just text pretending to be something else'),
};

/** Every required A4 document of a company application, as [type, filename, bytes]. */
export const COMPANY_DOCUMENTS: Array<[string, string, Buffer]> = [
  ['APPLICATION_PLAN', '신청서.pdf', FILES.pdf],
  ['USAGE_SUMMARY', 'summary.xlsx', FILES.zip],
  ['PRIVACY_CONSENT_PI', 'consent-pi.pdf', FILES.pdf],
  ['PRIVACY_CONSENT_PRACTITIONER', 'consent-dev.pdf', FILES.pdf],
  ['DATA_DEFINITION', 'data.hwp', FILES.ole2],
  ['BUSINESS_REGISTRATION', 'brc.pdf', FILES.pdf],
  ['EMPLOYMENT_CERTIFICATE', 'employment.pdf', FILES.pdf],
];
