import type { WorkflowHandle } from '@temporalio/client';
import { withdrawDraft } from '../../db/closeout-cases';
import { setupDoneUpdate } from '../../contracts/operation';
import { withdrawUpdate } from '../../contracts/application';
import { actorLabel, type Actor } from '../auth';
import { auditEntry, auditWritten, type ApiDeps } from '../context';
import { badRequest, conflict } from '../errors';

/**
 * H1: the operators' actions on an applicant's behalf (SPEC H1 lists withdrawal and setup
 * done among the operators' actions): the same Updates the applicant sends, with the
 * operator as actor and an audit entry written in the transaction of the change (S4).
 */
export function onBehalf(deps: ApiDeps) {
  const { sql } = deps;
  return {
    /** Withdrawal by an operator: a reason is required (the applicant is told; S4 keeps it). */
    async withdraw(app: { id: string; submitted_at: Date | null }, handle: WorkflowHandle, reason: string | undefined, actor: Actor) {
      if (!reason?.trim()) throw badRequest([{ field: 'reason', message: 'H1: an operator withdrawing on the applicant\'s behalf gives the reason' }]);
      const entry = await auditEntry(sql, actor, 'application.withdraw', `application:${app.id}`, { reason, onBehalf: true });
      if (!app.submitted_at) {
        // A draft has no workflow yet: the status and the audit row in one transaction.
        if (!(await withdrawDraft(sql, app.id, entry))) throw conflict('the draft is no longer a draft');
        return { id: app.id, status: 'WITHDRAWN' };
      }
      await handle.executeUpdate(withdrawUpdate, { updateId: entry.key, args: [{ reason, actor: actorLabel(actor), audit: entry }] });
      await auditWritten(sql, entry.key);
      return { id: app.id, status: 'WITHDRAWN' };
    },

    /** O2: an operator records that the applicant's environment is set up (the grace ends early). */
    async setupDone(app: { id: string }, handle: WorkflowHandle, actor: Actor) {
      const entry = await auditEntry(sql, actor, 'application.setup-done', `application:${app.id}`, { onBehalf: true });
      const view = await handle.executeUpdate(setupDoneUpdate, { updateId: entry.key, args: [{ actor: actorLabel(actor), audit: entry }] });
      await auditWritten(sql, entry.key);
      return view;
    },
  };
}
