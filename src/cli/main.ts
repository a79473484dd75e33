// Entry point of the `loopcheck` command. Declares the commands with
// commander, turns every outcome into an exit code, and is the only module
// that calls process.exit.

import { Chalk, type ChalkInstance } from 'chalk';
import { Command, CommanderError, Option } from 'commander';
import { defaultWorkers } from '../engine/parallel/coordinator.js';
import { totalmem } from 'node:os';
import { EXIT, UsageError } from './errors.js';
import { requestInterrupt } from './interrupt.js';
import { fmtInt } from './format.js';
import { listJson, renderList } from './list.js';
import { collect, MAX_TIME_LIMIT_S, nonNegativeInt, positiveInt, positiveNumber, type LimitFlags, type SelectionFlags } from './options.js';
import { resultsJson } from './output-json.js';
import { renderVerify } from './output-text.js';
import { plan } from './plan.js';
import { executeRuns, exitCodeFor } from './run.js';
import { VERSION } from './version.js';
import { registerCompare } from './compare.js';
import { registerExport, traceDirOption, traceFormatOption, traceOutput, writeRunTraces, writtenText, type TraceOutputFlags } from './export-cmd.js';
import { registerReplay } from './replay.js';
import { registerSimulate } from './simulate.js';
import { registerLockOrder } from './lock-order.js';
import { openGate } from '../ci/gate.js';
import { registerInit } from '../ci/init.js';

export const EXIT_CODE_HELP = `
Exit codes:
  0  every verdict as expected (without a config: every invariant holds)
     and every search was exhaustive
  1  a verdict differs from its expectation (without a config: a violation
     or deadlock was found)
  2  usage or input error (bad option, name, path or config file)
  3  incomplete: a limit stopped a search before it was exhaustive
     (unless the config says incomplete-ok for the cell)`;

function colours(noColor: boolean): ChalkInstance {
  const enabled = !noColor && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return new Chalk({ level: enabled ? 1 : 0 });
}

