import { batchProgress } from '../activities/evaluation';
import { callRemainingCapacity } from '../activities/capacity';
import { closeOutOverdue } from '../api/routes/closeout';
import type { Sql } from '../db';
import {
  addDays,
  AT_RISK_DAYS_BEFORE,
  batchDeadlines,
  compareDates,
  exclusionCandidate,
  kstDateOf,
  type AcceleratorType,
  type IsoDate,
  type RuleId,
  type UtilisationVerdict,
  OPERATOR_TODAY_STATUSES,
} from '../domain';

/**
 * H4: today's work of the operators: everything that waits for a person, from the
 * database rows the workflows mirror (applications.status/deadlines, batches, reviews,
 * close-outs). Each item names the rule that makes it work and the date it is due by;
 * items with no due date (documents to review, selections to allocate) come after the
 * urgent ones, ordered by the day they started waiting.
 */
export type WorkKind =
  | 'DOCUMENT_REVIEW'
  | 'SUPPLEMENT_DUE'
  | 'REVIEW_DEADLINE'
  | 'RESULTS_DEADLINE'
  | 'BATCH_TO_SELECT'
  | 'TO_ALLOCATE'
  | 'SETUP_ENDING'
  | 'EXCLUSION_CANDIDATE'
  | 'QUARTERLY_DECISION'
  | 'CLOSE_OUT_TO_ACCEPT'
  | 'CLOSE_OUT_OVERDUE';

export type Urgency = 'OVERDUE' | 'TODAY' | 'SOON' | 'LATER' | 'WAITING';

export interface WorkItem {
  kind: WorkKind;
  rule: RuleId;
  due: IsoDate | null;
  since: IsoDate | null;
  urgency: Urgency;
  callId: string;
  applicationId?: string;
  batchId?: string;
  title: string;
  organisation?: string;
  detail: string;
}

/** N: "at risk" is the operators' warning window (3 days before a deadline). */
export function urgencyOf(due: IsoDate | null, today: IsoDate): Urgency {
  if (!due) return 'WAITING';
  const c = compareDates(due, today);
  if (c < 0) return 'OVERDUE';
  if (c === 0) return 'TODAY';
  return compareDates(addDays(due, -AT_RISK_DAYS_BEFORE), today) <= 0 ? 'SOON' : 'LATER';
}

const dayOf = (d: Date | null | undefined) => (d ? kstDateOf(d.getTime()) : null);

