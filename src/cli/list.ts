// `loopcheck list`: every model with its parameters, strategies, scenarios
// and invariants, each with a one-line description.

import type { ChalkInstance } from 'chalk';
import type { ModelFamily } from '../engine/catalog.js';
import { FAMILIES } from '../app/registry.js';

export function renderList(c: ChalkInstance, families: readonly ModelFamily[] = FAMILIES): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`${c.bold(f.name)} — ${f.description}`);
    const section = (title: string, items: readonly { name: string; description: string }[], extra?: (name: string) => string) => {
      if (items.length === 0) return;
      out.push(`  ${title}:`);
      const w = Math.max(...items.map((i) => i.name.length));
      for (const i of items) out.push(`    ${c.cyan(i.name.padEnd(w))}  ${i.description}${extra ? extra(i.name) : ''}`);
    };
    section(
      'parameters',
      f.params.map((p) => ({ name: p.name, description: `${p.description} (default ${p.default}, ${p.min}..${p.max})` })),
    );
    section('strategies', f.strategies);
    const defaults = new Set(f.defaultScenarios ?? f.scenarios.map((s) => s.name));
    section('scenarios', f.scenarios, (n) => (defaults.has(n) ? '' : c.dim(' (not run by default)')));
    const checked = new Set(f.defaultInvariants ?? [...f.invariants.map((i) => i.name), 'deadlock']);
    section(
      'invariants',
      [...f.invariants, { name: 'deadlock', description: 'no state other than a terminal one lacks an enabled action (engine check)' }],
      (n) => (checked.has(n) ? '' : c.dim(' (not checked by default)')),
    );
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function listJson(families: readonly ModelFamily[] = FAMILIES) {
  return families.map((f) => ({
    name: f.name,
    description: f.description,
    params: f.params,
    strategies: f.strategies,
    scenarios: f.scenarios,
    defaultScenarios: f.defaultScenarios ?? f.scenarios.map((s) => s.name),
    invariants: f.invariants,
    defaultInvariants: f.defaultInvariants ?? [...f.invariants.map((i) => i.name), 'deadlock'],
  }));
}
