// The CI side of `verify`: resolves the config (--config FILE, else
// ./loopcheck.config.json unless --no-config or the command line selects the
// runs, which it then says), checks every report path before any search,
// hands the config's searches with their limits to the application's runner,
// judges every cell against its expectation, writes the JUnit and SARIF
// reports and, under GitHub Actions, the annotations and job summary. A
// config that leaves a registered strategy out is reported, never skipped
// silently. main.ts uses it when there is a config, a report or GitHub
// Actions; otherwise verify behaves exactly as without this module. How the
// judged cells read on a terminal is src/cli/gate-text.ts.

import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { EXIT, OutputError, UsageError } from '../app/errors.js';
import { plan, type PlannedRun } from '../app/plan.js';
import { executeRuns, exitCodeFor, type CompletedRun, type Limits } from '../app/run.js';
import { FAMILIES } from '../app/registry.js';
import type { Progress } from '../engine/result.js';
import { exitCodeForCells, judgeCells, type CellResult } from './cells.js';
import { DEFAULT_CONFIG_FILE, loadConfig, type ConfigRun, type LoadedConfig } from './config.js';
import { annotations, appendSummary, summaryMarkdown } from './github.js';
import { junitXml } from './junit.js';
import { sarifLog } from './sarif.js';
import { RepoLocator } from './repo-locations.js';
import { checkWritable, writeFileAtomic, writeStdout, writeTarget } from '../app/write-file.js';

export interface GateFlags extends Limits {
  /** A file name, false for --no-config, undefined for neither. */
  readonly config?: string | boolean;
  readonly junit?: string;
  readonly sarif?: string;
  readonly json?: boolean;
  readonly model?: string;
  readonly param?: readonly string[];
  readonly strategy?: readonly string[];
  readonly scenario?: readonly string[];
  readonly invariant?: readonly string[];
  /** Expected violations with their traces, not one line each (text output and job summary). */
  readonly verbose?: boolean;
}

export interface Gate {
  readonly config: LoadedConfig | null;
  /** Every search, in the order execute() runs them. */
  readonly runs: readonly PlannedRun[];
  execute(onProgress?: (p: Progress) => void, afterEach?: (r: CompletedRun) => void): Promise<CompletedRun[]>;
  /** The cells of completed searches, judged. */
  cells(done: readonly CompletedRun[]): CellResult[];
  /** The expectations' one-line verdict, "expectations (FILE): 3 of 4 cells as expected, 1 differs" (config only, else ''). */
  summaryLine(done: readonly CompletedRun[], c: ChalkInstance): string;
  /** Extra members of the --json document. */
  json(done: readonly CompletedRun[]): Record<string, unknown>;
  /**
   * Writes reports and Actions output; returns the exit code. A report that
   * cannot be written is named on stderr and the code is EXIT.output.
   */
  finish(done: readonly CompletedRun[]): number;
}

const SELECTORS = ['--model', '--param', '--strategy', '--scenario', '--invariant'] as const;

function selectors(f: GateFlags): string[] {
  const given = [f.model, f.param, f.strategy, f.scenario, f.invariant];
  return SELECTORS.filter((_, i) => given[i] !== undefined && (!Array.isArray(given[i]) || (given[i] as unknown[]).length > 0));
}

/** Registered strategies of the config's models that no run of the config checks: "loop: v6.11". */
function uncoveredStrategies(config: LoadedConfig): string[] {
  const out: string[] = [];
  for (const family of FAMILIES) {
    const runs = config.runs.filter((r) => r.family.name === family.name);
    if (runs.length === 0) continue;
    const covered = new Set(runs.flatMap((r) => r.searches.map((s) => s.planned.strategy)));
    for (const st of family.strategies) if (!covered.has(st.name)) out.push(`${family.name}: ${st.name}`);
  }
  return out;
}

/** Which config verify uses, or null; says on stderr which file it picked up, or why it left one out. */
async function resolveConfig(flags: GateFlags, notes: string[], cwd = process.cwd()): Promise<LoadedConfig | null> {
  const limits: Limits = { maxStates: flags.maxStates, maxDepth: flags.maxDepth, timeLimit: flags.timeLimit };
  const sel = selectors(flags);
  if (typeof flags.config === 'string') {
    if (sel.length > 0) {
      throw new UsageError(`--config cannot be combined with ${sel.join(', ')}: the config selects the runs (use --no-config to select them on the command line)`);
    }
    const cfg = await loadConfig(flags.config, limits);
    notes.push(`using config ${flags.config}`);
    return cfg;
  }
  if (flags.config === false) return null;
  const auto = `${cwd}/${DEFAULT_CONFIG_FILE}`;
  if (!existsSync(auto)) return null;
  if (sel.length > 0) {
    notes.push(`not using ./${DEFAULT_CONFIG_FILE}: ${sel.join(', ')} select${sel.length === 1 ? 's' : ''} the runs, and every cell is expected to hold (--no-config says so quietly)`);
    return null;
  }
  const cfg = await loadConfig(`./${DEFAULT_CONFIG_FILE}`, limits);
  notes.push(`using config ./${DEFAULT_CONFIG_FILE} (--no-config to ignore it)`);
  return cfg;
}

/**
 * The gate for this verify, or null when there is no config, no report and
 * no GitHub Actions (plain verify). Throws UsageError before any search.
 * What it has to tell the user (the config used or left out, strategies a
 * config does not check) goes into `notes`, for verify to print once every
 * check before the search has passed.
 */
