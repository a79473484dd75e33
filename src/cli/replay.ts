// `loopcheck replay <trace.json>`: re-executes a saved trace against the
// current model. Exit 0 when it replays and violates what it claims, 1 when
// it diverges (the first divergent step, expected vs actual), 2 when the file
// is not a valid trace (one line, via UsageError).

import type { ChalkInstance } from 'chalk';
import { Command } from 'commander';
import { replay, type ReplayOutcome } from '../export/replay.js';
import { renderTraceText } from '../report/trace-text.js';
import { viewTrace } from '../report/trace-view.js';
import { EXIT } from '../app/errors.js';
import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { readTraceFile } from './export-cmd.js';
import { addColourOptions, coloursFor, type ColourFlags } from './colour.js';
import { table } from '../report/format.js';
import { writeStdout } from '../app/write-file.js';

function renderDivergence(file: string, o: Extract<ReplayOutcome, { ok: false }>, c: ChalkInstance): string {
  const out = [`${c.red.bold('DIVERGES')} ${file} at step ${o.step} (${o.title}): ${o.reason}`];
  if (o.diffs.length > 0) {
    out.push(table(['field', 'expected (recorded)', 'actual (model)'], o.diffs.map((d) => [d.field, d.expected, c.yellow(d.actual)])));
  }
  return out.join('\n');
}

interface ReplayFlags extends ColourFlags {
  print?: boolean;
  fullStates?: boolean;
}

async function replayCmd(file: string, flags: ReplayFlags): Promise<number> {
  const c = coloursFor(flags);
  const loaded = await readTraceFile(file);
  const o = replay(loaded);
  if (!o.ok) {
    writeStdout(renderDivergence(file, o, c) + '\n');
    return EXIT.violation;
  }
  const k = o.trace.steps.length - 1;
  const what =
    o.invariant === 'deadlock'
      ? 'ends in a deadlock'
      : o.trace.loop !== undefined
        ? `is a fair lasso (loop back to state ${o.trace.loop}) violating ${o.invariant}`
        : `violates ${o.invariant}`;
  writeStdout(`${c.green.bold('OK')} ${file} replays ${k} step${k === 1 ? '' : 's'} on ${loaded.model.name} and ${what}: ${o.description}\n`);
  if (o.trace.reduced && !flags.print) writeStdout(`${REDUCED_TRACE_NOTE}\n`);
  if (flags.print) {
    writeStdout('\n' + renderTraceText(viewTrace(loaded.model, o.trace, o.invariant, o.description), c, flags.fullStates) + '\n');
  }
  return EXIT.ok;
}

export function registerReplay(prog: Command, setCode: (c: number) => void): Command {
  return addColourOptions(
    prog
      .command('replay')
      .description('re-execute a saved trace against the current model and check it violates what it claims')
      .argument('<trace.json>', 'a trace file in loopcheck\'s json format')
      .option('--print', 'print the trace after replaying it')
      .option('--full-states', 'with --print, print every state in full'),
  )
    .addHelpText('after', exitCodeHelp('replay'))
    .action(async (file: string, flags: ReplayFlags) => setCode(await replayCmd(file, flags)));
}
