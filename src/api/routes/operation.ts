import * as R from '../responses';
import express from 'express';
import { z } from 'zod';
import {
  adjustResource,
  applicationWorkflowId,
  BACKUP_STORAGE_TB,
  BASE_STORAGE_TB,
  compareDates,
  firstDayOfIsoMonth,
  isIsoDate,
  isoDateSchema,
  isoMonthSchema,
  lastDayOfIsoMonth,
  minDate,
  monthOf,
  reclaimReasonSchema,
  uncarriableCharacter,
  type AcceleratorType,
  type IsoDate,
} from '../../domain';
import type { Sql } from '../../db';
import { allocateUpdate, quarterlyDecisionUpdate, reclaimUpdate, setupDoneUpdate } from '../../contracts/operation';
import { statusQuery, type ApplicationState } from '../../contracts/application';
import { actorLabel, type Actor } from '../auth';
import { liveDeadlines } from '../live-deadlines';
import { auditEntry, auditWritten, audit, type ApiDeps } from '../context';
import { badRequest, conflict, forbidden, notFound, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';
import { onBehalf } from './on-behalf';

const text = (max: number) => z.string().trim().min(1).max(max);
const servers = z.array(z.string().trim().min(1).max(100)).min(1).max(16);

export const allocateSchema = z.strictObject({
  servers: servers.optional().describe('dedicated: which servers, one per unit'),
  extraStorageTb: z.number().min(0).max(10000).optional().describe('K3: granted beyond 50 TB + 20 TB; omitted: the extra storage the application requested'),
});

export const utilisationSampleSchema = z.strictObject({
  day: isoDateSchema.describe('T1: the Seoul calendar day'),
  meanPercent: z.number().min(0).max(100).describe('O4: mean accelerator utilisation of the day, 0–100'),
});

/** O4: one sample `{day, meanPercent}`, a list of them, or `{samples: [...]}`; field errors name `samples.N.…`. */
export const utilisationBodySchema = z.preprocess(
  (v) => (Array.isArray(v) ? { samples: v } : v && typeof v === 'object' && 'day' in v ? { samples: [v] } : v),
  z.strictObject({ samples: z.array(utilisationSampleSchema).min(1).max(400) }),
);

export const utilisationCsvQuery = z.strictObject({ month: isoMonthSchema.describe('the month every row must fall in') });

export const quarterlyDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('CONTINUE'), note: z.string().trim().max(2000).optional() }),
  z.strictObject({ decision: z.literal('INCREASE'), note: z.string().trim().max(2000).optional(), servers: servers.optional() }),
  z.strictObject({ decision: z.literal('DECREASE'), note: z.string().trim().max(2000).optional(), servers: servers.optional() }),
  z.strictObject({
    decision: z.literal('RECLAIM'),
    note: z.string().trim().max(2000).optional(),
    reason: reclaimReasonSchema.describe('Q2/Q3: misuse reasons also restrict the organisation (E5)'),
    text: text(2000),
  }),
]);

export const reclaimSchema = z.strictObject({
  reason: reclaimReasonSchema.describe('Q2/Q3: MISUSE_* and OUT_OF_SCOPE also restrict the organisation (E5); so does FALSE_STATEMENT (E6)'),
  text: text(2000).describe('what was found'),
});

export const quarterlyReviewsQuery = z.strictObject({
  callId: z.string().optional(),
  reviewDate: isoDateSchema.optional(),
  open: z.enum(['true', 'false']).optional().describe('only undecided reviews (true) or decided ones (false)'),
});

export const utilisationQuery = z.strictObject({ month: isoMonthSchema.optional() });

interface AppRow {
  id: string;
  call_id: string;
  status: string;
  pool: 'DEDICATED' | 'SHARED';
  accelerator_type: AcceleratorType;
  units: number;
  granted_type: AcceleratorType | null;
  granted_units: number | null;
  allocated_on: string | null;
  support_ended_on: string | null;
  support_ends_on: string;
  /** K3: the extra storage the application asked for (with its reason), the allocation's default. */
  requested_extra_storage_tb: number | null;
}

const CSV_COLUMNS = ['application_id', 'day', 'mean_percent'] as const;

/** S4: collectors post samples every day; only people's actions go to the audit log. */
const audited = (actor: Actor) => actor.kind === 'OPERATOR' || actor.kind === 'EVALUATOR';

