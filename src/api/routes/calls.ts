import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { callWorkflowId, defaultSurveyDay, earlyCloseAllowed, EARLY_CLOSE_NOTICE_DAYS } from '../../domain';
import { callWorkflow } from '../../workflows/call';
import { surveyWorkflow, surveyWorkflowId } from '../../workflows/survey';
import { addBatchUpdate, callStatusQuery, earlyCloseUpdate, type CallState } from '../../workflows/messages';
import { CallIdAttr } from '../../workflows/search-attributes';
import { audit, type ApiDeps } from '../context';
import { conflict, notFound, ruleRefused } from '../errors';
import { defineRoute } from '../route';
import { addBatchSchema, callIdParam, createCallSchema, earlyCloseSchema, type CreateCall } from '../schemas';

interface CallRow {
  id: string;
  title: string;
  announced_on: string;
  closes_on: string | null;
  support_ends_on: string;
  capacity: CreateCall['capacity'];
  settings: CreateCall['settings'];
  survey_on: string | null;
}

const callView = (r: CallRow, state?: CallState) => ({
  id: r.id,
  title: r.title,
  announcedOn: r.announced_on,
  closesOn: r.closes_on,
  supportEndsOn: r.support_ends_on,
  capacity: r.capacity,
  settings: r.settings,
  surveyOn: r.survey_on,
  ...(state ? { open: state.open, earlyClose: state.earlyClose ?? null, batches: state.batches } : {}),
});

export async function loadCall(deps: ApiDeps, id: string): Promise<CallRow> {
  const [row] = await deps.sql<CallRow[]>`select * from calls where id = ${id}`;
  if (!row) throw notFound(`call ${id}`);
  return row;
}

export function callRoutes(deps: ApiDeps) {
  const { sql, client, config } = deps;
  const handle = (id: string) => client.workflow.getHandle(callWorkflowId(id));

  return [
    defineRoute({
      method: 'post',
      path: '/calls',
      tag: 'calls',
      summary: 'Create a call (C1, C4) and start its call workflow',
      access: ['OPERATOR'],
      body: createCallSchema,
      handler: async ({ body, actor, res }) => {
        // R6: every call surveys its users once a year; without a day given, a month before the support end.
        const surveyOn = body.surveyOn ?? defaultSurveyDay(body.supportEndsOn);
        const inserted = await sql<CallRow[]>`
          insert into calls (id, title, announced_on, closes_on, support_ends_on, capacity, settings, survey_on)
          values (${body.id}, ${body.title}, ${body.announcedOn}, ${body.closesOn ?? null}, ${body.supportEndsOn},
                  ${sql.json(body.capacity)}, ${sql.json(body.settings)}, ${surveyOn})
          on conflict (id) do nothing returning *`;
        if (!inserted[0]) throw conflict(`call ${body.id} exists`);
        try {
          await client.workflow.start(callWorkflow, {
            workflowId: callWorkflowId(body.id),
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            args: [{ callId: body.id, closesOn: body.closesOn, supportEndsOn: body.supportEndsOn, cutoffs: [], minEvaluators: body.settings.minEvaluators }],
            ...(deps.searchAttributes ? { typedSearchAttributes: [{ key: CallIdAttr, value: body.id }] } : {}),
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
            await sql`delete from calls where id = ${body.id}`;
            throw err;
          }
        }
        try {
          await client.workflow.start(surveyWorkflow, {
            workflowId: surveyWorkflowId(body.id),
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            args: [{ callId: body.id, surveyOn, supportEndsOn: body.supportEndsOn }],
            ...(deps.searchAttributes ? { typedSearchAttributes: [{ key: CallIdAttr, value: body.id }] } : {}),
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        for (const cutoff of body.cutoffs) {
          await handle(body.id).executeUpdate(addBatchUpdate, { args: [{ cutoff, actor: `operator:${(actor as { id: string }).id}` }] });
        }
        await audit(sql, actor, 'call.create', `call:${body.id}`, { body });
        res.status(201);
        return callView(inserted[0]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls',
      tag: 'calls',
      summary: 'List calls',
      access: ['PUBLIC'],
      handler: async () => {
        const rows = await sql<CallRow[]>`select * from calls order by announced_on desc, id`;
        return { items: rows.map((r) => callView(r)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls/:id',
      tag: 'calls',
      summary: 'A call with its batches and whether it is open (C1–C3)',
      access: ['PUBLIC'],
      params: callIdParam,
      handler: async ({ params }) => {
        const row = await loadCall(deps, params.id);
        const state = await handle(params.id).query(callStatusQuery).catch(() => undefined);
        return callView(row, state);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/calls/:id/batches',
      tag: 'calls',
      summary: 'Add an evaluation batch cutoff (C2)',
      access: ['OPERATOR'],
      params: callIdParam,
      body: addBatchSchema,
      handler: async ({ params, body, actor, res }) => {
        await loadCall(deps, params.id);
        const batch = await handle(params.id).executeUpdate(addBatchUpdate, {
          args: [{ cutoff: body.cutoff, actor: `operator:${(actor as { id: string }).id}` }],
        });
        await audit(sql, actor, 'call.batch.add', `call:${params.id}`, { cutoff: body.cutoff, batchId: batch.batchId });
        res.status(201);
        return batch;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/calls/:id/early-close',
      tag: 'calls',
      summary: `Close a rolling call early, with at least ${EARLY_CLOSE_NOTICE_DAYS} days' notice (C3)`,
      access: ['OPERATOR'],
      params: callIdParam,
      body: earlyCloseSchema,
      handler: async ({ params, body, actor }) => {
        await loadCall(deps, params.id);
        if (!earlyCloseAllowed(deps.today(), body.closesOn)) {
          throw ruleRefused('C3', `an early close needs at least ${EARLY_CLOSE_NOTICE_DAYS} days' notice: ${body.closesOn} is too soon`);
        }
        const state = await handle(params.id).executeUpdate(earlyCloseUpdate, {
          args: [{ closesOn: body.closesOn, actor: `operator:${(actor as { id: string }).id}` }],
        });
        await audit(sql, actor, 'call.early-close', `call:${params.id}`, { closesOn: body.closesOn });
        return { closesOn: state.closesOn, earlyClose: state.earlyClose };
      },
    }),
  ];
}
