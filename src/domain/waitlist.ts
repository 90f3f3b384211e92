/**
 * V7: the waitlist of a call. Applications that passed (V5) but found no capacity wait in
 * the one selection order (V5/V6/I6: score, then the criteria, then the earlier
 * submission), across batches: a later batch's first place does not go before an earlier
 * batch's higher score. Capacity that frees goes to the waitlist before a later batch's
 * selection can take it (K5: never beyond capacity).
 */
import type { AcceleratorType } from './catalog';
import { inRankOrder, type RankingCandidate } from './scoring';

export type Capacity = Record<AcceleratorType, number>;

/**
 * V7: the waitlisted applications the free capacity can take, in waitlist order: each that
 * fits its type's capacity left takes it; one that does not fit leaves it to the next ones
 * (the same rule as a batch's selection, rankAndAllocate).
 */
export function waitlistTakes<C extends RankingCandidate>(waitlist: readonly C[], free: Capacity): C[] {
  const left: Capacity = { ...free };
  const takes: C[] = [];
  for (const w of inRankOrder(waitlist)) {
    const { type, units } = w.resource;
    if (units > 0 && units <= left[type]) {
      left[type] -= units;
      takes.push(w);
    }
  }
  return takes;
}

/** V7/K5: the capacity a later batch's selection may use: what is free after the waitlist took what fits. */
export function capacityAfterWaitlist(free: Capacity, waitlist: readonly RankingCandidate[]): Capacity {
  const left: Capacity = { ...free };
  for (const w of waitlistTakes(waitlist, free)) left[w.resource.type] -= w.resource.units;
  return left;
}
