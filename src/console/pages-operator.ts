import {
  DEADLINE_NAMES,
  DOCUMENT_TYPES,
  isDocumentType,
  RECLAIM_REASON_NAMES,
  RULE_IDS,
  ACCELERATOR_TYPES,
  type DeadlineName,
  ALLOCATABLE_STATUSES,
  SUPPORTED_STATUSES,
  SUPPORT_RUNNING_STATUSES,
  hasStatus,
} from '../domain';
import { documentStore } from '../api/document-store';
import { apiFor, must } from './api-client';
import { html, type Html } from './html';
import { DEADLINE_LABELS, label, labelBoth, OUTCOME_LABELS, STATUS_LABELS } from './labels';
import { page, statusBadge } from './layout';
import type { PageContext } from './page-context';
import type { WorkItem, WorkKind } from './today';

const KIND_LABELS: Record<WorkKind, string> = {
  DOCUMENT_REVIEW: '서류 검토 Document review',
  SUPPLEMENT_DUE: '보완 기한 Supplement due',
  REVIEW_DEADLINE: '평가 기한 위험 Review deadline',
  RESULTS_DEADLINE: '결과 통보 기한 위험 Results deadline',
  BATCH_TO_SELECT: '선정 확정 Select the batch',
  TO_ALLOCATE: '자원 할당 Allocate',
  SETUP_ENDING: '환경 설정 종료 Setup ending',
  EXCLUSION_CANDIDATE: '즉시 제외 후보 Exclusion candidate',
  QUARTERLY_DECISION: '분기 결정 Quarterly decision',
  CLOSE_OUT_TO_ACCEPT: '종료 서류 검토 Close-out to accept',
  CLOSE_OUT_OVERDUE: '종료 서류 기한 경과 Close-out overdue',
};
const URGENCY_LABELS: Record<string, string> = { OVERDUE: '기한 경과', TODAY: '오늘', SOON: '임박', LATER: '예정', WAITING: '대기' };

const link = (i: WorkItem) =>
  i.applicationId ? `/console/applications/${encodeURIComponent(i.applicationId)}` : `/console/batches/${encodeURIComponent(i.callId)}/${encodeURIComponent(i.batchId ?? '')}`;

const callOptions = (calls: Array<{ id: string; title: string }>, selected?: string) =>
  calls.map((c) => html`<option value="${c.id}" ${c.id === selected ? html`selected` : ''}>${c.id} · ${c.title}</option>`);

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** H4: everything that needs an operator, by due date, each row linking to where it is done. */
export async function todayPage({ req, actor, csrf }: PageContext) {
  const api = apiFor(req);
  const callId = str(req.query.callId);
  const work = await must<{ today: string; items: WorkItem[] }>(api(`/work/today${callId ? `?callId=${encodeURIComponent(callId)}` : ''}`));
  const calls = (await must<{ items: Array<{ id: string; title: string }> }>(api('/calls'))).items;
  const counts = new Map<WorkKind, number>();
  for (const i of work.items) counts.set(i.kind, (counts.get(i.kind) ?? 0) + 1);
  const body = html`
    <form method="get" class="summary"><label>공고 Call <select name="callId"><option value="">전체 All</option>${callOptions(calls, callId)}</select></label>
      <button type="submit">보기 Show</button></form>
    <p>기준일 <strong data-testid="today">${work.today}</strong> (KST, T1) · 업무 <strong data-testid="work-count">${work.items.length}</strong>건</p>
    <div class="summary">${[...counts].map(([k, n]) => html`<span class="badge">${KIND_LABELS[k]} ${n}</span>`)}</div>
    <table data-testid="today-work"><thead><tr><th>기한 Due</th><th></th><th>업무 Work</th><th>대상 Subject</th><th>내용 Detail</th><th>규칙</th></tr></thead><tbody>
    ${work.items.map(
      (i) => html`<tr data-kind="${i.kind}"><td>${i.due ?? html`<span class="muted">${i.since ? `${i.since}부터` : '—'}</span>`}</td>
        <td><span class="badge u-${i.urgency}">${URGENCY_LABELS[i.urgency]}</span></td>
        <td>${KIND_LABELS[i.kind]}</td>
        <td><a href="${link(i)}">${i.title}</a>${i.organisation ? html`<br><small>${i.organisation}</small>` : ''}</td>
        <td>${i.detail}</td><td><span class="rule">${i.rule}</span></td></tr>`,
    )}
    </tbody></table>
    ${work.items.length === 0 ? html`<p class="muted">오늘 처리할 업무가 없습니다. Nothing waits for you.</p>` : ''}`;
  return page({ title: '오늘의 업무 Today’s work', actor, csrf, body, wide: true });
}

