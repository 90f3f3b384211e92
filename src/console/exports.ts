import type { Sql } from '../db';
import { CRITERIA, kstDateOf, nextDeadline, OUTCOME_CATEGORIES, OUTCOME_CATEGORY_NAMES, type IsoDate } from '../domain';
import type { CloseOutView } from '../contracts/closeout';
import { DEADLINE_LABELS, label, OUTCOME_LABELS, STATUS_LABELS } from './labels';
import type { Cell, Sheet } from './spreadsheet';

/**
 * H4: the four exports, as tables. Personal data (names, e-mails, phones) is never
 * exported (S3: it is masked even in listings); organisations are.
 */
const day = (d: Date | null) => (d ? kstDateOf(d.getTime()) : null);

export interface ApplicationFilters {
  callId?: string;
  status?: string;
  pool?: 'DEDICATED' | 'SHARED';
  type?: 'T4' | 'H100' | 'BOW';
}

export async function applicationsSheet(sql: Sql, f: ApplicationFilters, today: IsoDate): Promise<Sheet> {
  const rows = await sql<
    Array<{
      id: string; call_id: string; status: string; title: string; organisation_name: string; brn: string; pool: string; accelerator_type: string;
      units: number; priority: boolean; submitted_at: Date | null; batch_id: string | null; total_score: string | null; selection_rank: number | null;
      granted_type: string | null; granted_units: number | null; deadlines: Record<string, IsoDate>;
    }>
  >`
    select id, call_id, status, title, organisation_name, brn, pool, accelerator_type, units, priority, submitted_at, batch_id,
      total_score, selection_rank, granted_type, granted_units, deadlines
    from applications where true
      ${f.callId ? sql`and call_id = ${f.callId}` : sql``}
      ${f.status ? sql`and status = ${f.status}` : sql``}
      ${f.pool ? sql`and pool = ${f.pool}` : sql``}
      ${f.type ? sql`and coalesce(granted_type, accelerator_type) = ${f.type}` : sql``}
    order by created_at, id`;
  return {
    name: '신청 목록',
    columns: [
      { key: 'id', header: '신청번호 (id)' },
      { key: 'callId', header: '공고 (call)' },
      { key: 'status', header: '상태 (status)' },
      { key: 'statusKo', header: '상태명' },
      { key: 'title', header: '과제명 (title)', width: 40 },
      { key: 'organisation', header: '기관명 (organisation)', width: 30 },
      { key: 'brn', header: '사업자등록번호 (BRN)' },
      { key: 'pool', header: '풀 (pool)' },
      { key: 'type', header: '자원 (type)' },
      { key: 'units', header: '수량 (units)' },
      { key: 'priority', header: '우선지원 (priority, V4)' },
      { key: 'submittedOn', header: '제출일 (submitted)' },
      { key: 'batchId', header: '평가 차수 (batch)' },
      { key: 'total', header: '평점 (total)' },
      { key: 'rank', header: '순위 (rank)' },
      { key: 'granted', header: '선정 자원 (granted)' },
      { key: 'nextDeadline', header: '다음 기한 (next deadline, T2)' },
      { key: 'nextDeadlineOn', header: '기한일 (due)' },
    ],
    rows: rows.map((r) => {
      const next = nextDeadline(r.deadlines, today);
      return {
        id: r.id,
        callId: r.call_id,
        status: r.status,
        statusKo: label(STATUS_LABELS, r.status),
        title: r.title,
        organisation: r.organisation_name,
        brn: r.brn,
        pool: r.pool,
        type: r.accelerator_type,
        units: r.units,
        priority: r.priority ? 'Y' : 'N',
        submittedOn: day(r.submitted_at),
        batchId: r.batch_id,
        total: r.total_score === null ? null : Number(r.total_score),
        rank: r.selection_rank,
        granted: r.granted_type ? `${r.granted_type} × ${r.granted_units}` : null,
        nextDeadline: next ? label(DEADLINE_LABELS, next.name) : null,
        nextDeadlineOn: next?.date ?? null,
      };
    }),
  };
}

