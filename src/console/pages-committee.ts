import { ACCELERATOR_TYPES, CRITERIA, DOCUMENT_TYPES, isDocumentType } from '../domain';
import { apiFor, must } from './api-client';
import { html } from './html';
import { CRITERION_GUIDANCE } from './labels';
import { page, statusBadge } from './layout';
import { outcomeBadge } from './pages-operator';
import type { PageContext } from './page-context';

const enc = encodeURIComponent;

/** Operators: every batch, newest cutoff first, with where its selection stands. */
export async function batchesPage({ deps, actor, csrf }: PageContext) {
  const rows = await deps.sql<Array<{ id: string; call_id: string; cutoff: string; closed_at: Date | null; selection_started_at: Date | null; selected_at: Date | null; members: number }>>`
    select b.id, b.call_id, b.cutoff, b.closed_at, b.selection_started_at, b.selected_at,
      (select count(*)::int from applications a where a.batch_id = b.id) as members
    from batches b order by b.cutoff desc, b.id`;
  const state = (b: (typeof rows)[number]) =>
    b.selected_at ? '선정 완료 selected' : b.selection_started_at ? '선정 중 selecting' : b.closed_at ? '평가 중 evaluating' : '접수 중 open';
  const body = html`<table><thead><tr><th>차수 Batch</th><th>공고</th><th>마감 Cutoff (V2)</th><th>신청</th><th>상태</th></tr></thead><tbody>
    ${rows.map((b) => html`<tr><td><a href="/console/batches/${enc(b.call_id)}/${enc(b.id)}">${b.id}</a></td><td>${b.call_id}</td><td>${b.cutoff}</td><td>${b.members}</td><td>${state(b)}</td></tr>`)}
    </tbody></table>`;
  return page({ title: '평가·선정 Committee', actor, csrf, body });
}

/**
 * H4 (operators): a batch's progress and deadlines, and the selection preview — the
 * domain's ranking of the scores as they stand, the capacity line of each type and who
 * would wait (V5–V7, K5) — before the operator confirms the selection.
 */
export async function batchPage({ req, actor, csrf }: PageContext) {
  const api = apiFor(req);
  const path = `/calls/${enc(String(req.params.callId))}/batches/${enc(String(req.params.batchId))}`;
  const batch = await must(api(path));
  const preview = await must(api(`${path}/selection-preview`));
  const done = batch.selection.state !== 'NOT_STARTED';
  const ranking: any[] = done ? batch.ranking : preview.ranking;
  const lastOf = new Map<string, number>();
  for (const t of ACCELERATOR_TYPES) if (preview.capacity[t]?.lastSelectedRank) lastOf.set(t, preview.capacity[t].lastSelectedRank);
  const sla = (name: string, s: any) => html`<tr><th>${name}</th><td>${s.dueOn}</td><td><span class="badge u-${s.state === 'BREACHED' ? 'OVERDUE' : s.state === 'AT_RISK' ? 'SOON' : 'LATER'}">${s.state}</span></td></tr>`;
  const body = html`
    <div class="card"><p>공고 ${batch.callId} · 마감 ${batch.cutoff} · 신청 ${batch.progress.members}건 · 평가 완료 ${batch.progress.complete}건 (I4: 평가위원 ${batch.minEvaluators}명)</p>
      <p>평가위원 Evaluators: ${batch.evaluators.map((e: any) => e.name).join(', ') || '—'}</p>
      <table><tbody>${sla('평가 기한 Review (V2)', batch.sla.review)}${sla('결과 통보 기한 Results (V2)', batch.sla.results)}</tbody></table></div>
    ${batch.progress.short.length ? html`<h2>평가 미완료 Short of scores (I4)</h2><ul>${batch.progress.short.map((s: any) => html`<li><a href="/console/applications/${s.applicationId}">${s.applicationId}</a> ${s.title} — ${s.evaluators}/${s.needed}</li>`)}</ul>` : ''}
    <h2>${done ? '선정 결과 Selection result' : '선정 미리보기 Selection preview'}</h2>
    <table data-testid="capacity"><thead><tr><th>자원</th><th>공고 용량 Capacity (K5)</th><th>남은 용량 Available</th><th>선정 Selected units</th><th>용량선 Line (last selected rank)</th></tr></thead><tbody>
      ${ACCELERATOR_TYPES.map((t) => html`<tr><td>${t}</td><td>${preview.capacity[t].capacity}</td><td>${preview.capacity[t].available}</td><td>${preview.capacity[t].selectedUnits}</td><td>${preview.capacity[t].lastSelectedRank ?? '—'}</td></tr>`)}</tbody></table>
    <table data-testid="ranking"><thead><tr><th>순위</th><th>신청</th><th>기관</th><th>정책 30</th><th>우수성 30</th><th>자원 20</th><th>성과 20</th><th>평점</th><th>자원</th><th>결과</th><th>근거</th></tr></thead><tbody>
      ${ranking.map((r) => html`<tr class="${[...lastOf.values()].includes(r.rank - 1) && !done ? 'line' : ''}" data-outcome="${r.outcome}"><td>${r.rank}</td>
        <td><a href="/console/applications/${r.applicationId}">${r.applicationId}</a> ${r.priority ? '★' : ''} ${r.title ?? ''}</td><td>${r.organisation ?? ''}</td>
        <td>${r.scores.policyAlignment}</td><td>${r.scores.projectExcellence}</td><td>${r.scores.resourceFeasibility}</td><td>${r.scores.targetOutcomes}</td>
        <td><strong>${r.total}</strong></td><td>${r.resource.type} × ${r.resource.units}</td><td>${outcomeBadge(r.outcome)}</td><td><span class="rule">${r.rule}</span></td></tr>`)}
    </tbody></table>
    ${!done && preview.waitlisted.length ? html`<p>예비(대기) Would wait (V7): ${preview.waitlisted.join(', ')}</p>` : ''}
    ${done
      ? html`<p>선정 ${batch.selection.selectedAt ?? '진행 중'} · <a href="/exports/calls/${batch.callId}/batches/${batch.batchId}/selection?format=xlsx" data-testid="export-selection-xlsx">XLSX</a> ·
          <a href="/exports/calls/${batch.callId}/batches/${batch.batchId}/selection?format=csv">CSV</a></p>`
      : html`<form class="action" data-api-method="POST" data-api-path="${path}/selection" data-testid="confirm-selection"
          data-confirm="이 순위대로 선정을 확정하고 결과를 통보할까요? Confirm the selection and notify every applicant?">
          <strong>선정 확정 Confirm the selection (V5–V7)</strong><p class="muted">확정하면 점수와 자원 변경은 더 이상 받지 않습니다 (V5).</p>
          <button type="submit">확정 Confirm</button><div class="result" aria-live="polite"></div></form>`}`;
  return page({ title: `평가 차수 ${batch.batchId}`, actor, csrf, body, wide: true });
}

