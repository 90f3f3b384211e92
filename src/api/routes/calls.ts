import * as R from '../responses';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  callContacts,
  callWorkflowId,
  compareDates,
  cutoffProblem,
  defaultSurveyDay,
  DEFAULT_SURVEY_QUESTIONS,
  type SurveyQuestion,
  EARLY_CLOSE_NOTICE_DAYS,
  intakeViolations,
  type IsoDate,
} from '../../domain';
import { setSurveyQuestions } from '../../db/surveys';
import { callWorkflow } from '../../workflows/call';
import { surveyWorkflow } from '../../workflows/survey';
import { batchIdOf, surveyWorkflowId } from '../../contracts/ids';
import { addBatchUpdate, callStatusQuery, earlyCloseUpdate, type CallState } from '../../contracts/call';
import { CallIdAttr } from '../../contracts/search-attributes';
import { actorLabel } from '../auth';
import { audit, auditEntry, type ApiDeps } from '../context';
import { conflict, notFound, ruleRefused } from '../errors';
import { defineRoute } from '../route';
import { addBatchSchema, CALL_SETTINGS_DEFAULTS, callIdParam, createCallSchema, earlyCloseSchema, type CreateCall } from '../schemas';

interface CallRow {
  id: string;
  title: string;
  announced_on: string;
  closes_on: string | null;
  support_ends_on: string;
  capacity: CreateCall['capacity'];
  settings: CreateCall['settings'];
  survey_on: string | null;
  contacts: CreateCall['contacts'] | null;
  training: CreateCall['training'] | null;
  survey_url: string | null;
  survey_questions: SurveyQuestion[] | null;
}

/**
 * C1/C3: whether the call takes drafts and submissions today, and if not, why (the
 * domain's rule, the same the application routes refuse with). Every call shows it, also
 * one whose workflow has finished (a support end passed closes the intake).
 */
function intakeOf(r: CallRow, today: IsoDate) {
  const [closed] = intakeViolations({ announcedOn: r.announced_on, closesOn: r.closes_on, supportEndsOn: r.support_ends_on }, today);
  return { open: closed === undefined, closedReason: closed ? { rule: closed.rule, message: closed.message } : null };
}

const callView = (r: CallRow, today: IsoDate, state?: CallState) => ({
  id: r.id,
  title: r.title,
  announcedOn: r.announced_on,
  closesOn: r.closes_on,
  supportEndsOn: r.support_ends_on,
  capacity: r.capacity,
  // R2/R5: settings stored before a setting existed show its default (the rule the workflow applies).
  settings: { ...CALL_SETTINGS_DEFAULTS, ...r.settings },
  surveyOn: r.survey_on,
  // N2: the desks its notices name (the defaults under what the call gave); O3: its training.
  contacts: callContacts(r.contacts as never),
  training: r.training ?? null,
  surveyUrl: r.survey_url ?? null,
  surveyQuestions: r.survey_questions ?? [...DEFAULT_SURVEY_QUESTIONS], // R6: the form questions
  ...intakeOf(r, today),
  ...(state ? { earlyClose: state.earlyClose ?? null, batches: state.batches } : {}),
});

/** H2: a summary is one line; long call titles are cut. */
const oneLine = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

export async function loadCall(deps: ApiDeps, id: string): Promise<CallRow> {
  const [row] = await deps.sql<CallRow[]>`select * from calls where id = ${id}`;
  if (!row) throw notFound(`call ${id}`);
  return row;
}