function progressPrinter(): ((p: import('../engine/result.js').Progress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (p) => {
    process.stderr.write(
      `\r\x1b[K  ${p.phase ? `${p.phase}: ` : ''}depth ${p.depth}  states ${fmtInt(p.states)}  queue ${fmtInt(p.queue)}  ` +
        `${fmtInt(p.statesPerSecond)} states/s  ${(p.rssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  };
}

interface VerifyFlags extends TraceOutputFlags, SelectionFlags, LimitFlags {
  workers: number;
  maxMemory?: number;
  exact?: boolean;
  symmetry?: boolean;
  json?: boolean;
  color: boolean;
  fullStates?: boolean;
  config?: string | boolean;
  junit?: string;
  sarif?: string;
  maxWindowSteps?: number;
}

async function verify(given: VerifyFlags): Promise<number> {
  // --max-window-steps K is the model parameter windowSteps=K (a selection, like --param).
  const flags = given.maxWindowSteps === undefined ? given : { ...given, param: [...(given.param ?? []), `windowSteps=${given.maxWindowSteps}`] };
  const gate = openGate(flags); // config, --junit/--sarif, GitHub Actions (src/ci); null for a plain run
  const runs = gate ? gate.runs : plan({
    model: flags.model,
    params: flags.param,
    strategies: flags.strategy,
    scenarios: flags.scenario,
    invariants: flags.invariant,
  });
  const traceOut = traceOutput(flags);
  const progress = flags.json ? undefined : progressPrinter();
  const clearProgress = () => {
    if (progress) process.stderr.write('\r\x1b[K');
  };
  const done = await (gate ? gate.execute(progress, clearProgress) : executeRuns(runs, flags, progress, clearProgress));
  const written = traceOut ? writeRunTraces(done, traceOut) : null;
  if (flags.json) {
    process.stdout.write(JSON.stringify({ ...resultsJson(done), ...gate?.json(done) }, null, 2) + '\n');
  } else {
    process.stdout.write(renderVerify(done, colours(!flags.color), flags.fullStates, flags.param ?? []) + '\n');
    const expectations = gate?.text(done, colours(!flags.color));
    if (expectations) process.stdout.write(expectations + '\n');
  }
  if (written && !flags.json) process.stdout.write(writtenText(written) + '\n');
  return gate ? gate.finish(done) : exitCodeFor(done);
}

/**
 * Commander's error as one line: its "(Did you mean ...?)" suggestion goes on
 * a second line, and an unknown command gets the list of valid ones.
 */
function oneLineError(str: string, prog: Command): string {
  let line = str.trim().replace(/\s*\n\s*/g, ' ');
  if (line.startsWith("error: unknown command '")) line += ` (valid: ${prog.commands.map((c) => c.name()).join(', ')})`;
  return line;
}

function program(setCode: (c: number) => void): Command {
  const prog = new Command('loopcheck')
    .description('Explicit-state model checker for the Linux loop block driver\'s locking')
    .version(VERSION)
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(`loopcheck: ${oneLineError(str, prog)}\n`) })
    .addHelpText('after', EXIT_CODE_HELP);

  prog
    .command('verify')
    .description('explore every interleaving of the selected runs and check their invariants')
    .option('--model <name>', 'model to check (see `loopcheck list`)')
    .option('--param <key=value>', 'set a model parameter (repeatable)', collect)
    .option('--strategy <names...>', 'strategies to check (default: all)')
    .option('--scenario <names...>', 'scenarios to check (default: the scripted ones)')
    .option('--invariant <names...>', 'invariants to check (default: all, plus deadlock)')
    .addOption(new Option('--max-states <n>', 'stop after storing this many distinct states').argParser(positiveInt('--max-states')))
    .addOption(new Option('--max-depth <n>', 'do not expand states deeper than this (initial = 1)').argParser(positiveInt('--max-depth')))
    .addOption(new Option('--time-limit <seconds>', 'stop each search after this many seconds').argParser(positiveNumber('--time-limit', MAX_TIME_LIMIT_S)))
    .addOption(new Option('--max-memory <MiB>', 'stop a search when resident memory exceeds this').argParser(positiveInt('--max-memory')).default(defaultMaxMemoryMiB(), '80% of physical memory'))
    .addOption(new Option('--workers <n>', 'search worker threads (results are identical for any number)').argParser(positiveInt('--workers')).default(defaultWorkers(), 'number of cores'))
    .addOption(new Option('--max-window-steps <k>', 'steps other threads may take between two statements a thread runs back to back (0: such statements are atomic)').argParser(nonNegativeInt('--max-window-steps')))
    .option('--exact', 'store full state vectors: no state can be lost to a fingerprint collision')
    .option('--symmetry', 'merge states that differ only by renaming interchangeable threads (where the model declares them); counts are then reduced')
    .option('--full-states', 'print every state of a trace in full, not only the changes')
    .option('--config <file>', 'runs and expected verdicts (default: ./loopcheck.config.json if present)')
    .option('--no-config', 'ignore ./loopcheck.config.json')
    .option('--junit <file>', 'write a JUnit XML report, one test case per cell')
    .option('--sarif <file>', 'write a SARIF 2.1.0 report of unexpected violations')
    .addOption(traceDirOption())
    .addOption(traceFormatOption())
    .option('--json', 'print one JSON document on stdout instead of text')
    .option('--no-color', 'disable colour')
    .addHelpText('after', EXIT_CODE_HELP)
    .action(async (flags: VerifyFlags) => setCode(await verify(flags)));

  prog
    .command('list')
    .description('list models with their parameters, strategies, scenarios and invariants')
    .option('--json', 'print as JSON')
    .option('--no-color', 'disable colour')
    .action((flags: { json?: boolean; color: boolean }) => {
      process.stdout.write(flags.json ? JSON.stringify(listJson(), null, 2) + '\n' : renderList(colours(!flags.color)) + '\n');
      setCode(EXIT.ok);
    });

  registerCompare(prog, setCode, EXIT_CODE_HELP);
  registerReplay(prog, setCode);
  registerInit(prog, setCode, progressPrinter);
  registerExport(prog, setCode);
  registerSimulate(prog, setCode);
  registerLockOrder(prog, setCode);

  prog.exitOverride();
  prog.commands.forEach((c) => c.exitOverride());
  return prog;
}

function defaultMaxMemoryMiB(): number {
  return Math.floor((totalmem() * 0.8) / 2 ** 20);
}

/**
 * First Ctrl-C / SIGTERM: ask the searches to stop; they end as incomplete and
 * the run reports what it has (exit 3). A second one exits at once with 130.
 */
function installSignalHandlers(): void {
  let count = 0;
  const onSignal = () => {
    count++;
    if (count === 1) {
      requestInterrupt();
      process.stderr.write('\nloopcheck: interrupted; stopping the search (again to quit at once)\n');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Runs the CLI and exits the process with the outcome's code. */
export async function main(argv: readonly string[]): Promise<void> {
  let code: number = EXIT.ok;
  installSignalHandlers();
  try {
    await program((c) => (code = c)).parseAsync([...argv]);
  } catch (e) {
    code = exitCodeForError(e);
  }
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
}

/**
 * Messages quote names from the command line and from files; a newline (or a
 * terminal escape) in one must not break the one-line error, so control
 * characters are printed as JSON escapes (\n, \u001b).
 */
function escapeControls(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

function exitCodeForError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (or the help text).
    // Explicit --help / --version succeed; help shown for a missing command is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`loopcheck: error: ${escapeControls(e.message)}\n`);
    return EXIT.usage;
  }
  const err = e as Error;
  process.stderr.write(`loopcheck: internal error: ${escapeControls(err?.message ?? String(e))}\n`);
  if (process.env.LOOPCHECK_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT.usage;
}