/** Evaluators: the batches assigned to them (S2). */
export async function evaluatorBatchesPage({ req, actor, csrf }: PageContext) {
  const list = await must(apiFor(req)('/evaluator/batches'));
  const body = html`<table><thead><tr><th>차수 Batch</th><th>공고</th><th>평가 기한 Review due (V2)</th><th></th></tr></thead><tbody>
    ${list.items.map((b: any) => html`<tr><td><a href="/console/committee/${enc(b.callId)}/${enc(b.batchId)}">${b.batchId}</a></td><td>${b.callId}</td><td>${b.reviewDue}</td><td>${b.selected ? '선정 완료' : ''}</td></tr>`)}
    </tbody></table>${list.items.length === 0 ? html`<p class="muted">배정된 평가 차수가 없습니다. No batch is assigned to you.</p>` : ''}`;
  return page({ title: '평가 대기열 My batches', actor, csrf, body });
}

const queueOf = (c: PageContext) => must(apiFor(c.req)(`/calls/${enc(String(c.req.params.callId))}/batches/${enc(String(c.req.params.batchId))}/applications`));

/** H4/V4: an evaluator's queue, priority applicants first (the API's order), their own scores only (S2). */
export async function queuePage(c: PageContext) {
  const q = await queueOf(c);
  const base = `/console/committee/${enc(String(c.req.params.callId))}/${enc(String(c.req.params.batchId))}`;
  const body = html`<p>평가 기한 ${q.reviewDue} (V2)${q.withheldOwnOrganisation ? html` · 소속 기관 신청 ${q.withheldOwnOrganisation}건 제외 (I4)` : ''}</p>
    <table data-testid="queue"><thead><tr><th>#</th><th>우선 V4</th><th>과제명</th><th>기관</th><th>자원</th><th>내 점수</th></tr></thead><tbody>
    ${q.items.map((a: any, i: number) => html`<tr data-priority="${a.priority}"><td>${i + 1}</td><td>${a.priority ? html`<span class="badge">★ 우선</span>` : ''}</td>
      <td><a href="${base}/${enc(a.id)}">${a.title}</a></td><td>${a.organisation.name}</td><td>${a.resource.type} × ${a.resource.units}</td>
      <td>${a.myScores ? html`<strong>${CRITERIA.reduce((s, k) => s + Number(a.myScores[k.key]), 0)}</strong>` : html`<span class="muted">미평가</span>`}</td></tr>`)}
    </tbody></table>`;
  return page({ title: `평가 차수 ${q.batchId}`, actor: c.actor, csrf: c.csrf, body });
}

