// Entry point of the `loopcheck` command. Declares the commands with
// commander, turns every outcome into an exit code, and is the only module
// that calls process.exit.

import type { ChalkInstance } from 'chalk';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeForError, OutputError, UsageError } from '../app/errors.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { requestInterrupt } from '../app/interrupt.js';
import { plan } from '../app/plan.js';
import { executeRuns, exitCodeFor, incompleteNote } from '../app/run.js';
import { VERSION } from '../app/version.js';
import { writeStdout } from '../app/write-file.js';
import { openGate } from '../ci/gate.js';
import { fmtInt } from '../report/format.js';
import { registerCompare } from './compare.js';
import { checkTracePaths, registerExport, traceDirOption, traceFormatOption, traceOutput, writeRunTraces, writtenText, type TraceOutputFlags } from './export-cmd.js';
import { registerInit } from './init.js';
import { listJson, renderList } from './list.js';
import { registerLockOrder } from './lock-order.js';
import { addLimitOptions, addPorOption, addRuntimeOptions, addSelectionOptions, addWindowStepsOption, foldWindowSteps, type LimitFlags, type RuntimeFlags, type SelectionFlags } from './options.js';
import { resultsJson } from './output-json.js';
import { renderVerify } from './output-text.js';
import { registerReplay } from './replay.js';
import { registerSimulate } from './simulate.js';
import { registerConform } from './conform.js';
import { registerNew } from './new-strategy.js';
import { resolveModelArg, resolveStrategyArgs } from '../app/plugins.js';
import { addColourOptions, colours, coloursFor, type ColourFlags } from './colour.js';
import { renderGateText } from './gate-text.js';

export { colours } from './colour.js';

/** Seconds between progress lines in a log (not a terminal). */
const LOG_PROGRESS_EVERY_S = 5;

/**
 * Progress on stderr: one line rewritten in place on a terminal; in a CI log
 * (stderr not a terminal and CI set) or with --progress, a full line every
 * few seconds.
 */
function progressPrinter(asked = false): ((p: import('../engine/result.js').Progress) => void) | undefined {
  const text = (p: import('../engine/result.js').Progress) =>
    `${p.phase ? `${p.phase}: ` : ''}depth ${p.depth}  states ${fmtInt(p.states)}  queue ${fmtInt(p.queue)}  ` +
    `${fmtInt(p.statesPerSecond)} states/s  ${(p.rssBytes / 2 ** 20).toFixed(0)} MiB`;
  if (process.stderr.isTTY) return (p) => process.stderr.write(`\r\x1b[K  ${text(p)}`);
  if (!asked && !process.env.CI) return undefined;
  let last = -Infinity;
  return (p) => {
    const now = performance.now() / 1000;
    if (now - last < LOG_PROGRESS_EVERY_S) return;
    last = now;
    process.stderr.write(`loopcheck: progress: ${p.seconds.toFixed(0)} s  ${text(p)}\n`);
  };
}

interface VerifyFlags extends TraceOutputFlags, SelectionFlags, LimitFlags, RuntimeFlags {
  progress?: boolean;
  exact?: boolean;
  symmetry?: boolean;
  por?: boolean;
  json?: boolean;
  color?: boolean;
  fullStates?: boolean;
  config?: string | boolean;
  junit?: string;
  sarif?: string;
  maxWindowSteps?: number;
  verbose?: boolean;
}

/** "--config F --no-config": the later flag would silently drop the earlier one. */
function checkConfigFlags(args: readonly string[]): void {
  const named = args.some((a) => a === '--config' || a.startsWith('--config='));
  if (named && args.includes('--no-config')) throw new UsageError('--config and --no-config contradict each other (give one)');
}

