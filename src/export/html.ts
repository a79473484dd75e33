// The counterexample as one self-contained HTML page (inline CSS and JS, no
// network): a swimlane per thread, lock ownership over time, each object's
// state (a device's lo_state) over time, a step slider, and a panel with the
// state diff of the selected step. The trace is embedded as JSON and the page
// draws itself from it with DOM calls only (no HTML is built from data).
// A trace found under partial-order reduction says under its heading that it
// may not be the shortest.

import { stallWindowLine } from '../report/stall-windows.js';
import { runTitle, type TraceData } from '../report/trace-data.js';
import { REDUCED_TRACE_MARK, REDUCED_TRACE_NOTE } from '../engine/result.js';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that can sit inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const CSS = `
:root { --fg:#1d2330; --muted:#6b7280; --line:#e5e7eb; --cur:#fff7cc; --bad:#c62828; font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
body { margin: 16px 20px; color: var(--fg); }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.reduced { border-left: 4px solid #b45309; background: #fff7ed; padding: 6px 10px; margin: 8px 0; font-size: 14px; }
.banner { border-left: 4px solid var(--bad); background: #fdecea; padding: 6px 10px; margin: 8px 0 12px; font-size: 14px; }
.controls { display: flex; align-items: center; gap: 10px; margin: 8px 0 12px; position: sticky; top: 0; background: #fff; padding: 6px 0; z-index: 3; }
.controls input[type=range] { flex: 1; max-width: 720px; }
.controls button { font-size: 14px; padding: 2px 10px; }
#step-label { font-variant-numeric: tabular-nums; min-width: 120px; font-weight: 600; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table.grid { border-collapse: collapse; font-size: 11px; }
table.grid th, table.grid td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 3px 4px; vertical-align: top; }
table.grid th.rowhead { position: sticky; left: 0; background: #fafafa; text-align: left; white-space: nowrap; z-index: 2; font-weight: 600; min-width: 90px; }
table.grid tr.section th { background: #f3f4f6; text-align: left; font-size: 12px; color: var(--muted); position: sticky; left: 0; }
table.grid thead th.step { cursor: pointer; min-width: 26px; text-align: center; background: #fafafa; }
td.cell { min-width: 26px; max-width: 120px; cursor: pointer; }
td.act { border-radius: 3px; }
td.act div { background: var(--tc); color: #fff; border-radius: 4px; padding: 2px 4px; overflow: hidden; text-overflow: ellipsis; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; }
td.lockcell, td.statecell { text-align: center; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
td.idle.cur, td.act.cur, thead th.cur { background: var(--cur); }
td.lockcell.cur, td.statecell.cur { outline: 2px solid #f59e0b; outline-offset: -2px; }
td.lockcell.cur:not(.owned) { background: var(--cur); }
td.act.cur div { outline: 2px solid #f59e0b; }
.viol { box-shadow: inset 0 -3px 0 var(--bad); }
thead th.viol { color: var(--bad); }
#diff { margin-top: 14px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
#diff h2 { font-size: 16px; margin: 0 0 6px; }
#diff table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
#diff td, #diff th { border-bottom: 1px solid var(--line); padding: 2px 10px 2px 0; text-align: left; }
#diff .old { color: var(--muted); text-decoration: line-through; }
#diff .new { color: #0b6b2b; font-weight: 600; }
.legend { font-size: 12px; color: var(--muted); margin: 6px 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('trace-data').textContent);
  var N = D.steps.length;
  var PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#4b5563'];
  var VALUE_COLOURS = ['#e0f2fe', '#fce7f3', '#dcfce7', '#fef3c7', '#ede9fe', '#cffafe', '#fee2e2', '#f3f4f6'];
  function threadColour(t) { var i = D.threads.indexOf(t); return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === 'class') e.className = attrs[k]; else e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function heldText(h) {
    var parts = [];
    for (var a in h) parts.push(a + '{' + h[a].join(', ') + '}');
    return parts.length ? parts.join('  ') : 'none';
  }
  function ownerOf(lock, k) {
    var h = D.held[k];
    for (var a in h) if (h[a].indexOf(lock) >= 0) return a;
    return null;
  }
  var grid = document.getElementById('timeline');
  var cellsByStep = [];
  for (var k = 0; k <= N; k++) cellsByStep.push([]);
  function stepCell(row, k, cls, text, title) {
    var td = el('td', { 'class': 'cell ' + cls, 'data-step': k }, null);
    if (text !== null) td.textContent = text;
    if (title) td.title = title;
    if (k === D.violationAt) td.classList.add('viol');
    td.addEventListener('click', function () { select(k); });
    cellsByStep[k].push(td);
    row.appendChild(td);
    return td;
  }
  // Header: step numbers.
  var thead = el('thead'); var hr = el('tr');
  hr.appendChild(el('th', { 'class': 'rowhead' }, 'step'));
  for (var k = 0; k <= N; k++) {
    (function (k) {
      var th = el('th', { 'class': 'step', 'data-step': k }, k === 0 ? 'init' : String(k));
      if (k === D.violationAt) th.classList.add('viol');
      th.addEventListener('click', function () { select(k); });
      cellsByStep[k].push(th);
      hr.appendChild(th);
    })(k);
  }
  thead.appendChild(hr); grid.appendChild(thead);
  var tbody = el('tbody'); grid.appendChild(tbody);
  function section(name) {
    var tr = el('tr', { 'class': 'section' });
    var th = el('th', { colspan: String(N + 2) }, name);
    tr.appendChild(th); tbody.appendChild(tr);
  }
  // Swimlanes: one row per thread, a box where the thread acts.
  section('threads');
  D.threads.forEach(function (t) {
    var tr = el('tr', { 'class': 'lane', 'data-thread': t });
    var th = el('th', { 'class': 'rowhead' }, t); th.style.color = threadColour(t);
    tr.appendChild(th);
    for (var k = 0; k <= N; k++) {
      var s = k > 0 ? D.steps[k - 1] : null;
      if (s && s.thread === t) {
        var td = stepCell(tr, k, 'act', null, k + '. ' + t + ' ' + s.title);
        td.style.setProperty('--tc', threadColour(t));
        td.appendChild(el('div', null, s.title));
      } else stepCell(tr, k, 'idle', '', null);
    }
    tbody.appendChild(tr);
  });
  // Lock ownership over time.
  if (D.locks.length > 0) {
    section('locks (owner after each step)');
    D.locks.forEach(function (l) {
      var tr = el('tr', { 'class': 'lock', 'data-lock': l });
      tr.appendChild(el('th', { 'class': 'rowhead' }, l));
      for (var k = 0; k <= N; k++) {
        var o = ownerOf(l, k);
        var td = stepCell(tr, k, 'lockcell' + (o ? ' owned' : ''), o || '', o ? l + ' held by ' + o : l + ' free');
        if (o) { td.style.background = threadColour(o); td.style.color = '#fff'; }
      }
      tbody.appendChild(tr);
    });
  }
  // Object state over time (lo_state and the like).
  if (D.timelines.length > 0) {
    section('object state');
    D.timelines.forEach(function (fi) {
      var f = D.fields[fi];
      var tr = el('tr', { 'class': 'timeline', 'data-field': f.name });
      tr.appendChild(el('th', { 'class': 'rowhead', title: f.group }, f.name));
      var seen = [];
      for (var k = 0; k <= N; k++) {
        var v = D.states[k][fi];
        if (seen.indexOf(v) < 0) seen.push(v);
        var changed = k === 0 || D.states[k - 1][fi] !== v;
        var td = stepCell(tr, k, 'statecell', changed ? v : '', f.name + ' = ' + v);
        td.style.background = VALUE_COLOURS[seen.indexOf(v) % VALUE_COLOURS.length];
        if (changed && k > 0) td.style.fontWeight = '700';
      }
      tbody.appendChild(tr);
    });
  }
  var slider = document.getElementById('slider');
  slider.max = String(N);
  var label = document.getElementById('step-label');
  var diff = document.getElementById('diff');
  var current = -1;
  function groupTable(k) {
    var table = el('table', { 'class': 'full' });
    var groups = {}; var order = [];
    D.fields.forEach(function (f, i) {
      if (!groups[f.group]) { groups[f.group] = []; order.push(f.group); }
      groups[f.group].push(f.name + '=' + D.states[k][i]);
    });
    order.forEach(function (g) {
      var tr = el('tr');
      tr.appendChild(el('th', null, g));
      tr.appendChild(el('td', null, groups[g].join('  ')));
      table.appendChild(tr);
    });
    return table;
  }
  function render(k) {
    diff.textContent = '';
    diff.setAttribute('data-step', String(k));
    if (k === 0) {
      diff.appendChild(el('h2', null, 'Step 0: initial state'));
      diff.appendChild(groupTable(0));
      diff.appendChild(el('p', { 'class': 'held' }, 'locks held: ' + heldText(D.held[0])));
    } else {
      var s = D.steps[k - 1];
      var h = el('h2', null, 'Step ' + k + ': ' + s.thread + ' — ' + s.title);
      h.style.color = threadColour(s.thread);
      diff.appendChild(h);
      var t = el('table', { 'class': 'changes' });
      var head = el('tr');
      ['field', 'object', 'old', 'new'].forEach(function (x) { head.appendChild(el('th', null, x)); });
      t.appendChild(head);
      s.changes.forEach(function (c) {
        var tr = el('tr', { 'class': 'change', 'data-field': c.field });
        tr.appendChild(el('td', null, c.field)); tr.appendChild(el('td', null, c.group));
        tr.appendChild(el('td', { 'class': 'old' }, c.from)); tr.appendChild(el('td', { 'class': 'new' }, c.to));
        t.appendChild(tr);
      });
      if (s.changes.length === 0) diff.appendChild(el('p', null, '(no field changed)'));
      else diff.appendChild(t);
      diff.appendChild(el('p', { 'class': 'held' }, 'locks held after the step: ' + heldText(D.held[k])));
      var det = el('details'); det.appendChild(el('summary', null, 'full state after step ' + k));
      det.appendChild(groupTable(k)); diff.appendChild(det);
    }
    if (k === D.violationAt) {
      diff.appendChild(el('p', { 'class': 'banner violation' }, D.ending ? 'The run goes on forever: ' + D.ending : 'This state violates ' + D.invariant + ': ' + D.description));
    }
    if (D.ending && k === D.loop && k !== D.violationAt) diff.appendChild(el('p', { 'class': 'banner' }, '↻ The loop starts in this state.'));
  }
  function select(k) {
    k = Math.max(0, Math.min(N, k | 0));
    if (current >= 0) cellsByStep[current].forEach(function (c) { c.classList.remove('cur'); });
    current = k;
    cellsByStep[k].forEach(function (c) { c.classList.add('cur'); });
    slider.value = String(k);
    label.textContent = 'step ' + k + ' / ' + N + (k === D.violationAt ? (D.ending ? ' (loop closes)' : ' (violation)') : D.ending && k === D.loop ? ' (loop start)' : '');
    render(k);
    var first = cellsByStep[k][0];
    if (first && first.scrollIntoView) first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  slider.addEventListener('input', function () { select(Number(slider.value)); });
  document.getElementById('prev').addEventListener('click', function () { select(current - 1); });
  document.getElementById('next').addEventListener('click', function () { select(current + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider) return;
    if (e.key === 'ArrowLeft') select(current - 1);
    if (e.key === 'ArrowRight') select(current + 1);
  });
  window.loopcheckSelect = select;
  select(0);
  document.body.setAttribute('data-ready', '1');
})();
`;