/** A3: what the applicant says is ready for use right after setup, shown with resource feasibility (V3). */
function readinessBlock(r: any) {
  if (!r) return html`<p class="muted" data-testid="readiness">준비 현황 없음 (A3: a draft stored before the readiness part)</p>`;
  const state = (ready: boolean) => (ready ? html`<span class="badge">준비됨 ready</span>` : html`<span class="badge">미준비 not ready</span>`);
  return html`<div class="readiness" data-testid="readiness"><p><strong>준비 현황 Readiness (A3)</strong></p><ul>
    <li>데이터 Data ${state(r.data.ready)} ${r.data.detail}</li>
    <li>개발 인력 Team ${state(r.team.ready)} ${r.team.detail}</li>
    <li>첫 달 계획 First month ${r.firstMonth}</li></ul></div>`;
}

/** H4/V3: the scoring sheet: four criteria with their maxima and the seed's sub-items as guidance. */
export async function sheetPage(c: PageContext) {
  const q = await queueOf(c);
  const a = q.items.find((x: any) => x.id === c.req.params.applicationId);
  if (!a) {
    // S2/I4: not in this evaluator's queue (another batch, or their own organisation's).
    c.res.status(404);
    return page({ title: '평가표 Scoring sheet', actor: c.actor, csrf: c.csrf, body: html`<div class="problem"><p>이 평가 대기열에 없는 신청입니다 (not in your queue, S2/I4).</p></div>` });
  }
  const docBase = `/calls/${enc(String(c.req.params.callId))}/batches/${enc(String(c.req.params.batchId))}/applications/${enc(a.id)}/documents`;
  const body = html`
    <div class="card"><p>${statusBadge(a.status)} ${a.priority ? html`<span class="badge">★ 우선지원 V4</span>` : ''} <strong>${a.title}</strong></p>
      <p>${a.organisation.name} · ${a.organisation.type}${a.organisation.size ? ` (${a.organisation.size})` : ''} · ${a.resource.pool} ${a.resource.type} × ${a.resource.units}</p>
      <details open><summary>과제 내용 Project</summary><p>${a.project.description}</p><p><strong>AI 모델</strong> ${a.project.aiModelKind}</p>
        <p><strong>학습 계획</strong> ${a.project.trainingPlan}</p>
        <p><strong>월별 계획</strong></p><ul>${a.project.monthlyPlan.map((m: any) => html`<li>${m.month}: ${m.plan}</li>`)}</ul>
        <p><strong>목표 성과</strong></p><ul>${a.project.targetOutcomes.map((o: any) => html`<li>${o.category}: ${o.target}${o.count !== undefined ? ` (${o.count})` : ''}</li>`)}</ul>
        <p><strong>데이터</strong> ${a.project.dataDescription}</p></details>
      <p>서류 Documents (S3): ${a.documents.map((t: string) => html`<a href="${docBase}/${t}">${isDocumentType(t) ? DOCUMENT_TYPES[t].nameKo : t}</a> · `)}</p></div>
    <form class="action sheet" data-api-method="PUT" data-api-path="/applications/${enc(a.id)}/scores" data-testid="score-sheet" data-reload="no">
      <strong>평가표 Scoring sheet (V3)</strong>
      ${CRITERIA.map((k) => html`<div class="card"><label><strong>${k.nameKo}</strong> <small>${k.nameEn}</small> — 배점 ${k.max}
        <input type="number" name="${k.key}" data-type="number" min="0" max="${k.max}" step="0.5" required value="${a.myScores?.[k.key] ?? ''}" data-testid="score-${k.key}"> / ${k.max}</label>
        <ul class="guide">${(CRITERION_GUIDANCE[k.key] ?? []).map((g) => html`<li>${g}</li>`)}</ul>
        ${k.key === 'resourceFeasibility' ? readinessBlock(a.readiness) : ''}</div>`)}
      <p>합계 Total <span class="total" data-total>0.00</span> / 100 <small class="muted">(60점 이상 선정 대상, V5)</small></p>
      <p class="muted">평가의견(V8) 입력란은 API가 의견을 받게 되면 여기에 추가됩니다. The opinion field (V8) joins this sheet once the API accepts it.</p>
      <button type="submit">저장 Save</button><div class="result" aria-live="polite"></div></form>
    <p><a href="/console/committee/${enc(String(c.req.params.callId))}/${enc(String(c.req.params.batchId))}">← 대기열 Queue</a></p>`;
  return page({ title: `평가표 ${a.id}`, actor: c.actor, csrf: c.csrf, body });
}
