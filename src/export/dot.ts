// The counterexample as a Graphviz sequence diagram: one column (lifeline)
// per thread, lock and changed object, one row per event; each message is an
// edge between two lifelines in its row. Renders with `dot -Tsvg`. The graph
// label says when the trace, found under --por, may not be the shortest.

import { runTitle, type TraceData } from '../report/trace-data.js';
import { REDUCED_TRACE_MARK } from '../engine/result.js';
import { buildSequence, type SeqEvent } from './sequence.js';

/** A DOT double-quoted string. */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}

const COLOURS: Record<SeqEvent['kind'], string> = {
  step: 'black',
  acquire: '#1f77b4',
  release: '#7f7f7f',
  change: '#2ca02c',
  note: '#9467bd',
  violation: '#d62728',
};

export function toDot(d: TraceData): string {
  const seq = buildSequence(d);
  const parts = seq.participants;
  const rows = seq.events.length;
  const out: string[] = [];
  out.push('digraph counterexample {');
  out.push(`  label=${dotString(`${runTitle({ ...d, model: undefined })}: ${d.invariant} (${d.steps.length} steps${d.reduced ? `, ${REDUCED_TRACE_MARK}` : ''})`)};`);
  out.push('  labelloc=t; rankdir=TB; newrank=true; nodesep=0.4; ranksep=0.25;');
  out.push('  node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=9];');
  // Lifeline heads and the points every row places on each lifeline.
  for (const p of parts) {
    const shape = p.kind === 'thread' ? 'box, style="rounded,filled", fillcolor="#e8f0fe"' : p.kind === 'lock' ? 'box, style=filled, fillcolor="#fff4e0"' : 'box, style=filled, fillcolor="#eef7ee"';
    out.push(`  ${p.id} [label=${dotString(p.label)}, shape=${shape}];`);
    for (let r = 0; r < rows; r++) out.push(`  ${p.id}__${r} [label="", shape=point, width=0.03];`);
    const chain = [p.id, ...Array.from({ length: rows }, (_, r) => `${p.id}__${r}`)];
    out.push(`  ${chain.join(' -> ')} [style=dashed, arrowhead=none, color="#bbbbbb", weight=100];`);
  }
  out.push(`  { rank=same; ${parts.map((p) => p.id).join('; ')}; }`);
  // Keep the columns in order.
  if (parts.length > 1) out.push(`  ${parts.map((p) => p.id).join(' -> ')} [style=invis];`);
  seq.events.forEach((e, r) => {
    out.push(`  { rank=same; ${parts.map((p) => `${p.id}__${r}`).join('; ')}; }`);
    const colour = COLOURS[e.kind];
    if (e.kind === 'step' || e.kind === 'note' || e.kind === 'violation') {
      const tag = `${e.on}__${r}_label`;
      out.push(
        `  ${tag} [label=${dotString(e.text)}, shape=${e.kind === 'step' ? 'plaintext' : 'note'}, fontcolor=${dotString(colour)}, color=${dotString(colour)}${e.kind === 'violation' ? ', penwidth=2' : ''}];`,
      );
      out.push(`  { rank=same; ${e.on}__${r}; ${tag}; }`);
      out.push(`  ${e.on}__${r} -> ${tag} [style=dotted, arrowhead=none, color=${dotString(colour)}, constraint=false];`);
    } else {
      const style = e.kind === 'release' ? 'dashed' : 'solid';
      out.push(`  ${e.from}__${r} -> ${e.to}__${r} [label=${dotString(e.text)}, style=${style}, color=${dotString(colour)}, fontcolor=${dotString(colour)}, constraint=false];`);
    }
  });
  out.push('}');
  return out.join('\n') + '\n';
}
