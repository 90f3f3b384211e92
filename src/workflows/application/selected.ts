import { patched, setHandler } from '@temporalio/workflow';
import { refuseRule, refuseState, refuseViolations } from '../../contracts/refusal';
import { endOfDayKst, kstDateOf, poolOf, selectionReleaseDates, startOfDayKst, validateResourceRequest, type IsoDate } from '../../domain';
import type { AuditEntry } from '../../contracts/audit';
import { activities, now, type ApplicationContext } from './context';
import { changeWaitlistedResourceUpdate, releaseSelectionUpdate, type ReleaseRequest } from '../../contracts/selection';

/**
 * docs/PATCHING.md: V9's clock (a warning to the operators 7 days before, then the release)
 * runs only in histories that reach the wait for allocation under this patch; older ones
 * wait until the support end as they did.
 */
export const V9_RELEASE_PATCH = 'v9-release-unallocated-selection-2026-12';

/** The events that made an application SELECTED: its result (V5), or a V7 change of a waitlisted request. */
const SELECTED_EVENTS = ['RESULT_SELECTED', 'WAITLIST_RESOURCE_CHANGED'];

/** What can happen to a selected (or waitlisted) application before it is allocated (V7, V9). */
export interface SelectedEvent {
  at: number;
  summary: string;
  /** Resolves true when the application was released (the allocation wait ends). */
  run(): Promise<boolean>;
}

/**
 * Between the result and the allocation (V7, V9): the committee may change a waitlisted
 * request to a type that has capacity (K5), which selects it; a selected application not
 * allocated within the call's release days (30 by default) of its result is released, the
 * operators warned 7 days before; an operator may release one earlier, with a reason.
 * `version` moves whenever one of these changes the plan, so the allocation wait re-plans.
 */
export function selectedPhase(ctx: ApplicationContext) {
  const { state, input } = ctx;
  let early: ReleaseRequest | undefined;
  let changing = false;
  let warnedFor: IsoDate | undefined;
  let version = 0;

  setHandler(
    releaseSelectionUpdate,
    (req) => {
      early = req;
      version++;
      return state;
    },
    {
      validator: (_req) => {
        if (state.status !== 'SELECTED' || state.allocation) refuseState(`V9: only a selected application that is not allocated can be released (status is ${state.status})`);
        if (early) refuseState('V9: the release is already being made');
        if (ctx.withdrawal || ctx.exclusion) refuseState('V9: the application is being withdrawn or excluded');
      },
    },
  );

  setHandler(
    changeWaitlistedResourceUpdate,
    async (req) => {
      changing = true;
      try {
        const from = { type: state.acceleratorType, units: state.units };
        const to = { type: req.type, units: req.units };
        // K5: taken under the call's capacity lock, after the waitlist ahead took what fits (V7).
        const granted = await activities.grantWaitlistedResource({ applicationId: input.applicationId, callId: input.callId, resource: to });
        if (!granted.ok) refuseRule('K5', granted.reason);
        state.acceleratorType = req.type;
        state.units = req.units;
        const detail = { from, to, reason: req.reason };
        await ctx.transition('SELECTED', 'WAITLIST_RESOURCE_CHANGED', { ...detail, actor: req.actor }, req.audit && { ...req.audit, detail: { ...req.audit.detail, ...detail } });
        const result = state.evaluation?.result;
        await ctx.notify('RESULT_SELECTED', { ...result, resource: to, changedFrom: from, reason: req.reason }, 'V7');
        version++;
        return state;
      } finally {
        changing = false;
      }
    },
    {
      validator: (req) => {
        if (state.status !== 'WAITLISTED' || state.allocation) refuseState(`V7: only a waitlisted request can be changed this way (status is ${state.status})`);
        if (changing) refuseState('V7: a change of this request is already being made');
        if (ctx.withdrawal || ctx.exclusion) refuseState('V7: the application is being withdrawn or excluded');
        if (poolOf(req.type) !== state.pool) {
          refuseRule('V7', `the committee changes the type within the application's ${state.pool} pool (A2: one pool per application); ${req.type} is ${poolOf(req.type)}`);
        }
        // K1: the units the type comes in (the operating system stays the applicant's, K4).
        refuseViolations(validateResourceRequest({ pool: state.pool, type: req.type, units: req.units, os: state.pool === 'DEDICATED' ? 'UBUNTU' : undefined }));
      },
    },
  );

  /** The day the application became SELECTED (its result, or the V7 change). */
  function resultOn(): IsoDate {
    const entry = [...state.timeline].reverse().find((e) => SELECTED_EVENTS.includes(e.event));
    return kstDateOf(entry ? Date.parse(entry.at) : now());
  }

  /** The next V9 event while the application is SELECTED and unallocated; none for older histories (patch). */
  function next(): SelectedEvent | undefined {
    if (state.status !== 'SELECTED' || state.allocation) return undefined;
    if (!patched(V9_RELEASE_PATCH)) return undefined;
    const resultDay = resultOn();
    const { warnOn, releaseOn } = selectionReleaseDates(resultDay, input.selectedReleaseDays);
    if (early) {
      const req = early;
      return { at: now(), summary: 'V9: released early by an operator', run: () => release(releaseOn, req) };
    }
    const releaseAt = endOfDayKst(releaseOn);
    if (warnedFor !== releaseOn && now() < releaseAt) {
      return {
        at: startOfDayKst(warnOn),
        summary: `V9: warn the operators of the release on ${releaseOn}`,
        run: async () => {
          warnedFor = releaseOn;
          const resource = { type: state.acceleratorType, units: state.units };
          await ctx.notifyOperators('SELECTION_RELEASE_SOON', { resultOn: resultDay, releaseOn, resource }, releaseOn);
          return false;
        },
      };
    }
    return { at: releaseAt, summary: `V9: release on ${releaseOn} unless allocated`, run: () => release(releaseOn) };
  }

  /** V9: the application is released: RELEASED (final), audited (by the operator, or by the rule itself), e-mailed. */
  async function release(releaseOn: IsoDate, req?: ReleaseRequest): Promise<boolean> {
    const resource = { type: state.acceleratorType, units: state.units };
    const detail = { rule: 'V9', releaseOn, early: req !== undefined, resource, ...(req ? { reason: req.reason } : {}) };
    const audit: AuditEntry = req?.audit
      ? { ...req.audit, detail: { ...req.audit.detail, ...detail } }
      : { key: `${input.applicationId}:V9:release`, actor: 'system:V9', action: 'application.selection.release', subject: `application:${input.applicationId}`, detail };
    await ctx.transition('RELEASED', 'SELECTION_RELEASED', { ...detail, ...(req ? { actor: req.actor } : {}) }, audit);
    await ctx.notify('SELECTION_RELEASED', detail);
    return true;
  }

  return {
    next,
    get version() {
      return version;
    },
  };
}
