import * as R from '../api/responses';
import { z } from 'zod';
import { batchProgress, batchRankingCandidates, missingList } from '../activities/evaluation';
import { callRemainingCapacity } from '../activities/capacity';
import { audit, type ApiDeps } from '../api/context';
import { notFound } from '../api/errors';
import { defineRoute, type RouteSpec } from '../api/route';
import { loadCall } from '../api/routes/calls';
import { applicationIdParam, callIdParam, listApplicationsQuery } from '../api/schemas';
import { ACCELERATOR_TYPES, CRITERION_KEYS, meanScores, rankAndAllocate, round2, total, type AcceleratorType, type Scores } from '../domain';
import { applicationsSheet, outcomesSheet, selectionSheet, utilisationSheet } from './exports';
import { sendSheet, type Sheet, type SheetFormat } from './spreadsheet';
import { surveySheet } from './survey-export';
import { todaysWork } from './today';

/**
 * The JSON (and file) routes the console reads besides the existing API (H4): today's
 * work, an application's scores, the selection preview and the four exports. Declared
 * like every route, so they are validated, in /openapi.json and open to API clients too.
 */
const format = z.enum(['xlsx', 'csv']).default('xlsx').describe('xlsx (default) or csv (UTF-8 with BOM)');
const batchParams = callIdParam.extend({ batchId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'not a batch id (e.g. 2024-1-2024-03-31)') });
const exportApplicationsQuery = listApplicationsQuery.omit({ page: true, pageSize: true }).extend({ format });

