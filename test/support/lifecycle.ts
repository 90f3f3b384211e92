import { addDays, applicationWorkflowId, type AcceleratorType, type IsoDate } from '../../src/domain';
import { batchAssignedSignal } from '../../src/contracts/application';
import { selectionResultSignal } from '../../src/contracts/evaluation';
import { uniqueEmail, type TestApp } from './app';
import { COMPANY_DOCUMENTS, draftBody, draftFor } from './fixtures';
import { confirmPractitioner } from './signin';

/** Polls until `ok` holds (workflows move asynchronously after an API call returns). */
export async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function createCall(
  app: TestApp,
  opts: { id?: string; supportEndsOn?: IsoDate; capacity?: Partial<Record<'T4' | 'H100' | 'BOW' | 'extraStorageTb', number>>; extra?: Record<string, unknown> } = {},
) {
  const id = opts.id ?? `c-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
  const res = await app.api.post(
    '/calls',
    {
      id,
      title: `AI데이터센터 서비스 이용자 상시모집 ${id}`,
      announcedOn: app.today(),
      supportEndsOn: opts.supportEndsOn ?? addDays(app.today(), 300),
      capacity: { T4: 4, H100: 2, BOW: 32, extraStorageTb: 100, ...opts.capacity },
      ...opts.extra,
    },
    app.operatorKey,
  );
  if (res.status !== 201) throw new Error(`POST /calls: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

export const applicationView = async (app: TestApp, id: string) => (await app.api.get(`/applications/${id}`, app.operatorKey)).body;

/** Draft → documents → submit (A6, A4): UNDER_REVIEW, the receipt notice on its way. */
export async function submitApplication(app: TestApp, callId: string, overrides: Parameters<typeof draftBody>[0] = {}) {
  const email = overrides.practitionerEmail ?? uniqueEmail('dev');
  const created = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId, { ...overrides, practitionerEmail: email }));
  if (created.status !== 201) throw new Error(`draft: ${created.status} ${JSON.stringify(created.body)}`);
  const { id, accessToken: token } = created.body as { id: string; accessToken: string };
  for (const [type, filename, bytes] of COMPANY_DOCUMENTS) {
    const up = await app.api.put(`/applications/${id}/documents/${type}?filename=${encodeURIComponent(filename)}`, bytes, token);
    if (up.status !== 201) throw new Error(`upload ${type}: ${up.status}`);
  }
  await confirmPractitioner(app, id); // A7
  const submitted = await app.api.post(`/applications/${id}/submit`, {}, token);
  if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  return { id, token, email, callId };
}

/** Draft → documents → submit → operator accepts the documents (A6, A4): DOCUMENTS_COMPLETE. */
export async function submitAndAccept(app: TestApp, callId: string, overrides: Parameters<typeof draftBody>[0] = {}) {
  const { id, token, email } = await submitApplication(app, callId, overrides);
  const reviewed = await app.api.post(`/applications/${id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
  if (reviewed.status !== 200) throw new Error(`review: ${reviewed.status} ${JSON.stringify(reviewed.body)}`);
  await eventually(() => applicationView(app, id), (v) => v.status === 'DOCUMENTS_COMPLETE');
  return { id, token, email, callId };
}

/**
 * SETUP SHORTCUT, not a test of selection: puts an accepted application into a batch and
 * gives it a selection result the way the batch's selection does (database row + signal).
 * Tests of what comes after selection use it until they can go through the real selection.
 */
export async function giveSelectionResult(
  app: TestApp,
  a: { id: string; callId: string },
  r: { outcome: 'SELECTED' | 'WAITLISTED' | 'NOT_SELECTED'; type: AcceleratorType; units: number; total?: number; rank?: number },
) {
  const batchId = `${a.callId}-setup`;
  const cutoff = app.today();
  await app.sql`insert into batches (id, call_id, cutoff, created_by) values (${batchId}, ${a.callId}, ${cutoff}, 'test-setup') on conflict do nothing`;
  await app.sql`update applications set granted_type = ${r.type}, granted_units = ${r.units}, selection_outcome = ${r.outcome},
                  selection_rank = ${r.rank ?? 1}, total_score = ${r.total ?? 80}, batch_id = ${batchId} where id = ${a.id}`;
  const handle = app.client.workflow.getHandle(applicationWorkflowId(a.callId, a.id));
  await handle.signal(batchAssignedSignal, { batchId, cutoff });
  const scores = { policyAlignment: 24, projectExcellence: 24, resourceFeasibility: 16, targetOutcomes: 16 };
  await handle.signal(selectionResultSignal, {
    batchId,
    outcome: r.outcome,
    rank: r.rank ?? 1,
    total: r.total ?? 80,
    scores,
    resource: { type: r.type, units: r.units },
  });
  await eventually(() => applicationView(app, a.id), (v) => v.status === r.outcome);
}
