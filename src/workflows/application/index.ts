import { setHandler } from '@temporalio/workflow';
import { statusQuery, withdrawUpdate, type ApplicationInput, type ApplicationState } from '../../contracts/application';
import { FINAL_STATUSES, hasStatus } from '../../domain';
import { closeOutPhase } from './closeout';
import { createContext } from './context';
import { evaluationPhase } from './evaluation';
import { exclusionHandling } from './exclusion';
import { intakePhase } from './intake';
import { operationPhase } from './operation';
import { selectedPhase } from './selected';
import { refuseState } from '../../contracts/refusal';

/**
 * One application's whole lifecycle (H2: workflow id `application-<call>-<application>`),
 * as phases in the agency's order (V1). Every phase registers its message handlers up
 * front, so an Update that arrives early meets its validator instead of "unknown update".
 */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const ctx = createContext(input);
  setHandler(statusQuery, () => ctx.state);
  setHandler(
    withdrawUpdate,
    (w) => {
      ctx.withdrawal = w;
      return ctx.state;
    },
    {
      validator: (_w) => {
        if (hasStatus(FINAL_STATUSES, ctx.state.status) || ctx.state.status === 'CLOSE_OUT' || ctx.withdrawal || ctx.exclusion) {
          refuseState(`the application can no longer be withdrawn (status is ${ctx.state.status})`);
        }
      },
    },
  );
  const exclusion = exclusionHandling(ctx);
  const intake = intakePhase(ctx);
  const evaluation = evaluationPhase(ctx);
  const operation = operationPhase(ctx, exclusion, selectedPhase(ctx));
  const closeOut = closeOutPhase(ctx);

  const complete = await intake.run();
  const outcome = complete && (await evaluation.run());
  // T2/R1: the close-out's due dates, reminders and R5 follow the application from allocation
  // on (a 31 December end is due on 30 November, while the machines are still in use).
  if (outcome) closeOut.watch();
  const end = outcome && (await operation.run(outcome));
  if (end) {
    // Withdrawal after allocation ends support like a reclaim, without restriction (Q2).
    await closeOut.run(end);
  } else {
    closeOut.stop();
  }
  if (!end && ctx.withdrawal) {
    const { reason, actor, audit } = ctx.withdrawal;
    // H1/S4: an operator's withdrawal on behalf is audited with the status change.
    await ctx.transition('WITHDRAWN', 'WITHDRAWN', { reason, ...(actor ? { actor } : {}) }, audit);
    await ctx.notify('WITHDRAWN');
  } else if (!end && ctx.exclusion) {
    await exclusion.apply(); // E4/E6 before the result (the operation phase applies its own)
  } else if (outcome && !end && !hasStatus(FINAL_STATUSES, ctx.state.status)) {
    // V7/O1: the support period ran out before capacity freed (or before an allocation):
    // the status stays what it was, and the timeline says why the process ended.
    await ctx.record('SUPPORT_PERIOD_OVER_UNALLOCATED', { status: ctx.state.status });
  }
  ctx.finish(); // H2: a closed workflow keeps its final status, and no next deadline
  return ctx.state;
}
