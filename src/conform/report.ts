// Prints a conform report: a table per kernel, every disagreement in full,
// every narrowing with its reason; and the JSON form.
//
// Exists so the text and JSON forms are derived from one ConformReport and
// say the same thing.

import type { ComparedCall, ConformResult } from './compare.js';
import type { ConformReport } from './run-conform.js';

const pad = (s: string | number, n: number): string => String(s).padEnd(n);

export function conformText(r: ConformReport): string {
  const out: string[] = [];
  for (const b of r.boots) {
    const head = `Linux ${b.kernel}${b.release ? ` (${b.release})` : ''} vs strategy ${b.strategy}`;
    if (b.kind === 'missing') {
      out.push(`${head}: not run: ${b.message}`);
      continue;
    }
    out.push(b.kind === 'ok' ? `${head}: booted and probed in ${b.seconds!.toFixed(1)} s` : `${head}: INCOMPLETE: ${b.message}`);
    const rows = r.results.filter((x) => x.kernel === b.kernel);
    out.push(`  ${pad('scenario', 20)} ${pad('schedules', 9)} ${pad('calls', 6)} ${pad('agree', 6)} ${pad('disagree', 8)} ${pad('narrowed', 8)} missing`);
    for (const x of rows) {
      const narrowed = x.calls.filter((c) => c.narrowed).length;
      const agree = x.calls.filter((c) => c.differs.length === 0).length;
      out.push(
        `  ${pad(x.scenario, 20)} ${pad(x.schedules, 9)} ${pad(x.calls.length, 6)} ${pad(agree, 6)} ${pad(x.disagreements.length, 8)} ${pad(narrowed, 8)} ${x.missing.length > 0 ? `${x.missing.length} schedules` : '0'}`,
      );
    }
  }
  const dis = r.results.flatMap((x) => x.disagreements.map((c) => ({ x, c })));
  if (dis.length > 0) {
    out.push('', `Disagreements (${dis.length}):`);
    for (const { x, c } of dis) out.push(...disagreementLines(x, c));
  }
  const reasons = new Map<string, { reason: string; calls: number }>();
  for (const x of r.results) {
    for (const n of x.narrowed) {
      const e = reasons.get(n.id) ?? { reason: n.reason, calls: 0 };
      e.calls += n.calls;
      reasons.set(n.id, e);
    }
  }
  if (reasons.size > 0) {
    out.push('', 'Not compared (the kernel differs for a reason outside the model):');
    for (const [id, e] of reasons) out.push(`  ${id} (${e.calls} calls): ${e.reason}`);
  }
  const serial = r.results.flatMap((x) => x.serial.map((v) => ({ x, v })));
  if (serial.length > 0) {
    out.push('', 'Violations that need no race (syscall-serial counterexamples), run on the kernel:');
    for (const { x, v } of serial) {
      const verdict = v.reproduced === null ? 'NOT OBSERVED' : v.reproduced ? 'reproduced (the kernel showed the same on every call)' : 'NOT reproduced (see the disagreements)';
      out.push(`  Linux ${x.kernel} / ${x.strategy} / ${x.scenario} / ${v.invariant}: schedule ${v.schedule}, broken by call ${v.call}: ${verdict}`);
      out.push(`      ${x.scheduleTexts[v.schedule]}`);
    }
  }
  if (r.races.length > 0) {
    out.push('', 'Violations that need a race, run on the kernel (threads released together, repeated on fresh devices; a hit is not required):');
    for (const x of r.races) {
      const rate = x.hits === null ? `NOT RUN: ${x.problem}` : `${x.hits}/${x.runs} runs hit it`;
      out.push(`  Linux ${x.kernel} / ${x.strategy} / ${x.scenario} / ${x.invariants.join(', ')}: ${rate}`, `      race-only outcome: ${x.bad}`);
    }
  }
  if (r.skipped.length > 0) {
    out.push('', 'Scenarios not run on a kernel (the model side only):');
    for (const x of r.skipped) out.push(`  ${x.scenario}: ${x.reason}`);
  }
  const incomplete = r.results.filter((x) => x.missing.length > 0);
  if (incomplete.length > 0) {
    out.push('', 'Incomplete (never a pass):');
    for (const x of incomplete) out.push(`  Linux ${x.kernel} ${x.scenario}: schedules ${x.missing.join(', ')} not observed in full`);
  }
  if (dis.length === 0 && incomplete.length === 0 && r.boots.every((b) => b.kind === 'ok')) {
    const calls = r.results.reduce((a, x) => a + x.calls.length, 0);
    out.push('', `The model agrees with every kernel on all ${calls} calls compared.`);
  }
  return out.join('\n') + '\n';
}

function disagreementLines(x: ConformResult, c: ComparedCall): string[] {
  const lines = [`  Linux ${x.kernel} / ${x.strategy} / ${x.scenario} schedule ${c.schedule}, call ${c.step}: ${c.thread} ${c.call}`];
  if (c.differs.includes('outcome')) lines.push(`      returns: model ${c.model}, kernel ${c.kernel}`);
  if (c.differs.includes('state')) lines.push(`      after it: model ${c.modelState}`, `                kernel ${c.kernelState}`);
  lines.push(`      schedule: ${x.scheduleTexts[c.schedule]}`);
  return lines;
}

export function conformJson(r: ConformReport): unknown {
  return {
    boots: r.boots,
    races: r.races,
    skipped: r.skipped,
    results: r.results.map((x) => ({
      kernel: x.kernel,
      release: x.release,
      strategy: x.strategy,
      scenario: x.scenario,
      schedules: x.schedules,
      calls: x.calls,
      disagreements: x.disagreements,
      narrowed: x.narrowed,
      serialCounterexamples: x.serial,
      missing: x.missing,
    })),
  };
}
