import { createServer, type AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { startApi, type RunningApi } from '../../src/api/server';
import { READINESS_CHECK_TIMEOUT_MS } from '../../src/api/health';
import { startTestApp, type TestApp } from '../support/app';
import { http } from '../support/http';

/**
 * H1/operations: /livez (the process is up, no I/O), /readyz (PostgreSQL and Temporal, each
 * check bounded to 2 s) and /healthz, the alias existing probes use, against the real stack
 * and against an API whose Temporal is unreachable (a closed port).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** A TCP port nothing listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

test('H1: /livez answers 200 without I/O; /readyz and its alias /healthz answer 200 with PostgreSQL and Temporal ok', async () => {
  const live = await app.api.get('/livez');
  expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
  for (const path of ['/readyz', '/healthz']) {
    const res = await app.api.get(path);
    expect([path, res.status, res.body]).toEqual([path, 200, { status: 'ok', postgres: 'ok', temporal: 'ok' }]);
  }
  const doc = (await app.api.get('/openapi.json')).body;
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/livez', '/readyz', '/healthz']));
});

test('H1: with Temporal unreachable /readyz answers 503 naming Temporal within ~2.5 s; /healthz too; /livez stays 200', async () => {
  // A lazy connection: the client connects on its first call, so the API starts without Temporal.
  const connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
  const client = new Client({ connection, namespace: app.config.TEMPORAL_NAMESPACE });
  let api: RunningApi | undefined;
  try {
    api = await startApi({ config: app.config, sql: app.sql, client, port: 0 });
    const down = http(api.url);
    expect((await down.get('/livez')).status).toBe(200);
    for (const path of ['/readyz', '/healthz']) {
      const started = Date.now();
      const res = await down.get(path);
      const ms = Date.now() - started;
      console.log(`[health] ${path} with Temporal down: ${res.status} in ${ms} ms`);
      expect([path, res.status, res.body.status, res.body.postgres]).toEqual([path, 503, 'degraded', 'ok']);
      expect(res.body.temporal).toMatch(/^down: /);
      expect(ms).toBeLessThan(READINESS_CHECK_TIMEOUT_MS + 500);
    }
  } finally {
    await api?.close();
    // The client's retry backoff may still hold a timer for an attempt after the deadline;
    // closing the channel under it would throw from that timer ("Channel has been shut down").
    await new Promise((r) => setTimeout(r, 3000));
    await connection.close().catch(() => undefined);
  }
});
