/**
 * The rules on what an application says (A1, A2, A3) that the request schema cannot
 * tell alone: they need the call (its announcement and support end) or compare two
 * applications. Pure: the API calls them on the draft, its every edit and the submit.
 */
import { compareDates, isIsoMonth, monthOf, type IsoDate, type IsoMonth } from './dates';
import { poolOf, type AcceleratorType } from './catalog';
import { violation, type Violation } from './rules';

/** The month after `m` ('2026-12' → '2027-01'). */
export function nextIsoMonth(m: IsoMonth): IsoMonth {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included (empty when `to` is before `from`). */
export function monthsFromTo(from: IsoMonth, to: IsoMonth): IsoMonth[] {
  const out: IsoMonth[] = [];
  for (let m = from; m <= to && out.length < 1200; m = nextIsoMonth(m)) out.push(m);
  return out;
}

export interface PlanFacts {
  /** The call's announcement and support end (C1). */
  announcedOn: IsoDate;
  supportEndsOn: IsoDate;
  /** T1: the day the plan is checked (draft, edit or submit). */
  today: IsoDate;
}

/**
 * A1: the monthly plan runs "from start to the support end": one entry per month, in
 * order, with no month skipped or repeated, its last month the month the call's support
 * ends. The support starts at allocation (O1), which the applicant cannot date: the plan
 * starts no earlier than the call's announcement month and no later than the month after
 * the day it is checked, so that its first month is the use right after setup (A3).
 */
export function monthlyPlanViolations(plan: ReadonlyArray<{ month: string }>, facts: PlanFacts): Violation[] {
  const months = plan.map((p) => p.month);
  if (months.length === 0) return [violation('A1', 'the monthly plan has no month', 'project.monthlyPlan')];
  if (!months.every(isIsoMonth)) return []; // the schema names the bad month (T1)
  const out: Violation[] = [];
  for (let i = 1; i < months.length; i++) {
    const expected = nextIsoMonth(months[i - 1]!);
    if (months[i] !== expected) {
      out.push(violation('A1', `the monthly plan goes from ${months[i - 1]} to ${months[i]}: one entry per month in order (${expected} expected)`, `project.monthlyPlan.${i}.month`));
      return out;
    }
  }
  const first = months[0]!;
  const last = months[months.length - 1]!;
  const announced = monthOf(facts.announcedOn);
  const endMonth = monthOf(facts.supportEndsOn);
  const latestStart = nextIsoMonth(monthOf(compareDates(facts.today, facts.announcedOn) > 0 ? facts.today : facts.announcedOn));
  if (first < announced) out.push(violation('A1', `the monthly plan starts in ${first}, before the call was announced (${announced})`, 'project.monthlyPlan.0.month'));
  else if (first > latestStart) out.push(violation('A1', `the monthly plan starts in ${first}: it must run from the start of support, at the latest ${latestStart}`, 'project.monthlyPlan.0.month'));
  if (last !== endMonth) {
    out.push(violation('A1', `the monthly plan ends in ${last}: it must run to the support end (${facts.supportEndsOn}, month ${endMonth})`, `project.monthlyPlan.${months.length - 1}.month`));
  }
  return out;
}

/**
 * A2: a project title as people read it, for comparing two titles: Unicode NFKC (full-width
 * and half-width forms), letter case, punctuation (read as a space) and spaces (leading,
 * trailing, runs inside) do not make two titles different. The unique index of A2 is on
 * this key (applications.title_key), so the check and the index cannot disagree.
 */
export function titleKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[\p{P}\s]+/gu, ' ')
    .trim();
}

/** A3: the readiness part of an application (준비 현황), as the request schema gives it. */
export interface Readiness {
  data: { ready: boolean; detail: string };
  team: { ready: boolean; detail: string };
  firstMonth: string;
}

/**
 * A3: "the plan must allow use right after environment setup (at most 2 weeks)": every
 * application says whether its data and its team are ready (and what is missing if not)
 * and what runs in the first month. A draft stored before A3 has none: it is completed
 * (PATCH) before the submit. Whether the answer convinces is the evaluators' judgement
 * (V3 resource feasibility, 컴퓨팅 자원의 즉시 이용 가능성), shown to them with that criterion.
 */
export function readinessViolations(r: Readiness | undefined): Violation[] {
  return r ? [] : [violation('A3', 'the readiness part (data, team, first month) is missing: add it to the draft (PATCH)', 'readiness')];
}

/** K1: a dedicated application gets one server for its exclusive use (가속기 서버 1식 단독 사용). */
export const DEDICATED_SERVERS_PER_APPLICATION = 1;

/**
 * K1: a dedicated application asks for exactly one server (the seed: 1식); the shared
 * pool's card sizes are checked with the rest of the request (validateResourceRequest).
 * Kept apart from the request schema so that it answers 422 naming K1, at the draft, its
 * edits and the submit.
 */
export function dedicatedUnitsViolations(resource: { type: AcceleratorType; units: number }): Violation[] {
  if (poolOf(resource.type) !== 'DEDICATED' || resource.units === DEDICATED_SERVERS_PER_APPLICATION) return [];
  return [violation('K1', `a dedicated application asks for exactly one ${resource.type} server (가속기 서버 1식 단독 사용), not ${resource.units}`, 'resource.units')];
}
