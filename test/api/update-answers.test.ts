import { randomUUID } from 'node:crypto';
import { applicationWorkflowId } from '../../src/domain';
import { reviewDocumentsUpdate } from '../../src/contracts/application';
import { startTestApp, type TestApp } from '../support/app';
import { createCall, submitApplication } from '../support/lifecycle';

/**
 * S4 (issue 13): the first document review's Update answers only once its audit row is
 * stored with the status change, so the API needs no poll for it (src/api/context.ts).
 */
let app: TestApp;
let callId: string;
beforeAll(async () => {
  app = await startTestApp();
  callId = await createCall(app);
});
afterAll(() => app?.close());

test('S4: executeUpdate of a document review returns after its audit row and the new status are stored', async () => {
  const { id } = await submitApplication(app, callId);
  const handle = app.client.workflow.getHandle(applicationWorkflowId(callId, id));
  const audit = { key: randomUUID(), actor: 'operator:test', action: 'application.document-review', subject: `application:${id}`, detail: { decision: 'COMPLETE' } };
  const state = await handle.executeUpdate(reviewDocumentsUpdate, { updateId: audit.key, args: [{ decision: 'COMPLETE', actor: audit.actor, audit }] });
  // No waiting here: the answer itself proves the write (S4/S5: one transaction with the status).
  const [row] = await app.sql`select a.action, p.status from audit_log a, applications p where a.key = ${audit.key} and p.id = ${id}`;
  expect(row).toEqual({ action: 'application.document-review', status: 'DOCUMENTS_COMPLETE' });
  expect(state.status).toBe('DOCUMENTS_COMPLETE');
});

test('S4: through the API the review answers the new status and its audit row is there', async () => {
  const { id } = await submitApplication(app, callId);
  const res = await app.api.post(`/applications/${id}/document-review`, { decision: 'COMPLETE' }, app.operatorKey);
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('DOCUMENTS_COMPLETE');
  const rows = await app.sql`select 1 from audit_log where action = 'application.document-review' and subject = ${`application:${id}`}`;
  expect(rows).toHaveLength(1);
});
