// `loopcheck lock-order`: the lockdep-style analysis of engine/lock-order.ts
// for every selected run: the "held X while acquiring Y" edges, and a
// shortest cycle with one witness trace per edge. Exit 1 for a cycle, 3 if a
// search was cut short, else 0.

import { addColourOptions, coloursFor, type ColourFlags } from './colour.js';
import type { Command } from 'commander';
import { lockOrder, shortestCycle, type LockOrderResult } from '../engine/lock-order.js';
import { renderTraceText } from '../report/trace-text.js';
import { stepTitle, viewTrace } from '../report/trace-view.js';
import { EXIT } from '../app/errors.js';
import { fmtInt, table } from '../report/format.js';
import { addLimitOptions, addRuntimeOptions, addSelectionOptions, type SelectionFlags } from './options.js';
import { plan } from '../app/plan.js';
import { buildModel, validateTraces } from '../app/run.js';
import { runJob } from '../app/job.js';
import { interrupted } from '../app/interrupt.js';
import { isRegistered, recipeOf } from '../app/recipe.js';
import { exitCodeHelp } from '../app/exit-codes.js';
import { LOCK_ORDER } from '../engine/properties.js';
import { writeStdout } from '../app/write-file.js';

interface LockOrderFlags extends Omit<SelectionFlags, 'invariant'>, ColourFlags {
  maxStates?: number;
  timeLimit?: number;
  maxMemory?: number;
  traces?: boolean;
}

async function runLockOrder(flags: LockOrderFlags): Promise<number> {
  const runs = plan({ model: flags.model, params: flags.param, strategies: flags.strategy, scenarios: flags.scenario });
  const c = coloursFor(flags);
  const out: string[] = [];
  let code: number = EXIT.ok;
  const results: { name: string; r: LockOrderResult; model: ReturnType<typeof buildModel> }[] = [];
  for (const run of runs) {
    const model = buildModel(run);
    const options = { maxStates: flags.maxStates, timeLimit: flags.timeLimit, maxMemoryBytes: flags.maxMemory !== undefined ? flags.maxMemory * 2 ** 20 : undefined };
    // In a worker thread (registered models), so Ctrl-C is noticed at once.
    const r = isRegistered(run.family) ? await runJob(recipeOf(run), { kind: 'lock-order', options }) : lockOrder(model, { ...options, shouldStop: interrupted });
    validateTraces(
      run,
      r.edges.map((e) => ({ invariant: LOCK_ORDER, description: `${e.from} held while acquiring ${e.to}`, trace: e.witness })),
    );
    const name = [run.strategy, run.scenario].filter((x) => x !== null).join(' / ') || model.name;
    results.push({ name, r, model });
    if (r.cycle) code = EXIT.violation;
    else if (!r.search.complete && code === EXIT.ok) code = EXIT.incomplete;
  }
  out.push(
    table(
      ['run', 'states', 'lock-order edges', 'lock-order'],
      results.map(({ name, r }) => [
        name,
        fmtInt(r.search.stats.states),
        r.edges.map((e) => `${e.from} → ${e.to}`).join(', ') || '(none)',
        r.cycle
          ? c.red.bold(`CYCLE ${r.cycle.map((e) => e.fromClass).join(' → ')} → ${r.cycle[0].fromClass}`)
          : r.search.complete
            ? c.green('holds')
            : c.yellow(`incomplete: ${r.search.stopReason}`),
      ]),
    ),
  );
  // lockdep keeps every edge the kernel ever took: per strategy, the union over
  // all scenarios run, with a cycle check on that union.
  const strategies = [...new Set(runs.map((r) => r.strategy))];
  if (runs.length > 1) {
    const unionRows: string[][] = [];
    for (const st of strategies) {
      const mine = results.filter((_, i) => runs[i].strategy === st);
      const edges = new Map<string, { from: string; to: string; name: string; model: ReturnType<typeof buildModel>; e: LockOrderResult['edges'][number] }>();
      for (const { name, r, model } of mine) for (const e of r.classEdges) if (!edges.has(`${e.fromClass}\u0000${e.toClass}`)) edges.set(`${e.fromClass}\u0000${e.toClass}`, { from: e.fromClass, to: e.toClass, name, model, e });
      const self = [...edges.values()].find((e) => e.from === e.to);
      const cyc: [string, string][] | null = self ? [[self.from, self.to]] : shortestCycle([...edges.values()].map((e) => [e.from, e.to] as const));
      if (cyc) code = EXIT.violation;
      unionRows.push([
        st ?? '-',
        String(edges.size),
        cyc ? c.red.bold(`CYCLE ${cyc.map(([x]) => x).join(' → ')} → ${cyc[0][0]}`) : mine.every(({ r }) => r.search.complete) ? c.green('holds') : c.yellow('incomplete'),
      ]);
      if (cyc) {
        out.push('', c.bold(`== ${st}: potential deadlock across scenarios ==`));
        for (const [x, y] of cyc) {
          const w = edges.get(`${x}\u0000${y}`)!;
          out.push(`  ${w.e.actor} held ${w.e.from} while acquiring ${w.e.to} in ${w.name}, after ${w.e.witness.steps.length - 1} steps`);
          if (flags.traces) out.push(renderTraceText(viewTrace(w.model, w.e.witness, 'lock-order', `${w.e.from} held while acquiring ${w.e.to}`), c));
        }
      }
    }
    out.splice(1, 0, '', table(['strategy (all scenarios)', 'edges', 'lock-order'], unionRows));
  }
  for (const { name, r, model } of results) {
    if (!r.cycle) continue;
    out.push('', c.bold(`== ${name}: potential deadlock ==`));
    for (const e of r.cycle) {
      const last = e.witness.steps[e.witness.steps.length - 1];
      out.push(`  ${e.actor} held ${e.from} while acquiring ${e.to} (${last.label ? stepTitle({ action: last.label.action, step: last.label.step ?? null, params: null }) : ''}), after ${e.witness.steps.length - 1} steps`);
      if (flags.traces) out.push(renderTraceText(viewTrace(model, e.witness, 'lock-order', `${e.from} held while acquiring ${e.to}`), c));
    }
  }
  writeStdout(out.join('\n') + '\n');
  return code;
}

export function registerLockOrder(prog: Command, setCode: (c: number) => void): Command {
  const cmd = prog.command('lock-order').description('lockdep-style check: "held X while acquiring Y" edges over every reachable transition, and any cycle');
  addSelectionOptions(cmd, 'check', false);
  addLimitOptions(cmd, '', false);
  return addColourOptions(addRuntimeOptions(cmd, false).option('--traces', 'print the witness trace of every edge of a cycle'))
    .addHelpText('after', exitCodeHelp('lock-order'))
    .action(async (flags: LockOrderFlags) => setCode(await runLockOrder(flags)));
}