/** The stall windows as a static list (no script needed). */
function stallHtml(d: TraceData): string {
  if (d.stallWindows.length === 0) return '';
  const items = d.stallWindows.map((w) => `<li>${escapeHtml(stallWindowLine(w))}</li>`).join('');
  return `<section class="stalls"><h2>Stall windows</h2><p>Statements the kernel runs back to back, with other threads' steps between them:</p><ul>${items}</ul></section>\n`;
}

export function toHtml(d: TraceData): string {
  const run = runTitle({ ...d, model: undefined });
  const params = Object.entries(d.params).map(([k, v]) => `${k}=${v}`).join(', ');
  const what = d.invariant === 'deadlock' ? 'deadlock' : `${d.invariant} violated`;
  const title = `${run}: ${what} (${d.steps.length} steps${d.reduced ? `, ${REDUCED_TRACE_MARK}` : ''})`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${d.ending ? 'Lasso' : 'Counterexample'}: ${escapeHtml(what)} after ${d.steps.length} step${d.steps.length === 1 ? '' : 's'}</h1>
<p class="sub">run <b>${escapeHtml(run)}</b> · model ${escapeHtml(d.family)} (${escapeHtml(d.instance)})${params ? ` · ${escapeHtml(params)}` : ''}</p>
${d.reduced ? `<p class="reduced" id="reduced-note">${escapeHtml(REDUCED_TRACE_NOTE)}</p>\n` : ''}<p class="banner"><b>${escapeHtml(d.invariant)}</b>: ${escapeHtml(d.description)} — ${d.ending ? `an infinite run: ${escapeHtml(d.ending)}` : `broken at step ${d.violationAt}`}.</p>
<div class="controls">
<button id="prev" type="button" aria-label="previous step">◀</button>
<input id="slider" type="range" min="0" max="${d.steps.length}" value="0" step="1" aria-label="step">
<button id="next" type="button" aria-label="next step">▶</button>
<span id="step-label">step 0 / ${d.steps.length}</span>
</div>
${stallHtml(d)}<p class="legend">Click a step, drag the slider or use ← / → to move; the panel below shows what the step changed.</p>
<div class="scroll"><table id="timeline" class="grid"></table></div>
<div id="diff" aria-live="polite"></div>
<script type="application/json" id="trace-data">${scriptJson(d)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
