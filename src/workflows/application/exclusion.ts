import { setHandler } from '@temporalio/workflow';
import { refuseRule, refuseState } from '../../contracts/refusal';
import { EXCLUDABLE_STATUSES, EXCLUSION_RULES, exclusionRestricts, hasStatus } from '../../domain';
import { activities, type ApplicationContext } from './context';
import { excludeUpdate } from '../../contracts/selection';

/**
 * E4/E6: an operator excludes the application at any stage before allocation (document
 * review, waiting for a batch, in evaluation, selected, waitlisted), with the rule and a
 * reason, audited with the status change (S4). E6 (a false statement) also restricts the
 * organisation (E5: the restriction an operator lifts). The phase that is waiting wakes on
 * `ctx.exclusion` and ends; `apply` records it. A selected application's capacity then goes
 * to the waitlist (V7, by the operation phase that held it).
 */
export function exclusionHandling(ctx: ApplicationContext) {
  const { state, input } = ctx;
  let applied = false;

  setHandler(
    excludeUpdate,
    (req) => {
      ctx.exclusion = req;
      return state;
    },
    {
      validator: (req) => {
        if (!(EXCLUSION_RULES as readonly string[]).includes(req.rule)) refuseRule('E4', `an exclusion names its rule (E4 or E6), not ${String(req.rule)}`);
        if (!hasStatus(EXCLUDABLE_STATUSES, state.status)) {
          refuseState(`${req.rule}: an application is excluded before allocation only (status is ${state.status}); after it, reclaim (Q2)`);
        }
        if (ctx.exclusion) refuseState(`${req.rule}: the application is already being excluded`);
        if (ctx.withdrawal) refuseState(`${req.rule}: the application is being withdrawn`);
      },
    },
  );

  /** Records the exclusion: the restriction first (E6), then the status with the audit entry, then the notice. */
  async function apply(): Promise<void> {
    const x = ctx.exclusion;
    if (!x || applied) return;
    applied = true;
    const from = state.status;
    const restricted = exclusionRestricts(x.rule);
    const restriction = restricted
      ? await activities.restrictOrganisation({ key: `${input.applicationId}:E6`, applicationId: input.applicationId, rule: 'E6', reason: `E6: ${x.reason}` })
      : undefined;
    state.ineligibility = { rule: x.rule, reason: x.reason };
    const detail = { rule: x.rule, reason: x.reason, from, restricted, ...(restriction ? { restrictionId: restriction.restrictionId } : {}) };
    await ctx.transition('INELIGIBLE', 'EXCLUDED', { ...detail, actor: x.actor }, x.audit && { ...x.audit, detail: { ...x.audit.detail, ...detail } });
    await ctx.notify('INELIGIBLE', { rule: x.rule, reason: x.reason, restricted }, x.rule);
  }

  return {
    apply,
    get applied() {
      return applied;
    },
  };
}