/** The applications list with the API's filters (S3: masked), and the same filters as an export. */
export async function applicationsPage({ req, actor, csrf }: PageContext) {
  const api = apiFor(req);
  const q = new URLSearchParams();
  for (const k of ['callId', 'status', 'pool', 'type', 'cursor']) if (str(req.query[k])) q.set(k, str(req.query[k])!);
  q.set('pageSize', '100');
  const list = await must<{ total: number; totalExact: boolean; next: string | null; items: Array<Record<string, any>> }>(api(`/applications?${q}`));
  const calls = (await must<{ items: Array<{ id: string; title: string }> }>(api('/calls'))).items;
  const exportQ = new URLSearchParams(q);
  exportQ.delete('cursor');
  exportQ.delete('pageSize');
  const sel = (name: string, values: string[], labels?: Record<string, [string, string]>) =>
    html`<select name="${name}"><option value="">전체</option>${values.map((v) => html`<option value="${v}" ${str(req.query[name]) === v ? html`selected` : ''}>${labels ? label(labels, v) : v}</option>`)}</select>`;
  const body = html`
    <form method="get" class="summary">
      <label>공고 <select name="callId"><option value="">전체</option>${callOptions(calls, str(req.query.callId))}</select></label>
      <label>상태 ${sel('status', Object.keys(STATUS_LABELS), STATUS_LABELS)}</label>
      <label>풀 ${sel('pool', ['DEDICATED', 'SHARED'])}</label><label>자원 ${sel('type', [...ACCELERATOR_TYPES])}</label>
      <button type="submit">검색 Filter</button>
      <a href="/exports/applications?${exportQ}&format=xlsx" data-testid="export-list-xlsx">XLSX</a> · <a href="/exports/applications?${exportQ}&format=csv">CSV</a>
    </form>
    <p>${list.total}${list.totalExact ? '' : '+'}건</p>
    <table><thead><tr><th>신청번호</th><th>상태</th><th>과제명</th><th>기관</th><th>자원</th><th>우선</th><th>실무자 (S3)</th></tr></thead><tbody>
    ${list.items.map((a) => html`<tr><td><a href="/console/applications/${a.id}">${a.id}</a></td><td>${statusBadge(a.status)}</td><td>${a.title}</td>
      <td>${a.organisation}</td><td>${a.type} × ${a.units}</td><td>${a.priority ? '★' : ''}</td><td>${a.practitioner?.name} ${a.practitioner?.email}</td></tr>`)}
    </tbody></table>
    ${list.next ? html`<p><a href="?${new URLSearchParams({ ...Object.fromEntries(q), cursor: list.next })}">다음 Next →</a></p>` : ''}`;
  return page({ title: '신청 목록 Applications', actor, csrf, body, wide: true });
}

/** A form the console script sends as JSON to an API route (H4: the same API, the same refusals). */
function action(title: string, method: string, path: string, fields: Html, opts: { confirm?: string; danger?: boolean; testid?: string } = {}) {
  return html`<form class="action" data-api-method="${method}" data-api-path="${path}" ${opts.confirm ? html`data-confirm="${opts.confirm}"` : ''} data-testid="${opts.testid ?? ''}">
    <strong>${title}</strong>${fields}<div><button type="submit" class="${opts.danger ? 'danger' : ''}">${/^[^A-Za-z(]+/.exec(title)?.[0].trim() ?? title}</button></div><div class="result" aria-live="polite"></div></form>`;
}

