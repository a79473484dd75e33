// `loopcheck init`: runs the model (by default the loop model, every
// strategy and scripted scenario, every invariant plus deadlock) and writes a
// commented starting config whose expectations are the verdicts found, so
// `loopcheck verify` passes on it today and fails when a verdict changes.

import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from '../cli/errors.js';
import { fmtInt, fmtSeconds } from '../cli/format.js';
import { collect, MAX_TIME_LIMIT_S, positiveInt, positiveNumber } from '../cli/options.js';
import { plan } from '../cli/plan.js';
import { executeRun, type CompletedRun, type Limits } from '../cli/run.js';
import { VERSION } from '../cli/version.js';
import type { Progress } from '../engine/result.js';
import { cellKey, DEFAULT_CONFIG_FILE, parseConfig } from './config.js';
import type { Expectation } from './config-schema.js';
import { schemaRef } from './schema-path.js';
import { checkWritable, writeFileAtomic } from './write-file.js';

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
  L.push('// (--no-config ignores it). It runs every search below and exits');
  L.push('//   0  when every cell has its expected verdict and every search was exhaustive,');
  L.push('//   1  when a verdict differs from its expectation,');
  L.push('//   2  on a usage or config error,');
  L.push('//   3  when a limit cut a search short (unless the cell says "incomplete-ok").');
  L.push('// A cell is "<strategy> / <scenario> / <invariant>" (parts a model lacks are left');
  L.push('// out); its expectation is "holds", "violated" (a regression test: loopcheck must');
  L.push('// still find this known bug) or "incomplete-ok" (holds, or cut short by a limit).');
  L.push('// Cells not listed must hold. The verdicts below are those loopcheck found when');
  L.push('// this file was written; `loopcheck list` shows every name that can appear here.');
  L.push('{');
  L.push(`  "$schema": ${q(schemaRef(flags.output ?? DEFAULT_CONFIG_FILE))},`);
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

/** Runs `init`; returns the exit code. */
export async function init(
  flags: InitFlags,
  onProgress?: (p: Progress) => void,
  afterEach?: (r: CompletedRun) => void,
): Promise<number> {
  const output = flags.output ?? DEFAULT_CONFIG_FILE;
  if (output !== '-') {
    checkWritable('--output', output);
    if (existsSync(output) && !flags.force) throw new UsageError(`${output} already exists (use --force to overwrite it)`);
  }
  const runs = plan({
    model: flags.model,
    params: flags.param,
    strategies: flags.strategy,
    scenarios: flags.scenario,
    invariants: flags.invariant,
  });
  const limits: Limits = { maxStates: flags.maxStates, maxDepth: flags.maxDepth, timeLimit: flags.timeLimit };
  const done: CompletedRun[] = [];
  for (const r of runs) {
    const c = await executeRun(r, { ...limits, workers: flags.workers }, onProgress);
    afterEach?.(c);
    done.push(c);
  }
  const text = initText(flags, done);
  parseConfig(text, output === '-' ? '<init output>' : output); // what we write must load
  const cells = done.flatMap((d) => d.result.outcomes);
  const count = (v: string) => cells.filter((o) => o.verdict === v).length;
  const secs = done.reduce((t, d) => t + d.result.stats.seconds, 0);
  if (output === '-') process.stdout.write(text);
  else writeFileAtomic(output, text);
  process.stderr.write(
    `loopcheck: ${output === '-' ? 'printed' : `wrote ${output}`}: ${cells.length} cells (${count('holds')} hold, ${count('violated')} violated, ${count('incomplete')} incomplete) from ${done.length} search${done.length === 1 ? '' : 'es'} in ${fmtSeconds(secs)} s\n`,
  );
  return 0;
}

/** Declares the `init` command on the program. */
export function registerInit(
  prog: Command,
  setCode: (c: number) => void,
  progressPrinter: () => ((p: Progress) => void) | undefined,
): void {
  prog
    .command('init')
    .description('run a model and write a commented loopcheck.config.json expecting the verdicts found')
    .option('--model <name>', 'model to run (default: loop)')
    .option('--param <key=value>', 'set a model parameter (repeatable)', collect)
    .option('--strategy <names...>', 'strategies to run (default: all)')
    .option('--scenario <names...>', 'scenarios to run (default: the scripted ones)')
    .option('--invariant <names...>', 'invariants to check (default: all, plus deadlock)')
    .addOption(new Option('--max-states <n>', 'stop after storing this many distinct states (kept in the config)').argParser(positiveInt('--max-states')))
    .addOption(new Option('--max-depth <n>', 'do not expand states deeper than this (kept in the config)').argParser(positiveInt('--max-depth')))
    .addOption(new Option('--time-limit <seconds>', 'stop each search after this many seconds (kept in the config)').argParser(positiveNumber('--time-limit', MAX_TIME_LIMIT_S)))
    .addOption(new Option('--workers <n>', 'search worker threads').argParser(positiveInt('--workers')))
    .option('-o, --output <file>', `file to write, - for stdout (default: ${DEFAULT_CONFIG_FILE})`)
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', '\nExit codes:\n  0  the config was written\n  2  usage or input error (bad option, name or path; the file exists without --force)')
    .action(async (flags: InitFlags) => {
      const progress = progressPrinter();
      setCode(await init(flags, progress, () => progress && process.stderr.write('\r\x1b[K')));
    });
}
