// The counterexample as a Mermaid sequenceDiagram (renders on GitHub): one
// lifeline per thread, lock and changed object; acquisitions are solid
// arrows, releases dashed, state changes solid arrows to the object, changes
// to a thread's own fields notes over it. The violation closes the diagram.
// The title says when the trace, found under --por, may not be the shortest.

import { runTitle, type TraceData } from '../report/trace-data.js';
import { REDUCED_TRACE_MARK } from '../engine/result.js';
import { buildSequence } from './sequence.js';

/** Message text safe for Mermaid: no statement separators, entity codes or line breaks. */
export function mermaidText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[#;]/g, (ch) => (ch === '#' ? '#35;' : '#59;'))
    .replace(/%%/g, '%')
    .trim();
}

export function toMermaid(d: TraceData): string {
  const seq = buildSequence(d);
  const out: string[] = ['sequenceDiagram'];
  out.push(`  title ${mermaidText(`${runTitle({ ...d, model: undefined })}: ${d.invariant} (${d.steps.length} steps${d.reduced ? `, ${REDUCED_TRACE_MARK}` : ''})`)}`);
  for (const p of seq.participants) {
    out.push(`  participant ${p.id} as ${mermaidText(p.label)}`);
  }
  // Lock lifelines are activated while held; only deactivate what was activated here.
  const active = new Map<string, number>();
  for (const e of seq.events) {
    switch (e.kind) {
      case 'step':
        out.push(`  Note over ${e.on}: ${mermaidText(e.text)}`);
        break;
      case 'acquire':
        active.set(e.to, (active.get(e.to) ?? 0) + 1);
        out.push(`  ${e.from}->>${e.to}: ${mermaidText(e.text)}`);
        out.push(`  activate ${e.to}`);
        break;
      case 'release': {
        const n = active.get(e.to) ?? 0;
        if (n > 0) active.set(e.to, n - 1);
        out.push(`  ${e.from}-->>${e.to}: ${mermaidText(e.text)}`);
        if (n > 0) out.push(`  deactivate ${e.to}`);
        break;
      }
      case 'change':
        out.push(`  ${e.from}->>${e.to}: ${mermaidText(e.text)}`);
        break;
      case 'note':
        out.push(`  Note right of ${e.on}: ${mermaidText(e.text)}`);
        break;
      case 'violation':
        out.push(`  Note over ${e.on}: ${mermaidText(`✗ ${e.text}`)}`);
        break;
    }
  }
  return out.join('\n') + '\n';
}
