import { Connection } from '@temporalio/client';
import { Worker, bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import postgres from 'postgres';
import { clearMail, listMail, waitForMail } from '../src/runtime/mail-inbox';
import { ALL_SEARCH_ATTRIBUTES } from '../src/contracts/search-attributes';
import { createTimeSkippingEnv, freshDatabase, testServices } from './support/services';
import type { sleepForDays } from './support/sleep-workflow';

/**
 * Proves each real part the other test files rely on works: PostgreSQL (a fresh database
 * per file), the SMTP catcher with its inbox, the Temporal dev server with our search
 * attributes, and the time-skipping test server.
 */
describe('test harness', () => {
  const services = testServices();

  test('PostgreSQL: a fresh, empty database per test file answers queries', async () => {
    const url = await freshDatabase();
    const sql = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const [row] = await sql<{ db: string; tables: number; encoding: string }[]>`
        select current_database() as db,
               (select count(*)::int from information_schema.tables where table_schema = 'public') as tables,
               pg_encoding_to_char(encoding) as encoding
        from pg_database where datname = current_database()`;
      expect(row.db.startsWith(services.databasePrefix)).toBe(true);
      expect(row.tables).toBe(0);
      expect(row.encoding).toBe('UTF8');
      await sql`create table t (v text)`;
      await sql`insert into t values (${'한국어 ✓'})`;
      expect((await sql<{ v: string }[]>`select v from t`)[0].v).toBe('한국어 ✓');
    } finally {
      await sql.end();
    }
    expect(await freshDatabase()).not.toBe(url);
  });

  test('SMTP: an e-mail sent with nodemailer arrives in the inbox, readable with listMail', async () => {
    // As a browser asks (MailDev answers its page at `/` only to a request that accepts HTML).
    const inbox = await fetch(services.mailWebUrl, { headers: { accept: 'text/html' } });
    expect(inbox.status).toBe(200);
    expect(inbox.headers.get('content-type')).toContain('text/html');

    const to = `harness-${Date.now()}@test-ai.example`;
    // The same options the service's transport uses against a server without TLS.
    const transport = nodemailer.createTransport({ host: services.smtpHost, port: services.smtpPort, secure: false });
    try {
      await transport.sendMail({
        from: 'AI데이터센터 <no-reply@aidc.example>',
        to,
        cc: 'pi@test-ai.example',
        subject: '[AI데이터센터] 신청서 접수 안내',
        text: '신청서가 접수되었습니다.',
        html: '<p>신청서가 <b>접수</b>되었습니다.</p>',
        headers: { 'X-Aidc-Notice': 'harness' },
      });
    } finally {
      transport.close();
    }
    const [mail] = await waitForMail(services.mailWebUrl, (m) => m.to.includes(to));
    expect(mail.cc).toEqual(['pi@test-ai.example']);
    expect(mail.subject).toBe('[AI데이터센터] 신청서 접수 안내');
    expect(mail.text.trim()).toBe('신청서가 접수되었습니다.');
    expect(mail.html).toContain('<b>접수</b>');
    expect(mail.headers?.['x-aidc-notice']).toBe('harness');

    await clearMail(services.mailWebUrl);
    expect((await listMail(services.mailWebUrl)).filter((m) => m.to.includes(to))).toHaveLength(0);
  });

  test('Temporal dev server: our custom search attributes are registered', async () => {
    const connection = await Connection.connect({ address: services.temporalAddress });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: services.temporalNamespace,
      });
      for (const key of ALL_SEARCH_ATTRIBUTES) {
        expect(customAttributes?.[key.name]).toBeDefined();
      }
    } finally {
      await connection.close();
    }
    expect((await fetch(services.temporalUiUrl)).status).toBe(200);
  });

  test('time-skipping server: a 300-day sleep finishes in seconds', async () => {
    // Runtime logs at WARN so a worker's INFO lines do not flood the test output.
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // already installed by an earlier test in this process
    }
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('./support/sleep-workflow'),
      logger: new DefaultLogger('WARN'),
    });
    const env = await createTimeSkippingEnv();
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'harness',
        workflowBundle: { code },
      });
      // Wall time of the workflow itself (bundling and the server's JVM start are not time skipping).
      let started = 0;
      const result = await worker.runUntil(async () => {
        started = Date.now();
        return env.client.workflow.execute<typeof sleepForDays>('sleepForDays', {
          taskQueue: 'harness',
          workflowId: `harness-sleep-${Date.now()}`,
          args: [300],
        });
      });
      const wallMs = Date.now() - started;
      const skippedDays = (result.finishedAt - result.startedAt) / 86_400_000;
      expect(skippedDays).toBeGreaterThanOrEqual(300);
      expect(wallMs).toBeLessThan(10_000);
    } finally {
      await env.teardown();
    }
  });
});
