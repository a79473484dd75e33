// Trace export from the command line: the `--trace-dir DIR --trace-format
// <list>` options of verify and compare, and `loopcheck export <trace.json>`,
// which re-renders a saved trace (after replaying it) in any format.

import { InputTooLarge, readCapped } from '../app/read-capped.js';
import type { ChalkInstance } from 'chalk';
import { Command, Option } from 'commander';
import type { InvariantOutcome } from '../engine/result.js';
import { FORMATS, parseFormats, prepareTraceDir, renderFormat, traceFileName, writeTraceFiles, type Format } from '../export/formats.js';
import { replay } from '../export/replay.js';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { loadPlugin, sha256Of } from '../app/plugins.js';
import { loadTrace, parseTraceFile, TraceFileError, type LoadedTrace } from '../export/trace-json.js';
import type { TraceContext } from '../report/trace-data.js';
import { EXIT, Interrupted, UsageError } from '../app/errors.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { FAMILIES } from '../app/registry.js';
import { buildModel, checksFor, type CompletedRun } from '../app/run.js';
import type { PlannedRun } from '../app/plan.js';
import { DEADLOCK } from '../engine/result.js';
import { LOCK_ORDER } from '../engine/properties.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { writeStdout } from '../app/write-file.js';


export interface TraceOutputFlags {
  traceDir?: string;
  traceFormat?: string[];
  fullStates?: boolean;
}

export interface TraceOutput {
  readonly dir: string;
  readonly formats: readonly Format[];
  readonly fullStates: boolean;
}

const DEFAULT_TRACE_FORMATS: readonly Format[] = ['json'];

export function traceDirOption(): Option {
  return new Option('--trace-dir <dir>', 'write every counterexample into this directory as <strategy>.<scenario>.<invariant>.<ext>');
}

export function traceFormatOption(): Option {
  return new Option(
    '--trace-format <formats...>',
    `formats to write with --trace-dir: ${FORMATS.join(', ')} (c: a C reproducer of the trace's system calls) or all (every trace rendering; comma-separated or repeated; default: ${DEFAULT_TRACE_FORMATS.join(',')})`,
  );
}

/** Adds --trace-dir and --trace-format to a command. */
export function addTraceOptions(cmd: Command): Command {
  return cmd.addOption(traceDirOption()).addOption(traceFormatOption());
}

/** Validates the trace options before any search runs; null when no trace files are wanted. */
export function traceOutput(flags: TraceOutputFlags): TraceOutput | null {
  const formats = parseFormats(flags.traceFormat);
  if (flags.traceDir === undefined) {
    if (formats.length > 0) throw new UsageError('--trace-format needs --trace-dir');
    return null;
  }
  if (flags.traceDir.trim() === '') throw new UsageError('--trace-dir needs a directory');
  const dir = prepareTraceDir(flags.traceDir);
  return { dir, formats: formats.length > 0 ? formats : DEFAULT_TRACE_FORMATS, fullStates: flags.fullStates === true };
}

/** Room left in a trace file name for the suffixes only known after the search (run variants, cycle edges). */
const SUFFIX_ROOM = 48;

/**
 * Checks, before any search, every trace file the runs could write: a name
 * too long for the file system, or a directory standing where a file goes,
 * would otherwise fail after the search. Throws UsageError.
 */
