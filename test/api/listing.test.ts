import { COUNT_CAP } from '../../src/db/applications';
import { startTestApp, type TestApp } from '../support/app';
import { draftFor } from '../support/fixtures';
import { createCall } from '../support/lifecycle';

/**
 * S3/issue 13: GET /applications pages by keyset (an opaque cursor), counts only up to a cap,
 * and is served by the 012 indexes, so any page of 100,000 rows costs the same.
 */
let app: TestApp;
let callId: string;
const ids: string[] = [];
beforeAll(async () => {
  app = await startTestApp({ worker: false });
  callId = await createCall(app);
  for (let i = 0; i < 5; i++) {
    const res = await app.api.post(`/calls/${callId}/applications`, await draftFor(app, callId));
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
});
afterAll(() => app?.close());

test('S3: pages follow the `next` cursor in creation order, every row once, the last page has next = null', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await app.api.get(`/applications?callId=${callId}&pageSize=2${q}`, app.operatorKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 5, totalExact: true, pageSize: 2 });
    seen.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.next;
    if (!cursor) break;
  }
  expect(seen).toEqual(ids);
  // page (an offset) still answers the same rows for links made before the cursor.
  const second = await app.api.get(`/applications?callId=${callId}&pageSize=2&page=2`, app.operatorKey);
  expect(second.body.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(2, 4));
  expect(second.body.next).toEqual(expect.any(String));
});

test('S5: a cursor that is not one we gave is 400 naming query.cursor and lists nothing', async () => {
  for (const bad of ['nope', Buffer.from('["x","y"]').toString('base64url'), Buffer.from("[\"2026-01-01 00:00:00+00\",\"a'b\"]").toString('base64url')]) {
    const res = await app.api.get(`/applications?cursor=${encodeURIComponent(bad)}`, app.operatorKey);
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    expect(JSON.stringify(res.body)).toContain('query.cursor');
  }
});

test('the count stops at its cap (totalExact false past it) and the next page is found without counting', async () => {
  const [template] = await app.sql`select * from applications where id = ${ids[0]!}`;
  await app.sql`
    insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority, content, token_hash, created_at)
    select 'L' || lpad(g::text, 9, '0'), ${callId}, 'UNDER_REVIEW', ${template!.brn}, 'bulk', 'bulk ' || g, ${template!.pool},
           ${template!.accelerator_type}, 1, false, ${app.sql.json(template!.content)}, 'sha256$bench', now() + g * interval '1 millisecond'
    from generate_series(1, ${COUNT_CAP + 10}) g`;
  await app.sql`analyze applications`;
  const res = await app.api.get(`/applications?callId=${callId}&pageSize=3`, app.operatorKey);
  expect(res.body).toMatchObject({ total: COUNT_CAP, totalExact: false });
  expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(ids.slice(0, 3));
  const filtered = await app.api.get(`/applications?status=DRAFT&pageSize=200`, app.operatorKey);
  expect(filtered.body).toMatchObject({ total: 5, totalExact: true, next: null });
});

test('migration 012: the unfiltered order and each filter are index scans, not a scan and sort of every row', async () => {
  // Small tables: with sequential scans off, the plan shows whether an index can serve the page.
  await app.sql.begin(async (tx) => {
    await tx`set local enable_seqscan = off`;
    for (const [where, index] of [
      ['', 'applications_listing'],
      [`where call_id = '${callId}'`, 'applications_listing_call'],
      [`where status = 'DRAFT'`, 'applications_listing_status'],
      [`where call_id = '${callId}' and status = 'DRAFT'`, 'applications_listing_call_status'],
      [`where pool = 'SHARED'`, 'applications_listing_pool'],
      [`where coalesce(granted_type, accelerator_type) = 'BOW'`, 'applications_listing_type'],
    ] as const) {
      const rows = await tx.unsafe(`explain select id from applications ${where} order by created_at, id limit 51`);
      const p = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(p).toMatch(/Index (Only )?Scan using applications_listing/);
      expect(p).not.toMatch(/\bSort\b|Seq Scan/);
      const [def] = await tx`select indexdef from pg_indexes where indexname = ${index}`;
      expect(def?.indexdef).toMatch(/\(.*created_at, id\)$/);
    }
  });
});
