import { endOfDayKst, type IsoDate, type Scores } from '../../src/domain';
import type { TestApp } from './app';
import { applicationView, eventually, submitAndAccept } from './lifecycle';
import { advanceTo } from './clock';

export { advanceTo };

/**
 * The committee's part through the HTTP API (V2–V8) for tests of what follows a selection:
 * evaluator keys, batches at a chosen cutoff, scores, the selection itself. Time passes
 * only on the time-skipping server (the batch closes at the end of its cutoff day, T1).
 */
export type Member = Awaited<ReturnType<typeof submitAndAccept>>;

export const scores = (policyAlignment: number, projectExcellence: number, resourceFeasibility: number, targetOutcomes: number): Scores => ({
  policyAlignment,
  projectExcellence,
  resourceFeasibility,
  targetOutcomes,
});

/** V3: a total split over the four criteria in proportion to their maxima (30/30/20/20). */
export const scoresTotalling = (t: number): Scores => scores((t * 3) / 10, (t * 3) / 10, (t * 2) / 10, (t * 2) / 10);

export async function evaluatorKey(app: TestApp, name: string) {
  const res = await app.api.post('/api-keys', { role: 'EVALUATOR', name }, app.operatorKey);
  if (res.status !== 201) throw new Error(`api key: ${res.status}`);
  return { id: res.body.id as string, key: res.body.key as string };
}

export async function addBatch(app: TestApp, callId: string, cutoff: IsoDate = app.today()) {
  const res = await app.api.post(`/calls/${callId}/batches`, { cutoff }, app.operatorKey);
  if (res.status !== 201) throw new Error(`batch: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.batchId as string;
}

/** T1/V2: past the end of today (KST): today's batch closes and its members are IN_EVALUATION. */
export async function closeTodaysBatch(app: TestApp, members: Member[]) {
  await advanceTo(app, endOfDayKst(app.today()) + 60_000);
  for (const m of members) await statusOf(app, m, 'IN_EVALUATION');
}

export const statusOf = async (app: TestApp, m: { id: string }, status: string) =>
  (await eventually(() => applicationView(app, m.id), (v) => v.status === status)).status as string;

/** Assigns the evaluators, has each give `each` (and the opinion, V8) to every member, and selects (V5). */
export async function scoreAndSelect(
  app: TestApp,
  callId: string,
  batchId: string,
  evaluators: Array<{ id: string; key: string }>,
  plan: Array<[Member, Scores, string?]>,
) {
  const assign = await app.api.post(`/calls/${callId}/batches/${batchId}/evaluators`, { evaluatorIds: evaluators.map((e) => e.id) }, app.operatorKey);
  if (assign.status !== 201) throw new Error(`assign: ${assign.status}`);
  for (const [m, s, opinion] of plan) {
    for (const [i, e] of evaluators.entries()) {
      const body = { ...s, ...(opinion ? { opinion: `${opinion} (${i + 1})` } : {}) };
      const res = await app.api.request('PUT', `/applications/${m.id}/scores`, { json: body, auth: e.key });
      if (res.status !== 201 && res.status !== 200) throw new Error(`scores: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  const res = await app.api.post(`/calls/${callId}/batches/${batchId}/selection`, {}, app.operatorKey);
  if (res.status !== 200) throw new Error(`selection: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { selected: number; waitlisted: number; notSelected: number };
}

/** N: the operators' notices of one kind that name an application (the operations mailbox is shared). */
export async function operatorNotices(app: TestApp, kind: string, applicationId: string) {
  return (await app.mailTo(app.config.OPERATIONS_EMAIL)).filter((m) => m.kind === kind && m.text.includes(applicationId));
}