export function consoleApiRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;

  async function loadBatch(callId: string, batchId: string) {
    const [b] = await sql<Array<{ id: string; call_id: string; min_evaluators: number; selected_at: Date | null }>>`
      select b.id, b.call_id, b.selected_at, coalesce((c.settings->>'minEvaluators')::int, 5) as min_evaluators
      from batches b join calls c on c.id = b.call_id where b.id = ${batchId} and b.call_id = ${callId}`;
    if (!b) throw notFound(`batch ${batchId} of call ${callId}`);
    return b;
  }

  const exported = (actor: Parameters<typeof audit>[1], what: string, detail: Record<string, unknown>) =>
    audit(sql, actor, `export.${what}`, `export:${what}`, detail); // S4: who took which data out

  /** H4: one export of a whole call (its sheet, audited as who took which data out). */
  const callExport = (what: 'utilisation' | 'outcomes' | 'survey', summary: string, sheetOf: (db: typeof sql, callId: string) => Promise<Sheet>) =>
    defineRoute({
      method: 'get',
      path: `/exports/calls/:id/${what}`,
      tag: 'exports',
      summary,
      access: ['OPERATOR'],
      success: { status: 200, description: 'the export', media: R.EXPORT },
      params: callIdParam,
      query: z.strictObject({ format }),
      handler: async ({ params, query, actor, res }) => {
        await loadCall(deps, params.id);
        const sheet = await sheetOf(sql, params.id);
        await exported(actor, what, { callId: params.id, rows: sheet.rows.length, format: query.format });
        await sendSheet(res, sheet, query.format as SheetFormat, `${what}-${params.id}`);
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/work/today',
      tag: 'operators',
      summary: "Today's work (H4): everything waiting for an operator, ordered by its due date, each with its rule",
      access: ['OPERATOR'],
      success: { status: 200, description: "today's work", schema: R.todaysWorkResponse },
      query: z.strictObject({ callId: callIdParam.shape.id.optional() }),
      handler: async ({ query }) => {
        const today = deps.today();
        return { today, items: await todaysWork(sql, today, { callId: query.callId }) };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/applications/:id/evaluations',
      tag: 'evaluation',
      summary: "Every evaluator's scores of an application and their mean (operators only, S2; V3)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'scores and mean', schema: R.evaluationsResponse },
      params: applicationIdParam,
      handler: async ({ params }) => {
        const rows = await sql<Array<{ evaluator_id: string; name: string; scores: Scores; created_at: Date; updated_at: Date }>>`
          select e.evaluator_id, k.name, e.scores, e.created_at, e.updated_at
          from evaluations e join api_keys k on k.id = e.evaluator_id where e.application_id = ${params.id} order by k.name, e.evaluator_id`;
        const mean = rows.length ? meanScores(rows.map((r) => r.scores)) : null;
        return {
          applicationId: params.id,
          items: rows.map((r) => ({ evaluatorId: r.evaluator_id, evaluator: r.name, scores: r.scores, total: total(r.scores), submittedAt: r.created_at, updatedAt: r.updated_at })),
          mean: mean ? Object.fromEntries(CRITERION_KEYS.map((k) => [k, round2(mean[k])])) : null,
          total: mean ? total(mean) : null,
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/calls/:id/batches/:batchId/selection-preview',
      tag: 'evaluation',
      summary: 'What the selection would do now (V5–V7, K5): the ranking, the capacity line per type and who would wait; changes nothing',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the preview', schema: R.selectionPreviewResponse },
      params: batchParams,
      handler: async ({ params }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const call = await loadCall(deps, batch.call_id);
        const progress = await batchProgress(sql, batch.id, batch.min_evaluators);
        const { candidates, means } = await batchRankingCandidates(sql, batch.id);
        const capacity = await callRemainingCapacity(sql, batch.call_id);
        // The domain's ranking, as the selection runs it (src/activities/evaluation.ts).
        const ranked = rankAndAllocate(candidates, capacity);
        const byId = new Map(progress.members.map((m) => [m.applicationId, m]));
        const lines = Object.fromEntries(
          ACCELERATOR_TYPES.map((t: AcceleratorType) => {
            const selected = ranked.filter((r) => r.resource.type === t && r.outcome === 'SELECTED');
            return [t, {
              capacity: (call.capacity as Record<string, number>)[t] ?? 0,
              available: capacity[t],
              selectedUnits: selected.reduce((s, r) => s + r.resource.units, 0),
              lastSelectedRank: selected.at(-1)?.rank ?? null,
            }];
          }),
        );
        return {
          batchId: batch.id,
          selected: batch.selected_at !== null,
          ready: progress.inPlay > 0 && progress.short.length === 0,
          short: missingList(progress, progress.short.length),
          capacity: lines,
          ranking: ranked.map((r) => ({
            ...r,
            title: byId.get(r.applicationId)?.title ?? '',
            organisation: byId.get(r.applicationId)?.organisationName ?? '',
            priority: byId.get(r.applicationId)?.priority ?? false,
            scores: Object.fromEntries(CRITERION_KEYS.map((k) => [k, round2(means.get(r.applicationId)![k])])),
          })),
          waitlisted: ranked.filter((r) => r.outcome === 'WAITLISTED').map((r) => r.applicationId),
        };
      },
    }),

    defineRoute({
      method: 'get',
      path: '/exports/applications',
      tag: 'exports',
      summary: 'The applications list with filters (call, status, pool, type) as XLSX or CSV (H4; no personal data, S3)',
      access: ['OPERATOR'],
      success: { status: 200, description: 'the export', media: R.EXPORT },
      query: exportApplicationsQuery,
      handler: async ({ query, actor, res }) => {
        const sheet = await applicationsSheet(sql, query, deps.today());
        await exported(actor, 'applications', { filters: { ...query, format: undefined }, rows: sheet.rows.length, format: query.format });
        await sendSheet(res, sheet, query.format as SheetFormat, `applications-${query.callId ?? 'all'}-${deps.today()}`);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/exports/calls/:id/batches/:batchId/selection',
      tag: 'exports',
      summary: "A batch's selection result (V5–V7) as XLSX or CSV (H4)",
      access: ['OPERATOR'],
      success: { status: 200, description: 'the export', media: R.EXPORT },
      params: batchParams,
      query: z.strictObject({ format }),
      handler: async ({ params, query, actor, res }) => {
        const batch = await loadBatch(params.id, params.batchId);
        const sheet = await selectionSheet(sql, batch.id);
        await exported(actor, 'selection', { batchId: batch.id, rows: sheet.rows.length, format: query.format });
        await sendSheet(res, sheet, query.format as SheetFormat, `selection-${batch.id}`);
      },
    }),

    callExport('utilisation', 'Utilisation per allocation per month of a call (O4, I1) as XLSX or CSV (H4)', utilisationSheet),
    callExport('outcomes', 'The R4 outcomes of a call, per application and category, as XLSX or CSV (H4)', outcomesSheet),
    callExport('survey', 'The R6 satisfaction survey responses of a call, one column per question, as XLSX or CSV (H4)', surveySheet),
  ];
}
