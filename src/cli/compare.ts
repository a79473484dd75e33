// `loopcheck compare`: the selected strategies side by side on the selected
// scenarios. One row per scenario x invariant, one column per strategy, each
// cell holds / VIOLATED (k steps) / incomplete; then distinct states and time
// per strategy; then a note naming every cell where the strategies disagree,
// with the trace that shows it (its file with --trace-dir, else the command
// that prints it). --json gives the same data. Exit code as verify's.
// --por reduces every search as verify's does (the runner refuses what it
// does not preserve); the reduced searches are counted under the tables, and
// a counterexample found so is marked as possibly not the shortest in the
// notes, in --json and in its trace files.

import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import { REDUCED_TRACE_MARK, REDUCED_TRACE_NOTE, type InvariantOutcome, type Verdict } from '../engine/result.js';
import { addTraceOptions, checkTracePaths, traceOutput, writeRunTraces, type TraceOutputFlags } from './export-cmd.js';
import { addColourOptions, coloursFor, type ColourFlags } from './colour.js';
import { fmtInt, fmtSeconds, table, verdictText } from '../report/format.js';
import { addLimitOptions, addPorOption, addRuntimeOptions, addSelectionOptions, type LimitFlags, type RuntimeFlags, type SelectionFlags } from './options.js';
import { EXIT, OutputError } from '../app/errors.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { plan } from '../app/plan.js';
import { executeRuns, exitCodeFor, incompleteNote, type CompletedRun } from '../app/run.js';
import { VERSION } from '../app/version.js';
import { writeStdout } from '../app/write-file.js';

export interface CompareCell {
  readonly status: Verdict | 'n/a';
  readonly steps: number | null;
  /** Written trace files (with --trace-dir). */
  readonly files: readonly string[];
  /** The command that prints this cell's trace. */
  readonly command: string | null;
  /** Present (false) when the trace was found under --por, with `note` saying so. */
  readonly shortest?: false;
  readonly note?: string;
}

export interface CompareRow {
  readonly scenario: string | null;
  readonly invariant: string;
  readonly cells: Readonly<Record<string, CompareCell>>;
  readonly disagree: boolean;
}

