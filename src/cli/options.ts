// Command-line option plumbing shared by the commands: parsers for numeric
// options (each rejects junk with a UsageError instead of letting NaN or a
// negative bound reach the engine), the repeatable-option collector, and the
// flag shapes for selecting models and limiting searches, and the option
// declarations every searching command shares (so each gets the same
// --workers, --max-memory and limits with the same defaults), and verify's
// --max-window-steps, which is a model parameter under another name.

import { totalmem } from 'node:os';
import { Option, type Command } from 'commander';
import { UsageError } from '../app/errors.js';
import { defaultWorkers } from '../engine/parallel/coordinator.js';

export function positiveInt(flag: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} needs a non-negative integer, got '${raw}'`);
    return n;
  };
}

/**
 * The longest --time-limit, in seconds: timers hold at most 2^31 - 1 ms, and a
 * longer one fires at once (Node warns and uses 1 ms), which would stop the
 * search immediately as incomplete.
 */
export const MAX_TIME_LIMIT_S = 2_147_483;

export function positiveNumber(flag: string, max = Infinity) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got '${raw}'`);
    if (n > max) throw new UsageError(`${flag} needs a positive number up to ${max}, got '${raw}'`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** What commands that run models take to select them (commander's parsed flags). */
export interface SelectionFlags {
  model?: string;
  param?: string[];
  strategy?: string[];
  scenario?: string[];
  invariant?: string[];
}

/** The search limits shared by verify, compare and init. */
export interface LimitFlags {
  maxStates?: number;
  maxDepth?: number;
  timeLimit?: number;
}

/** The run-time flags every searching command takes (search worker threads and memory). */
export interface RuntimeFlags {
  workers: number;
  maxMemory: number;
}

/** --model, --param, --strategy, --scenario and (unless `invariants` is false) --invariant. */
export function addSelectionOptions(cmd: Command, what: string, invariants = true): Command {
  cmd
    .option('--model <name>', `model to ${what} (see \`loopcheck list\`), or a file exporting a model family`)
    .option('--param <key=value>', 'set a model parameter (repeatable)', collect)
    .option('--strategy <names...>', 'strategies, or files (./my-patch.ts, .js) exporting them (default: all)')
    .option('--scenario <names...>', 'scenarios (default: the scripted ones)');
  if (invariants) cmd.option('--invariant <names...>', 'invariants to check (default: all, plus deadlock)');
  return cmd;
}

/** --max-states, --max-depth (unless `depth` is false) and --time-limit; `note` is added to each description (init keeps them in the config). */
export function addLimitOptions(cmd: Command, note = '', depth = true): Command {
  cmd.addOption(new Option('--max-states <n>', `stop each search after storing this many distinct states${note}`).argParser(positiveInt('--max-states')));
  if (depth) cmd.addOption(new Option('--max-depth <n>', `do not expand states deeper than this (initial = 1)${note}`).argParser(positiveInt('--max-depth')));
  return cmd.addOption(new Option('--time-limit <seconds>', `stop each search after this many seconds${note}`).argParser(positiveNumber('--time-limit', MAX_TIME_LIMIT_S)));
}

/** --por, the same for every searching command; the runner refuses what it does not preserve (app/run.ts refuseUnpreserved). */
export function addPorOption(cmd: Command): Command {
  return cmd.option(
    '--por',
    'partial-order reduction: explore one order of independent steps (where the model declares what it needs); keeps invariants, deadlock, lock order and liveness of acyclic models; counterexamples may not be the shortest',
  );
}

/** --max-window-steps K: how long a stall window (stall-windows.ts) may last; the model parameter windowSteps. */
export function addWindowStepsOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--max-window-steps <k>', 'steps other threads may take between two statements a thread runs back to back (0: such statements are atomic); same as --param windowSteps=K').argParser(
      nonNegativeInt('--max-window-steps'),
    ),
  );
}

/** The flags with --max-window-steps K folded into the selection as --param windowSteps=K, before planning. */
export function foldWindowSteps<F extends SelectionFlags & { maxWindowSteps?: number }>(flags: F): F {
  return flags.maxWindowSteps === undefined ? flags : { ...flags, param: [...(flags.param ?? []), `windowSteps=${flags.maxWindowSteps}`] };
}

/** The largest --max-memory default: 80% of physical memory, in MiB. */
function defaultMaxMemoryMiB(): number {
  return Math.floor((totalmem() * 0.8) / 2 ** 20);
}

/** --max-memory and (unless `workers` is false) --workers, the same defaults for every command. */
export function addRuntimeOptions(cmd: Command, workers = true): Command {
  cmd.addOption(
    new Option('--max-memory <MiB>', 'stop a search when resident memory exceeds this').argParser(positiveInt('--max-memory')).default(defaultMaxMemoryMiB(), '80% of physical memory'),
  );
  if (workers) {
    cmd.addOption(new Option('--workers <n>', 'search worker threads (results are identical for any number)').argParser(positiveInt('--workers')).default(defaultWorkers(), 'number of cores'));
  }
  return cmd;
}
