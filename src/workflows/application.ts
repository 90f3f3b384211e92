import {
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities } from '../activities';
import {
  addDays,
  applicationDeadlines,
  callWorkflowId,
  endOfDayKst,
  kstDateOf,
  nextDeadline,
  startOfDayKst,
  SUPPLEMENT_REMINDER_DAYS_BEFORE,
  type IsoDate,
} from '../domain';
import {
  applicationWaitingSignal,
  batchAssignedSignal,
  FINAL_STATUSES,
  reviewDocumentsUpdate,
  statusQuery,
  submitSupplementUpdate,
  withdrawUpdate,
  type ApplicationInput,
  type ApplicationState,
  type ApplicationStatus,
  type DocumentReviewDecision,
} from './messages';
import { NextDeadlineAttr, StatusAttr } from './search-attributes';

const { notify, recordApplication } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

/** Workflow time: `Date.now()` is deterministic inside the workflow sandbox (replayed from history). */
const now = () => Date.now();
const today = (): IsoDate => kstDateOf(now());

/** One application's whole lifecycle (H2: workflow id `application-<call>-<application>`). */
export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const state: ApplicationState = {
    applicationId: input.applicationId,
    callId: input.callId,
    status: 'UNDER_REVIEW',
    pool: input.pool,
    acceleratorType: input.acceleratorType,
    units: input.units,
    priority: input.priority,
    deadlines: deadlinesOf(input, {}),
    timeline: [],
  };
  let pendingReview: (DocumentReviewDecision & { actor: string }) | undefined;
  let supplementHandedIn = false;
  let withdrawn: { reason?: string } | undefined;
  let batch: { batchId: string; cutoff: IsoDate } | undefined;

  // ---- handlers first, then the main flow (safe-message-handlers pattern) ----
  setHandler(statusQuery, () => state);

  setHandler(
    reviewDocumentsUpdate,
    (review) => {
      pendingReview = review;
      return state;
    },
    {
      validator: (review) => {
        if (state.status !== 'UNDER_REVIEW' || pendingReview) {
          throw new Error(`document review is only possible while UNDER_REVIEW (status is ${state.status})`);
        }
        if (review.decision === 'SUPPLEMENT' && review.missingDocuments.length === 0) {
          throw new Error('A5: a supplement request must list the missing documents');
        }
      },
    },
  );

  setHandler(
    submitSupplementUpdate,
    () => {
      supplementHandedIn = true;
      return state;
    },
    {
      validator: () => {
        if (state.status !== 'SUPPLEMENT_REQUESTED' || supplementHandedIn) {
          throw new Error(`no supplement is requested (status is ${state.status})`);
        }
      },
    },
  );

  setHandler(
    withdrawUpdate,
    (w) => {
      withdrawn = w;
      return state;
    },
    {
      validator: (_w) => {
        if (FINAL_STATUSES.includes(state.status) || withdrawn) {
          throw new Error(`the application is already closed (status is ${state.status})`);
        }
      },
    },
  );

  setHandler(batchAssignedSignal, (b) => {
    batch = b;
  });

  // ---- main flow ----
  await record('SUBMITTED');
  await notify({ key: `${input.applicationId}:RECEIPT`, kind: 'RECEIPT', applicationId: input.applicationId });

  // Intake (A5, I5, E4): review, possibly several supplement rounds, until complete or out.
  let round = 0;
  for (;;) {
    await condition(() => pendingReview !== undefined || withdrawn !== undefined);
    if (withdrawn) return withdraw();
    const review = pendingReview!;
    pendingReview = undefined;

    if (review.decision === 'COMPLETE') {
      state.documentsAcceptedOn = today();
      await transition('DOCUMENTS_COMPLETE', 'DOCUMENTS_ACCEPTED', { actor: review.actor });
      break;
    }
    if (review.decision === 'INELIGIBLE') {
      state.ineligibility = { rule: review.rule, reason: review.reason };
      await transition('INELIGIBLE', 'INELIGIBLE', { rule: review.rule, reason: review.reason, actor: review.actor });
      await notify({
        key: `${input.applicationId}:INELIGIBLE`,
        kind: 'INELIGIBLE',
        applicationId: input.applicationId,
        data: { rule: review.rule, reason: review.reason },
      });
      return state;
    }

    // SUPPLEMENT (I5): due in N days, a reminder before, ineligible (A5) when it passes.
    round += 1;
    const dueOn = addDays(today(), review.dueDays ?? input.supplementDays);
    state.supplement = { missingDocuments: review.missingDocuments, dueOn, round };
    supplementHandedIn = false;
    await transition('SUPPLEMENT_REQUESTED', 'SUPPLEMENT_REQUESTED', {
      missingDocuments: review.missingDocuments,
      dueOn,
      actor: review.actor,
    });
    await notify({
      key: `${input.applicationId}:SUPPLEMENT_REQUEST:${round}`,
      kind: 'SUPPLEMENT_REQUEST',
      applicationId: input.applicationId,
      data: { missingDocuments: review.missingDocuments, dueOn, note: review.note },
    });

    const reminderAt = startOfDayKst(addDays(dueOn, -SUPPLEMENT_REMINDER_DAYS_BEFORE));
    const answered = () => supplementHandedIn || withdrawn !== undefined;
    if (reminderAt > now() && !(await condition(answered, reminderAt - now()))) {
      await notify({
        key: `${input.applicationId}:SUPPLEMENT_REMINDER:${round}`,
        kind: 'SUPPLEMENT_REMINDER',
        applicationId: input.applicationId,
        data: { missingDocuments: review.missingDocuments, dueOn },
      });
    }
    const inTime = await condition(answered, Math.max(0, endOfDayKst(dueOn) - now()));
    if (withdrawn) return withdraw();
    if (!inTime) {
      state.ineligibility = { rule: 'A5', reason: `supplement not received by ${dueOn} (I5)` };
      await transition('INELIGIBLE', 'SUPPLEMENT_EXPIRED', { dueOn });
      await notify({
        key: `${input.applicationId}:INELIGIBLE`,
        kind: 'INELIGIBLE',
        applicationId: input.applicationId,
        data: { rule: 'A5', reason: state.ineligibility.reason, missingDocuments: review.missingDocuments },
      });
      return state;
    }
    state.supplement = undefined;
    await transition('UNDER_REVIEW', 'SUPPLEMENT_SUBMITTED', { round });
  }

  // V2: the call workflow learns there is an application waiting (C2 quarter cutoff).
  await getExternalWorkflowHandle(callWorkflowId(input.callId)).signal(applicationWaitingSignal, {
    applicationId: input.applicationId,
    acceptedOn: state.documentsAcceptedOn!,
  });

  await condition(() => batch !== undefined || withdrawn !== undefined);
  if (withdrawn) return withdraw();
  state.batch = batch;
  await transition('IN_EVALUATION', 'BATCH_ASSIGNED', { ...batch });
  await notify({
    key: `${input.applicationId}:BATCH_ASSIGNED:${batch!.batchId}`,
    kind: 'BATCH_ASSIGNED',
    applicationId: input.applicationId,
    data: { batchId: batch!.batchId, cutoff: batch!.cutoff, resultsBy: state.deadlines.notificationDue },
  });

  // Evaluation, selection and everything after land here (V, O, Q, R).
  await condition(() => withdrawn !== undefined);
  return withdraw();

  // ---- helpers (closures over state) ----

  async function withdraw(): Promise<ApplicationState> {
    await transition('WITHDRAWN', 'WITHDRAWN', { reason: withdrawn?.reason });
    await notify({ key: `${input.applicationId}:WITHDRAWN`, kind: 'WITHDRAWN', applicationId: input.applicationId });
    return state;
  }

  async function transition(status: ApplicationStatus, event: string, detail?: Record<string, unknown>) {
    state.status = status;
    await record(event, detail);
  }

  /** Timeline, T2 deadlines, the database row and the search attributes move together. */
  async function record(event: string, detail?: Record<string, unknown>) {
    state.timeline.push({ at: new Date(now()).toISOString(), event, ...(detail ? { detail } : {}) });
    state.deadlines = deadlinesOf(input, {
      batchCutoff: state.batch?.cutoff,
      supplementDue: state.status === 'SUPPLEMENT_REQUESTED' ? state.supplement?.dueOn : undefined,
    });
    const next = nextDeadline(state.deadlines, today());
    state.nextDeadline = next ?? undefined;
    upsertSearchAttributesIfRegistered(state.status, next?.date);
    await recordApplication({
      applicationId: input.applicationId,
      status: state.status,
      deadlines: state.deadlines,
      documentsAcceptedOn: state.documentsAcceptedOn,
      batchId: state.batch?.batchId,
    });
  }
}

function deadlinesOf(
  input: ApplicationInput,
  facts: { batchCutoff?: IsoDate; supplementDue?: IsoDate },
): ApplicationState['deadlines'] {
  const d = applicationDeadlines({
    pool: input.pool,
    supportEnd: input.supportEndsOn,
    batchCutoff: facts.batchCutoff,
    today: today(),
  });
  return { ...d, ...(facts.supplementDue ? { supplementDue: facts.supplementDue } : {}) };
}

/**
 * H2: only upsert what the starter set. A server without our search attributes registered
 * (the time-skipping test server, an unconfigured cluster) would fail the workflow task on
 * an unknown attribute, so the starter passes them only when the namespace has them.
 */
function upsertSearchAttributesIfRegistered(status: ApplicationStatus, nextDeadlineOn?: IsoDate) {
  if (workflowInfo().typedSearchAttributes.get(StatusAttr) === undefined) return;
  const pairs: SearchAttributePair[] = [{ key: StatusAttr, value: status }];
  if (nextDeadlineOn) pairs.push({ key: NextDeadlineAttr, value: new Date(endOfDayKst(nextDeadlineOn)) });
  upsertSearchAttributes(pairs as never);
}

