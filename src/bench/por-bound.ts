// `npm run bench:por-bound`: how far partial-order reduction could shrink the
// loop model's `explore` state space at best, next to what --por achieves
// (README, "Partial-order reduction"). For each strategy it prints the full
// search, the --por search, and engine/por-bound.ts's exact-hindsight
// single-actor persistent sets under three visibility rules: none (keeps only
// deadlocks and each thread's own behaviour), the invariants' fields, and the
// invariants' and lock fields (what --por keeps visible when lock order is
// checked). `--param k=v` sets explore's parameters (default calls=2; the
// default explore, calls=3, takes several minutes and gigabytes per strategy);
// `--strategy NAME` picks one strategy.

import { loopFamily } from '../../models/loop/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { explore } from '../engine/bfs.js';
import { persistentSetBounds, type Visibility } from '../engine/por-bound.js';
import type { Model } from '../engine/model.js';

function parseArgs(argv: readonly string[]): { params: Record<string, number>; strategies: string[] } {
  const params: Record<string, number> = { calls: 2 };
  let strategies = STRATEGIES.map((s) => s.name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--param') {
      const m = /^(\w+)=(\d+)$/.exec(v);
      if (!m) throw new Error(`--param ${v}: expected NAME=INTEGER`);
      params[m[1]] = Number(m[2]);
    } else if (a === '--strategy') {
      if (!strategies.includes(v)) throw new Error(`--strategy ${v}: not one of ${strategies.join(', ')}`);
      strategies = [v];
    } else throw new Error(`unknown argument ${a} (use --param NAME=INTEGER, --strategy NAME)`);
  }
  return { params, strategies };
}

/**
 * The visibility condition itself, without --por's caution: a step is
 * visible when it changes a field an invariant reads (or, for a group with
 * classOf, that class), or with `locks` a lock field. (--por trusts a class
 * only on fields the stepping thread owns; in hindsight the class's inputs
 * need only be written by that thread alone, which the frames are.)
 */
function visibility(model: Model, locks: boolean): Visibility {
  const decl = model.partialOrder;
  if (!decl) throw new Error(`${model.name} declares no partial order`);
  const groups = model.invariants.flatMap((inv) => {
    const g = decl.invariantReads(inv.name);
    if (g === null) throw new Error(`${model.name}: ${inv.name} does not say what it reads`);
    return g;
  });
  const lockFields = locks ? (model.lockFields?.fields ?? []) : [];
  return (_t, a, b) => {
    for (const f of lockFields) if (a[f] !== b[f]) return true;
    for (const g of groups) {
      if (g.classOf) {
        if (g.classOf(a) !== g.classOf(b)) return true;
      } else if (g.fields.some((f) => a[f] !== b[f])) return true;
    }
    return false;
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratio = (full: number, reduced: number) => `${(full / reduced).toFixed(3)}x`;

function main(): number {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench:por-bound: ${(e as Error).message}\n`);
    return 2;
  }
  const where = Object.entries(args.params).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`explore ${where}: states of the full search, of --por, and of exact-hindsight persistent sets (engine/por-bound.ts)\n`);
  for (const strategy of args.strategies) {
    const model = loopFamily.build({ params: args.params, strategy, scenario: 'explore' });
    const t0 = performance.now();
    const full = explore(model, {});
    const por = explore(model, { por: true });
    const [none, invariants, withLocks] = persistentSetBounds(model, [null, visibility(model, false), visibility(model, true)]);
    const secs = (performance.now() - t0) / 1000;
    const line = (name: string, states: number) => `  ${name.padEnd(52)} ${fmt(states).padStart(12)}  ${ratio(full.stats.states, states)}`;
    process.stdout.write(
      [
        `${strategy} (${secs.toFixed(1)} s)`,
        line('full search', full.stats.states),
        line('--por (declared ownership)', por.stats.states),
        line('persistent sets, hindsight, nothing visible', Math.min(none.firstActor.states, none.lastActor.states)),
        line('persistent sets, hindsight, invariants visible', Math.min(invariants.firstActor.states, invariants.lastActor.states)),
        line('persistent sets, hindsight, invariants + locks visible', Math.min(withLocks.firstActor.states, withLocks.lastActor.states)),
        `  states where some thread's steps are persistent (nothing visible): ${fmt(none.persistentStates)} of ${fmt(none.fullStates)}`,
      ].join('\n') + '\n',
    );
  }
  return 0;
}

process.exitCode = main();
