import { setHandler } from '@temporalio/workflow';
import { BASE_STORAGE_TB, changeRequestViolations, type IsoDate } from '../../domain';
import { refuseState, refuseViolations, ruleRefusal } from '../../contracts/refusal';
import type { ApplicationContext } from './context';
import { activities, today } from './context';
import { decideChangeUpdate, requestChangeUpdate, type ChangeRequestView } from '../../contracts/change-requests';
import type { AllocationView } from '../../contracts/operation';

/** O6: an approved earlier end, as the operation phase waits for it. */
export interface EarlyEnd {
  endOn: IsoDate;
  recordedOn: IsoDate;
  requestId: string;
}

/**
 * O6: change requests while support runs. The applicant asks for more storage (K3), another
 * BOW size (K1) or an earlier end, with a reason; the operators approve within the call's
 * capacity (K5) or refuse with a reason; both are recorded, audited and e-mailed. An approved
 * storage or card change applies to the allocation at once; an approved earlier end re-plans
 * the support end and the close-out due dates now (R1/R2/I3: the end recorded on the day of
 * the decision) and the operation phase ends support at the end of that day.
 * `running()` says whether the support period is still on (allocated, not ending).
 */
export function changeRequests(ctx: ApplicationContext, running: () => AllocationView | undefined) {
  const { input, state } = ctx;
  let earlyEnd: EarlyEnd | undefined;
  let version = 0;

  const requests = (a: AllocationView) => (a.changeRequests ??= []);
  const currentEnd = () => earlyEnd?.endOn ?? input.supportEndsOn;
  const violationsOf = (a: AllocationView, change: ChangeRequestView['change']) =>
    changeRequestViolations(change, { type: a.resource.type, units: a.resource.units, extraStorageTb: a.extraStorageTb, supportEnd: currentEnd() }, today());

  setHandler(
    requestChangeUpdate,
    async (req) => {
      const a = running()!;
      const view: ChangeRequestView = { id: req.requestId, change: req.change, reason: req.reason, status: 'PENDING', requestedOn: today() };
      requests(a).push(view);
      await activities.recordChangeRequest({
        id: view.id, applicationId: input.applicationId, callId: input.callId, change: view.change, reason: view.reason, requestedOn: view.requestedOn,
      });
      await ctx.record('CHANGE_REQUESTED', { requestId: view.id, change: view.change, actor: req.actor });
      await ctx.notifyOperators('CHANGE_REQUESTED', { requestId: view.id, change: view.change, reason: view.reason }, view.id);
      return view;
    },
    {
      validator: (req) => {
        const a = running();
        if (!a) refuseState(`O6: change requests are made while support runs (status is ${state.status})`);
        if (requests(a).some((r) => r.status === 'PENDING')) refuseState('O6: a change request is already waiting for the operators');
        if (requests(a).some((r) => r.id === req.requestId)) refuseState('O6: this request exists');
        refuseViolations(violationsOf(a, req.change));
      },
    },
  );

  setHandler(
    decideChangeUpdate,
    async (d) => {
      const a = running()!;
      const view = requests(a).find((r) => r.id === d.requestId)!;
      const approve = d.decision === 'APPROVE';
      const decidedOn = today();
      const outcome = await activities.decideChangeRequest({
        id: view.id, applicationId: input.applicationId, callId: input.callId, approve, change: view.change,
        resource: { ...a.resource }, decidedBy: d.actor, decidedOn, reason: d.reason,
        ...(d.audit ? { audit: { ...d.audit, detail: { ...d.audit.detail, change: view.change } } } : {}),
      });
      if (!outcome.ok) throw ruleRefusal('K5', outcome.reason); // nothing changed; the request stays open
      view.status = approve ? 'APPROVED' : 'REFUSED';
      view.decidedOn = decidedOn;
      view.decidedBy = d.actor;
      view.decisionReason = d.reason;
      if (approve) apply(a, view, decidedOn);
      await ctx.record('CHANGE_DECIDED', { requestId: view.id, change: view.change, status: view.status, actor: d.actor });
      await ctx.notify('CHANGE_DECIDED', { requestId: view.id, change: view.change, status: view.status, reason: d.reason, supportEnd: currentEnd() }, view.id);
      return view;
    },
    {
      validator: (d) => {
        const a = running();
        if (!a) refuseState(`O6: change requests are decided while support runs (status is ${state.status})`);
        const view = requests(a).find((r) => r.id === d.requestId);
        if (!view) refuseState(`O6: no change request ${d.requestId} on this allocation`);
        if (view.status !== 'PENDING') refuseState(`O6: the request was already ${view.status.toLowerCase()}`);
        if (d.decision === 'APPROVE') refuseViolations(violationsOf(a, view.change));
      },
    },
  );

  function apply(a: AllocationView, view: ChangeRequestView, decidedOn: IsoDate) {
    const c = view.change;
    if (c.kind === 'STORAGE') {
      a.extraStorageTb = c.extraStorageTb;
      a.storageTb = BASE_STORAGE_TB + c.extraStorageTb;
    } else if (c.kind === 'BOW_SIZE') {
      a.resource = { ...a.resource, units: c.units };
      state.units = c.units;
    } else {
      earlyEnd = { endOn: c.endOn, recordedOn: decidedOn, requestId: view.id };
      // T2/R1/R2/I3: the deadlines follow the new end at once (recorded today).
      ctx.facts.endedOn = c.endOn;
      ctx.facts.endRecordedOn = decidedOn;
      version++;
    }
  }

  return {
    earlyEnd: () => earlyEnd,
    /** Changes the operation phase's waits wake on (an approved earlier end). */
    version: () => version,
  };
}