function actionsFor(app: any, closeOut: any, operation: any): Html[] {
  const id = encodeURIComponent(app.id);
  const out: Html[] = [];
  const s = app.status as string;
  if (s === 'UNDER_REVIEW') {
    out.push(action('서류 완료 Documents complete (A4)', 'POST', `/applications/${id}/document-review`, html`<input type="hidden" name="decision" value="COMPLETE">`, { testid: 'review-complete' }));
    out.push(action('보완 요청 Request a supplement (I5)', 'POST', `/applications/${id}/document-review`, html`<input type="hidden" name="decision" value="SUPPLEMENT">
      <fieldset>${Object.values(DOCUMENT_TYPES).map((d) => html`<label><input type="checkbox" name="missingDocuments" data-type="array" value="${d.slug}"> ${d.nameKo}</label>`)}</fieldset>
      <label>기한(일) <input name="dueDays" data-type="number" type="number" min="1" max="60" placeholder="7"></label><label>메모 <textarea name="note"></textarea></label>`, { testid: 'review-supplement' }));
    out.push(action('부적격 Ineligible (E4)', 'POST', `/applications/${id}/document-review`, html`<input type="hidden" name="decision" value="INELIGIBLE">
      <label>규칙 <select name="rule">${RULE_IDS.filter((r) => /^[EA]/.test(r)).map((r) => html`<option ${r === 'E4' ? html`selected` : ''}>${r}</option>`)}</select></label>
      <label>사유 Reason <textarea name="reason" required></textarea></label>`, { danger: true, confirm: '부적격으로 처리할까요? Mark ineligible?', testid: 'review-ineligible' }));
  }
  if (s === 'IN_EVALUATION' || s === 'DOCUMENTS_COMPLETE') {
    out.push(action('자원 변경 Committee resource change (V7)', 'POST', `/applications/${id}/resource-change`, html`
      <label>자원 <select name="type">${ACCELERATOR_TYPES.map((t) => html`<option ${t === app.resource.type ? html`selected` : ''}>${t}</option>`)}</select></label>
      <label>수량 <input name="units" data-type="number" type="number" min="1" value="${app.resource.units}"></label><label>사유 <textarea name="reason" required></textarea></label>`));
  }
  if (hasStatus(ALLOCATABLE_STATUSES, s)) {
    out.push(action('자원 할당 Allocate (O1, K5)', 'POST', `/applications/${id}/allocation`, html`
      ${app.resource.pool === 'DEDICATED' ? html`<label>서버 Servers (쉼표로 구분, one per unit) <input name="servers" data-type="list" size="40" placeholder="h100-01"></label>` : ''}
      <label>추가 스토리지 TB (K3: 신청 용량 requested) <input name="extraStorageTb" data-type="number" type="number" min="0" value="${String(app.content?.resource?.extraStorageTb ?? 0)}"></label>`, { testid: 'allocate' }));
  }
  const openReview = operation?.allocation?.reviews?.find((r: any) => !r.decision);
  if (openReview) {
    out.push(action(`분기 결정 Quarterly decision ${openReview.reviewDate} (Q1)`, 'POST', `/applications/${id}/quarterly-decision`, html`
      <p class="muted">권고 Recommendation: ${openReview.recommendation?.decision ?? '—'} ${openReview.recommendation?.reason ?? ''}</p>
      <label>결정 <select name="decision"><option>CONTINUE</option><option>INCREASE</option><option>DECREASE</option></select></label>
      <label>메모 <textarea name="note"></textarea></label>`));
  }
  if (hasStatus(SUPPORT_RUNNING_STATUSES, s)) {
    out.push(action('자원 회수 Reclaim (Q2, Q3)', 'POST', `/applications/${id}/reclaim`, html`
      <label>사유 <select name="reason">${Object.entries(RECLAIM_REASON_NAMES).map(([k, v]) => html`<option value="${k}">${v.ko}</option>`)}</select></label>
      <label>확인 내용 <textarea name="text" required></textarea></label>`, { danger: true, confirm: '지금 자원을 회수할까요? Reclaim now?' }));
  }
  if (closeOut) {
    for (const [item, path, name] of [['report', 'result-report', '결과보고서 Result report (R1)'], ['dataSharing', 'data-sharing', '데이터 공유 Data sharing (R2)']] as const) {
      if (closeOut[item]?.status === 'SUBMITTED') {
        out.push(action(`${name} 검토`, 'POST', `/applications/${id}/${path}/decision`, html`
          <label>결정 <select name="decision"><option value="ACCEPT">승인 ACCEPT</option><option value="RETURN">반려 RETURN</option></select></label>
          <label>사유 (반려 시 필수) <textarea name="reason"></textarea></label>`));
      }
    }
  }
  return out;
}

