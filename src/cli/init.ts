// `loopcheck init`: runs the model (by default the loop model, every
// strategy and scripted scenario, every invariant plus deadlock) through the
// application's runner and writes the commented config ci/init.ts composes.
// An interrupted init writes nothing (exit 3): a config recording cut-short
// searches as "incomplete-ok" would pass forever.

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { Interrupted, UsageError } from '../app/errors.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { interrupted } from '../app/interrupt.js';
import { plan } from '../app/plan.js';
import { executeRuns, type CompletedRun } from '../app/run.js';
import { checkWritable, writeFileAtomic, writeStdout } from '../app/write-file.js';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../ci/config.js';
import { initText, type InitFlags } from '../ci/init.js';
import type { Progress } from '../engine/result.js';
import { fmtSeconds } from '../report/format.js';
import { addLimitOptions, addRuntimeOptions, addSelectionOptions } from './options.js';

/** Runs `init`; returns the exit code. */
export async function init(flags: InitFlags, onProgress?: (p: Progress) => void, afterEach?: (r: CompletedRun) => void): Promise<number> {
  const output = flags.output ?? DEFAULT_CONFIG_FILE;
  if (output !== '-') {
    checkWritable('--output', output);
    if (existsSync(output) && !flags.force) throw new UsageError(`${output} already exists (use --force to overwrite it)`);
  }
  const runs = plan({ model: flags.model, params: flags.param, strategies: flags.strategy, scenarios: flags.scenario, invariants: flags.invariant });
  const done = await executeRuns(runs, flags, onProgress, afterEach);
  if (interrupted()) throw new Interrupted(`interrupted: nothing written${output === '-' ? '' : ` to ${output}`}`);
  const text = initText(flags, done);
  parseConfig(text, output === '-' ? '<init output>' : output); // what we write must load
  const cells = done.flatMap((d) => d.result.outcomes);
  const count = (v: string) => cells.filter((o) => o.verdict === v).length;
  const secs = done.reduce((t, d) => t + d.result.stats.seconds, 0);
  if (output === '-') writeStdout(text);
  else writeFileAtomic(output, text);
  process.stderr.write(
    `loopcheck: ${output === '-' ? 'printed' : `wrote ${output}`}: ${cells.length} cells (${count('holds')} hold, ${count('violated')} violated, ${count('incomplete')} incomplete) from ${done.length} search${done.length === 1 ? '' : 'es'} in ${fmtSeconds(secs)} s\n`,
  );
  return 0;
}

/** Declares the `init` command on the program. */
export function registerInit(prog: Command, setCode: (c: number) => void, progressPrinter: () => ((p: Progress) => void) | undefined): Command {
  const cmd = prog.command('init').description('run a model and write a commented loopcheck.config.json expecting the verdicts found');
  addSelectionOptions(cmd, 'run');
  addLimitOptions(cmd, ' (kept in the config)');
  addRuntimeOptions(cmd);
  return cmd
    .option('-o, --output <file>', `file to write, - for stdout (default: ${DEFAULT_CONFIG_FILE})`)
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', exitCodeHelp('init'))
    .action(async (flags: InitFlags) => {
      const progress = progressPrinter();
      setCode(await init(flags, progress, () => progress && process.stderr.write('\r\x1b[K')));
    });
}
