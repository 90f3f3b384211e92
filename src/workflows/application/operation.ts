import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import {
  addDays,
  compareDates,
  decisionDueDate,
  effectiveSetupEnd,
  endOfDayKst,
  exclusionCandidate,
  firstDayOfNextMonth,
  flagForQuarter,
  monthJudgedOn,
  monthlyCheckApplies,
  nextQuarterlyReview,
  quarterlyRecommendation,
  reclaimRestricts,
  setupEndDate,
  SETUP_REMINDER_DAYS_BEFORE,
  startOfDayKst,
  warnsApplicant,
  ALLOCATABLE_STATUSES,
  SUPPORT_RUNNING_STATUSES,
  hasStatus,
  type AcceleratorType,
  type IsoDate,
  type UtilisationVerdict,
} from '../../domain';
import type { AuditEntry } from '../../contracts/audit';
import type { ApplicationContext } from './context';
import type { exclusionHandling } from './exclusion';
import type { selectedPhase } from './selected';
import { activities, now, today } from './context';
import { allocateUpdate, CAPACITY_REFUSED, quarterlyDecisionUpdate, reclaimUpdate, setupDoneUpdate, type AllocationRequest, type AllocationView, type QuarterlyDecisionRequest, type QuarterlyReviewView, type ReclaimRequest, type ReclaimResult, type SetupDoneRequest, type SupportEnd } from '../../contracts/operation';
import { refuseRule, refuseState, ruleRefusal, stateRefusal } from '../../contracts/refusal';
import { changeRequests } from './change-requests';
import { O5_SHARED_POOL_PATCH, sharedPoolLook } from './shared-pool';

/** docs/PATCHING.md: E6, a reclaim for a false statement restricts the organisation (E5). */
export const E6_RECLAIM_PATCH = 'e6-false-statement-reclaim-restricts-2026-12';

type ExclusionHandling = ReturnType<typeof exclusionHandling>;
type SelectedPhase = ReturnType<typeof selectedPhase>;

/**
 * An Update the main flow carries out: the handler parks the request and waits for the
 * outcome, so every state change happens in one place (run) in one order, and a refusal
 * found only while doing the work (K5 capacity gone) still reaches the caller.
 */
interface Pending<Req, Res> {
  req: Req;
  outcome?: { value: Res } | { failure: ApplicationFailure };
}

async function outcomeOf<Req, Res>(p: Pending<Req, Res>): Promise<Res> {
  await condition(() => p.outcome !== undefined);
  const o = p.outcome!;
  if ('failure' in o) throw o.failure;
  return o.value;
}

const open = <Req, Res>(p: Pending<Req, Res> | undefined): p is Pending<Req, Res> => p !== undefined && p.outcome === undefined;

/** Answers a waiting Update with a refusal (H1: RULE:<id> for a rule, STATE otherwise). */
function refuse<Req, Res>(p: Pending<Req, Res> | undefined, message: string, rule?: typeof CAPACITY_REFUSED | 'K1') {
  if (open(p)) p.outcome = { failure: rule ? ruleRefusal(rule, message) : stateRefusal(message) };
}

/** Waits for `ready` until the instant `at`; true when `ready` holds. `summary` names the timer (H2). */
async function waitUntil(ready: () => boolean, at: number, summary?: string): Promise<boolean> {
  const left = at - now();
  if (left <= 0) return ready();
  return summary ? condition(ready, left, { summary }) : condition(ready, left);
}

/** O4: the first 1st of a month whose previous month has operation days, while support runs. */
function firstCheckAfter(setupEnd: IsoDate, supportEnd: IsoDate): IsoDate | null {
  const first = firstDayOfNextMonth(addDays(setupEnd, 1));
  return compareDates(first, supportEnd) <= 0 ? first : null;
}

function checkAfter(check: IsoDate, supportEnd: IsoDate): IsoDate | null {
  const next = firstDayOfNextMonth(check);
  return compareDates(next, supportEnd) <= 0 ? next : null;
}

