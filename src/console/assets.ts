/**
 * H4: the console's only script and stylesheet, served as files from /console/assets.
 * The script is progressive enhancement: pages are complete HTML from the server; a form
 * marked data-api-path is sent by fetch as JSON to that same API route (with the session
 * cookie and the CSRF header), and the answer is shown in place — a refusal with its
 * problem+json detail and rule id, exactly as an API client would get it.
 */
export const CONSOLE_JS = String.raw`'use strict';
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  function setPath(obj, path, value) {
    var keys = path.split('.');
    var o = obj;
    for (var i = 0; i < keys.length - 1; i++) { o[keys[i]] = o[keys[i]] || {}; o = o[keys[i]]; }
    o[keys[keys.length - 1]] = value;
  }
  function bodyOf(form) {
    var body = {};
    var arrays = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === 'csrf') return;
      var type = el.getAttribute('data-type');
      if (type === 'array') {
        arrays[el.name] = arrays[el.name] || [];
        if (el.checked) arrays[el.name].push(el.value);
        return;
      }
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      var v = el.value;
      if (v === '' ) return;
      if (type === 'number') v = Number(v);
      else if (type === 'boolean') v = v === 'true';
      else if (type === 'list') v = v.split(/[\s,]+/).filter(Boolean);
      setPath(body, el.name, v);
    });
    Object.keys(arrays).forEach(function (k) { setPath(body, k, arrays[k]); });
    return body;
  }
  function show(box, cls, nodes) {
    box.className = 'result ' + cls;
    box.textContent = '';
    nodes.forEach(function (n) { box.appendChild(n); });
  }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
  async function send(form, ev) {
    ev.preventDefault();
    var box = form.querySelector('.result') || form.appendChild(el('div', '', 'result'));
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) return;
    var method = form.getAttribute('data-api-method') || 'POST';
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      var res = await fetch(form.getAttribute('data-api-path'), {
        method: method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(bodyOf(form)),
      });
      var text = await res.text();
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (res.ok) {
        show(box, 'ok', [el('strong', '처리되었습니다 (' + res.status + ')'), el('span', ' Done.')]);
        form.dispatchEvent(new CustomEvent('api:done', { bubbles: true, detail: data }));
        if (form.getAttribute('data-reload') !== 'no') {
          // Show the new state at once; the answer stays visible at the top of the reloaded page.
          sessionStorage.setItem('aidc-flash', (form.querySelector('strong') || {}).textContent + ': ' + res.status);
          location.reload();
        }
      } else {
        var p = data || {};
        var nodes = [el('strong', res.status + ' ' + (p.title || ''))];
        if (p.rule) nodes.push(el('span', '규칙 ' + p.rule, 'rule'));
        nodes.push(el('p', p.detail || text));
        if (p.errors && p.errors.length) {
          var ul = el('ul');
          p.errors.forEach(function (e) { ul.appendChild(el('li', e.field + ': ' + e.message)); });
          nodes.push(ul);
        }
        show(box, 'problem', nodes);
        box.setAttribute('role', 'alert');
      }
    } catch (e) {
      show(box, 'problem', [el('strong', '연결 오류 (network error)'), el('p', String(e))]);
    } finally {
      if (button) button.disabled = false;
    }
  }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (form && form.hasAttribute && form.hasAttribute('data-api-path')) void send(form, ev);
  });
  // V3: the scoring sheet's running total.
  function retotal(sheet) {
    var sum = 0;
    sheet.querySelectorAll('input[data-type="number"]').forEach(function (i) { sum += Number(i.value || 0); });
    var out = sheet.querySelector('[data-total]');
    if (out) out.textContent = (Math.round(sum * 100) / 100).toFixed(2);
  }
  document.addEventListener('input', function (ev) {
    var sheet = ev.target.closest && ev.target.closest('form.sheet');
    if (sheet) retotal(sheet);
  });
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form.sheet').forEach(retotal);
    var flash = sessionStorage.getItem('aidc-flash');
    var main = document.querySelector('main');
    if (flash && main) {
      sessionStorage.removeItem('aidc-flash');
      var box = el('div', '처리되었습니다 Done — ' + flash, 'result ok flash');
      box.setAttribute('role', 'status');
      box.setAttribute('data-testid', 'flash');
      main.insertBefore(box, main.children[1] || null);
    }
  });
})();
`;

export const CONSOLE_CSS = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#dfe3ea;--bg:#f6f7f9;--accent:#1f5fbf;--bad:#b42318;--warn:#b54708;--ok:#067647}
*{box-sizing:border-box}body{margin:0;font-family:"Noto Sans CJK KR","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif;color:var(--ink);background:var(--bg);font-size:15px}
header{display:flex;gap:1.5em;align-items:center;background:#12284b;color:#fff;padding:.6em 1.2em}header a{color:#fff;text-decoration:none}
.brand{font-weight:700}nav{display:flex;gap:1.1em;flex:1}nav a:hover{text-decoration:underline}.me{display:flex;gap:.8em;align-items:center}
small{opacity:.7;font-size:.8em}main{max-width:1100px;margin:1.2em auto;padding:0 1em}main.wide{max-width:1500px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid var(--line);padding-bottom:.2em}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92em}th,td{border-bottom:1px solid var(--line);padding:.4em .5em;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}tr.line td{border-top:3px solid var(--accent)}
.badge{display:inline-block;padding:.1em .5em;border-radius:999px;background:#e8ecf3;font-size:.85em;white-space:nowrap}
.u-OVERDUE{background:#fee4e2;color:var(--bad)}.u-TODAY{background:#fef0c7;color:var(--warn)}.u-SOON{background:#fef6e6;color:var(--warn)}.u-LATER{background:#e6f4ea;color:var(--ok)}.u-WAITING{background:#eef1f5}
.o-SELECTED{background:#e6f4ea;color:var(--ok)}.o-WAITLISTED{background:#fef0c7;color:var(--warn)}.o-NOT_SELECTED{background:#fee4e2;color:var(--bad)}
.rule{font-family:ui-monospace,monospace;font-size:.85em;background:#eef1f5;padding:0 .4em;border-radius:4px;margin-left:.4em}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8em 1em;margin:.8em 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:.8em}
form.action{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8em 1em;margin:.6em 0}
label{display:block;margin:.3em 0}input,select,textarea{font:inherit;padding:.3em .4em;border:1px solid #b8c0cc;border-radius:4px}
textarea{width:100%;min-height:4em}button{font:inherit;background:var(--accent);color:#fff;border:0;border-radius:4px;padding:.4em 1em;cursor:pointer}
button.danger{background:var(--bad)}button.link{background:none;color:#fff;padding:0;text-decoration:underline}form.inline{display:inline}
.result.ok{color:var(--ok);margin-top:.5em}.problem{border:1px solid #f4b4ae;background:#fff5f4;color:var(--bad);border-radius:6px;padding:.6em .8em;margin-top:.6em}
.problem p{margin:.3em 0;color:var(--ink)}ol.timeline{padding-left:1.2em}ol.timeline li{margin:.2em 0}
.muted{color:var(--muted)}.summary{display:flex;gap:.6em;flex-wrap:wrap;margin:.6em 0}
iframe.doc{width:100%;height:480px;border:1px solid var(--line);background:#fff}
ul.guide{margin:.2em 0 .4em 1.2em;color:var(--muted);font-size:.9em}.total{font-size:1.2em;font-weight:700}
`;
