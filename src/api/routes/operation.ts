import * as R from '../responses';
import { z } from 'zod';
import { BACKUP_STORAGE_TB, BASE_STORAGE_TB } from '../../domain';
import {
  allocateUpdate,
  setupDoneUpdate,
} from '../../contracts/operation';
import { actorLabel } from '../auth';
import { liveDeadlines } from '../live-deadlines';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { badRequest } from '../errors';
import { defineRoute, type RouteSpec } from '../route';
import { applicationIdParam } from '../schemas';
import { onBehalf } from './on-behalf';
import { operationSupport, servers } from './operation-support';

export const allocateSchema = z.strictObject({
  servers: servers.optional().describe('dedicated: which servers, one per unit'),
  extraStorageTb: z.number().min(0).max(10000).optional().describe('K3: granted beyond 50 TB + 20 TB; omitted: the extra storage the application requested'),
});

/** Allocation, setup and the allocation as it runs (O1, O2, O5); utilisation (O4) and quarterly reviews with reclamation (Q1–Q3) have their own files. */
export function operationRoutes(deps: ApiDeps): Array<RouteSpec<any, any, any, any>> {
  const { sql } = deps;
  const { handleOf, load, stateOf, assertOwner } = operationSupport(deps);

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
  ];
}
