// `loopcheck conform`: the real driver as referee. Runs every syscall-serial
// schedule of the scripted scenarios through the model and on real Linux
// kernels under QEMU (src/conform), and compares them call by call.
// Exit 0 all agree, 1 a disagreement, 2 bad input or a missing tool, 3 a boot
// that timed out or a probe that did not finish (never a pass).

import { Option, type Command } from 'commander';
import { runKernel } from '../conform/kernel/run.js';
import { runReproducers } from '../conform/kernel/repro-run.js';
import type { KernelId } from '../conform/probe-plan.js';
import { conformJson, conformText } from '../conform/report.js';
import { ConformInputError, KERNELS, conformExitCode, runConform, type KernelRunner } from '../conform/run-conform.js';
import { UsageError } from '../app/errors.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { writeStdout } from '../app/write-file.js';
import { positiveInt } from './options.js';

interface ConformFlags {
  kernel?: string[];
  scenario?: string[];
  strategy?: string;
  json?: boolean;
  timeout: number;
  raceSeconds: number;
  keep?: boolean;
}

const runner = (keep: boolean): KernelRunner => async (kernel, scenarios, opts) =>
  runKernel(kernel, scenarios, { timeoutSeconds: opts.timeoutSeconds, onProgress: opts.onProgress, keepWorkDir: keep });

export async function conform(flags: ConformFlags): Promise<number> {
  const kernels = (flags.kernel ?? [...KERNELS]) as KernelId[];
  const progress = !flags.json && process.stderr.isTTY ? (l: string) => process.stderr.write(`\r\x1b[K  ${l.slice(0, 100)}`) : undefined;
  let report;
  try {
    report = await runConform(
      { kernels, scenarios: flags.scenario, strategy: flags.strategy, timeoutSeconds: flags.timeout, onProgress: progress },
      runner(!!flags.keep),
      flags.raceSeconds > 0 ? { runner: runReproducers, seconds: flags.raceSeconds } : undefined,
    );
  } catch (e) {
    if (e instanceof ConformInputError) throw new UsageError(e.message);
    throw e;
  } finally {
    if (progress) process.stderr.write('\r\x1b[K');
  }
  for (const b of report.boots) if (b.kind === 'missing') process.stderr.write(`loopcheck: error: ${b.message}\n`);
  writeStdout(flags.json ? JSON.stringify(conformJson(report), null, 2) + '\n' : conformText(report));
  return conformExitCode(report);
}

function secondsOrZero(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > 600) throw new UsageError(`--race-seconds needs a whole number of seconds from 0 to 600, got '${raw}'`);
  return n;
}

export function registerConform(prog: Command, setCode: (c: number) => void): void {
  prog
    .command('conform')
    .description('compare the model with real Linux kernels (6.1 = post-patch, 6.12 = v6.11) booted under QEMU, call by call over every syscall-serial schedule')
    .option('--kernel <versions...>', `kernels to boot (default: ${KERNELS.join(' ')})`)
    .option('--scenario <names...>', 'scripted scenarios to run (default: all)')
    .option('--strategy <name>', 'compare with this strategy instead of the one that declares the kernel')
    .addOption(new Option('--timeout <seconds>', 'per-boot time limit').argParser(positiveInt('--timeout')).default(150))
    .addOption(new Option('--race-seconds <seconds>', 'how long each racing counterexample\'s reproducer loops on the kernel (0: do not run them)').argParser(secondsOrZero).default(3))
    .option('--keep', 'keep each boot\'s work directory (C source, initramfs, console log) and name it')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', exitCodeHelp('conform'))
    .action(async (flags: ConformFlags) => setCode(await conform(flags)));
}
