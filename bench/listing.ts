/**
 * GET /applications at national scale: p50/p95 at one request in flight, first / middle /
 * deep page, unfiltered and filtered, against the page's own SQL run in the same process.
 *
 *   npm run build && node dist/bench/listing.js [rows=100000] [samples=200]
 *
 * Starts its own PostgreSQL and Temporal dev server and the real API (no worker: listing
 * reads only rows). The rows are inserted straight by SQL (generate_series): the listing
 * reads exactly these rows, and 100,000 intakes through the API would measure intake.
 * Then VACUUM ANALYZE, as autovacuum would have done on a table that size. Figures only.
 */
import { encodeCursor } from '../src/db/applications';
import { draftBody } from '../test/support/fixtures';
import { percentile, startBenchStack, timeEach } from './api-stack';

const ROWS = Number(process.argv[2] ?? 100_000);
const SAMPLES = Number(process.argv[3] ?? 200);
const PAGE = 50;
const CALLS = 4;
const STATUSES = ['UNDER_REVIEW', 'DOCUMENTS_COMPLETE', 'IN_EVALUATION', 'SELECTED', 'NOT_SELECTED', 'WITHDRAWN', 'DRAFT', 'IN_OPERATION'];

const f1 = (x: number) => x.toFixed(1).padStart(6);

async function main() {
  const stack = await startBenchStack('listing', { worker: false });
  const { sql } = stack;
  try {
    console.log(`listing bench: ${ROWS} applications, pages of ${PAGE}, ${SAMPLES} samples each, 1 in flight`);
    const content = draftBody({});
    for (let c = 0; c < CALLS; c++) {
      await sql`insert into calls (id, title, announced_on, support_ends_on, capacity, settings)
                values (${`call-${c}`}, ${`공고 ${c}`}, '2026-01-01', '2027-12-31', ${sql.json({ T4: 1, H100: 1, BOW: 1, extraStorageTb: 0 })}, '{}'::jsonb)`;
    }
    let t = Date.now();
    await sql`
      insert into applications (id, call_id, status, brn, organisation_name, title, pool, accelerator_type, units, priority,
                                content, token_hash, submitted_at, created_at)
      select 'B' || lpad(g::text, 9, '0'), 'call-' || (g % ${CALLS}), (${sql.array(STATUSES)}::text[])[1 + g % ${STATUSES.length}],
             lpad((1000000000 + g)::text, 10, '0'), '기관 ' || g, '과제 ' || g,
             case when g % 3 = 0 then 'SHARED' else 'DEDICATED' end,
             case when g % 3 = 0 then 'BOW' when g % 3 = 1 then 'T4' else 'H100' end,
             1, g % 10 = 0, ${sql.json(content as never)}, 'sha256$bench', now(),
             timestamptz '2026-01-01' + g * interval '1 second'
      from generate_series(1, ${ROWS}) g`;
    await sql`vacuum analyze applications`;
    console.log(`  rows inserted and analysed in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);

    const get = async (q: string) => {
      const res = await fetch(`${stack.apiUrl}/applications?${q}`, { headers: { authorization: `Bearer ${stack.operatorKey}` } });
      if (res.status !== 200) throw new Error(`GET /applications?${q}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    /** The cursor of the page that starts after `skip` matching rows. */
    const cursorAt = async (where: { callId?: string; status?: string }, skip: number) => {
      const [row] = await sql<Array<{ createdAt: string; id: string }>>`
        select created_at::text as "createdAt", id from applications where true
          ${where.callId ? sql`and call_id = ${where.callId}` : sql``} ${where.status ? sql`and status = ${where.status}` : sql``}
        order by created_at, id offset ${skip - 1} limit 1`;
      return row ? encodeCursor(row) : undefined;
    };

    console.log('page                                   API p50/p95 ms   SQL p50/p95 ms   ratio p50');
    const report = async (label: string, query: string, raw: () => Promise<unknown>) => {
      const api = await timeEach(SAMPLES, () => get(query));
      const db = await timeEach(SAMPLES, raw);
      const [a50, a95, d50, d95] = [percentile(api, 50), percentile(api, 95), percentile(db, 50), percentile(db, 95)];
      console.log(`${label.padEnd(38)} ${f1(a50)} / ${f1(a95)}   ${f1(d50)} / ${f1(d95)}   ×${(a50 / d50).toFixed(2)}${a95 < 20 ? '' : '   (p95 ≥ 20 ms)'}`);
    };
    // The raw SQL of a keyset page: the same statement the listing runs, without the count.
    const rawPage = (where: { callId?: string; status?: string }, cursor?: string) => {
      const after = cursor ? JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string] : undefined;
      return () => sql`
        select a.* from (select id from applications where true
          ${where.callId ? sql`and call_id = ${where.callId}` : sql``} ${where.status ? sql`and status = ${where.status}` : sql``}
          ${after ? sql`and (created_at, id) > (${after[0]}::text::timestamptz, ${after[1]})` : sql``}
          order by created_at, id limit ${PAGE + 1}) p join applications a using (id) order by a.created_at, a.id`;
    };
    const filters: Array<[string, { callId?: string; status?: string }, number]> = [
      ['unfiltered', {}, ROWS],
      ['callId', { callId: 'call-1' }, ROWS / CALLS],
      ['callId+status', { callId: 'call-1', status: 'IN_EVALUATION' }, ROWS / 8],
    ];
    for (const [name, where, matching] of filters) {
      const qs = new URLSearchParams({ ...where, pageSize: String(PAGE) }).toString();
      for (const [depth, skip] of [['first', 0], ['middle', Math.floor(matching / 2)], ['deep', Math.max(0, Math.floor(matching) - PAGE - 1)]] as const) {
        const cursor = skip ? await cursorAt(where, skip) : undefined;
        if (skip && !cursor) continue;
        await report(`${name}, ${depth} page (cursor)`, cursor ? `${qs}&cursor=${cursor}` : qs, rawPage(where, cursor));
      }
    }
    // page= (an offset) still works for old links: measured deep, against its own SQL.
    const deepPage = Math.floor(ROWS / PAGE) - 1;
    await report(`unfiltered, deep page=${deepPage} (offset)`, `pageSize=${PAGE}&page=${deepPage}`, () =>
      sql`select a.* from (select id from applications order by created_at, id limit ${PAGE + 1} offset ${(deepPage - 1) * PAGE}) p
          join applications a using (id) order by a.created_at, a.id`);
    // Before (main 44fb49a): select * … limit/offset plus a full count(*), without the 012
    // indexes (dropped inside a transaction that is rolled back), for the record.
    let before: number[] = [];
    await sql
      .begin(async (tx) => {
        await tx`drop index applications_listing, applications_listing_call, applications_listing_status, applications_listing_call_status, applications_listing_pool, applications_listing_type`;
        before = await timeEach(Math.min(SAMPLES, 30), async () => {
          await tx`select count(*)::int from applications`;
          await tx`select * from applications order by created_at, id limit ${PAGE} offset ${(deepPage - 1) * PAGE}`;
        }, 2);
        throw new Error('rollback');
      })
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.message === 'rollback')) throw err;
      });
    console.log(`\nbefore (main: full count + select * offset, no 012 indexes), deep page, SQL alone: p50 ${f1(percentile(before, 50))} / p95 ${f1(percentile(before, 95))} ms`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
