// Random simulation for configurations too large to exhaust: seeded random
// walks from the initial states, checking every selected invariant (and
// deadlock) on every state visited. A violation's trace is then shortened by
// a breadth-first search restricted to the states the walk visited. A
// simulation never proves anything: an invariant it did not break is
// reported as not found, never as holding.
//
// Every walk depends only on the seed and its run number, so a simulation
// splits across workers by run number (worker w of W takes runs w, w + W,
// …) and mergeSimulations() gives exactly the single worker's result:
// each property's finding from its lowest-numbered run, and the walks and
// steps counted up to the run where the last property was found.

import { selectInvariants } from './bfs.js';
import type { Model } from './model.js';
import { DEADLOCK, type Trace } from './result.js';
import { StateView } from './state-view.js';
import { replayPath } from './trace.js';

export interface SimulateOptions {
  readonly seed: number;
  readonly runs: number;
  readonly maxSteps: number;
  readonly invariants?: readonly string[];
  readonly checkDeadlock?: boolean;
  /** Seconds for all runs together. */
  readonly timeLimit?: number;
  readonly shouldStop?: () => boolean;
  /** This worker's share of the runs: runs runOffset, runOffset + runStride, … below `runs` (default: all). */
  readonly runOffset?: number;
  readonly runStride?: number;
}

export interface SimulationFinding {
  readonly invariant: string;
  readonly description: string;
  /** 0-based run that found it, and the seed that replays that run alone. */
  readonly run: number;
  readonly runSeed: number;
  /** Steps the walk took to reach the violating state. */
  readonly walkSteps: number;
  /** Seconds from the start of the simulation to the finding. */
  readonly seconds: number;
  /** The shortened counterexample. */
  readonly trace: Trace;
}

export interface SimulationResult {
  readonly model: string;
  readonly runs: number;
  readonly steps: number;
  readonly seconds: number;
  readonly stopReason: 'runs' | 'all-found' | 'time-limit' | 'interrupted';
  readonly findings: readonly SimulationFinding[];
  /** Checked properties no walk broke (not a proof). */
  readonly notFound: readonly string[];
  /** Every property checked, in report order. */
  readonly properties: readonly string[];
  /** Steps of each walk taken, in run order (this worker's runs only). */
  readonly runSteps: readonly number[];
  /** The run number of each walk taken, in order. */
  readonly runNumbers: readonly number[];
}

