// `loopcheck simulate`: seeded random walks for configurations too large to
// exhaust. Prints, per run and invariant, where a walk broke it (run, the
// seed that replays that run alone, walk length) and the counterexample
// shortened within the states the walk visited. Exit 1 if anything was
// found, else 3: a simulation is never exhaustive, so nothing "holds".

import type { ChalkInstance } from 'chalk';
import { Option, type Command } from 'commander';
import { simulate, type SimulationResult } from '../engine/simulate.js';
import { runJob } from '../app/job.js';
import { isRegistered, recipeOf } from '../app/recipe.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { renderTraceText } from '../report/trace-text.js';
import { viewTrace } from '../report/trace-view.js';
import { EXIT } from '../app/errors.js';
import { fmtInt, fmtSeconds, table } from '../report/format.js';
import { interrupted } from '../app/interrupt.js';
import { addSelectionOptions, MAX_TIME_LIMIT_S, positiveInt, positiveNumber, type SelectionFlags } from './options.js';
import { traceJson } from './output-json.js';
import { plan, type PlannedRun } from '../app/plan.js';
import { buildModel, checksFor, validateTraces } from '../app/run.js';
import { UsageError } from '../app/errors.js';
import { propertyOf } from '../engine/properties.js';
import { VERSION } from '../app/version.js';
import { writeStdout } from '../app/write-file.js';
import { addColourOptions, coloursFor, type ColourFlags } from './colour.js';

interface SimulateFlags extends SelectionFlags, ColourFlags {
  seed: number;
  runs: number;
  maxSteps: number;
  timeLimit?: number;
  json?: boolean;
}

interface Simulated {
  readonly run: PlannedRun;
  readonly result: SimulationResult;
  readonly model: ReturnType<typeof buildModel>;
}

function runName(r: PlannedRun): string {
  return [r.strategy, r.scenario].filter((x) => x !== null).join(' / ') || r.family.name;
}

function render(done: readonly Simulated[], flags: SimulateFlags, c: ChalkInstance): string {
  const out: string[] = [];
  const rows = done.flatMap(({ run, result }) => [
    ...result.findings.map((f) => [
      runName(run),
      f.invariant,
      c.red.bold(`VIOLATED (${f.trace.steps.length - 1} steps)`),
      `run ${f.run}, seed ${f.runSeed}, walk ${f.walkSteps} steps, after ${fmtSeconds(f.seconds)} s`,
    ]),
    ...result.notFound.map((n) => [runName(run), n, c.yellow('not found'), '']),
  ]);
  out.push(table(['run', 'invariant', 'simulation', 'found'], rows));
  out.push('');
  out.push(
    table(
      ['run', 'walks', 'steps', 'seconds', 'stopped'],
      done.map(({ run, result }) => [runName(run), fmtInt(result.runs), fmtInt(result.steps), fmtSeconds(result.seconds), result.stopReason]),
    ),
  );
  out.push(c.dim(`seed ${flags.seed}; a walk is replayed alone with --seed <its seed> --runs 1. Not finding a violation proves nothing.`));
  for (const { run, result, model } of done) {
    for (const f of result.findings) {
      out.push('');
      out.push(c.bold(`== ${runName(run)} ==`));
      out.push(renderTraceText(viewTrace(model, f.trace, f.invariant, f.description), c));
    }
  }
  return out.join('\n');
}

async function runSimulate(flags: SimulateFlags): Promise<number> {
  const runs = plan({ model: flags.model, params: flags.param, strategies: flags.strategy, scenarios: flags.scenario, invariants: flags.invariant });
  const done: Simulated[] = [];
  for (const run of runs) {
    const model = buildModel(run);
    for (const name of flags.invariant ?? []) {
      const kind = propertyOf(model, name)?.kind;
      if (kind === 'liveness' || kind === 'lock-order') {
        throw new UsageError(`simulate checks state invariants and deadlock only; ${name} is a ${kind === 'liveness' ? 'liveness property' : 'graph analysis'} (use verify)`);
      }
    }
    const { invariants, checkDeadlock } = checksFor(run, model);
    const options = { seed: flags.seed, runs: flags.runs, maxSteps: flags.maxSteps, invariants, checkDeadlock, timeLimit: flags.timeLimit };
    // In a worker thread (registered models), so Ctrl-C is noticed at once.
    const result = isRegistered(run.family)
      ? await runJob(recipeOf(run), { kind: 'simulate', options })
      : simulate(model, { ...options, shouldStop: interrupted });
    validateTraces(run, result.findings);
    done.push({ run, result, model });
  }
  if (flags.json) {
    const doc = {
      tool: 'loopcheck',
      version: VERSION,
      seed: flags.seed,
      results: done.map(({ run, result, model }) => ({
        model: run.family.name,
        strategy: run.strategy,
        scenario: run.scenario,
        params: run.params,
        walks: result.runs,
        steps: result.steps,
        seconds: Number(result.seconds.toFixed(3)),
        stopReason: result.stopReason,
        findings: result.findings.map((f) => ({
          invariant: f.invariant,
          run: f.run,
          runSeed: f.runSeed,
          walkSteps: f.walkSteps,
          seconds: Number(f.seconds.toFixed(3)),
          steps: f.trace.steps.length - 1,
          trace: traceJson(model, f.trace),
        })),
        notFound: result.notFound,
      })),
    };
    writeStdout(JSON.stringify(doc, null, 2) + '\n');
  } else {
    writeStdout(render(done, flags, coloursFor(flags)) + '\n');
  }
  return done.some((d) => d.result.findings.length > 0) ? EXIT.violation : EXIT.incomplete;
}

export function registerSimulate(prog: Command, setCode: (c: number) => void): Command {
  const cmd = prog.command('simulate').description('random walks checking every invariant, for models too large to exhaust (never proves anything holds)');
  return addColourOptions(
    addSelectionOptions(cmd, 'simulate')
      .addOption(new Option('--seed <n>', 'seed of the first walk').argParser(positiveInt('--seed')).default(1))
      .addOption(new Option('--runs <n>', 'number of walks per model').argParser(positiveInt('--runs')).default(1000))
      .addOption(new Option('--max-steps <n>', 'longest walk').argParser(positiveInt('--max-steps')).default(1000))
      .addOption(new Option('--time-limit <seconds>', 'stop each simulation after this many seconds').argParser(positiveNumber('--time-limit', MAX_TIME_LIMIT_S)))
      .option('--json', 'print one JSON document on stdout instead of text'),
  )
    .addHelpText('after', exitCodeHelp('simulate'))
    .action(async (flags: SimulateFlags) => setCode(await runSimulate(flags)));
}
