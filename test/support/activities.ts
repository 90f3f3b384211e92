import { createActivities, type ActivityDeps } from '../../src/activities';
import { createTransport } from '../../src/mail';
import type { TestApp } from './app';

/**
 * The activities wired to the test app's real database, SMTP inbox and Temporal, for a test
 * that runs one step again by hand (a retry, a resumed attempt). `close` ends the transport.
 */
export function directActivities(app: TestApp, extra: Partial<ActivityDeps> = {}) {
  const transport = createTransport(app.config);
  const activities = createActivities({
    sql: app.sql,
    transport,
    client: app.client,
    mailFrom: app.config.MAIL_FROM,
    operationsEmail: app.config.OPERATIONS_EMAIL,
    ...extra,
  });
  return { activities, close: () => transport.close() };
}
