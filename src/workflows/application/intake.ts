import { condition, patched, setHandler } from '@temporalio/workflow';
import { addDays, endOfDayKst, startOfDayKst, SUPPLEMENT_REMINDER_DAYS_BEFORE } from '../../domain';
import { reviewDocumentsUpdate, submitSupplementUpdate, type DocumentReviewDecision } from '../../contracts/application';
import type { AuditEntry } from '../../contracts/audit';
import { now, today, type ApplicationContext } from './context';
import { refuseRule, refuseState } from '../../contracts/refusal';

/**
 * S4 (docs/PATCHING.md): the document review's Update answers once its audit row is stored
 * (with the status change, by the record activity), so the API answers without polling for
 * it, and the result's status is the one the row holds. Gated: old histories answered at once.
 */
export const REVIEW_ANSWERS_WHEN_WRITTEN_PATCH = 's4-review-answers-when-written-2026-12';

/**
 * Intake (A4–A6, E4, I5): document review, possibly several supplement rounds, until the
 * documents are complete, or the application is out (ineligible, expired, withdrawn).
 */
export function intakePhase(ctx: ApplicationContext) {
  const { state } = ctx;
  let pendingReview: (DocumentReviewDecision & { actor: string; audit?: AuditEntry }) | undefined;
  let supplementHandedIn = false;

  setHandler(
    reviewDocumentsUpdate,
    async (review) => {
      pendingReview = review;
      const audit = review.audit;
      if (audit && patched(REVIEW_ANSWERS_WHEN_WRITTEN_PATCH)) {
        // A withdrawal that wins the race ends intake before the review is handled (run below).
        await condition(() => ctx.auditWritten(audit.key) || ctx.withdrawal !== undefined);
      }
      return state;
    },
    {
      validator: (review) => {
        if (state.status !== 'UNDER_REVIEW' || pendingReview) {
          refuseState(`document review is only possible while UNDER_REVIEW (status is ${state.status})`);
        }
        if (review.decision === 'SUPPLEMENT' && review.missingDocuments.length === 0) {
          refuseRule('A5', 'A5: a supplement request must list the missing documents');
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
          refuseState(`no supplement is requested (status is ${state.status})`);
        }
      },
    },
  );

  /** Resolves true when the documents are complete, false when the application ended here. */
  async function run(): Promise<boolean> {
    await ctx.record('SUBMITTED');
    await ctx.notify('RECEIPT');
    let round = 0;
    for (;;) {
      await condition(() => pendingReview !== undefined || ctx.withdrawal !== undefined || ctx.exclusion !== undefined);
      if (ctx.withdrawal || ctx.exclusion) return false; // E4/E6: the exclusion is recorded by the workflow's end
      const review = pendingReview!;
      pendingReview = undefined;

      if (review.decision === 'COMPLETE') {
        state.documentsAcceptedOn = today();
        // S4: the review's audit entry goes with the status change it causes (one transaction).
        await ctx.transition('DOCUMENTS_COMPLETE', 'DOCUMENTS_ACCEPTED', { actor: review.actor }, review.audit);
        return true;
      }
      if (review.decision === 'INELIGIBLE') {
        state.ineligibility = { rule: review.rule, reason: review.reason };
        await ctx.transition('INELIGIBLE', 'INELIGIBLE', { rule: review.rule, reason: review.reason, actor: review.actor }, review.audit);
        await ctx.notify('INELIGIBLE', { rule: review.rule, reason: review.reason });
        return false;
      }

      // SUPPLEMENT (I5): due in N days, a reminder before, ineligible (A5) when it passes.
      round += 1;
      const dueOn = addDays(today(), review.dueDays ?? ctx.input.supplementDays);
      state.supplement = { missingDocuments: review.missingDocuments, dueOn, round };
      ctx.facts.supplementDue = dueOn;
      supplementHandedIn = false;
      await ctx.transition('SUPPLEMENT_REQUESTED', 'SUPPLEMENT_REQUESTED', {
        missingDocuments: review.missingDocuments,
        dueOn,
        actor: review.actor,
      }, review.audit);
      await ctx.notify('SUPPLEMENT_REQUEST', { missingDocuments: review.missingDocuments, dueOn, note: review.note }, String(round));

      const answered = () => supplementHandedIn || ctx.withdrawal !== undefined || ctx.exclusion !== undefined;
      const reminderAt = startOfDayKst(addDays(dueOn, -SUPPLEMENT_REMINDER_DAYS_BEFORE));
      // H2: timer summaries say what each timer is in the Temporal UI (metadata, not replayed).
      const reminder = { summary: `supplement reminder (round ${round}, due ${dueOn})` };
      if (reminderAt > now() && !(await condition(answered, reminderAt - now(), reminder))) {
        await ctx.notify('SUPPLEMENT_REMINDER', { missingDocuments: review.missingDocuments, dueOn }, String(round));
      }
      const inTime = await condition(answered, Math.max(0, endOfDayKst(dueOn) - now()), {
        summary: `supplement due ${dueOn} (round ${round}; A5: ineligible when it passes)`,
      });
      ctx.facts.supplementDue = undefined;
      if (ctx.withdrawal || ctx.exclusion) return false;
      if (!inTime) {
        state.ineligibility = { rule: 'A5', reason: `supplement not received by ${dueOn} (I5)` };
        await ctx.transition('INELIGIBLE', 'SUPPLEMENT_EXPIRED', { dueOn });
        await ctx.notify('INELIGIBLE', { rule: 'A5', reason: state.ineligibility.reason, missingDocuments: review.missingDocuments });
        return false;
      }
      state.supplement = undefined;
      await ctx.transition('UNDER_REVIEW', 'SUPPLEMENT_SUBMITTED', { round });
    }
  }

  return { run };
}