export async function openGate(flags: GateFlags, notes: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Gate | null> {
  if (flags.junit !== undefined) checkWritable('--junit', flags.junit);
  if (flags.sarif !== undefined) checkWritable('--sarif', flags.sarif);
  if (flags.junit !== undefined && flags.sarif !== undefined && writeTarget(flags.junit) === writeTarget(flags.sarif)) {
    throw new UsageError(`--junit ${flags.junit} and --sarif ${flags.sarif} name the same file`);
  }
  const actions = env.GITHUB_ACTIONS === 'true';
  const summaryFile = actions && env.GITHUB_STEP_SUMMARY ? env.GITHUB_STEP_SUMMARY : undefined;
  if (summaryFile !== undefined) checkWritable('GITHUB_STEP_SUMMARY', summaryFile);
  const config = await resolveConfig(flags, notes);
  const uncovered = config ? uncoveredStrategies(config) : [];
  for (const u of uncovered) {
    notes.push(`note: ${relative('.', config!.file) || config!.file} does not check the registered strategy ${u}`);
  }
  if (!config && flags.junit === undefined && flags.sarif === undefined && !actions) return null;

  let groups: readonly ConfigRun[];
  if (config) {
    groups = config.runs;
  } else {
    const planned = plan({
      model: flags.model,
      params: flags.param,
      strategies: flags.strategy,
      scenarios: flags.scenario,
      invariants: flags.invariant,
    });
    const family = planned[0].family;
    groups = [
      {
        index: 0,
        label: family.name,
        family,
        params: planned[0].params,
        limits: { maxStates: flags.maxStates, maxDepth: flags.maxDepth, timeLimit: flags.timeLimit },
        searches: planned.map((p) => ({ planned: p, cells: [] })),
        expect: new Map(),
      },
    ];
  }
  const order = groups.flatMap((g) => g.searches.map((s) => ({ group: g, planned: s.planned })));
  let judged: { done: readonly CompletedRun[]; cells: CellResult[] } | undefined;
  const cellsOf = (done: readonly CompletedRun[]) => {
    if (judged?.done !== done) judged = { done, cells: judgeCells(done, (i) => order[i].group) };
    return judged.cells;
  };
  const out = (line: string) => (flags.json ? process.stderr.write(line + '\n') : writeStdout(line + '\n'));

  return {
    config,
    runs: order.map((o) => o.planned),
    execute(onProgress, afterEach) {
      const limitsOf = (_: PlannedRun, i: number): Limits => ({
        maxMemory: flags.maxMemory,
        exact: flags.exact,
        symmetry: flags.symmetry,
        por: flags.por,
        ...order[i].group.limits,
        workers: flags.workers,
      });
      return executeRuns(order.map((o) => o.planned), limitsOf, onProgress, afterEach);
    },
    cells: cellsOf,
    summaryLine(done, c) {
      if (!config) return '';
      const cells = cellsOf(done);
      const n = (s: CellResult['status']) => cells.filter((x) => x.status === s).length;
      return (
        c.bold(`expectations (${config.file}): `) +
        `${n('as-expected')} of ${cells.length} cells as expected` +
        (n('differs') ? c.red(`, ${n('differs')} differ${n('differs') === 1 ? 's' : ''}`) : '') +
        (n('incomplete') ? c.yellow(`, ${n('incomplete')} incomplete`) : '')
      );
    },
    json(done) {
      const cells = cellsOf(done);
      return {
        expectations: {
          config: config?.file ?? null,
          uncoveredStrategies: uncovered,
          exitCode: exitCodeForCells(cells),
          cells: cells.map((x) => ({
            run: x.group.label,
            cell: x.key,
            expected: x.expected,
            listed: x.explicit,
            actual: x.actual,
            status: x.status,
          })),
        },
      };
    },
    finish(done) {
      const cells = cellsOf(done);
      // Without a config every cell is expected to hold: verify's own codes.
      const code = config ? exitCodeForCells(cells) : exitCodeFor(done);
      // Every report is attempted; one that fails is named, and the others still written.
      let failed = false;
      const attempt = (what: string, write: () => void) => {
        try {
          write();
          if (what) process.stderr.write(`loopcheck: wrote ${what}\n`);
        } catch (e) {
          if (!(e instanceof OutputError)) throw e;
          failed = true;
          process.stderr.write(`loopcheck: error: ${e.message}\n`);
        }
      };
      if (flags.junit !== undefined) attempt(`JUnit report ${flags.junit}`, () => writeFileAtomic(flags.junit!, junitXml(cells)));
      if (flags.sarif !== undefined) attempt(`SARIF report ${flags.sarif}`, () => writeFileAtomic(flags.sarif!, JSON.stringify(sarifLog(cells, code, new RepoLocator(config ? config.file : null)), null, 2) + '\n'));
      if (actions) {
        attempt('', () => {
          const reports = [flags.sarif && `the SARIF report ${flags.sarif}`, flags.junit && `the JUnit report ${flags.junit}`].filter((x): x is string => !!x);
          for (const a of annotations(cells, new RepoLocator(config ? config.file : null), reports)) out(a);
        });
        if (summaryFile !== undefined) attempt('', () => appendSummary(summaryFile, summaryMarkdown(cells, code, config?.file ?? null, { verbose: flags.verbose === true })));
      }
      return failed ? EXIT.output : code;
    },
  };
}
