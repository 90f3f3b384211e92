/**
 * Rules of the running support period that operators and applicants change (C4/K5 capacity,
 * K1 server inventory, O6 change requests). Pure: the API and the workflow both ask here.
 */
import { BOW_CARD_SIZES, type AcceleratorType } from './catalog';
import { compareDates, type IsoDate } from './dates';
import { violation, type Violation } from './rules';

export type CallCapacity = Record<AcceleratorType, number> & { extraStorageTb: number };

/**
 * C4/K5: a loaded call's capacity may change with the situation, never below what is held
 * (selected + allocated): an application holding units must keep them (the seed: 자원 현황에
 * 따라 변동 가능). `held` is what the applications in a holding status have.
 */
export function capacityChangeViolations(next: Partial<CallCapacity>, held: CallCapacity): Violation[] {
  const out: Violation[] = [];
  for (const key of ['T4', 'H100', 'BOW', 'extraStorageTb'] as const) {
    const want = next[key];
    if (want !== undefined && want < held[key]) {
      out.push(violation('K5', `${key} cannot go below what is held: ${held[key]} (asked ${want})`, key));
    }
  }
  return out;
}

/** K1: dedicated server types (the shared pool allocates cards, K2). */
export const SERVER_TYPES = ['T4', 'H100'] as const;
export type ServerType = (typeof SERVER_TYPES)[number];

/** K1: the inventory is one list of server names per dedicated type; a name appears once. */
export function inventoryViolations(inventory: Partial<Record<ServerType, readonly string[]>>): Violation[] {
  const seen = new Map<string, string>();
  const out: Violation[] = [];
  for (const type of SERVER_TYPES) {
    (inventory[type] ?? []).forEach((name, i) => {
      if (seen.has(name)) out.push(violation('K1', `server ${name} is listed twice (${seen.get(name)} and ${type}.${i})`, `${type}.${i}`));
      else seen.set(name, `${type}.${i}`);
    });
  }
  return out;
}

/** O6: what an applicant may ask for while support runs. */
export const CHANGE_REQUEST_KINDS = ['STORAGE', 'BOW_SIZE', 'EARLY_END'] as const;
export type ChangeRequestKind = (typeof CHANGE_REQUEST_KINDS)[number];
export type ChangeRequestDetail =
  | { kind: 'STORAGE'; extraStorageTb: number }
  | { kind: 'BOW_SIZE'; units: number }
  | { kind: 'EARLY_END'; endOn: IsoDate };

/**
 * O6 (with K1, K3): why a change request cannot be made against the allocation as it is
 * (none when it can): more storage than granted now (K3), another BOW size of the catalogue
 * for a shared allocation (K1), an end from today on and before the current end.
 */
export function changeRequestViolations(
  req: ChangeRequestDetail,
  allocation: { type: AcceleratorType; units: number; extraStorageTb: number; supportEnd: IsoDate },
  today: IsoDate,
): Violation[] {
  switch (req.kind) {
    case 'STORAGE':
      return req.extraStorageTb > allocation.extraStorageTb
        ? []
        : [violation('K3', `more storage means more than the ${allocation.extraStorageTb} TB extra granted now`, 'extraStorageTb')];
    case 'BOW_SIZE':
      if (allocation.type !== 'BOW') return [violation('K1', 'only a shared-pool (BOW) allocation changes its card count', 'units')];
      if (!(BOW_CARD_SIZES as readonly number[]).includes(req.units)) {
        return [violation('K1', `a BOW size is ${BOW_CARD_SIZES.join(', ')} cards`, 'units')];
      }
      return req.units === allocation.units ? [violation('O6', `the allocation already has ${req.units} cards`, 'units')] : [];
    case 'EARLY_END':
      if (compareDates(req.endOn, today) < 0) return [violation('O6', `an earlier end cannot be in the past (${req.endOn})`, 'endOn')];
      if (compareDates(req.endOn, allocation.supportEnd) >= 0) {
        return [violation('O6', `an earlier end comes before the current end ${allocation.supportEnd}`, 'endOn')];
      }
      return [];
  }
}