/** Seed of run i (run 0 uses the seed itself, so `--seed S --runs 1` replays a run with seed S). */
export function runSeed(seed: number, run: number): number {
  if (run === 0) return seed >>> 0;
  let h = Math.imul((seed >>> 0) ^ Math.imul(run, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const key = (v: Uint8Array, width: number) => String.fromCharCode(...v.subarray(0, width));

/** Shortest path from an initial state to a state satisfying `bad`, through `allowed` states only. */
function shortestWithin(model: Model, inits: readonly Uint8Array[], allowed: Set<string>, bad: (v: Uint8Array) => boolean): number[] | null {
  const w = model.layout.width;
  const parent = new Map<string, { from: string | null; action: number; vec: Uint8Array }>();
  let frontier: Uint8Array[] = [];
  inits.forEach((v, i) => {
    const k = key(v, w);
    if (!allowed.has(k) || parent.has(k)) return;
    parent.set(k, { from: null, action: i, vec: v });
    frontier.push(v);
  });
  const path = (k: string): number[] => {
    const out: number[] = [];
    for (let cur: string | null = k; cur !== null; cur = parent.get(cur)!.from) out.push(parent.get(cur)!.action);
    return out.reverse();
  };
  for (const v of frontier) if (bad(v)) return path(key(v, w));
  while (frontier.length > 0) {
    const next: Uint8Array[] = [];
    for (const s of frontier) {
      const sk = key(s, w);
      for (let a = 0; a < model.actionCount; a++) {
        const d = s.slice();
        if (!model.step(a, s, d)) continue;
        const k = key(d, w);
        if (!allowed.has(k) || parent.has(k)) continue;
        parent.set(k, { from: sk, action: a, vec: d });
        if (bad(d)) return path(k);
        next.push(d);
      }
    }
    frontier = next;
  }
  return null;
}

export function simulate(model: Model, opts: SimulateOptions): SimulationResult {
  const invs = selectInvariants(model, opts.invariants);
  const checkDeadlock = opts.checkDeadlock ?? true;
  const width = model.layout.width;
  const inits = model.initialStates();
  const view = new StateView(model.layout);
  const found = new Map<string, SimulationFinding>();
  const wanted = invs.length + (checkDeadlock ? 1 : 0);
  const t0 = performance.now();
  const limitMs = (opts.timeLimit ?? Infinity) * 1000;
  let steps = 0;
  let runs = 0;
  let stopReason: SimulationResult['stopReason'] = 'runs';
  const runSteps: number[] = [];
  const runNumbers: number[] = [];
  const stride = opts.runStride ?? 1;

  const deadlocked = (v: Uint8Array): boolean => {
    const d = v.slice();
    for (let a = 0; a < model.actionCount; a++) if (model.step(a, v, d)) return false;
    return !model.isTerminal?.(StateView.point(view, v));
  };

  outer: for (let r = opts.runOffset ?? 0; r < opts.runs; r += stride) {
    if (found.size === wanted && wanted > 0) {
      stopReason = 'all-found';
      break;
    }
    if (opts.shouldStop?.()) {
      stopReason = 'interrupted';
      break;
    }
    runs++;
    runNumbers.push(r);
    runSteps.push(0);
    const seed = runSeed(opts.seed, r);
    const rand = xorshift(seed);
    const visited = new Set<string>();
    let cur = inits[Math.floor(rand() * inits.length)].slice();
    const record = (name: string, description: string, bad: (v: Uint8Array) => boolean, walkSteps: number) => {
      const path = shortestWithin(model, inits, visited, bad);
      if (!path) throw new Error(`internal error: no path to the violation of ${name} within the walk`);
      found.set(name, {
        invariant: name,
        description,
        run: r,
        runSeed: seed,
        walkSteps,
        seconds: (performance.now() - t0) / 1000,
        trace: replayPath(model, inits, path),
      });
    };
    const enabled: number[] = [];
    for (let k = 0; ; k++) {
      visited.add(key(cur, width));
      StateView.point(view, cur);
      for (const inv of invs) {
        if (!found.has(inv.name) && !inv.holds(view)) {
          record(inv.name, inv.description, (v) => !inv.holds(StateView.point(new StateView(model.layout), v)), k);
          StateView.point(view, cur);
        }
      }
      if (k >= opts.maxSteps) break;
      enabled.length = 0;
      const d = cur.slice();
      for (let a = 0; a < model.actionCount; a++) {
        if (model.step(a, cur, d)) {
          enabled.push(a);
          d.set(cur);
        }
      }
      if (enabled.length === 0) {
        if (checkDeadlock && !found.has(DEADLOCK) && !model.isTerminal?.(view)) {
          record(DEADLOCK, 'some state other than a terminal one has no enabled action', deadlocked, k);
        }
        break;
      }
      const a = enabled[Math.floor(rand() * enabled.length)];
      const next = cur.slice();
      model.step(a, cur, next);
      cur = next;
      steps++;
      runSteps[runSteps.length - 1]++;
      if ((steps & 1023) === 0) {
        if (performance.now() - t0 > limitMs) {
          stopReason = 'time-limit';
          break outer;
        }
        if (opts.shouldStop?.()) {
          stopReason = 'interrupted';
          break outer;
        }
      }
    }
    if (performance.now() - t0 > limitMs) {
      stopReason = 'time-limit';
      break;
    }
  }
  if (found.size === wanted && wanted > 0) stopReason = 'all-found';
  const names = [...invs.map((i) => i.name), ...(checkDeadlock ? [DEADLOCK] : [])];
  return {
    model: model.name,
    runs,
    steps,
    seconds: (performance.now() - t0) / 1000,
    stopReason,
    findings: names.filter((n) => found.has(n)).map((n) => found.get(n)!),
    notFound: names.filter((n) => !found.has(n)),
    properties: names,
    runSteps,
    runNumbers,
  };
}

/**
 * The result of one simulation of `runs` runs from the results of its
 * workers' shares (runOffset w, runStride W): identical to a single
 * worker's (but for the seconds), unless a time limit or an interruption cut
 * a share short — then the walks done are summed.
 */
export function mergeSimulations(parts: readonly SimulationResult[], runs: number): SimulationResult {
  const properties = parts[0].properties;
  const first = new Map<string, SimulationFinding>();
  for (const p of parts) for (const f of p.findings) if (!first.has(f.invariant) || f.run < first.get(f.invariant)!.run) first.set(f.invariant, f);
  const walks = parts.flatMap((p) => p.runNumbers.map((r, i) => ({ r, steps: p.runSteps[i] }))).sort((a, b) => a.r - b.r);
  const cut = parts.find((p) => p.stopReason === 'interrupted') ?? parts.find((p) => p.stopReason === 'time-limit');
  const allFound = properties.length > 0 && first.size === properties.length;
  // Without a cut, a single worker stops after the run that found the last property (or after every run).
  const last = cut ? Infinity : allFound ? Math.max(...[...first.values()].map((f) => f.run)) : runs - 1;
  const counted = walks.filter((w) => w.r <= last);
  return {
    model: parts[0].model,
    runs: counted.length,
    steps: counted.reduce((n, w) => n + w.steps, 0),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    stopReason: cut ? cut.stopReason : allFound ? 'all-found' : 'runs',
    findings: properties.filter((n) => first.has(n)).map((n) => first.get(n)!),
    notFound: properties.filter((n) => !first.has(n)),
    properties,
    runSteps: counted.map((w) => w.steps),
    runNumbers: counted.map((w) => w.r),
  };
}
