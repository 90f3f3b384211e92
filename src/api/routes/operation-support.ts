import { z } from 'zod';
import { applicationWorkflowId } from '../../domain';
import { operationApp, type OperationAppRow } from '../../db/operation';
import { statusQuery, type ApplicationState } from '../../contracts/application';
import type { Actor } from '../auth';
import type { ApiDeps } from '../context';
import { conflict, forbidden, notFound } from '../errors';

/** O1/Q1: the servers of a dedicated allocation, one per unit. */
export const servers = z.array(z.string().trim().min(1).max(100)).min(1).max(16);

/** What the operation routes (allocation, utilisation, quarterly) share: load for the actor, the workflow's state. */
export function operationSupport(deps: ApiDeps) {
  const { sql, client } = deps;
  const handleOf = (a: { call_id: string; id: string }) => client.workflow.getHandle(applicationWorkflowId(a.call_id, a.id));

  async function load(id: string): Promise<OperationAppRow> {
    const row = await operationApp(sql, id);
    if (!row) throw notFound(`application ${id}`);
    return row;
  }

  async function stateOf(app: OperationAppRow): Promise<ApplicationState> {
    try {
      return await handleOf(app).query(statusQuery);
    } catch {
      throw conflict(`the process of application ${app.id} is not running (status ${app.status})`);
    }
  }

  function assertOwner(actor: Actor, app: OperationAppRow) {
    if (actor.kind === 'APPLICANT' && actor.applicationId !== app.id) throw forbidden('not your application');
  }

  return { handleOf, load, stateOf, assertOwner };
}
