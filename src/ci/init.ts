// The text `loopcheck init` writes: a commented starting config whose
// expectations are the verdicts its searches found, so `loopcheck verify`
// passes on it today and fails when a verdict changes.

import { fmtInt, fmtSeconds } from '../report/format.js';
import type { CompletedRun, Limits } from '../app/run.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { VERSION } from '../app/version.js';
import { cellKey, DEFAULT_CONFIG_FILE } from './config.js';
import type { Expectation } from './config-schema.js';
import { schemaRef } from './schema-path.js';
import { pluginOf } from '../app/plugins.js';
import { dirname, relative, resolve, sep } from 'node:path';

export interface InitFlags extends Limits {
  readonly model?: string;
  readonly param?: readonly string[];
  readonly strategy?: readonly string[];
  readonly scenario?: readonly string[];
  readonly invariant?: readonly string[];
  /** File to write, `-` for stdout (default ./loopcheck.config.json). */
  readonly output?: string;
  readonly force?: boolean;
  readonly workers?: number;
}

const q = (v: string | number): string => JSON.stringify(v);

function expectationOf(verdict: string): Expectation {
  if (verdict === 'violated') return 'violated';
  if (verdict === 'holds') return 'holds';
  return 'incomplete-ok';
}

/** The commented config text for completed searches. */
export function initText(flags: InitFlags, done: readonly CompletedRun[], today = new Date()): string {
  const first = done[0].run;
  const family = first.family;
  const L: string[] = [];
  L.push(`// loopcheck configuration, written by \`loopcheck init\` (loopcheck ${VERSION}) on ${today.toISOString().slice(0, 10)}.`);
  L.push('//');
  L.push('// `loopcheck verify` uses ./loopcheck.config.json when no --config FILE is given');
  L.push('// (--no-config ignores it). It runs every search below; its exit codes:');
  for (const line of exitCodeHelp('verify').split('\n').slice(2)) L.push(`// ${line}`);
  L.push('// A cell is "<strategy> / <scenario> / <invariant>" (parts a model lacks are left');
  L.push('// out); its expectation is "holds", "violated" (a regression test: loopcheck must');
  L.push('// still find this known bug) or "incomplete-ok" (holds, or cut short by a limit).');
  L.push('// Cells not listed must hold. The verdicts below are those loopcheck found when');
  L.push('// this file was written; `loopcheck list` shows every name that can appear here.');
  L.push('{');
  L.push(`  "$schema": ${q(schemaRef(flags.output ?? DEFAULT_CONFIG_FILE))},`);
  const plugins = pluginFiles(done, flags.output ?? DEFAULT_CONFIG_FILE);
  if (plugins.length > 0) L.push(`  "plugins": [${plugins.map(q).join(', ')}],`);
  L.push('  "runs": [');
  L.push('    {');
  L.push(`      "model": ${q(family.name)},`);
  const explicit = Object.fromEntries((flags.param ?? []).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
  if (Object.keys(explicit).length > 0) {
    L.push(`      "params": { ${Object.entries(explicit).map(([k, v]) => `${q(k)}: ${v}`).join(', ')} },`);
  } else if (family.params.length > 0) {
    L.push(`      // "params": { ${family.params.map((p) => `${q(p.name)}: ${p.default}`).join(', ')} },  (the defaults)`);
  }
  const strategies = [...new Set(done.map((d) => d.run.strategy).filter((x): x is string => x !== null))];
  const scenarios = [...new Set(done.map((d) => d.run.scenario).filter((x): x is string => x !== null))];
  if (strategies.length > 0) L.push(`      "strategies": [${strategies.map(q).join(', ')}],`);
  if (scenarios.length > 0) L.push(`      "scenarios": [${scenarios.map(q).join(', ')}],`);
  if (flags.invariant && flags.invariant.length > 0) L.push(`      "invariants": [${[...new Set(flags.invariant)].map(q).join(', ')}],`);
  const limits = Object.entries({ maxStates: flags.maxStates, maxDepth: flags.maxDepth, timeLimit: flags.timeLimit }).filter(([, v]) => v !== undefined);
  if (limits.length > 0) L.push(`      "limits": { ${limits.map(([k, v]) => `${q(k)}: ${v}`).join(', ')} },`);
  else L.push('      // "limits": { "maxStates": 10000000, "maxDepth": 1000, "timeLimit": 600 },');
  L.push('      "expect": {');
  const entries: string[][] = [];
  for (const d of done) {
    const block: string[] = [];
    const s = d.result.stats;
    const where = [d.run.strategy, d.run.scenario].filter((x) => x !== null).join(' / ') || d.model.name;
    block.push(
      `        // ${where}: ${fmtInt(s.states)} states, depth ${s.depth}, ${fmtSeconds(s.seconds)} s, ` +
        (d.result.complete ? (d.result.stopReason === 'exhausted' ? 'exhaustive' : `complete (${d.result.stopReason})`) : `cut short by ${d.result.stopReason}`),
    );
    d.result.outcomes.forEach((o) => {
      const note =
        o.verdict === 'violated'
          ? `  // ${o.trace!.steps.length - 1}-step counterexample`
          : o.verdict === 'incomplete'
            ? `  // not known: the search was cut short`
            : '';
      block.push(`        ${q(cellKey(d.run.strategy, d.run.scenario, o.invariant))}: ${q(expectationOf(o.verdict))}§${note}`);
    });
    entries.push(block);
  }
  // Commas: after every cell but the last one.
  const cellLines = entries.flat();
  const lastCell = cellLines.map((l) => l.includes('§')).lastIndexOf(true);
  cellLines.forEach((l, i) => L.push(l.replace('§', l.includes('§') && i !== lastCell ? ',' : '')));
  L.push('      }');
  L.push('    }');
  L.push('  ]');
  L.push('}');
  return L.join('\n') + '\n';
}

/** The plugin files the searches' strategies and models came from, relative to the config written at `output`. */
function pluginFiles(done: readonly CompletedRun[], output: string): string[] {
  const dir = output === '-' ? process.cwd() : dirname(resolve(output));
  const files = new Set<string>();
  for (const d of done) {
    const p = pluginOf(d.run.family.name, d.run.strategy);
    if (p) files.add(p.file);
  }
  return [...files].map((f) => {
    const rel = relative(dir, f).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  });
}
