import * as R from '../responses';
import express from 'express';
import { z } from 'zod';
import {
  compareDates,
  firstDayOfIsoMonth,
  isIsoDate,
  isoDateSchema,
  isoMonthSchema,
  lastDayOfIsoMonth,
  minDate,
  monthOf,
  uncarriableCharacter,
  type IsoDate,
} from '../../domain';
import { operationApps, type OperationAppRow } from '../../db/operation';
import { judgedMonths, upsertUtilisationSamples, utilisationSamplesBetween, type UtilisationSampleRow } from '../../db/utilisation';
import type { Actor } from '../auth';
import { audit, type ApiDeps } from '../context';
import { badRequest, conflict, ruleRefused } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';
import { operationSupport } from './operation-support';

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

export const utilisationQuery = z.strictObject({ month: isoMonthSchema.optional() });

const CSV_COLUMNS = ['application_id', 'day', 'mean_percent'] as const;

/** S4: collectors post samples every day; only people's actions go to the audit log. */
const audited = (actor: Actor) => actor.kind === 'OPERATOR' || actor.kind === 'EVALUATOR';

/** O4: the sample problems that refuse a day for an application (none when it may be stored). */
function dayProblem(app: OperationAppRow, day: IsoDate, today: IsoDate): string | undefined {
  if (!app.allocated_on) return `the application is not allocated (status ${app.status})`;
  if (compareDates(day, app.allocated_on) < 0) return `O4: ${day} is before the allocation on ${app.allocated_on}`;
  if (compareDates(day, today) > 0) return `O4: ${day} is in the future`;
  const end = app.support_ended_on ? minDate(app.support_ended_on, app.support_ends_on) : app.support_ends_on;
  if (compareDates(day, end) > 0) return `O4: ${day} is after the end of support on ${end}`;
  return undefined;
}

/** Utilisation samples, posted one by one or as a month's CSV, and the judged months (O4). */
export function utilisationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;
  const { load, assertOwner } = operationSupport(deps);

  return [
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
          await upsertUtilisationSamples(tx as never, rows);
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
        const samples = await utilisationSamplesBetween(sql, app.id, firstDayOfIsoMonth(month), lastDayOfIsoMonth(month));
        const months = await judgedMonths(sql, app.id);
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
        // S5: the ids go as one array parameter (operationApps), so a file of any size stays within PostgreSQL's limits.
        const apps = new Map((await operationApps(sql, ids)).map((a) => [a.id, a]));
        const seen = new Map<string, number>();
        const accepted: UtilisationSampleRow[] = [];
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
          await upsertUtilisationSamples(tx as never, accepted);
          if (audited(actor)) {
            await audit(tx as never, actor, 'utilisation.csv', `month:${month}`, { accepted: accepted.length, refused: refused.length, applications: ids.length });
          }
        });
        return report;
      },
    }),
  ];
}