export function callRoutes(deps: ApiDeps) {
  const { sql, client, config } = deps;
  const handle = (id: string) => client.workflow.getHandle(callWorkflowId(id));

  /**
   * Starts a call's workflow while POST /calls holds the call's id in its transaction: one
   * already running then is an orphan of an attempt that died before its commit (no row
   * exists for it), so it is terminated and this one started in its place. (Portable: the
   * time-skipping test server has no WorkflowIdConflictPolicy.)
   */
  const startReplacingOrphan: typeof client.workflow.start = async (wf, options) => {
    try {
      return await client.workflow.start(wf, options);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await client.workflow.getHandle(options.workflowId).terminate('S4/S5: orphan of a POST /calls that did not commit');
      return client.workflow.start(wf, options);
    }
  };

  return [
    defineRoute({
      method: 'post',
      path: '/calls',
      tag: 'calls',
      summary: 'Create a call (C1, C4) and start its call workflow',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the call', schema: R.callResponse },
      body: createCallSchema,
      example: {
        id: '2027-1',
        title: '2027년 AI데이터센터 서비스 이용자 상시모집',
        announcedOn: '2027-01-04',
        supportEndsOn: '2027-12-31',
        capacity: { T4: 10, H100: 4, BOW: 64, extraStorageTb: 100 },
        cutoffs: ['2027-01-29', '2027-02-26'],
      },
      handler: async ({ body, actor, res }) => {
        // R6: every call surveys its users once a year; without a day given, a month before the support end.
        const surveyOn = body.surveyOn ?? defaultSurveyDay(body.supportEndsOn);
        const addedBy = actorLabel(actor);
        // S5: everything is checked before anything is written or started: the C2 cutoffs
        // (the rule the workflow's validator applies to a later one) and, by PostgreSQL
        // itself, that every value can be stored.
        const cutoffs = [...body.cutoffs].sort(compareDates);
        const problems = cutoffs
          .map((c, i) => ({ field: `cutoffs.${body.cutoffs.indexOf(c)}`, message: cutoffProblem(c, deps.today(), body.supportEndsOn, cutoffs.slice(0, i)) }))
          .filter((p): p is { field: string; message: string } => p.message !== undefined);
        if (problems.length) throw ruleRefused('C2', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems });

        // S4/S5: the row, its batches and the audit row in one transaction, and the two
        // workflows started inside it, before the commit. Anything failing rolls the rows back
        // and terminates what was started, so an error leaves no call and no process. The
        // workflow ids are the call's (H2); one found running while this transaction holds
        // the call's id can only be the orphan of an attempt that died before its commit, so
        // it is terminated and replaced, so a retry heals that case too.
        const started: Array<{ terminate(reason?: string): Promise<unknown> }> = [];
        const searchAttributes = deps.searchAttributes ? { typedSearchAttributes: [{ key: CallIdAttr, value: body.id }] } : {};
        try {
          const row = await sql.begin(async (tx) => {
            const [inserted] = await tx<CallRow[]>`
              insert into calls (id, title, announced_on, closes_on, support_ends_on, capacity, settings, survey_on, contacts, training, survey_url)
              values (${body.id}, ${body.title}, ${body.announcedOn}, ${body.closesOn ?? null}, ${body.supportEndsOn},
                      ${sql.json(body.capacity)}, ${sql.json(body.settings)}, ${surveyOn},
                      ${body.contacts ? sql.json(body.contacts as never) : null}, ${body.training ? sql.json(body.training as never) : null}, ${body.surveyUrl ?? null})
              on conflict (id) do nothing returning *`;
            if (!inserted) throw conflict(`call ${body.id} exists`);
            if (body.surveyQuestions) {
              await setSurveyQuestions(tx as never, body.id, body.surveyQuestions); // R6
              inserted.survey_questions = body.surveyQuestions;
            }
            for (const cutoff of cutoffs) {
              await tx`insert into batches (id, call_id, cutoff, created_by) values (${batchIdOf(body.id, cutoff)}, ${body.id}, ${cutoff}, ${addedBy})`;
            }
            started.push(
              await startReplacingOrphan(callWorkflow, {
                workflowId: callWorkflowId(body.id),
                // H2: readable in the Temporal UI's list.
                staticSummary: `call ${body.id} · ${oneLine(body.title)}`,
                staticDetails: [
                  `- **Call ${body.id}** ${body.title}`,
                  `- **Announced** ${body.announcedOn} · **closes** ${body.closesOn ?? 'rolling (no close date yet)'} · **support ends** ${body.supportEndsOn}`,
                  `- **Capacity** T4 ${body.capacity.T4} · H100 ${body.capacity.H100} · BOW ${body.capacity.BOW} cards`,
                ].join('\n'),
                taskQueue: config.TEMPORAL_TASK_QUEUE,
                args: [
                  {
                    callId: body.id,
                    closesOn: body.closesOn,
                    supportEndsOn: body.supportEndsOn,
                    cutoffs,
                    cutoffsAddedBy: addedBy,
                    minEvaluators: body.settings.minEvaluators,
                    ...(config.WORKFLOW_HISTORY_BOUND ? { historyBound: config.WORKFLOW_HISTORY_BOUND } : {}),
                  },
                ],
                ...searchAttributes,
              }),
            );
            started.push(
              await startReplacingOrphan(surveyWorkflow, {
                workflowId: surveyWorkflowId(body.id),
                staticSummary: `survey of call ${body.id} · yearly on ${surveyOn} (R6) until ${body.supportEndsOn}`,
                taskQueue: config.TEMPORAL_TASK_QUEUE,
                args: [{ callId: body.id, surveyOn, supportEndsOn: body.supportEndsOn }],
                ...searchAttributes,
              }),
            );
            // Last, so that every write before the commit (and both starts) is covered by the rollback path.
            await audit(tx as never, actor, 'call.create', `call:${body.id}`, { body });
            return inserted;
          });
          res.status(201);
          return callView(row, deps.today());
        } catch (err) {
          for (const h of started) await h.terminate('S4/S5: POST /calls failed; nothing of it is kept').catch(() => undefined);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls',
      tag: 'calls',
      summary: 'List calls',
      access: ['PUBLIC'],
      success: { status: 200, description: 'every call', schema: R.callListResponse },
      handler: async () => {
        const rows = await sql<CallRow[]>`select * from calls order by announced_on desc, id`;
        return { items: rows.map((r) => callView(r, deps.today())) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/calls/:id',
      tag: 'calls',
      summary: 'A call with its batches and whether it is open (C1–C3)',
      access: ['PUBLIC'],
      success: { status: 200, description: 'the call, with its batches and whether it is open', schema: R.callResponse },
      params: callIdParam,
      handler: async ({ params }) => {
        const row = await loadCall(deps, params.id);
        const state = await handle(params.id).query(callStatusQuery).catch(() => undefined);
        return callView(row, deps.today(), state);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/calls/:id/batches',
      tag: 'calls',
      summary: 'Add an evaluation batch cutoff (C2)',
      access: ['OPERATOR'],
      success: { status: 201, description: 'the batch', schema: R.batchAddedResponse },
      params: callIdParam,
      body: addBatchSchema,
      handler: async ({ params, body, actor, res }) => {
        await loadCall(deps, params.id);
        // S4: the workflow's recordBatch writes this entry with the batch row (batchId added there).
        const entry = await auditEntry(sql, actor, 'call.batch.add', `call:${params.id}`, { cutoff: body.cutoff });
        const batch = await handle(params.id).executeUpdate(addBatchUpdate, {
          updateId: entry.key,
          args: [{ cutoff: body.cutoff, actor: actorLabel(actor), audit: entry }],
        });
        // S4: the handler awaited the activity that wrote the audit row with the change, so its
        // answer proves the write: nothing to poll for.
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
      success: { status: 200, description: 'the new close date', schema: R.earlyCloseResponse },
      params: callIdParam,
      body: earlyCloseSchema,
      handler: async ({ params, body, actor }) => {
        await loadCall(deps, params.id);
        // H1: C3's notice is the workflow validator's to refuse (RULE:C3 → 422, src/contracts/refusal.ts).
        // S4: the workflow's recordCallClose writes this entry with the new close date.
        const entry = await auditEntry(sql, actor, 'call.early-close', `call:${params.id}`, { closesOn: body.closesOn });
        const state = await handle(params.id).executeUpdate(earlyCloseUpdate, {
          updateId: entry.key,
          args: [{ closesOn: body.closesOn, actor: actorLabel(actor), audit: entry }],
        });
        // S4: the handler awaited the activity that wrote the audit row with the change, so its
        // answer proves the write: nothing to poll for.
        return { closesOn: state.closesOn, earlyClose: state.earlyClose };
      },
    }),
  ];
}
