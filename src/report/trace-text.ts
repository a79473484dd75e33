// The human trace for a terminal: the initial state in full, grouped by
// object, then each step with its actor, kernel function and step, the locks
// held afterwards and only the fields that changed (old → new). The last
// step, where the invariant breaks, is marked; for a lasso, the state the
// loop returns to and how the run goes on forever.

import type { ChalkInstance } from 'chalk';
import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import { racingWindowLines } from './racing-windows.js';
import { stallWindowLine } from './stall-windows.js';
import { heldText, lassoEnding, stepTitle, type FieldGroup, type TraceView } from './trace-view.js';

function groupLines(groups: readonly FieldGroup[], c: ChalkInstance, indent: string): string[] {
  return groups.map((g) => `${indent}${c.bold(g.group)}: ${g.fields.map((f) => `${f.field}=${f.value}`).join('  ')}`);
}

export function renderTraceText(tv: TraceView, c: ChalkInstance, fullStates = false): string {
  const out: string[] = [];
  const last = tv.steps.length;
  const ending = lassoEnding(tv);
  const kind = ending ? 'Lasso (infinite run)' : 'Counterexample';
  out.push(c.bold(`${kind} for ${c.red(tv.invariant)}`) + ` (${last} step${last === 1 ? '' : 's'})`);
  out.push(`  ${tv.description}`);
  if (tv.reduced) out.push(`  ${c.yellow(REDUCED_TRACE_NOTE)}`);
  if (tv.detail) out.push(`  ${c.yellow(tv.detail)}`);
  if (tv.seriality) out.push(...racingWindowLines(tv.seriality).map((l) => `  ${c.dim(l)}`));
  const loopMark = (n: number) => (ending && n === tv.loop ? c.magenta(' ↻ loop starts here') : '');
  out.push(`  0  initial state${loopMark(0)}`);
  out.push(...groupLines(tv.initial, c, '       '));
  for (const s of tv.steps) {
    const mark = s.n === last ? c.red(ending ? ` ◀ ${ending}` : ` ◀ violates ${tv.invariant}`) : '';
    out.push(`  ${String(s.n).padStart(2)} ${c.cyan(s.thread.padEnd(4))} ${stepTitle(s)}${s.n === last ? '' : loopMark(s.n)}${mark}`);
    if (fullStates) {
      out.push(...groupLines(s.state, c, '       '));
    } else if (s.changes.length > 0) {
      out.push(`       ${s.changes.map((ch) => `${ch.field}: ${ch.from} ${c.dim('→')} ${c.yellow(ch.to)}`).join('  ')}`);
    } else {
      out.push(`       ${c.dim('(no field changed)')}`);
    }
    out.push(`       ${c.dim('locks held: ' + heldText(s.held))}`);
  }
  if (last === 0) out.push(c.red(ending ? `  ${ending}` : '  the initial state itself violates ' + tv.invariant));
  if (tv.stallWindows.length > 0) {
    out.push(`  ${c.bold('Stall windows')} (back-to-back statements that other threads ran between):`);
    for (const w of tv.stallWindows) out.push(`    ${stallWindowLine(w)}`);
  }
  return out.join('\n');
}
