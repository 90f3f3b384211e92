import { addDays, exclusionCandidate, monthJudgedOn, type IsoDate } from '../../domain';
import type { ApplicationContext } from './context';
import { activities, today } from './context';

/**
 * docs/PATCHING.md: O5 for the shared pool. Under this patch a shared (BOW) allocation looks
 * at the pool's own samples on the 1st of each month after setup (a new timer and activity);
 * histories recorded before it have no such timer and replay as before.
 */
export const O5_SHARED_POOL_PATCH = 'o5-shared-pool-exclusion-2026-12';

/**
 * O5/K2: no or negligible usage of a shared allocation during the last month makes its user
 * an exclusion candidate (the seed lists it among the general grounds, for every user): the
 * operators are told. The shared pool has no monthly resource management (K2, O4): no month
 * is stored or judged for the quarter, the applicant is not warned, and a month without
 * samples says nothing (missing samples are not zeros).
 */
export async function sharedPoolLook(ctx: ApplicationContext, checkOn: IsoDate, setupEnd: IsoDate): Promise<void> {
  const month = monthJudgedOn(checkOn);
  const j = await activities.sharedPoolUsage({
    applicationId: ctx.input.applicationId,
    month,
    countFrom: addDays(setupEnd, 1),
    until: ctx.input.supportEndsOn,
  });
  if (!exclusionCandidate(j.verdict)) return;
  await ctx.record('SHARED_POOL_IDLE', { month, mean: j.mean, daysCounted: j.daysCounted, checkedOn: today() });
  await ctx.notifyOperators('EXCLUSION_CANDIDATE', { month, mean: j.mean, pool: 'SHARED' }, month);
}