export interface CompareData {
  readonly tool: 'loopcheck';
  readonly version: string;
  readonly model: string;
  readonly params: Readonly<Record<string, number>>;
  readonly strategies: readonly string[];
  readonly scenarios: readonly (string | null)[];
  readonly rows: readonly CompareRow[];
  readonly stats: readonly {
    readonly strategy: string;
    readonly scenario: string | null;
    readonly states: number;
    readonly transitions: number;
    readonly seconds: number;
    readonly complete: boolean;
    readonly stopReason: string;
    readonly partialOrderReduced: boolean;
  }[];
  readonly totals: Readonly<Record<string, { readonly states: number; readonly seconds: number }>>;
  readonly disagreements: readonly { readonly scenario: string | null; readonly invariant: string; readonly note: string }[];
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function printCommand(r: CompletedRun, invariant: string, rawParams: readonly string[]): string {
  const words = ['loopcheck', 'verify', '--model', r.run.family.name];
  for (const p of rawParams) words.push('--param', p);
  if (r.run.strategy !== null) words.push('--strategy', r.run.strategy);
  if (r.run.scenario !== null) words.push('--scenario', r.run.scenario);
  words.push('--invariant', invariant);
  // The same search prints the same trace.
  if (r.result.stats.partialOrder) words.push('--por');
  return words.map(shellWord).join(' ');
}

const columnOf = (r: CompletedRun) => r.run.strategy ?? r.run.family.name;

export function compareData(done: readonly CompletedRun[], written: Map<string, string[]> | null, rawParams: readonly string[]): CompareData {
  const strategies: string[] = [];
  const scenarios: (string | null)[] = [];
  for (const r of done) {
    if (!strategies.includes(columnOf(r))) strategies.push(columnOf(r));
    if (!scenarios.includes(r.run.scenario)) scenarios.push(r.run.scenario);
  }
  const rows: CompareRow[] = [];
  const disagreements: { scenario: string | null; invariant: string; note: string }[] = [];
  for (const sc of scenarios) {
    const runs = done.map((r, i) => ({ r, i })).filter(({ r }) => r.run.scenario === sc);
    const invariants: string[] = [];
    for (const { r } of runs) for (const o of r.result.outcomes) if (!invariants.includes(o.invariant)) invariants.push(o.invariant);
    for (const inv of invariants) {
      const cells: Record<string, CompareCell> = {};
      for (const st of strategies) {
        const hit = runs.find(({ r }) => columnOf(r) === st);
        const o: InvariantOutcome | undefined = hit?.r.result.outcomes.find((x) => x.invariant === inv);
        cells[st] = o
          ? {
              status: o.verdict,
              steps: o.trace ? o.trace.steps.length - 1 : null,
              files: written?.get(`${hit!.i}:${inv}`) ?? [],
              command: o.trace ? printCommand(hit!.r, inv, rawParams) : null,
              ...(o.trace?.reduced ? { shortest: false as const, note: REDUCED_TRACE_NOTE } : {}),
            }
          : { status: 'n/a', steps: null, files: [], command: null };
      }
      const verdicts = new Set(Object.values(cells).filter((c) => c.status !== 'n/a').map((c) => c.status));
      const disagree = verdicts.size > 1;
      rows.push({ scenario: sc, invariant: inv, cells, disagree });
      if (disagree) {
        const parts = strategies.map((st) => {
          const c = cells[st];
          const v = c.status === 'violated' ? `VIOLATED (${c.steps} steps${c.shortest === false ? `, ${REDUCED_TRACE_MARK}` : ''})` : c.status;
          const where = c.status === 'violated' ? ` — trace: ${c.files.length > 0 ? c.files.join(', ') : c.command}` : '';
          return `${st} ${v}${where}`;
        });
        disagreements.push({ scenario: sc, invariant: inv, note: parts.join('; ') });
      }
    }
  }
  const stats = done.map((r) => ({
    strategy: columnOf(r),
    scenario: r.run.scenario,
    states: r.result.stats.states,
    transitions: r.result.stats.transitions,
    seconds: Number(r.result.stats.seconds.toFixed(3)),
    complete: r.result.complete,
    stopReason: r.result.stopReason,
    partialOrderReduced: r.result.stats.partialOrder ?? false,
  }));
  const totals: Record<string, { states: number; seconds: number }> = {};
  for (const s of stats) {
    const t = (totals[s.strategy] ??= { states: 0, seconds: 0 });
    t.states += s.states;
    t.seconds = Number((t.seconds + s.seconds).toFixed(3));
  }
  return {
    tool: 'loopcheck',
    version: VERSION,
    model: done[0]?.run.family.name ?? '',
    params: done[0]?.run.params ?? {},
    strategies,
    scenarios,
    rows,
    stats,
    totals,
    disagreements,
  };
}

export function renderCompare(d: CompareData, c: ChalkInstance): string {
  const out: string[] = [];
  const cellText = (x: CompareCell) => (x.status === 'n/a' ? c.dim('—') : verdictText(x.status, c, x.steps ?? undefined));
  const scen = (s: string | null) => s ?? '-';
  out.push(
    table(
      ['scenario', 'invariant', ...d.strategies],
      d.rows.map((r) => [scen(r.scenario), r.disagree ? c.bold(`${r.invariant} *`) : r.invariant, ...d.strategies.map((s) => cellText(r.cells[s]))]),
    ),
  );
  out.push('');
  const statCell = (st: string, sc: string | null) => {
    const s = d.stats.find((x) => x.strategy === st && x.scenario === sc);
    if (!s) return c.dim('—');
    const text = `${fmtInt(s.states)} states, ${fmtSeconds(s.seconds)} s`;
    return s.complete ? text : c.yellow(`${text} (incomplete: ${s.stopReason})`);
  };
  const statRows = d.scenarios.map((sc) => [scen(sc), ...d.strategies.map((st) => statCell(st, sc))]);
  if (d.scenarios.length > 1) {
    statRows.push([c.bold('total'), ...d.strategies.map((st) => `${fmtInt(d.totals[st].states)} states, ${fmtSeconds(d.totals[st].seconds)} s`)]);
  }
  out.push(table(['scenario', ...d.strategies.map((s) => `${s}: distinct states, time`)], statRows));
  const porRuns = d.stats.filter((s) => s.partialOrderReduced).length;
  if (porRuns > 0) {
    out.push(c.dim(`partial-order reduction: ${porRuns} of ${d.stats.length} searches count states of the reduced graph; verdicts are the full search's, counterexamples may be longer than the shortest`));
  }
  out.push('');
  const cells = d.rows.flatMap((r) => Object.values(r.cells)).filter((x) => x.status !== 'n/a');
  const incomplete = cells.filter((x) => x.status === 'incomplete').length;
  if (d.strategies.length <= 1) {
    out.push('Only one strategy: nothing to compare.');
  } else if (cells.length > 0 && incomplete === cells.length) {
    out.push(c.yellow('Every cell is incomplete: nothing to compare.'));
  } else if (d.disagreements.length === 0) {
    out.push(
      incomplete > 0
        ? c.yellow(`The strategies agree on every row with a verdict; ${incomplete} of ${cells.length} cells are incomplete.`)
        : 'The strategies agree on every scenario and invariant.',
    );
  } else {
    out.push(c.bold(`The strategies disagree on ${d.disagreements.length} row${d.disagreements.length === 1 ? '' : 's'} (marked *):`));
    for (const x of d.disagreements) out.push(`  ${scen(x.scenario)} / ${x.invariant}: ${x.note}`);
  }
  return out.join('\n');
}

interface CompareFlags extends TraceOutputFlags, SelectionFlags, LimitFlags, RuntimeFlags, ColourFlags {
  json?: boolean;
  por?: boolean;
}

export async function compare(flags: CompareFlags): Promise<number> {
  const runs = plan({
    model: flags.model,
    params: flags.param,
    strategies: flags.strategy,
    scenarios: flags.scenario,
    invariants: flags.invariant,
  });
  const out = traceOutput(flags);
  if (out) checkTracePaths(runs, out);
  const done = await executeRuns(runs, flags);
  // The notes point at the trace files, so they are written first; one that
  // cannot be written is named after the report (which then names commands).
  let written: Map<string, string[]> | null = null;
  let failure: OutputError | null = null;
  try {
    written = out ? writeRunTraces(done, out) : null;
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    failure = e;
  }
  const data = compareData(done, written, flags.param ?? []);
  if (flags.json) writeStdout(JSON.stringify(data, null, 2) + '\n');
  else writeStdout(renderCompare(data, coloursFor(flags)) + '\n');
  if (failure) {
    process.stderr.write(`loopcheck: error: ${failure.message}\n`);
    return EXIT.output;
  }
  const code = exitCodeFor(done);
  const note = incompleteNote(done, code);
  if (note) process.stderr.write(`loopcheck: ${note}\n`);
  return code;
}

export function registerCompare(prog: Command, setCode: (c: number) => void): Command {
  const cmd = prog.command('compare').description('run the selected strategies on the selected scenarios and print their verdicts side by side');
  addSelectionOptions(cmd, 'check');
  addLimitOptions(cmd);
  addPorOption(addRuntimeOptions(cmd)).option('--full-states', 'md traces written with --trace-dir: every state in full');
  return addColourOptions(addTraceOptions(cmd).option('--json', 'print one JSON document on stdout instead of text'))
    .addHelpText('after', exitCodeHelp('compare'))
    .action(async (flags: CompareFlags) => setCode(await compare(flags)));
}
