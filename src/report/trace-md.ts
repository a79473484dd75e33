// The human trace as Markdown, to paste into a mailing-list reply or an
// issue: what was checked, the initial state in full grouped by object, then
// one table row per step (thread, `function: step`, locks held afterwards,
// only the changed fields old → new), the violating step marked. With
// fullStates every state follows in full.

import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import type { FieldGroup, TraceView } from './trace-view.js';
import { heldText, lassoEnding, stepTitle } from './trace-view.js';
import { racingWindowLines } from './racing-windows.js';

/** Table-cell safe text: pipes escaped, no line breaks. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function code(s: string): string {
  const t = cell(s);
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function groupRows(groups: readonly FieldGroup[]): string[] {
  return [
    '| object | fields |',
    '|---|---|',
    ...groups.map((g) => `| ${cell(g.group)} | ${g.fields.map((f) => `${code(f.field)} = ${cell(f.value)}`).join(', ')} |`),
  ];
}

export interface MarkdownHeader {
  /** e.g. `pre-patch / stack-independent` or the model's name. */
  readonly run: string;
  /** e.g. `loop (loop[...])`. */
  readonly model?: string;
  readonly params?: Readonly<Record<string, number>>;
}

export function renderTraceMarkdown(tv: TraceView, header: MarkdownHeader, fullStates = false): string {
  const n = tv.steps.length;
  const out: string[] = [];
  const ending = lassoEnding(tv);
  const what = tv.invariant === 'deadlock' ? 'deadlock' : `\`${tv.invariant}\` violated`;
  out.push(ending ? `### Lasso: \`${tv.invariant}\` violated by an infinite run (${n} step${n === 1 ? '' : 's'}, then ${tv.loop === n ? 'stuttering' : `a loop back to state ${tv.loop}`})` : `### Counterexample: ${what} after ${n} step${n === 1 ? '' : 's'}`);
  out.push('');
  if (tv.reduced) out.push(`> ${REDUCED_TRACE_NOTE}`, '');
  const meta = [`**run:** ${cell(header.run)}`];
  if (header.model) meta.push(`**model:** ${cell(header.model)}`);
  if (header.params && Object.keys(header.params).length > 0) {
    meta.push(`**parameters:** ${Object.entries(header.params).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  out.push(meta.join(' · '));
  out.push('');
  out.push(`> **${cell(tv.invariant)}**: ${cell(tv.description)}`);
  out.push('');
  if (tv.detail) {
    out.push(`${cell(tv.detail)}.`);
    out.push('');
  }
  if (tv.seriality) {
    const [head, ...rest] = racingWindowLines(tv.seriality);
    out.push(`**${cell(head)}**`, ...rest.map((l) => `- ${cell(l.trim())}`), '');
  }
  out.push('**Initial state (step 0)**');
  out.push('');
  out.push(...groupRows(tv.initial));
  if (Object.keys(tv.initialHeld).length > 0) {
    out.push('');
    out.push(`Locks held initially: ${cell(heldText(tv.initialHeld))}`);
  }
  out.push('');
  if (n === 0) {
    out.push(ending ? `**${cell(ending)}.**` : `**The initial state itself violates \`${tv.invariant}\`.**`);
    return out.join('\n') + '\n';
  }
  if (ending && tv.loop === 0) {
    out.push('_↻ The loop starts at the initial state._');
    out.push('');
  }
  out.push('| step | thread | function: step | locks held after | changed (old → new) |');
  out.push('|---:|---|---|---|---|');
  for (const s of tv.steps) {
    const last = s.n === n;
    const changes = s.changes.length > 0 ? s.changes.map((ch) => `${code(ch.field)}: ${cell(ch.from)} → ${cell(ch.to)}`).join('<br>') : '_(no field changed)_';
    const num = last ? `**${s.n}** ⚠` : String(s.n);
    const loopStart = ending && s.n === tv.loop && !last ? ' _↻ loop starts after this step_' : '';
    const end = ending ? ` **← ${cell(ending)}**` : ` **← violates \`${cell(tv.invariant)}\`**`;
    const title = code(stepTitle(s)) + loopStart + (last ? end : '');
    out.push(`| ${num} | ${cell(s.thread)} | ${title} | ${cell(heldText(s.held))} | ${changes} |`);
  }
  if (tv.stallWindows.length > 0) {
    out.push('');
    out.push("**Stall windows** (statements the kernel runs back to back, with other threads' steps between them):");
    out.push('');
    out.push('| thread | function | from (step) | to (step) | steps of others | their calls |');
    out.push('|---|---|---|---|---:|---|');
    for (const w of tv.stallWindows) {
      const to = w.to === null ? '_(trace ends inside)_' : `${code(w.to)} (${w.toStep})`;
      out.push(`| ${cell(w.thread)} | ${code(w.function)} | ${code(w.from)} (${w.fromStep}) | ${to} | ${w.otherSteps} | ${cell(w.calls.join('; '))} |`);
    }
  }
  if (fullStates) {
    for (const s of tv.steps) {
      out.push('');
      out.push(`**State after step ${s.n}** (${cell(s.thread)} ${code(stepTitle(s))})`);
      out.push('');
      out.push(...groupRows(s.state));
    }
  }
  return out.join('\n') + '\n';
}
