import { condition, setHandler } from '@temporalio/workflow';
import { compareDates, endOfDayKst } from '../../domain';
import type { ApplicationContext } from './context';
import { now, today } from './context';
import { allocateUpdate, type AllocationRequest, type SupportEnd } from './operation-messages';

/**
 * Allocation and operation (O1–O5, Q1–Q3): the operator allocates, the support period
 * runs until the call's support end or an earlier end.
 */
export function operationPhase(ctx: ApplicationContext) {
  const { state, input } = ctx;
  let allocation: AllocationRequest | undefined;

  setHandler(
    allocateUpdate,
    async (req) => {
      allocation = req;
      await condition(() => state.allocation !== undefined);
      return state.allocation!;
    },
    {
      validator: (req) => {
        if (state.status !== 'SELECTED' && state.status !== 'WAITLISTED') {
          throw new Error(`O1: only a selected (or offered waitlisted) application can be allocated (status is ${state.status})`);
        }
        if (allocation) throw new Error('O1: an allocation is already being made');
        if (req.units < 1) throw new Error('O1: at least one unit');
      },
    },
  );

  /** Resolves with how the support period ended, or false when it never started. */
  async function run(outcome: 'SELECTED' | 'WAITLISTED'): Promise<SupportEnd | false> {
    void outcome;
    const supportEndAt = endOfDayKst(input.supportEndsOn);
    const allocated = await condition(
      () => allocation !== undefined || ctx.withdrawal !== undefined,
      Math.max(0, supportEndAt - now()),
    );
    if (!allocated || ctx.withdrawal) return false;
    const req = allocation!;
    state.allocation = {
      allocatedOn: today(),
      resource: { type: req.type, units: req.units },
      servers: req.servers,
      storageTb: req.storageTb,
      backupTb: req.backupTb,
      extraStorageTb: req.extraStorageTb,
    };
    ctx.facts.allocatedOn = state.allocation.allocatedOn;
    await ctx.transition('ALLOCATED', 'ALLOCATED', { ...state.allocation, actor: req.actor });
    await ctx.notify('ALLOCATED', { ...state.allocation });

    // The support period runs until the call's support end (O1), or an earlier end.
    await condition(() => ctx.withdrawal !== undefined || ctx.supportEndRequest !== undefined, Math.max(0, supportEndAt - now()));
    if (ctx.supportEndRequest) {
      // R5: the close-out reclaims the resources of a report missed while they are held.
      const { endedOn, reason, detail } = ctx.supportEndRequest;
      return { endedOn, recordedOn: today(), reason, detail };
    }
    const endedOn = ctx.withdrawal && compareDates(today(), input.supportEndsOn) <= 0 ? today() : input.supportEndsOn;
    return {
      endedOn,
      recordedOn: today(),
      reason: ctx.withdrawal ? 'WITHDRAWN' : 'SUPPORT_END',
    };
  }

  return { run };
}