/** V5–V7: a batch's selection result, in rank order (empty before the selection). */
export async function selectionSheet(sql: Sql, batchId: string): Promise<Sheet> {
  const rows = await sql<
    Array<{ rank: number; application_id: string; title: string; organisation_name: string; priority: boolean; scores: Record<string, number>; total: string; evaluators: number; outcome: string; rule: string; resource_type: string; resource_units: number }>
  >`
    select r.rank, r.application_id, a.title, a.organisation_name, a.priority, r.scores, r.total, r.evaluators, r.outcome, r.rule,
      r.resource_type, r.resource_units
    from selection_results r join applications a on a.id = r.application_id
    where r.batch_id = ${batchId} order by r.rank`;
  return {
    name: '선정 결과',
    columns: [
      { key: 'rank', header: '순위 (rank)' },
      { key: 'id', header: '신청번호 (id)' },
      { key: 'title', header: '과제명 (title)', width: 40 },
      { key: 'organisation', header: '기관명 (organisation)', width: 30 },
      { key: 'priority', header: '우선지원 (V4)' },
      ...CRITERIA.map((c) => ({ key: c.key, header: `${c.nameKo} (${c.max})` })),
      { key: 'total', header: '평점 (total)' },
      { key: 'evaluators', header: '평가위원 수 (I4)' },
      { key: 'outcome', header: '결과 (outcome)' },
      { key: 'outcomeKo', header: '결과명' },
      { key: 'rule', header: '근거 (rule)' },
      { key: 'resource', header: '자원 (resource)' },
    ],
    rows: rows.map((r) => ({
      rank: r.rank,
      id: r.application_id,
      title: r.title,
      organisation: r.organisation_name,
      priority: r.priority ? 'Y' : 'N',
      ...Object.fromEntries(CRITERIA.map((c) => [c.key, Number(r.scores[c.key])])),
      total: Number(r.total),
      evaluators: r.evaluators,
      outcome: r.outcome,
      outcomeKo: label(OUTCOME_LABELS, r.outcome),
      rule: r.rule,
      resource: `${r.resource_type} × ${r.resource_units}`,
    })),
  };
}

/** O4/I1: each judged month of each allocation of a call (dedicated pool). */
export async function utilisationSheet(sql: Sql, callId: string): Promise<Sheet> {
  const rows = await sql<
    Array<{ application_id: string; title: string; organisation_name: string; type: string; units: number; month: string; verdict: string; mean_percent: string | null; days_counted: number; days_missing: number; judged_on: IsoDate }>
  >`
    select m.application_id, a.title, a.organisation_name, coalesce(a.granted_type, a.accelerator_type) as type,
      coalesce(a.granted_units, a.units) as units, m.month, m.verdict, m.mean_percent, m.days_counted, m.days_missing, m.judged_on
    from utilisation_months m join applications a on a.id = m.application_id
    where a.call_id = ${callId} order by m.application_id, m.month`;
  return {
    name: '월별 활용률',
    columns: [
      { key: 'id', header: '신청번호 (id)' },
      { key: 'title', header: '과제명 (title)', width: 40 },
      { key: 'organisation', header: '기관명 (organisation)', width: 30 },
      { key: 'resource', header: '자원 (resource)' },
      { key: 'month', header: '월 (month)' },
      { key: 'mean', header: '평균 활용률 % (mean)' },
      { key: 'verdict', header: '판정 (verdict, I1)' },
      { key: 'daysCounted', header: '집계일 (days counted)' },
      { key: 'daysMissing', header: '누락일 (days missing)' },
      { key: 'judgedOn', header: '판정일 (judged on)' },
    ],
    rows: rows.map((r) => ({
      id: r.application_id,
      title: r.title,
      organisation: r.organisation_name,
      resource: `${r.type} × ${r.units}`,
      month: r.month,
      mean: r.mean_percent === null ? null : Number(r.mean_percent),
      verdict: r.verdict,
      daysCounted: r.days_counted,
      daysMissing: r.days_missing,
      judgedOn: r.judged_on,
    })),
  };
}

/** R4: the outcomes each result report of a call declares, one column per category. */
export async function outcomesSheet(sql: Sql, callId: string): Promise<Sheet> {
  const rows = await sql<Array<{ application_id: string; title: string; organisation_name: string; report_status: string; view: CloseOutView }>>`
    select c.application_id, a.title, a.organisation_name, c.report_status, c.view
    from close_outs c join applications a on a.id = c.application_id
    where c.call_id = ${callId} order by c.application_id`;
  return {
    name: '성과 (R4)',
    columns: [
      { key: 'id', header: '신청번호 (id)' },
      { key: 'title', header: '과제명 (title)', width: 40 },
      { key: 'organisation', header: '기관명 (organisation)', width: 30 },
      { key: 'reportStatus', header: '결과보고서 (report)' },
      ...OUTCOME_CATEGORIES.map((c) => ({ key: c, header: `${OUTCOME_CATEGORY_NAMES[c].ko} (${c})` })),
    ],
    rows: rows.map((r) => {
      const outcomes = r.view.report?.submission?.outcomes ?? [];
      const counts: Record<string, Cell> = Object.fromEntries(OUTCOME_CATEGORIES.map((c) => [c, outcomes.find((o) => o.category === c)?.count ?? null]));
      return { id: r.application_id, title: r.title, organisation: r.organisation_name, reportStatus: r.report_status, ...counts };
    }),
  };
}

