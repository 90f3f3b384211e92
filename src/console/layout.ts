import type { Actor } from '../api/auth';
import { html, type Html } from './html';
import { labelBoth, STATUS_LABELS } from './labels';

/** H4: the frame of every console page. Korean first; the scripts and styles are files (no inline code, CSP 'self'). */
export function page(p: { title: string; actor?: Actor; csrf?: string; body: Html; wide?: boolean }): string {
  const staff = p.actor && (p.actor.kind === 'OPERATOR' || p.actor.kind === 'EVALUATOR') ? p.actor : undefined;
  const nav =
    staff?.kind === 'OPERATOR'
      ? html`<a href="/console/today">오늘의 업무 <small>Today</small></a>
          <a href="/console/applications">신청 목록 <small>Applications</small></a>
          <a href="/console/batches">평가·선정 <small>Committee</small></a>
          <a href="/console/exports">내보내기 <small>Exports</small></a>`
      : staff?.kind === 'EVALUATOR'
        ? html`<a href="/console/committee">평가 대기열 <small>My queue</small></a>`
        : html``;
  const who = staff
    ? html`<span class="who">${staff.name} · ${staff.kind === 'OPERATOR' ? '운영자 Operator' : '평가위원 Evaluator'}</span>
        <form method="post" action="/console/logout" class="inline"><input type="hidden" name="csrf" value="${p.csrf ?? ''}">
          <button type="submit" class="link" data-testid="sign-out">로그아웃 <small>Sign out</small></button></form>`
    : html``;
  return html`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${p.csrf ?? ''}">
<title>${p.title} · AI데이터센터 콘솔</title>
<link rel="stylesheet" href="/console/assets/console.css"><script defer src="/console/assets/console.js"></script></head>
<body><header><a class="brand" href="/console">AI데이터센터 <small>staff console</small></a><nav>${nav}</nav><div class="me">${who}</div></header>
<main class="${p.wide ? 'wide' : ''}"><h1>${p.title}</h1>${p.body}</main></body></html>`.value;
}

export const statusBadge = (status: string) => html`<span class="badge s-${status}" title="${status}">${labelBoth(STATUS_LABELS, status)}</span>`;

/** H1/H4: a refusal as the API gave it: status, title, detail and the rule id. */
export function problemBox(status: number, problem: { title?: string; detail?: string; rule?: string; errors?: Array<{ field: string; message: string }> }) {
  return html`<div class="problem" role="alert"><strong>${status} ${problem.title ?? ''}</strong>
    ${problem.rule ? html` <span class="rule">규칙 ${problem.rule}</span>` : ''}
    <p>${problem.detail ?? ''}</p>
    ${problem.errors?.length ? html`<ul>${problem.errors.map((e) => html`<li><code>${e.field}</code> ${e.message}</li>`)}</ul>` : ''}</div>`;
}