/**
 * Allocation and operation (O1–O5, Q1–Q3, K2, K5, V7): the operator allocates; setup
 * runs up to 14 days (O2); then the dedicated pool is judged monthly from the samples in
 * PostgreSQL (O4, O5, I1) and every allocation is reviewed quarterly (Q1, I2); reclaim
 * (Q2, Q3) or withdrawal ends support early, and freed capacity goes to the waitlist (V7).
 */
export function operationPhase(ctx: ApplicationContext, exclusion: ExclusionHandling, selected: SelectedPhase) {
  const { state, input } = ctx;
  let allocating: Pending<AllocationRequest, AllocationView> | undefined;
  let settingUp: Pending<SetupDoneRequest, AllocationView> | undefined;
  let deciding: Pending<QuarterlyDecisionRequest, QuarterlyReviewView> | undefined;
  let reclaiming: Pending<ReclaimRequest, ReclaimResult> | undefined;
  let openReview: QuarterlyReviewView | undefined;
  let ended = false;

  setHandler(
    allocateUpdate,
    (req) => {
      allocating = { req };
      return outcomeOf(allocating);
    },
    {
      validator: (req) => {
        if (!hasStatus(ALLOCATABLE_STATUSES, state.status)) {
          refuseState(`O1: only a selected (or offered waitlisted) application can be allocated (status is ${state.status})`);
        }
        if (open(allocating) || state.allocation) refuseState('O1: an allocation is already being made');
        if (ctx.withdrawal) refuseState('O1: the application is being withdrawn');
        if (req.units < 1) refuseRule('O1', 'O1: at least one unit');
      },
    },
  );

  setHandler(
    setupDoneUpdate,
    (req) => {
      settingUp = { req };
      return outcomeOf(settingUp);
    },
    {
      validator: (_req) => {
        if (state.status !== 'ALLOCATED' || !state.allocation || state.allocation.inOperation) {
          refuseState(`O2: setup can be reported done only during the setup period (status is ${state.status})`);
        }
        if (open(settingUp)) refuseState('O2: setup done is already being recorded');
        if (open(reclaiming) || ctx.withdrawal) refuseState('O2: support is ending');
      },
    },
  );

  setHandler(
    quarterlyDecisionUpdate,
    (req) => {
      deciding = { req };
      return outcomeOf(deciding);
    },
    {
      validator: (req) => {
        if (!openReview) refuseState(`Q1: no quarterly review is open for this allocation (status is ${state.status})`);
        if (open(deciding)) refuseState('Q1: a decision on this review is already being made');
        if (open(reclaiming) || ctx.withdrawal || ended) refuseState('Q1: support is ending');
        if ((req.decision === 'INCREASE' || req.decision === 'DECREASE') && !req.to) {
          refuseRule('Q1', 'Q1: an increase or decrease names the new resource');
        }
      },
    },
  );

  setHandler(
    reclaimUpdate,
    (req) => {
      reclaiming = { req };
      return outcomeOf(reclaiming);
    },
    {
      validator: (_req) => {
        if (!hasStatus(SUPPORT_RUNNING_STATUSES, state.status) || !state.allocation || ended) {
          refuseState(`Q2: only an allocation in its support period can be reclaimed (status is ${state.status})`);
        }
        if (open(reclaiming)) refuseState('Q2: a reclaim is already being made');
        if (ctx.withdrawal) refuseState('Q2: the application is being withdrawn');
      },
    },
  );

  // O6: change requests while support runs (not once it is ending).
  const changes = changeRequests(ctx, () =>
    state.allocation && !ended && !open(reclaiming) && !ctx.withdrawal && hasStatus(SUPPORT_RUNNING_STATUSES, state.status)
      ? state.allocation
      : undefined,
  );

  /** V7: capacity of `type` freed: the first waitlisted application that fits is offered to the operators. */
  async function offerFreedCapacity(cause: string, type: AcceleratorType, freedBy?: string) {
    const offer = await activities.findWaitlistOffer({ callId: input.callId, type, exceptApplicationId: freedBy });
    if (!offer) return;
    await ctx.record('WAITLIST_OFFERED', { candidateId: offer.applicationId, resource: offer.resource, cause });
    await ctx.notifyOperators(
      'WAITLIST_OFFER',
      {
        candidateId: offer.applicationId,
        title: offer.title,
        organisationName: offer.organisationName,
        rank: offer.rank,
        resource: offer.resource,
        type,
        free: offer.free,
        cause,
      },
      cause,
    );
  }

  function finish(reason: string) {
    ended = true;
    refuse(allocating, reason);
    refuse(settingUp, reason);
    refuse(deciding, reason);
  }

  /** Resolves with how the support period ended, or false when it never started. */
  async function run(outcome: 'SELECTED' | 'WAITLISTED'): Promise<SupportEnd | false> {
    const supportEndAt = endOfDayKst(input.supportEndsOn);

    // ---- O1: allocation (a waitlisted application only once capacity frees, V7/K5) ----
    let alloc: AllocationView | undefined;
    while (!alloc) {
      // V9: a selected application's release clock (none for histories before it, or while waitlisted).
      const event = selected.next();
      const plan = selected.version;
      const woken = () => open(allocating) || ctx.withdrawal !== undefined || ctx.exclusion !== undefined || selected.version !== plan;
      if (event && event.at < supportEndAt) await waitUntil(woken, event.at, event.summary);
      else await waitUntil(woken, supportEndAt, `O1: waiting for the allocation until the support end ${input.supportEndsOn}`);
      // A selected application holds its resource (K5); so does a waitlisted one changed to a type with capacity (V7).
      const holds = outcome === 'SELECTED' || state.status === 'SELECTED';
      if (ctx.withdrawal) {
        finish('the application was withdrawn');
        // A selected application held its resource (K5): the waitlist may use it now (V7).
        if (holds) await offerFreedCapacity('WITHDRAWN', state.acceleratorType, input.applicationId);
        return false;
      }
      if (ctx.exclusion) {
        // E4/E6: excluded before allocation; what it held goes to the waitlist (V7).
        finish('the application was excluded');
        await exclusion.apply();
        if (holds) await offerFreedCapacity('EXCLUDED', state.acceleratorType, input.applicationId);
        return false;
      }
      if (!open(allocating)) {
        if (selected.version !== plan) continue;
        if (event && event.at < supportEndAt && now() >= event.at) {
          if (await event.run()) {
            // V9: released: the capacity goes to the waitlist (V7) and the workflow ends.
            finish('the selection was released (V9)');
            await offerFreedCapacity('RELEASED', state.acceleratorType, input.applicationId);
            return false;
          }
          continue;
        }
        finish('the support period is over');
        return false;
      }
      const req = allocating.req;
      const allocatedOn = today();
      const held = await activities.holdAllocation({
        applicationId: input.applicationId,
        callId: input.callId,
        resource: { type: req.type, units: req.units },
        extraStorageTb: req.extraStorageTb,
        allocatedOn,
        // K1: an argument of the same activity (no new command): old histories replay as before.
        ...(req.servers?.length ? { servers: req.servers } : {}),
      });
      if (!held.ok) {
        refuse(allocating, held.reason, held.rule ?? CAPACITY_REFUSED); // K1 server, or K5 capacity
        continue;
      }
      alloc = {
        allocatedOn,
        resource: { type: req.type, units: req.units },
        servers: req.servers,
        storageTb: req.storageTb,
        backupTb: req.backupTb,
        extraStorageTb: req.extraStorageTb,
        setupEnd: setupEndDate(allocatedOn),
        inOperation: false,
        months: [],
        flagged: false,
        reviews: [],
      };
      state.allocation = alloc;
      state.acceleratorType = req.type;
      state.units = req.units;
      ctx.facts.allocatedOn = allocatedOn;
      await ctx.transition('ALLOCATED', 'ALLOCATED', {
        resource: alloc.resource,
        servers: req.servers,
        extraStorageTb: req.extraStorageTb,
        setupEnd: alloc.setupEnd,
        actor: req.actor,
      }, req.audit && { ...req.audit, detail: { ...req.audit.detail, setupEnd: alloc.setupEnd } }); // S4: audited with the change
      // O3: the allocation e-mail carries the setup end and the training material.
      await ctx.notify('ALLOCATED', { ...alloc, pool: state.pool });
      allocating.outcome = { value: alloc };
    }
    const allocation = alloc;
    const setupLimit = allocation.setupEnd;
    const reminderOn = addDays(setupLimit, -SETUP_REMINDER_DAYS_BEFORE);
    let reminded = false;
    let setupEnd: IsoDate | undefined;
    let nextCheck: IsoDate | null = null;
    /** O5: the shared pool's monthly look for no usage (not a check of O4, K2). */
    let nextLook: IsoDate | null = null;
    let nextReview: IsoDate | null = null;
    let sinceReview: UtilisationVerdict[] = [];

    async function endSupport(end: SupportEnd, event: string, detail: Record<string, unknown>, audit?: AuditEntry) {
      finish('support has ended');
      // S4: an operator's reclaim is audited in the transaction that ends the support period.
      await activities.endSupportEarly({ applicationId: input.applicationId, endedOn: end.endedOn, ...(audit ? { audit } : {}) });
      await ctx.record(event, detail);
    }

    /** Q2/Q3: reclaim now; misuse also restricts the organisation (E5). */
    async function reclaim(req: ReclaimRequest, reviewDate?: IsoDate): Promise<SupportEnd> {
      // E6: a false statement found during support restricts the organisation too (patched:
      // reclaims recorded before it did not).
      const falseStatement = req.reason === 'FALSE_STATEMENT' && patched(E6_RECLAIM_PATCH);
      const restricted = reclaimRestricts(req.reason) || falseStatement;
      const endedOn = today();
      const end: SupportEnd = { endedOn, recordedOn: endedOn, reason: 'RECLAIMED', detail: `${req.reason}: ${req.text}` };
      allocation.reclaim = { reason: req.reason, text: req.text, on: endedOn, restricted };
      if (restricted) {
        const rule = falseStatement ? 'E6' : 'Q3';
        await activities.restrictOrganisation({
          key: `${input.applicationId}:${rule}`,
          applicationId: input.applicationId,
          rule,
          reason: `${req.reason}: ${req.text}`,
        });
      }
      await endSupport(end, 'RECLAIMED', { reason: req.reason, text: req.text, restricted, actor: req.actor, reviewDate },
        req.audit && { ...req.audit, detail: { ...req.audit.detail, restricted } });
      await ctx.notify('RECLAIMED', { reason: req.reason, text: req.text, endedOn, restricted, reviewDate });
      if (open(reclaiming)) reclaiming.outcome = { value: { supportEnd: end, restricted } };
      await offerFreedCapacity('RECLAIMED', allocation.resource.type, input.applicationId);
      return end;
    }

    async function endSetup() {
      const doneOn = open(settingUp) ? today() : undefined;
      setupEnd = effectiveSetupEnd(allocation.allocatedOn, doneOn);
      allocation.setupEnd = setupEnd;
      allocation.setupDoneOn = doneOn;
      allocation.inOperation = true;
      ctx.facts.setupDoneOn = doneOn;
      await ctx.transition(
        'IN_OPERATION',
        'SETUP_ENDED',
        { setupEnd, early: doneOn !== undefined, ...(open(settingUp) ? { actor: settingUp.req.actor } : {}) },
        open(settingUp) ? settingUp.req.audit : undefined, // H1/O2: an operator's record, audited with it (S4)
      );
      if (open(settingUp)) settingUp.outcome = { value: allocation };
      // O4/K2: only the dedicated pool is judged monthly; I2: every pool is reviewed quarterly.
      nextCheck = monthlyCheckApplies(state.pool) ? firstCheckAfter(setupEnd, input.supportEndsOn) : null;
      if (!monthlyCheckApplies(state.pool) && patched(O5_SHARED_POOL_PATCH)) nextLook = firstCheckAfter(setupEnd, input.supportEndsOn);
      nextReview = nextQuarterlyReview(today(), setupEnd, input.supportEndsOn);
    }

    /** O4/O5/I1: judge the previous month from the samples after setup. */
    async function monthlyCheck(checkOn: IsoDate) {
      const month = monthJudgedOn(checkOn);
      // T2: from now on the next check shown is the one after this one.
      ctx.facts.utilisationCheckedOn = checkOn;
      const j = await activities.judgeUtilisationMonth({
        applicationId: input.applicationId,
        month,
        countFrom: addDays(setupEnd!, 1),
        until: input.supportEndsOn,
        checkedOn: today(),
      });
      if (j.verdict === 'NOT_JUDGED') return;
      sinceReview.push(j.verdict);
      allocation.months.push({
        month, checkedOn: today(), verdict: j.verdict, mean: j.mean, daysCounted: j.daysCounted, daysMissing: j.daysMissing,
      });
      allocation.flagged = flagForQuarter(sinceReview);
      await ctx.record('UTILISATION_JUDGED', {
        month, verdict: j.verdict, mean: j.mean, daysCounted: j.daysCounted, daysMissing: j.daysMissing, flagged: allocation.flagged,
      });
      if (warnsApplicant(j.verdict)) {
        await ctx.notify(
          'UTILISATION_WARNING',
          { month, verdict: j.verdict, mean: j.mean, nonePercent: j.thresholds.nonePercent, lowPercent: j.thresholds.lowPercent, flagged: allocation.flagged },
          month,
        );
      }
      if (exclusionCandidate(j.verdict)) await ctx.notifyOperators('EXCLUSION_CANDIDATE', { month, mean: j.mean }, month);
      // Missing samples are not zeros: the operators are told, nobody is warned.
      if (j.verdict === 'NO_DATA') await ctx.notifyOperators('UTILISATION_MISSING', { month, daysMissing: j.daysMissing }, month);
    }

    /** Q1/I2: the review opens on the quarter's last day, with a recommendation for the dedicated pool. */
    async function openQuarterlyReview(reviewDate: IsoDate) {
      const recommendation = quarterlyRecommendation({ pool: state.pool, verdicts: sinceReview, resource: allocation.resource });
      const review: QuarterlyReviewView = { reviewDate, dueOn: decisionDueDate(reviewDate), recommendation, verdicts: [...sinceReview] };
      openReview = review;
      allocation.reviews.push(review);
      // The months judged from now on count towards the next quarter (I1).
      sinceReview = [];
      allocation.flagged = false;
      nextReview = nextQuarterlyReview(addDays(reviewDate, 1), setupEnd!, input.supportEndsOn);
      await activities.openQuarterlyReview({
        applicationId: input.applicationId,
        callId: input.callId,
        reviewDate,
        dueOn: review.dueOn,
        resource: allocation.resource,
        recommendation,
        verdicts: review.verdicts,
      });
      await ctx.record('QUARTERLY_REVIEW_OPENED', { reviewDate, dueOn: review.dueOn, recommendation });
      await ctx.notifyOperators(
        'QUARTERLY_REVIEW_DUE',
        { reviewDate, dueOn: review.dueOn, resource: allocation.resource, recommendation, verdicts: review.verdicts },
        reviewDate,
      );
    }

    /** Q1: carry out a decision (I2: `defaulted` when the 14 days passed without one). */
    async function decide(req: QuarterlyDecisionRequest, defaulted: boolean): Promise<SupportEnd | undefined> {
      const review = openReview!;
      const from = { ...allocation.resource };
      if (req.decision === 'INCREASE' || req.decision === 'DECREASE') {
        const changed = await activities.changeGrantedResource({ applicationId: input.applicationId, callId: input.callId, from, to: req.to });
        if (!changed.ok) {
          refuse(deciding, changed.reason, CAPACITY_REFUSED);
          return undefined;
        }
        allocation.resource = { ...req.to };
        if (req.servers) allocation.servers = req.servers;
        state.acceleratorType = req.to.type;
        state.units = req.to.units;
        review.to = { ...req.to };
      }
      review.decision = req.decision;
      review.decidedOn = today();
      review.decidedBy = req.actor;
      review.defaulted = defaulted;
      review.from = from;
      openReview = undefined;
      await activities.recordQuarterlyDecision({
        applicationId: input.applicationId,
        reviewDate: review.reviewDate,
        decision: req.decision,
        decidedBy: req.actor,
        decidedOn: review.decidedOn,
        defaulted,
        to: review.to,
        note: req.note,
        // S4: the operator's audit entry, in the transaction that stores the decision.
        ...(req.audit ? { audit: { ...req.audit, detail: { ...req.audit.detail, reviewDate: review.reviewDate, from, to: review.to } } } : {}),
      });
      await ctx.record('QUARTERLY_DECISION', {
        reviewDate: review.reviewDate, decision: req.decision, from, to: review.to, defaulted, actor: req.actor,
      });
      if (defaulted) {
        await ctx.notifyOperators('QUARTERLY_DECISION_OVERDUE', { reviewDate: review.reviewDate, dueOn: review.dueOn }, review.reviewDate);
      }
      if (req.decision === 'RECLAIM') {
        if (open(deciding)) deciding.outcome = { value: review };
        // The reclaim e-mail is this decision's e-mail (with its reason).
        return reclaim({ actor: req.actor, reason: req.reason, text: req.text }, review.reviewDate);
      }
      await ctx.notify(
        'QUARTERLY_DECISION',
        { reviewDate: review.reviewDate, decision: req.decision, from, to: review.to, defaulted, note: req.note },
        review.reviewDate,
      );
      if (open(deciding)) deciding.outcome = { value: review };
      if (req.decision === 'DECREASE') await offerFreedCapacity(`DECREASE-${review.reviewDate}`, from.type);
      return undefined;
    }

    // ---- O2 setup, then operation until the support end or an earlier end ----
    for (;;) {
      // H2: each wake with what it is, so the timer reads "monthly check 2027-03" in the UI.
      const wakes: Array<{ at: number; summary: string }> = [{ at: supportEndAt, summary: `support end ${input.supportEndsOn}` }];
      if (!setupEnd) {
        if (!reminded) wakes.push({ at: startOfDayKst(reminderOn), summary: `O2: setup reminder (setup ends ${setupLimit})` });
        wakes.push({ at: endOfDayKst(setupLimit), summary: `O2: setup period ends ${setupLimit}` });
      } else {
        if (nextCheck) wakes.push({ at: startOfDayKst(nextCheck), summary: `O4: monthly check ${monthJudgedOn(nextCheck)}` });
        if (nextLook) wakes.push({ at: startOfDayKst(nextLook), summary: `O5: shared-pool usage ${monthJudgedOn(nextLook)}` });
        if (nextReview && !openReview) wakes.push({ at: startOfDayKst(nextReview), summary: `Q1: quarterly review ${nextReview}` });
        if (openReview) wakes.push({ at: endOfDayKst(openReview.dueOn), summary: `I2: quarterly decision due ${openReview.dueOn}` });
      }
      const early = changes.earlyEnd();
      if (early) wakes.push({ at: endOfDayKst(early.endOn), summary: `O6: support ends early on ${early.endOn}` });
      const seenChanges = changes.version();
      const wake = wakes.reduce((a, b) => (b.at < a.at ? b : a));
      await waitUntil(
        () =>
          open(reclaiming) ||
          ctx.withdrawal !== undefined ||
          ctx.supportEndRequest !== undefined ||
          open(deciding) ||
          (!setupEnd && open(settingUp)) ||
          changes.version() !== seenChanges,
        wake.at,
        wake.summary,
      );

      if (open(reclaiming)) return reclaim(reclaiming.req);
      if (ctx.supportEndRequest) {
        // R5: the close-out reclaims what is still held when the report is missed; it has
        // already restricted the organisation and told the applicant.
        const { endedOn, reason, detail } = ctx.supportEndRequest;
        const end: SupportEnd = { endedOn, recordedOn: today(), reason, detail };
        await endSupport(end, 'RECLAIMED', { rule: 'R5', detail });
        await offerFreedCapacity('RECLAIMED', allocation.resource.type, input.applicationId);
        return end;
      }
      if (ctx.withdrawal) {
        // Withdrawal after allocation ends support like a reclaim, without restriction (Q2).
        const endedOn = compareDates(today(), input.supportEndsOn) <= 0 ? today() : input.supportEndsOn;
        const end: SupportEnd = { endedOn, recordedOn: today(), reason: 'WITHDRAWN', detail: ctx.withdrawal.reason };
        const { actor, audit } = ctx.withdrawal; // H1/S4: an operator's, on behalf, audited with the support end
        await endSupport(end, 'WITHDRAWN_AFTER_ALLOCATION', { reason: ctx.withdrawal.reason, ...(actor ? { actor } : {}) }, audit);
        await ctx.notify('WITHDRAWN', { reason: ctx.withdrawal.reason, endedOn });
        await offerFreedCapacity('WITHDRAWN', allocation.resource.type, input.applicationId);
        return end;
      }
      if (early && now() >= endOfDayKst(early.endOn)) {
        // O6: the approved earlier end; the close-out runs from it (R1/R2/I3, recorded on the decision day).
        const end: SupportEnd = { endedOn: early.endOn, recordedOn: early.recordedOn, reason: 'EARLY_END', detail: `O6: change request ${early.requestId}` };
        await endSupport(end, 'SUPPORT_ENDED_EARLY', { requestId: early.requestId, endedOn: early.endOn });
        await offerFreedCapacity('EARLY_END', allocation.resource.type, input.applicationId);
        return end;
      }
      if (now() >= supportEndAt) {
        finish('the support period is over');
        return { endedOn: input.supportEndsOn, recordedOn: today(), reason: 'SUPPORT_END' };
      }
      if (!setupEnd) {
        if (open(settingUp) || now() >= endOfDayKst(setupLimit)) await endSetup();
        else if (!reminded && now() >= startOfDayKst(reminderOn)) {
          reminded = true;
          await ctx.notify('SETUP_ENDING', { setupEnd: setupLimit });
        }
        continue;
      }
      if (open(deciding)) {
        const end = await decide(deciding.req, false);
        if (end) return end;
        continue;
      }
      if (nextCheck && now() >= startOfDayKst(nextCheck)) {
        const due = nextCheck;
        nextCheck = checkAfter(due, input.supportEndsOn);
        await monthlyCheck(due);
        continue;
      }
      if (nextLook && now() >= startOfDayKst(nextLook)) {
        const due = nextLook;
        nextLook = checkAfter(due, input.supportEndsOn);
        await sharedPoolLook(ctx, due, setupEnd);
        continue;
      }
      if (!openReview && nextReview && now() >= startOfDayKst(nextReview)) {
        await openQuarterlyReview(nextReview);
        continue;
      }
      if (openReview && now() >= endOfDayKst(openReview.dueOn)) {
        await decide({ decision: 'CONTINUE', actor: 'system:I2' }, true);
      }
    }
  }

  return { run };
}