export async function todaysWork(sql: Sql, today: IsoDate, opts: { callId?: string } = {}): Promise<WorkItem[]> {
  const call = opts.callId ? sql`and a.call_id = ${opts.callId}` : sql``;
  const items: WorkItem[] = [];
  const push = (i: Omit<WorkItem, 'urgency'>) => items.push({ ...i, urgency: urgencyOf(i.due, today) });

  const apps = await sql<
    Array<{
      id: string; call_id: string; status: string; title: string; organisation_name: string; submitted_at: Date | null;
      supplement_due: IsoDate | null; setup_end: IsoDate | null; selected_at: Date | null; type: AcceleratorType; units: number;
    }>
  >`
    select a.id, a.call_id, a.status, a.title, a.organisation_name, a.submitted_at,
      a.deadlines->>'supplementDue' as supplement_due, a.deadlines->>'setupEnd' as setup_end, b.selected_at,
      coalesce(a.granted_type, a.committee_type, a.accelerator_type) as type, coalesce(a.granted_units, a.committee_units, a.units) as units
    from applications a left join batches b on b.id = a.batch_id
    where a.status in ${sql(OPERATOR_TODAY_STATUSES)} ${call}`;
  const capacityLeft = new Map<string, Record<AcceleratorType, number>>();
  for (const a of apps) {
    const base = { callId: a.call_id, applicationId: a.id, title: a.title, organisation: a.organisation_name };
    if (a.status === 'UNDER_REVIEW') {
      push({ ...base, kind: 'DOCUMENT_REVIEW', rule: 'A4', due: null, since: dayOf(a.submitted_at), detail: '제출 서류 검토 (Review the documents)' });
    } else if (a.status === 'SUPPLEMENT_REQUESTED') {
      push({ ...base, kind: 'SUPPLEMENT_DUE', rule: 'I5', due: a.supplement_due, since: null, detail: '보완 서류 기한 (Supplement due; A5 after it)' });
    } else if (a.status === 'SELECTED') {
      push({ ...base, kind: 'TO_ALLOCATE', rule: 'O1', due: null, since: dayOf(a.selected_at), detail: `자원 할당 ${a.type} × ${a.units} (Allocate)` });
    } else if (a.status === 'WAITLISTED') {
      // V7: a waitlisted application is work only once its type has capacity free again.
      if (!capacityLeft.has(a.call_id)) capacityLeft.set(a.call_id, await callRemainingCapacity(sql, a.call_id));
      if ((capacityLeft.get(a.call_id)![a.type] ?? 0) >= a.units) {
        push({ ...base, kind: 'TO_ALLOCATE', rule: 'V7', due: null, since: dayOf(a.selected_at), detail: `예비 → 여유 자원 ${a.type} × ${a.units} (Capacity freed)` });
      }
    } else if (a.status === 'ALLOCATED') {
      push({ ...base, kind: 'SETUP_ENDING', rule: 'O2', due: a.setup_end, since: null, detail: '환경 설정 기간 종료 (Setup period ends)' });
    }
  }

  // V2/V5/I4: closed batches not yet selected.
  const batches = await sql<Array<{ id: string; call_id: string; cutoff: IsoDate; selection_started_at: Date | null; min_evaluators: number }>>`
    select b.id, b.call_id, b.cutoff, b.selection_started_at, coalesce((c.settings->>'minEvaluators')::int, 5) as min_evaluators
    from batches b join calls c on c.id = b.call_id
    where b.closed_at is not null and b.selected_at is null ${opts.callId ? sql`and b.call_id = ${opts.callId}` : sql``}`;
  for (const b of batches) {
    const progress = await batchProgress(sql, b.id, b.min_evaluators);
    if (progress.inPlay === 0) continue;
    const { reviewDue, notificationDue } = batchDeadlines(b.cutoff);
    const base = { callId: b.call_id, batchId: b.id, title: `평가 차수 ${b.id}`, since: b.cutoff };
    if (b.selection_started_at) continue; // the selection is running: nothing for a person
    if (progress.short.length === 0) {
      push({ ...base, kind: 'BATCH_TO_SELECT', rule: 'V5', due: notificationDue, detail: `평가 완료 ${progress.inPlay}건: 선정 확정 (Select)` });
      continue;
    }
    const short = `${progress.short.length}/${progress.inPlay}건 평가위원 ${b.min_evaluators}명 미달 (I4)`;
    if (urgencyOf(reviewDue, today) !== 'LATER') {
      push({ ...base, kind: 'REVIEW_DEADLINE', rule: 'V2', due: reviewDue, detail: `평가 기한 ${short}` });
    } else if (urgencyOf(notificationDue, today) !== 'LATER') {
      push({ ...base, kind: 'RESULTS_DEADLINE', rule: 'V2', due: notificationDue, detail: `결과 통보 기한 ${short}` });
    }
  }

  // O5: the latest judged month of a running allocation was NONE.
  const months = await sql<
    Array<{ application_id: string; call_id: string; title: string; organisation_name: string; month: string; verdict: UtilisationVerdict; judged_on: IsoDate; next_review: IsoDate | null }>
  >`
    select distinct on (m.application_id) m.application_id, a.call_id, a.title, a.organisation_name, m.month, m.verdict,
      m.judged_on, a.deadlines->>'nextQuarterlyReview' as next_review
    from utilisation_months m join applications a on a.id = m.application_id
    where a.status = 'IN_OPERATION' ${call}
    order by m.application_id, m.month desc`;
  for (const m of months) {
    if (!exclusionCandidate(m.verdict)) continue;
    push({
      kind: 'EXCLUSION_CANDIDATE', rule: 'O5', callId: m.call_id, applicationId: m.application_id, title: m.title, organisation: m.organisation_name,
      due: m.next_review, since: m.judged_on, detail: `${m.month} 활용률 미사용: 즉시 제외 검토 (No usage: exclusion candidate)`,
    });
  }

  // Q1/I2: open quarterly reviews.
  const reviews = await sql<Array<{ application_id: string; call_id: string; title: string; organisation_name: string; review_date: IsoDate; due_on: IsoDate; recommendation: { decision?: string } | null }>>`
    select r.application_id, r.call_id, a.title, a.organisation_name, r.review_date, r.due_on, r.recommendation
    from quarterly_reviews r join applications a on a.id = r.application_id
    where r.decision is null ${call}`;
  for (const r of reviews) {
    push({
      kind: 'QUARTERLY_DECISION', rule: 'Q1', callId: r.call_id, applicationId: r.application_id, title: r.title, organisation: r.organisation_name,
      due: r.due_on, since: r.review_date,
      detail: `${r.review_date} 분기 검토${r.recommendation?.decision ? ` (권고 ${r.recommendation.decision})` : ''}: 결정 (Decide; I2 continues after the due date)`,
    });
  }

  // R1/R2: handed in and waiting for a decision; past a due date with something outstanding.
  const closeOuts = await sql<
    Array<{
      application_id: string; call_id: string; title: string; organisation_name: string; report_due: IsoDate; data_sharing_due: IsoDate;
      report_status: string; data_sharing_status: string; overdue: boolean; report_on: IsoDate | null; data_sharing_on: IsoDate | null;
    }>
  >`
    select c.application_id, c.call_id, a.title, a.organisation_name, c.report_due, c.data_sharing_due, c.report_status,
      c.data_sharing_status, ${closeOutOverdue(sql, today)} as overdue,
      c.view->'report'->'submission'->>'submittedOn' as report_on, c.view->'dataSharing'->'submission'->>'submittedOn' as data_sharing_on
    from close_outs c join applications a on a.id = c.application_id
    where c.completed_on is null ${call}`;
  for (const c of closeOuts) {
    const base = { callId: c.call_id, applicationId: c.application_id, title: c.title, organisation: c.organisation_name };
    // Handed in: the applicant's due date is kept; the operators' decision has none of its own.
    if (c.report_status === 'SUBMITTED') push({ ...base, kind: 'CLOSE_OUT_TO_ACCEPT', rule: 'R1', due: null, since: c.report_on ?? c.report_due, detail: '결과보고서 검토 (Accept or return the report)' });
    if (c.data_sharing_status === 'SUBMITTED') push({ ...base, kind: 'CLOSE_OUT_TO_ACCEPT', rule: 'R2', due: null, since: c.data_sharing_on ?? c.data_sharing_due, detail: '데이터 공유 검토 (Accept or return the data sharing)' });
    if (c.overdue) {
      const late = [
        ...(['DUE', 'RETURNED'].includes(c.report_status) && compareDates(c.report_due, today) < 0 ? ['결과보고서 (report)'] : []),
        ...(['DUE', 'RETURNED'].includes(c.data_sharing_status) && compareDates(c.data_sharing_due, today) < 0 ? ['데이터 공유 (data sharing)'] : []),
      ];
      push({ ...base, kind: 'CLOSE_OUT_OVERDUE', rule: 'R5', due: c.report_due, since: null, detail: `기한 경과: ${late.join(', ')} (Overdue)` });
    }
  }

  // By deadline: what is overdue, due today or within the warning window first; then the
  // work with no due date (oldest first: it has waited longest); then later deadlines.
  const group: Record<Urgency, number> = { OVERDUE: 0, TODAY: 1, SOON: 2, WAITING: 3, LATER: 4 };
  const key = (i: WorkItem) => i.due ?? i.since ?? '9999-12-31';
  return items.sort(
    (a, b) =>
      group[a.urgency] - group[b.urgency] || compareDates(key(a), key(b)) || a.kind.localeCompare(b.kind) ||
      (a.applicationId ?? a.batchId ?? '').localeCompare(b.applicationId ?? b.batchId ?? ''),
  );
}