async function verify(given: VerifyFlags, args: readonly string[]): Promise<number> {
  checkConfigFlags(args);
  const flags = foldWindowSteps(given); // --max-window-steps K is --param windowSteps=K
  const notes: string[] = [];
  const gate = await openGate(flags, notes); // config, --junit/--sarif, GitHub Actions (src/ci); null for a plain run
  const runs = gate ? gate.runs : plan({ model: flags.model, params: flags.param, strategies: flags.strategy, scenarios: flags.scenario, invariants: flags.invariant });
  const traceOut = traceOutput(flags);
  if (traceOut) checkTracePaths(runs, traceOut);
  for (const n of notes) process.stderr.write(`loopcheck: ${n}\n`); // every check passed: a usage error stays one line
  const progress = flags.json && !flags.progress ? undefined : progressPrinter(flags.progress === true);
  const clearProgress = () => {
    if (progress && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  };
  const done = await (gate ? gate.execute(progress, clearProgress) : executeRuns(runs, flags, progress, clearProgress));
  // The report first, then the files: a file that cannot be written is named
  // after a report that is complete.
  if (flags.json) {
    writeStdout(JSON.stringify({ ...resultsJson(done), ...gate?.json(done) }, null, 2) + '\n');
  } else {
    const c = colours(flags.color === false, flags.color === true);
    // With a config: the unexpected cells first, expected violations one line each.
    const text = gate?.config
      ? renderGateText(done, gate.cells(done), gate.summaryLine(done, c), c, { verbose: flags.verbose, fullStates: flags.fullStates, rawParams: flags.param ?? [] })
      : renderVerify(done, c, flags.fullStates, flags.param ?? []);
    writeStdout(text + '\n');
  }
  let code = gate ? gate.finish(done) : exitCodeFor(done);
  if (traceOut) {
    try {
      const written = writeRunTraces(done, traceOut);
      if (!flags.json) writeStdout(writtenText(written) + '\n');
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      process.stderr.write(`loopcheck: error: ${e.message}\n`);
      code = EXIT.output;
    }
  }
  const note = incompleteNote(done, code);
  if (note) process.stderr.write(`loopcheck: ${note}\n`);
  return code;
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

function program(setCode: (c: number) => void, argv: readonly string[]): Command {
  const prog = new Command('loopcheck')
    .description('Explicit-state model checker for the Linux loop block driver\'s locking')
    .version(VERSION)
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(`loopcheck: ${oneLineError(str, prog)}\n`) })
    .addHelpText('after', exitCodeHelp('verify'));

  const verifyCmd = prog.command('verify').description('explore every interleaving of the selected runs and check their invariants');
  addSelectionOptions(verifyCmd, 'check');
  addLimitOptions(verifyCmd);
  addWindowStepsOption(verifyCmd);
  addPorOption(
    addRuntimeOptions(verifyCmd)
      .option('--exact', 'store full state vectors: no state can be lost to a fingerprint collision')
      .option('--symmetry', 'merge states that differ only by renaming interchangeable threads (where the model declares them); counts are then reduced'),
  )
    .option('--full-states', 'print every state of a trace in full, not only the changes')
    .option('--verbose', 'with a config: print the traces of expected violations too (else one line each)')
    .option('--config <file>', 'runs and expected verdicts (default: ./loopcheck.config.json if present)')
    .option('--no-config', 'ignore ./loopcheck.config.json')
    .option('--junit <file>', 'write a JUnit XML report, one test case per cell')
    .option('--sarif <file>', 'write a SARIF 2.1.0 report of unexpected violations')
    .addOption(traceDirOption())
    .addOption(traceFormatOption())
    .option('--json', 'print one JSON document on stdout instead of text')
    .option('--progress', 'print a progress line every few seconds on stderr (the default in CI logs)')
    .option('--color', 'colour even when stdout is not a terminal (as FORCE_COLOR does)')
    .option('--no-color', 'disable colour')
    .addHelpText('after', exitCodeHelp('verify'))
    .action(async (flags: VerifyFlags) => setCode(await verify(flags, argv)));

  addColourOptions(
    prog
      .command('list')
      .description('list models with their parameters, strategies, scenarios and invariants')
      .option('--json', 'print as JSON'),
  )
    .addHelpText('after', exitCodeHelp('list'))
    .action((flags: { json?: boolean } & ColourFlags) => {
      writeStdout(flags.json ? JSON.stringify(listJson(), null, 2) + '\n' : renderList(coloursFor(flags)) + '\n');
      setCode(EXIT.ok);
    });

  registerCompare(prog, setCode);
  registerReplay(prog, setCode);
  registerInit(prog, setCode, progressPrinter);
  registerExport(prog, setCode);
  registerSimulate(prog, setCode);
  registerLockOrder(prog, setCode);
  registerConform(prog, setCode);

  registerNew(prog, setCode);

  // --strategy ./file.ts and --model ./file.ts: load the plugin (once, with
  // its contract checked) and select what it exports by name, for every command.
  prog.hook('preAction', async (_prog, cmd) => {
    const opts = cmd.opts() as { strategy?: string[]; model?: string };
    if (typeof opts.model === 'string') cmd.setOptionValue('model', await resolveModelArg(opts.model));
    if (Array.isArray(opts.strategy)) cmd.setOptionValue('strategy', await resolveStrategyArgs(opts.strategy));
  });

  prog.exitOverride();
  prog.commands.forEach((c) => c.exitOverride());
  return prog;
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
      process.exit(EXIT.secondSignal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A readiness line for whoever sends the signals (the tests): before it, a
  // signal finds Node's default action and kills the process.
  if (process.env.LOOPCHECK_SIGNALS_READY) process.stderr.write('loopcheck: signal handlers installed\n');
}

/**
 * Runs one command line (argv as process.argv: node, script, arguments…) and
 * returns its exit code, without installing signal handlers or exiting: the
 * body of main(), and an in-process entry for tests of input checking.
 */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((c) => (code = c), argv).parseAsync([...argv]);
  } catch (e) {
    code = reportError(e);
  }
  return code;
}

/** Runs the CLI and exits the process with the outcome's code. */
export async function main(argv: readonly string[]): Promise<void> {
  installSignalHandlers();
  const code = await runCommandLine(argv);
  // Every write to stdout was synchronous (app/write-file.ts): nothing is pending.
  process.exit(code);
}

/**
 * Messages quote names from the command line and from files; a newline (or a
 * terminal escape) in one must not break the one-line error, so control
 * characters are printed as JSON escapes (\n, \u001b).
 */
function escapeControls(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

/** Prints an error as one line (a stack only with LOOPCHECK_DEBUG) and returns its exit code. */
function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (or the help text).
    // Explicit --help / --version succeed; help shown for a missing command is a usage error.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  const code = exitCodeForError(e);
  const err = e as Error;
  const kind = code === EXIT.internal ? 'internal error' : code === EXIT.modelBound ? 'model bound exceeded' : code === EXIT.replayFailed ? 'internal error (replay)' : code === EXIT.incomplete ? 'stopped' : 'error';
  process.stderr.write(`loopcheck: ${kind}: ${escapeControls(err?.message ?? String(e))}\n`);
  if (process.env.LOOPCHECK_DEBUG && code !== EXIT.usage) process.stderr.write(`${err?.stack ?? ''}\n`);
  return code;
}