/** O4: the sample problems that refuse a day for an application (none when it may be stored). */
function dayProblem(app: AppRow, day: IsoDate, today: IsoDate): string | undefined {
  if (!app.allocated_on) return `the application is not allocated (status ${app.status})`;
  if (compareDates(day, app.allocated_on) < 0) return `O4: ${day} is before the allocation on ${app.allocated_on}`;
  if (compareDates(day, today) > 0) return `O4: ${day} is in the future`;
  const end = app.support_ended_on ? minDate(app.support_ended_on, app.support_ends_on) : app.support_ends_on;
  if (compareDates(day, end) > 0) return `O4: ${day} is after the end of support on ${end}`;
  return undefined;
}

async function upsertSamples(sql: Sql, rows: Array<{ application_id: string; day: string; mean_percent: number }>) {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`
      insert into utilisation_samples ${sql(chunk, 'application_id', 'day', 'mean_percent')}
      on conflict (application_id, day) do update set mean_percent = excluded.mean_percent, recorded_at = now()`;
  }
}

/** Allocation, setup, utilisation, quarterly decisions, reclamation (O1–O5, Q1–Q3). */
export function operationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql, client } = deps;
  const handleOf = (a: { call_id: string; id: string }) => client.workflow.getHandle(applicationWorkflowId(a.call_id, a.id));

  async function load(id: string): Promise<AppRow> {
    const [row] = await sql<AppRow[]>`
      select a.id, a.call_id, a.status, a.pool, a.accelerator_type, a.units, a.granted_type, a.granted_units,
        a.allocated_on, a.support_ended_on, c.support_ends_on,
        (a.content->'resource'->>'extraStorageTb')::float8 as requested_extra_storage_tb
      from applications a join calls c on c.id = a.call_id where a.id = ${id}`;
    if (!row) throw notFound(`application ${id}`);
    return row;
  }

  async function stateOf(app: AppRow): Promise<ApplicationState> {
    try {
      return await handleOf(app).query(statusQuery);
    } catch {
      throw conflict(`the process of application ${app.id} is not running (status ${app.status})`);
    }
  }

  function assertOwner(actor: Actor, app: AppRow) {
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application');
  }

  return [
    defineRoute({
      method: 'post',
      path: '/applications/:id/allocation',
      tag: 'operators',
      summary: 'Allocate the granted resource (O1, K3, K5); 409 unless selected (or waitlisted with capacity free, V7)',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the allocation', schema: R.allocationResponse },
      params: applicationIdParam,
      body: allocateSchema,
      handler: async ({ params, body, actor, res }) => {
        const app = await load(params.id);
        // The workflow is the authority on status and on the granted resource (V7: the
        // committee may have changed it); the row follows it a moment later.
        const state = await stateOf(app);
        // K3: the storage the application requested is granted unless the operator sets another size.
        const extraStorageTb = body.extraStorageTb ?? app.requested_extra_storage_tb ?? 0;
        const type = state.acceleratorType;
        const units = state.units;
        if (body.servers && app.pool === 'SHARED') {
          throw badRequest([{ field: 'servers', message: 'K2: the shared pool allocates cards, not servers' }]);
        }
        if (body.servers && body.servers.length !== units) {
          throw badRequest([{ field: 'servers', message: `O1: one server per unit: ${units} expected` }]);
        }
        // H1: O1 (selected or offered) and K5 (capacity, extra storage) are the workflow's to
        // refuse: its validator (STATE → 409) and the holding activity (RULE:K5 → 422).
        // S4/S5: checked first; the workflow writes this entry (with the setup end) in the
        // transaction that records the allocation.
        const entry = await auditEntry(sql, actor, 'application.allocate', `application:${app.id}`, { ...body, extraStorageTb, type, units });
        const view = await handleOf(app)
          .executeUpdate(allocateUpdate, {
            updateId: entry.key,
            args: [{
              audit: entry,
              actor: actorLabel(actor),
              servers: body.servers,
              type,
              units,
              storageTb: BASE_STORAGE_TB + extraStorageTb,
              backupTb: BACKUP_STORAGE_TB,
              extraStorageTb,
            }],
          });
        await auditWritten(sql, entry.key);
        res.status(201);
        return view;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/setup-done',
      tag: 'applications',
      summary: 'The applicant reports the environment set up, or an operator records it for them (audited, H1): the setup grace ends early (O2)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'in operation', schema: R.setupDoneResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const app = await load(params.id);
        assertOwner(actor, app);
        const view =
          actor.kind === 'OPERATOR'
            ? await onBehalf(deps).setupDone(app, handleOf(app), actor)
            : await handleOf(app).executeUpdate(setupDoneUpdate, { args: [{ actor: actorLabel(actor) }] });
        return { id: app.id, status: 'IN_OPERATION', setupEnd: view.setupEnd, setupDoneOn: view.setupDoneOn };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/operation',
      tag: 'applications',
      summary: 'The allocation as it runs: setup, judged months, flags, quarterly reviews, reclaim (O1–O5, Q1–Q3, T2)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'the allocation as it runs', schema: R.operationResponse },
      params: applicationIdParam,
      handler: async ({ params, actor }) => {
        const app = await load(params.id);
        assertOwner(actor, app);
        const state = await stateOf(app);
        return {
          id: app.id,
          status: state.status,
          pool: state.pool,
          resource: { type: state.acceleratorType, units: state.units },
          allocation: state.allocation ?? null,
          supportEnd: state.supportEnd ?? null,
          deadlines: liveDeadlines(state, deps.today()).deadlines, // T2: as of today
        };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/utilisation',
      tag: 'operators',
      summary: 'Daily utilisation samples (O4): one {day, meanPercent}, a list, or {samples}; idempotent per day (a repeat corrects)',
      access: ['OPERATOR', 'COLLECTOR'],
      success: { status: 200, description: 'the days stored', schema: R.utilisationStoredResponse },
      params: applicationIdParam,
      body: utilisationBodySchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        if (!app.allocated_on) throw conflict(`O4: samples are taken only for an allocated application (status is ${app.status})`);
        const problems = body.samples
          .map((s, i) => ({ field: `samples.${i}.day`, message: dayProblem(app, s.day, deps.today()) }))
          .filter((p): p is { field: string; message: string } => p.message !== undefined);
        if (problems.length) {
          throw ruleRefused('O4', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems });
        }
        // The same day twice in one body: the last one given wins, as a later request would.
        const byDay = new Map(body.samples.map((s) => [s.day, s.meanPercent]));
        const rows = [...byDay].map(([day, mean]) => ({ application_id: app.id, day, mean_percent: mean }));
        // S4/S5: the samples and (for an operator) the audit row commit together.
        await sql.begin(async (tx) => {
          await upsertSamples(tx as never, rows);
          if (audited(actor)) {
            await audit(tx as never, actor, 'application.utilisation', `application:${app.id}`, { days: [...byDay.keys()] });
          }
        });
        return { id: app.id, stored: rows.length, days: [...byDay.keys()].sort() };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/utilisation',
      tag: 'applications',
      summary: 'Samples of a month (default: the current one) and the judged months (O4)',
      access: ['APPLICANT', 'OPERATOR'],
      success: { status: 200, description: 'samples and judged months', schema: R.utilisationResponse },
      params: applicationIdParam,
      query: utilisationQuery,
      handler: async ({ params, query, actor }) => {
        const app = await load(params.id);
        assertOwner(actor, app);
        const month = query.month ?? monthOf(deps.today());
        const samples = await sql`
          select day, mean_percent::float8 as "meanPercent" from utilisation_samples
          where application_id = ${app.id} and day between ${firstDayOfIsoMonth(month)}::date and ${lastDayOfIsoMonth(month)}::date
          order by day`;
        const months = await sql`
          select month, verdict, mean_percent::float8 as mean, days_counted as "daysCounted", days_missing as "daysMissing",
            judged_on as "judgedOn"
          from utilisation_months where application_id = ${app.id} order by month`;
        return { id: app.id, month, samples, months };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/utilisation/csv',
      tag: 'operators',
      summary: 'CSV upload of one month of samples for many allocations (O4): text/csv rows application_id,day,mean_percent; per-row report of refusals',
      access: ['OPERATOR', 'COLLECTOR'],
      success: { status: 200, description: 'per-row report', schema: R.utilisationCsvResponse },
      query: utilisationCsvQuery,
      bodyType: 'binary',
      bodyMedia: { types: ['text/csv', 'text/plain', 'application/octet-stream'], description: 'CSV text: rows application_id,day,mean_percent (an optional header line first)' },
      middleware: [express.text({ type: ['text/csv', 'text/plain', 'application/octet-stream'], limit: '20mb' })],
      handler: async ({ query, actor, req }) => {
        if (typeof req.body !== 'string' || req.body.trim() === '') {
          throw badRequest([{ field: '(body)', message: 'a text/csv body with rows application_id,day,mean_percent' }]);
        }
        const month = query.month;
        const lines = (req.body as string).split(/\r?\n/);
        type Row = { line: number; applicationId: string; day: string; raw: string };
        const rows: Row[] = [];
        const refused: Array<{ line: number; applicationId?: string; day?: string; field: string; reason: string }> = [];
        lines.forEach((l, i) => {
          const line = i + 1;
          if (l.trim() === '') return;
          const cells = l.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
          if (i === 0 && cells[0]?.toLowerCase() === 'application_id') return; // header
          if (cells.length !== 3) {
            refused.push({ line, field: 'row', reason: `expected 3 columns application_id,day,mean_percent, got ${cells.length}` });
            return;
          }
          rows.push({ line, applicationId: cells[0]!, day: cells[1]!, raw: cells[2]! });
        });
        // S5: a cell is a one-line value; one that PostgreSQL cannot carry refuses the file.
        const unsafe = rows.flatMap((r) =>
          CSV_COLUMNS.flatMap((col, i) => {
            const problem = uncarriableCharacter([r.applicationId, r.day, r.raw][i]!, 'LINE');
            return problem ? [{ field: `(body).line.${r.line}.${col}`, message: problem }] : [];
          }),
        );
        if (unsafe.length) throw badRequest(unsafe.slice(0, 20));
        const ids = [...new Set(rows.map((r) => r.applicationId))];
        // S5: the ids go as one array parameter, so a file of any size stays within PostgreSQL's 65,535 parameters.
        const apps = new Map(
          (ids.length
            ? await sql<AppRow[]>`
                select a.id, a.call_id, a.status, a.pool, a.accelerator_type, a.units, a.granted_type, a.granted_units,
                  a.allocated_on, a.support_ended_on, c.support_ends_on
                from applications a join calls c on c.id = a.call_id where a.id = any(${sql.array(ids)}::text[])`
            : []
          ).map((a) => [a.id, a]),
        );
        const seen = new Map<string, number>();
        const accepted: Array<{ application_id: string; day: string; mean_percent: number }> = [];
        const today = deps.today();
        for (const r of rows) {
          const refuse = (field: string, reason: string) => refused.push({ line: r.line, applicationId: r.applicationId, day: r.day, field, reason });
          const app = apps.get(r.applicationId);
          if (!app) { refuse('application_id', 'unknown application'); continue; }
          if (!isIsoDate(r.day)) { refuse('day', "T1: not a calendar date 'YYYY-MM-DD'"); continue; }
          if (monthOf(r.day) !== month) { refuse('day', `outside the month ${month}`); continue; }
          const n = r.raw === '' ? NaN : Number(r.raw);
          if (!Number.isFinite(n) || n < 0 || n > 100) { refuse('mean_percent', `O4: not a percentage within 0..100: ${JSON.stringify(r.raw)}`); continue; }
          const problem = dayProblem(app, r.day, today);
          if (problem) { refuse(app.allocated_on ? 'day' : 'application_id', problem); continue; }
          const key = `${r.applicationId}|${r.day}`;
          if (seen.has(key)) { refuse('day', `duplicate of line ${seen.get(key)}`); continue; }
          seen.set(key, r.line);
          accepted.push({ application_id: r.applicationId, day: r.day, mean_percent: n });
        }
        refused.sort((a, b) => a.line - b.line);
        const report = { month, rows: rows.length + refused.filter((r) => r.field === 'row').length, accepted: accepted.length, refused };
        if (accepted.length === 0) throw ruleRefused('O4', `no row of the file could be stored (${refused.length} refused)`, report);
        // S4/S5: every accepted row and the audit row in one transaction: a file is stored whole or not at all.
        await sql.begin(async (tx) => {
          await upsertSamples(tx as never, accepted);
          if (audited(actor)) {
            await audit(tx as never, actor, 'utilisation.csv', `month:${month}`, { accepted: accepted.length, refused: refused.length, applications: ids.length });
          }
        });
        return report;
      },
    }),

    defineRoute({
      method: 'get',
      path: '/quarterly-reviews',
      tag: 'operators',
      summary: 'Quarterly reviews with their recommendation and decision (Q1, I2)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'quarterly reviews', schema: R.quarterlyReviewsResponse },
      query: quarterlyReviewsQuery,
      handler: async ({ query }) => {
        const rows = await sql`
          select r.application_id as "applicationId", r.call_id as "callId", r.review_date as "reviewDate", r.due_on as "dueOn",
            a.title, a.organisation_name as "organisationName", a.pool, r.resource, r.recommendation, r.verdicts,
            r.decision, r.decided_by as "decidedBy", r.decided_on as "decidedOn", r.defaulted, r.new_resource as "newResource"
          from quarterly_reviews r join applications a on a.id = r.application_id
          where true
            ${query.callId ? sql`and r.call_id = ${query.callId}` : sql``}
            ${query.reviewDate ? sql`and r.review_date = ${query.reviewDate}` : sql``}
            ${query.open === 'true' ? sql`and r.decision is null` : query.open === 'false' ? sql`and r.decision is not null` : sql``}
          order by r.review_date, r.application_id`;
        return { items: rows };
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/quarterly-decision',
      tag: 'operators',
      summary: 'Decide the open quarterly review (Q1): INCREASE / CONTINUE / DECREASE within capacity (K5), or RECLAIM (Q2/Q3)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the decision', schema: R.quarterlyDecisionResponse },
      params: applicationIdParam,
      body: quarterlyDecisionSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        const state = await stateOf(app);
        const review = state.allocation?.reviews.find((r) => !r.decision);
        if (!state.allocation || !review) throw conflict(`Q1: no quarterly review is open for this allocation (status is ${state.status})`);
        let to: { type: AcceleratorType; units: number } | undefined;
        if (body.decision === 'INCREASE' || body.decision === 'DECREASE') {
          const step = adjustResource(state.allocation.resource, body.decision);
          if (!step) {
            throw ruleRefused('Q1', `${state.allocation.resource.type} × ${state.allocation.resource.units} has no ${body.decision === 'INCREASE' ? 'larger' : 'smaller'} step`);
          }
          to = { type: step.type, units: step.units }; // K5: the workflow's activity refuses it without capacity (RULE:K5 → 422)
        }
        const request =
          body.decision === 'RECLAIM'
            ? { decision: 'RECLAIM' as const, actor: actorLabel(actor), note: body.note, reason: body.reason, text: body.text }
            : body.decision === 'CONTINUE'
              ? { decision: 'CONTINUE' as const, actor: actorLabel(actor), note: body.note }
              : { decision: body.decision, actor: actorLabel(actor), note: body.note, to: to!, servers: body.servers };
        // S4/S5: the workflow writes this entry (with review date, from, to) with the decision's row.
        const entry = await auditEntry(sql, actor, 'application.quarterly-decision', `application:${app.id}`, { ...body });
        const decided = await handleOf(app)
          .executeUpdate(quarterlyDecisionUpdate, { updateId: entry.key, args: [{ ...request, audit: entry }] });
        await auditWritten(sql, entry.key);
        return decided;
      },
    }),

    defineRoute({
      method: 'post',
      path: '/applications/:id/reclaim',
      tag: 'operators',
      summary: 'Reclaim now (Q2) with a reason; misuse (Q3) also restricts the organisation (E5)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'reclaimed', schema: R.reclaimResponse },
      params: applicationIdParam,
      body: reclaimSchema,
      handler: async ({ params, body, actor }) => {
        const app = await load(params.id);
        // S4/S5: the workflow writes this entry (with `restricted`) with the support end it records.
        const entry = await auditEntry(sql, actor, 'application.reclaim', `application:${app.id}`, { ...body });
        const result = await handleOf(app).executeUpdate(reclaimUpdate, { updateId: entry.key, args: [{ actor: actorLabel(actor), ...body, audit: entry }] });
        await auditWritten(sql, entry.key);
        return { id: app.id, ...result };
      },
    }),
  ];
}
