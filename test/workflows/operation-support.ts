import type { AcceleratorType, IsoDate } from '../../src/domain';
import { addDays, compareDates } from '../../src/domain';
import type { CaughtMail } from '../../src/runtime/mail-inbox';
import type { TestApp } from '../support/app';
import { applicationView, eventually, giveSelectionResult, submitAndAccept } from '../support/lifecycle';

/** Helpers of the operation tests (allocation, samples, e-mail bookkeeping). */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export type Allocated = Awaited<ReturnType<typeof submitAndAccept>>;

const RESOURCE: Record<AcceleratorType, { pool: 'DEDICATED' | 'SHARED'; os?: 'UBUNTU' }> = {
  T4: { pool: 'DEDICATED', os: 'UBUNTU' },
  H100: { pool: 'DEDICATED', os: 'UBUNTU' },
  BOW: { pool: 'SHARED' },
};

/** An application selected (or waitlisted) for `type × units` through the marked setup shortcut. */
export async function selected(
  app: TestApp,
  callId: string,
  type: AcceleratorType,
  units: number,
  opts: { outcome?: 'SELECTED' | 'WAITLISTED'; rank?: number; brn?: string } = {},
): Promise<Allocated> {
  const a = await submitAndAccept(app, callId, {
    resource: { type, units, pool: RESOURCE[type].pool, os: RESOURCE[type].os },
    ...(opts.brn ? { organisation: { businessRegistrationNumber: opts.brn } } : {}),
  });
  await giveSelectionResult(app, a, { outcome: opts.outcome ?? 'SELECTED', type, units, rank: opts.rank });
  return a;
}

/** Selected and allocated (O1): answers once the workflow shows ALLOCATED. */
export async function allocated(app: TestApp, callId: string, type: AcceleratorType, units: number, opts: { brn?: string } = {}) {
  const a = await selected(app, callId, type, units, opts);
  const res = await app.api.post(`/applications/${a.id}/allocation`, {}, app.operatorKey);
  if (res.status !== 201) throw new Error(`allocation: ${res.status} ${JSON.stringify(res.body)}`);
  return a;
}

export const operation = async (app: TestApp, id: string) => (await app.api.get(`/applications/${id}/operation`, app.operatorKey)).body;

/** Moves the time-skipping clock to the instant `at` (epoch ms). */
export async function advanceTo(app: TestApp, at: number) {
  const nowMs = await app.env!.currentTimeMs();
  if (at > nowMs) await app.advance(at - nowMs);
}

/** Every day from `from` to `to` inclusive. */
export function days(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; compareDates(d, to) <= 0; d = addDays(d, 1)) out.push(d);
  return out;
}

export async function postSamples(app: TestApp, id: string, list: IsoDate[], meanPercent: number, key = app.operatorKey) {
  const res = await app.api.post(`/applications/${id}/utilisation`, list.map((day) => ({ day, meanPercent })), key);
  if (res.status !== 200) throw new Error(`samples: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** POST a raw text/csv body (the shared http helper sends raw bodies as octet-stream). */
export async function postCsv(app: TestApp, month: string, csv: string, key = app.operatorKey) {
  const res = await fetch(new URL(`/utilisation/csv?month=${month}`, app.url), {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * N: the applicant's e-mails by kind (each subject's Korean prefix); `unknown` collects what
 * no kind matches, so an unexpected e-mail fails the count too.
 */
const KINDS: Array<[string, RegExp]> = [
  ['RECEIPT', /신청 접수 완료/],
  ['BATCH_ASSIGNED', /평가 차수 배정/],
  ['RESULT_SELECTED', /선정 결과 안내: 선정/],
  ['RESULT_WAITLISTED', /선정 결과 안내: 대기/],
  ['ALLOCATED', /자원 할당 안내/],
  ['SETUP_ENDING', /환경 구축 기간 종료 예정/],
  ['UTILISATION_WARNING', /가속기 활용률 (저조|미사용) 안내/],
  ['QUARTERLY_DECISION', /분기 자원조정 결과/],
  ['RECLAIMED', /자원 회수 안내/],
  ['WITHDRAWN', /신청 철회 확인/],
  ['EXCLUSION_CANDIDATE', /지원 제외 후보/],
  ['UTILISATION_MISSING', /활용률 자료 누락/],
  ['QUARTERLY_REVIEW_DUE', /분기 자원조정 결정 요청/],
  ['QUARTERLY_DECISION_OVERDUE', /분기 결정 기한 경과/],
  ['WAITLIST_OFFER', /대기 신청 할당 가능/],
];

export function kindCounts(mails: CaughtMail[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of mails) {
    const kind = m.kind ?? KINDS.find(([, re]) => re.test(m.subject))?.[0] ?? `unknown: ${m.subject}`;
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

/** N: no e-mail went out twice: every subject to one recipient is distinct. */
export function duplicateSubjects(mails: CaughtMail[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const m of mails) {
    if (seen.has(m.subject)) dup.push(m.subject);
    seen.add(m.subject);
  }
  return dup;
}

/** The operators' e-mails that concern one application (their subjects name it). */
export async function opsMailAbout(app: TestApp, id: string) {
  return (await app.mailTo(app.config.OPERATIONS_EMAIL)).filter((m) => m.subject.includes(id));
}

export async function waitForStatus(app: TestApp, id: string, status: string, timeoutMs = 15000) {
  return eventually(() => applicationView(app, id), (v) => v.status === status, timeoutMs);
}
