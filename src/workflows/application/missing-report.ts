import { setHandler } from '@temporalio/workflow';
import { FINAL_STATUSES, hasStatus, MISSING_REPORT_CONSEQUENCE_DEFAULT, missingReportActs } from '../../domain';
import { refuseState } from '../../contracts/refusal';
import { setMissingReportConsequenceUpdate, type MissingReportCase } from '../../contracts/closeout';
import { today, type ApplicationContext } from './context';

/**
 * R5 per case: "성과보고서를 제출하지 않은 경우 자원 회수 또는 향후 이용에 제한" — a missing
 * report leads to reclamation of what is still held, or restriction, or both. The call
 * says which (`missingReportConsequence`, default BOTH: what a call without the setting
 * did before); an operator may set another for one application until R5 is taken (its
 * due date has passed with the report missing), with a reason, audited (S4).
 *
 * A new Update handler only: histories without it replay unchanged (BOTH is the old path).
 */
export function missingReportPolicy(ctx: ApplicationContext) {
  const current: MissingReportCase = {
    consequence: ctx.input.missingReportConsequence ?? MISSING_REPORT_CONSEQUENCE_DEFAULT,
    setBy: 'CALL',
  };

  setHandler(
    setMissingReportConsequenceUpdate,
    async (o) => {
      const from = current.consequence;
      Object.assign(current, { consequence: o.consequence, setBy: 'OPERATOR', actor: o.actor, reason: o.reason, on: today() });
      await ctx.record('R5_CONSEQUENCE_SET', { from, to: o.consequence, reason: o.reason, actor: o.actor }, o.audit);
      return { ...current };
    },
    {
      validator: (o) => {
        if (hasStatus(FINAL_STATUSES, ctx.state.status) || ctx.state.status === 'COMPLETED') {
          refuseState(`R5: the application has no close-out to come (status is ${ctx.state.status})`);
        }
        if (current.takenOn) refuseState(`R5: the report was already missed on ${current.takenOn}; what it led to stands`);
      },
    },
  );

  return {
    /** The case as the close-out view shows it. */
    view: (): MissingReportCase => ({ ...current }),
    /** R5 is taken now: what it does (reclaim, restrict); later overrides are refused. */
    take(): { reclaim: boolean; restrict: boolean } {
      current.takenOn = today();
      return missingReportActs(current.consequence);
    },
  };
}