export function checkTracePaths(runs: readonly PlannedRun[], out: TraceOutput): void {
  for (const run of runs) {
    const model = buildModel(run);
    const checks = checksFor(run, model);
    const names = [
      ...(checks.invariants ?? model.invariants.map((i) => i.name)),
      ...(checks.checkDeadlock ? [DEADLOCK] : []),
      ...checks.liveness.map((p) => p.name),
      ...(checks.lockOrder ? [LOCK_ORDER] : []),
    ];
    for (const invariant of names) {
      for (const format of out.formats) {
        const name = traceFileName({ family: run.family.name, strategy: run.strategy, scenario: run.scenario, invariant }, format);
        if (Buffer.byteLength(name) + SUFFIX_ROOM > 255) throw new UsageError(`--trace-dir: the trace file name ${name} is too long for the file system`);
        const path = join(out.dir, name);
        if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--trace-dir: ${path} is a directory, where a trace file would be written`);
      }
    }
  }
}

export function contextOf(r: CompletedRun, o: InvariantOutcome): TraceContext {
  if (!o.trace) throw new Error(`internal error: ${o.invariant} has no trace`);
  return {
    family: r.run.family.name,
    params: r.run.params,
    strategy: r.run.strategy,
    scenario: r.run.scenario,
    model: r.model,
    invariant: o.invariant,
    description: o.description,
    trace: o.trace,
  };
}

/**
 * A file-name part per run that tells apart runs of the same model, strategy
 * and scenario (a config may run one with several parameter sets): the
 * parameters that differ within the group, else the run's position.
 */
function runVariants(done: readonly CompletedRun[]): (string | undefined)[] {
  const key = (r: CompletedRun) => `${r.run.family.name}|${r.run.strategy}|${r.run.scenario}`;
  return done.map((r, i) => {
    const group = done.filter((x) => key(x) === key(r));
    if (group.length === 1) return undefined;
    const differs = Object.keys(r.run.params).filter((k) => group.some((x) => x.run.params[k] !== r.run.params[k]));
    const byParams = differs.map((k) => `${k}=${r.run.params[k]}`).join(',');
    const same = group.filter((x) => differs.every((k) => x.run.params[k] === r.run.params[k]));
    return same.length === 1 ? byParams : `${byParams ? `${byParams},` : ''}run${i + 1}`;
  });
}

/** Writes every counterexample of the runs (and a lock-order cycle's other edges); returns the paths, keyed by run index and invariant. */
export function writeRunTraces(done: readonly CompletedRun[], out: TraceOutput): Map<string, string[]> {
  const written = new Map<string, string[]>();
  const variants = runVariants(done);
  done.forEach((r, i) => {
    for (const o of r.result.outcomes) {
      if (!o.trace) continue;
      // A lock-order cycle's files each carry the witnesses of all its edges.
      const cycle = o.invariant === LOCK_ORDER ? [o.trace, ...(o.related ?? []).map((x) => x.trace)] : undefined;
      const base = { ...contextOf(r, o), ...(cycle ? { cycle } : {}) };
      const v = variants[i];
      const paths = writeTraceFiles(out.dir, v ? { ...base, fileSuffix: v } : base, out.formats, { fullStates: out.fullStates });
      (o.related ?? []).forEach((rel, k) => {
        const ctx = { ...base, trace: rel.trace, fileSuffix: [v, `edge${k + 2}`].filter(Boolean).join('.') };
        paths.push(...writeTraceFiles(out.dir, ctx, out.formats, { fullStates: out.fullStates }));
      });
      written.set(`${i}:${o.invariant}`, paths);
    }
  });
  return written;
}

/** The lines verify prints after writing trace files. */
export function writtenText(written: Map<string, string[]>): string {
  const paths = [...written.values()].flat();
  if (paths.length === 0) return 'no counterexample: no trace file written';
  return ['trace files:', ...paths.map((p) => `  ${p}`)].join('\n');
}

/** Reads, parses and rebuilds a trace file; every problem is a one-line UsageError (exit 2). */
export async function readTraceFile(path: string): Promise<LoadedTrace> {
  let text: string;
  try {
    text = await readCapped(path);
  } catch (e) {
    if (e instanceof Interrupted) throw e;
    if (e instanceof InputTooLarge) throw new UsageError(`cannot read ${path}: ${e.message}`);
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message)}`);
  }
  try {
    const file = parseTraceFile(text);
    if (file.plugin) await reloadPlugin(path, file.plugin);
    return loadTrace(file, FAMILIES);
  } catch (e) {
    if (e instanceof TraceFileError) throw new UsageError(`${path}: not a valid trace: ${e.message}`);
    throw e;
  }
}

/** The plugin a trace was found with, loaded again only if its file is unchanged. */
async function reloadPlugin(trace: string, plugin: { file: string; sha256: string }): Promise<void> {
  const file = resolvePath(plugin.file);
  if (!existsSync(file)) throw new UsageError(`${trace}: the trace needs plugin ${plugin.file}, which does not exist here`);
  if (sha256Of(file) !== plugin.sha256) {
    throw new UsageError(`${trace}: plugin ${plugin.file} has changed since the trace was written (rerun verify for a new trace)`);
  }
  await loadPlugin(file);
}

interface ExportFlags {
  format?: string[];
  outDir?: string;
  fullStates?: boolean;
}

async function exportCmd(file: string, flags: ExportFlags): Promise<number> {
  const formats = parseFormats(flags.format ?? ['md'], '--format');
  if (formats.length === 0) throw new UsageError('--format needs at least one format');
  if (flags.outDir === undefined && formats.length > 1) throw new UsageError('several formats need --out-dir');
  if (flags.outDir !== undefined && flags.outDir.trim() === '') throw new UsageError('--out-dir needs a directory (got an empty name)');
  // Read and replay the trace before touching --out-dir, so a bad trace file
  // creates no directory.
  const loaded = await readTraceFile(file);
  const outcome = replay(loaded);
  if (!outcome.ok) {
    writeStdout(`${file} does not replay against the current model; not exported.\n`);
    return EXIT.violation;
  }
  if (flags.outDir !== undefined) prepareTraceDir(flags.outDir, '--out-dir');
  const ctx: TraceContext = {
    family: loaded.family.name,
    params: loaded.file.params,
    strategy: loaded.file.strategy,
    scenario: loaded.file.scenario,
    model: loaded.model,
    invariant: outcome.invariant,
    description: outcome.description,
    trace: outcome.trace,
    ...(loaded.cycle ? { cycle: loaded.cycle } : {}),
  };
  if (flags.outDir === undefined) {
    writeStdout(renderFormat(formats[0], ctx, { fullStates: flags.fullStates }));
  } else {
    const paths = writeTraceFiles(flags.outDir, ctx, formats, { fullStates: flags.fullStates });
    writeStdout(paths.join('\n') + '\n');
  }
  return EXIT.ok;
}

export function registerExport(prog: Command, setCode: (c: number) => void): Command {
  return prog
    .command('export')
    .description('re-render a saved trace (json, as written by --trace-dir) in other formats, after replaying it')
    .argument('<trace.json>', 'a trace file in loopcheck\'s json format')
    .option('--format <formats...>', `output formats: ${FORMATS.join(', ')} or all (default: md)`)
    .option('--out-dir <dir>', 'write files <strategy>.<scenario>.<invariant>.<ext> here instead of printing one format')
    .option('--full-states', 'md: print every state in full')
    .addHelpText('after', exitCodeHelp('export'))
    .action(async (file: string, flags: ExportFlags) => setCode(await exportCmd(file, flags)));
}