/** H4: one application: status, every T2 deadline, timeline, documents, scores, valid actions. */
export async function applicationPage({ req, actor, csrf }: PageContext) {
  const api = apiFor(req);
  const id = encodeURIComponent(String(req.params.id));
  const app = await must(api(`/applications/${id}`));
  const [evaluations, closeOut, operation] = await Promise.all([
    api(`/applications/${id}/evaluations`),
    hasStatus(SUPPORTED_STATUSES, app.status) ? api(`/applications/${id}/close-out`) : Promise.resolve(undefined),
    hasStatus(SUPPORT_RUNNING_STATUSES, app.status) ? api(`/applications/${id}/operation`) : Promise.resolve(undefined),
  ]);
  const ev = evaluations.ok ? evaluations.body : { items: [], mean: null, total: null };
  const deadlines = app.deadlines as Partial<Record<DeadlineName, string>>;
  const docs = app.documents as Array<{ type: string; filename: string; sizeBytes: number }>;
  const body = html`
    <div class="card"><p>${statusBadge(app.status)} <strong data-testid="app-title">${app.title}</strong> · ${app.organisation.name} (${app.organisation.businessRegistrationNumber})
      ${app.priority ? html`<span class="badge">★ 우선지원 V4</span>` : ''}</p>
      <p>신청번호 <code>${app.id}</code> · 공고 ${app.callId} · 자원 ${app.resource.pool} ${app.resource.type} × ${app.resource.units}
      ${app.batch ? html` · 평가 차수 <a href="/console/batches/${app.callId}/${app.batch.batchId}">${app.batch.batchId}</a>` : ''}</p>
      ${app.supplement ? html`<p>보완 요청: ${app.supplement.missingDocuments.join(', ')} · 기한 ${app.supplement.dueOn}</p>` : ''}
      ${app.ineligibility ? html`<p>부적격 <span class="rule">${app.ineligibility.rule}</span> ${app.ineligibility.reason}</p>` : ''}</div>
    <h2>처리 Actions</h2>
    <div class="grid" data-testid="actions">${actionsFor(app, closeOut?.ok ? closeOut.body.closeOut : null, operation?.ok ? operation.body : null)}</div>
    <h2>기한 Deadlines (T2)</h2>
    <table data-testid="deadlines"><tbody>${DEADLINE_NAMES.map((n) => html`<tr><th>${labelBoth(DEADLINE_LABELS, n)}</th><td>${deadlines[n] ?? html`<span class="muted">—</span>`}</td>
      <td>${app.nextDeadline?.name === n ? html`<span class="badge u-SOON">다음 기한 next</span>` : ''}</td></tr>`)}</tbody></table>
    <h2>서류 Documents (A4)</h2>
    ${docs.length === 0 ? html`<p class="muted">없음</p>` : ''}
    ${docs.map((d) => {
      const info = isDocumentType(d.type) ? DOCUMENT_TYPES[d.type] : undefined;
      const href = `/console/applications/${id}/documents/${d.type}`;
      const pdf = d.filename.toLowerCase().endsWith('.pdf');
      // The first PDF is shown in the page; the others open inline in a tab (one viewer at a time).
      const shown = pdf && d === docs.find((x) => x.filename.toLowerCase().endsWith('.pdf'));
      return html`<div class="card"><strong>${info?.nameKo ?? d.type}</strong> — ${d.filename} (${d.sizeBytes.toLocaleString()} B) ·
        <a href="${href}" target="_blank">${pdf ? '보기 View' : '내려받기 Download'}</a>
        ${shown ? html`<iframe class="doc" src="${href}" title="${d.filename}"></iframe>` : ''}</div>`;
    })}
    <h2>평가 점수 Scores (V3)</h2>
    ${ev.items.length === 0 ? html`<p class="muted">아직 점수가 없습니다. No scores yet.</p>` : html`<table data-testid="scores"><thead><tr><th>평가위원</th><th>정책 30</th><th>우수성 30</th><th>자원 20</th><th>성과 20</th><th>합계</th></tr></thead><tbody>
      ${ev.items.map((e: any) => html`<tr><td>${e.evaluator}</td><td>${e.scores.policyAlignment}</td><td>${e.scores.projectExcellence}</td><td>${e.scores.resourceFeasibility}</td><td>${e.scores.targetOutcomes}</td><td>${e.total}</td></tr>`)}
      <tr><th>평균 Mean</th><th>${ev.mean.policyAlignment}</th><th>${ev.mean.projectExcellence}</th><th>${ev.mean.resourceFeasibility}</th><th>${ev.mean.targetOutcomes}</th><th>${ev.total}</th></tr></tbody></table>`}
    ${closeOut?.ok && closeOut.body.closeOut ? html`<h2>종료 Close-out (R1, R2)</h2><p>결과보고서 ${closeOut.body.closeOut.report.status} (기한 ${closeOut.body.closeOut.reportDue}) ·
      데이터 공유 ${closeOut.body.closeOut.dataSharing.status} (기한 ${closeOut.body.closeOut.dataSharingDue})</p>` : ''}
    <h2>경과 Timeline</h2>
    <ol class="timeline" data-testid="timeline">${(app.timeline as Array<{ at: string; event: string; detail?: unknown }>).map((t) => html`<li><code>${t.at.slice(0, 16).replace('T', ' ')}Z</code> ${t.event} ${t.detail ? html`<small class="muted">${JSON.stringify(t.detail)}</small>` : ''}</li>`)}</ol>`;
  return page({ title: `신청 ${app.id}`, actor, csrf, body });
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  hwp: 'application/x-hwp',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * H4/S3: a document shown in the browser (operators only, like GET /applications/:id/documents/:type)
 * with its real content type — the stored extension was checked against the content (A4) at upload.
 */
export async function documentInline({ deps, req, res }: PageContext) {
  const type = String(req.params.type);
  const id = String(req.params.id);
  // S5: a malformed id or type is simply not found (never reaches the database).
  const [doc] = isDocumentType(type) && /^[A-Z0-9]{10}$/.test(id)
    ? await deps.sql<Array<{ sha256: string; filename: string; extension: string }>>`
        select sha256, filename, extension from documents where application_id = ${id} and type = ${type}`
    : [];
  if (!doc) {
    res.status(404).type('text/plain').send('not found');
    return;
  }
  const bytes = await documentStore(deps.documentDir).get(doc.sha256);
  res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
  res.type(CONTENT_TYPES[doc.extension] ?? 'application/octet-stream').send(bytes);
}

/** H4: the four exports; each is a plain link to its API route (the session cookie is the credential). */
export async function exportsPage({ req, actor, csrf, deps }: PageContext) {
  const api = apiFor(req);
  const calls = (await must<{ items: Array<{ id: string; title: string }> }>(api('/calls'))).items;
  const batches = await deps.sql<Array<{ id: string; call_id: string; selected_at: Date | null }>>`select id, call_id, selected_at from batches order by cutoff desc, id`;
  const formats = html`<label>형식 <select name="format"><option value="xlsx">XLSX</option><option value="csv">CSV (UTF-8 BOM)</option></select></label>`;
  const body = html`<div class="grid">
    <form class="action" method="get" action="/exports/applications" data-testid="export-applications"><strong>신청 목록 Applications</strong>
      <label>공고 <select name="callId"><option value="">전체</option>${callOptions(calls)}</select></label>
      <label>상태 <select name="status"><option value="">전체</option>${Object.keys(STATUS_LABELS).map((s) => html`<option value="${s}">${label(STATUS_LABELS, s)}</option>`)}</select></label>
      ${formats}<button type="submit">내려받기 Download</button></form>
    <form class="action" method="get" data-testid="export-selection" action="/exports/calls/${batches[0]?.call_id ?? '-'}/batches/${batches[0]?.id ?? '-'}/selection"><strong>선정 결과 Selection result (V5–V7)</strong>
      <p class="muted">차수별 Per batch: ${batches.map((b) => html`<a href="/exports/calls/${b.call_id}/batches/${b.id}/selection?format=xlsx">${b.id}</a>${b.selected_at ? '' : ' (미선정)'} `)}</p>
      ${formats}<button type="submit">최근 차수 내려받기</button></form>
    ${calls.map((c) => html`<div class="action card"><strong>${c.id}</strong> ${c.title}<p>
      <a href="/exports/calls/${c.id}/utilisation?format=xlsx">월별 활용률 Utilisation (XLSX)</a> · <a href="/exports/calls/${c.id}/utilisation?format=csv">CSV</a><br>
      <a href="/exports/calls/${c.id}/outcomes?format=xlsx">성과 Outcomes R4 (XLSX)</a> · <a href="/exports/calls/${c.id}/outcomes?format=csv">CSV</a></p></div>`)}
  </div>`;
  return page({ title: '내보내기 Exports', actor, csrf, body });
}

export const outcomeBadge = (o: string) => html`<span class="badge o-${o}">${labelBoth(OUTCOME_LABELS, o)}</span>`;
