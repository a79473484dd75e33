// `npm run bench`: speed and memory of the engine on the calibration model
// and the loop model's `explore` scenario, with 1 and 2 workers, next to
// SPIN's breadth-first search measured in the same run when SPIN is
// installed. Checks the philosophers state counts, prints a table and writes
// it as JSON (.bench/latest.json, or the path given as the first argument).

import { LOOP_INVARIANTS } from '../../specs/loop/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { DEADLOCK } from '../engine/result.js';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../app/write-file.js';
import { runSpin, spinAvailable } from './spin.js';

const BIN = fileURLToPath(new URL('../../../bin/loopcheck.js', import.meta.url));

interface Row {
  name: string;
  tool: 'loopcheck' | 'spin';
  workers: number | null;
  states: number;
  expectedStates: number | null;
  seconds: number;
  statesPerSecond: number;
  peakRssBytes: number;
  bytesPerState: number;
  vsSpinSpeed: number | null;
  vsSpinMemory: number | null;
  complete: boolean;
  /** Wall-clock seconds of the whole command (search and every analysis). */
  wallSeconds: number;
}

export interface Config {
  name: string;
  args: string[];
  expectedStates: number | null;
  spin?: { n: number; w: number };
  /** A --por run: the name of the unreduced config it is compared with. */
  porOf?: string;
  /** Search-alone vs full-verify pairs: the strategy and which half this is. */
  pair?: { strategy: string; half: 'search' | 'verify' };
}

/**
 * The loop model's `explore` scenario (post-patch): the default size and the
 * largest that completes in a few minutes here (about 4.8e7 states). The
 * search's own checks only (state invariants and deadlock): the liveness and
 * lock-order analyses after it are not what this benchmark measures.
 */
const SEARCH_CHECKS = [...LOOP_INVARIANTS.map((i) => i.name), DEADLOCK];

/** Every configuration the benchmark runs, in order (after the constants above: built when called). */
export function benchConfigs(): Config[] {
  return [
    { name: 'philosophers N=10', args: ['--model', 'philosophers', '--param', 'N=10'], expectedStates: 918_090, spin: { n: 10, w: 22 } },
    // The same model written with the value-semantics API (src/values): the cost of records over hand-packed bytes.
    { name: 'philosophers N=10 values', args: ['--model', 'philosophers-values', '--param', 'N=10'], expectedStates: 918_090 },
    { name: 'philosophers N=12', args: ['--model', 'philosophers', '--param', 'N=12'], expectedStates: 11_645_658, spin: { n: 12, w: 25 } },
    ...loopConfigs(),
    ...analysisPairs(),
    ...porConfigs(),
  ];
}

/**
 * Partial-order reduction (--por) next to the same search without it: the
 * calibration model and a small `explore` (calls=2, every property), both
 * quick, so the bench stays about as long as before.
 */
function porConfigs(): Config[] {
  const small = ['--model', 'loop', '--scenario', 'explore', '--strategy', 'post-patch', '--no-config', '--param', 'calls=2'];
  const phil = ['--model', 'philosophers', '--param', 'N=10', '--no-config'];
  return [
    { name: 'philosophers N=10 por', args: [...phil, '--por'], expectedStates: null, porOf: 'philosophers N=10' },
    { name: 'loop explore calls=2', args: small, expectedStates: null },
    { name: 'loop explore calls=2 por', args: [...small, '--por'], expectedStates: null, porOf: 'loop explore calls=2' },
  ];
}

/** States and time of each --por run against its unreduced config, per worker count. */
function porLines(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const c of benchConfigs().filter((x) => x.porOf !== undefined)) {
    for (const w of [1, 2]) {
      const por = rows.find((r) => r.name === c.name && r.workers === w);
      const full = rows.find((r) => r.name === c.porOf && r.workers === w);
      if (!por || !full) continue;
      lines.push(
        `${c.porOf}, ${w} worker(s): --por ${fmt(por.states)} states / ${fmt(full.states)} without = ${fmt(full.states / por.states, 3)}x fewer, ` +
          `${fmt(por.wallSeconds, 1)} s / ${fmt(full.wallSeconds, 1)} s, ${fmt(por.peakRssBytes / 2 ** 20)} / ${fmt(full.peakRssBytes / 2 ** 20)} MiB`,
      );
    }
  }
  return lines;
}

/**
 * A full `verify` (every property: invariants, deadlock, syscalls-return,
 * lock-order) next to the search alone, on `explore` with default
 * parameters, for every registered strategy (issue 16: at most 1.5x the time
 * and peak memory).
 */
function analysisPairs(): Config[] {
  return STRATEGIES.map((s) => s.name).flatMap((strategy): Config[] => {
    const base = ['--model', 'loop', '--scenario', 'explore', '--strategy', strategy, '--no-config'];
    return [
      { name: `explore ${strategy} search`, args: [...base, '--invariant', ...SEARCH_CHECKS], expectedStates: null, pair: { strategy, half: 'search' } },
      { name: `explore ${strategy} verify`, args: base, expectedStates: null, pair: { strategy, half: 'verify' } },
    ];
  });
}

function loopConfigs(): Config[] {
  const explore = (name: string, params: string[]): Config => ({
    name: `loop explore ${name}`,
    args: [
      '--model', 'loop', '--scenario', 'explore', '--strategy', 'post-patch', '--no-config',
      ...params.flatMap((p) => ['--param', p]),
      '--invariant', ...SEARCH_CHECKS,
    ],
    expectedStates: null,
  });
  return [explore('calls=3', ['calls=3']), explore('calls=3 fds=3', ['calls=3', 'fds=3'])];
}

function runLoopcheck(c: Config, workers: number): Row {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'verify', ...c.args, '--workers', String(workers), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0 && r.status !== 1 && r.status !== 3) throw new Error(`${c.name}: loopcheck exited ${r.status}: ${r.stderr}`);
  const wallSeconds = (performance.now() - started) / 1000;
  const doc = JSON.parse(r.stdout) as { results: { complete: boolean; stats: { states: number; seconds: number; peakRssBytes: number } }[] };
  const res = doc.results[0];
  const s = res.stats;
  return {
    name: c.name,
    tool: 'loopcheck',
    workers,
    states: s.states,
    expectedStates: c.expectedStates,
    seconds: s.seconds,
    statesPerSecond: s.states / s.seconds,
    peakRssBytes: s.peakRssBytes,
    bytesPerState: s.peakRssBytes / s.states,
    vsSpinSpeed: null,
    vsSpinMemory: null,
    complete: res.complete,
    wallSeconds,
  };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function main(): number {
  // Arguments: [output.json] [--only REGEXP] (run only the configs whose name matches it).
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv.splice(onlyAt, 2)[1] : undefined;
  if (onlyAt >= 0 && !only) {
    process.stderr.write('bench: --only needs a regular expression matching config names\n');
    return 2;
  }
  let pattern: RegExp | null = null;
  try {
    pattern = only === undefined ? null : new RegExp(only);
  } catch (e) {
    process.stderr.write(`bench: --only: ${(e as Error).message}\n`);
    return 2;
  }
  const out = resolve(argv[0] ?? '.bench/latest.json');
  const rows: Row[] = [];
  const haveSpin = spinAvailable();
  if (!haveSpin) process.stderr.write('bench: spin (and gcc) not found; install with `apt-get install -y spin` for the SPIN columns\n');
  let bad = 0;
  for (const c of benchConfigs().filter((x) => pattern === null || pattern.test(x.name))) {
    let spin: Row | null = null;
    if (haveSpin && c.spin) {
      process.stderr.write(`bench: ${c.name} with SPIN BFS...\n`);
      const f = runSpin(c.spin.n, 3, c.spin.w);
      spin = {
        name: c.name, tool: 'spin', workers: null, states: f.states, expectedStates: c.expectedStates,
        seconds: f.seconds, statesPerSecond: f.states / f.seconds, peakRssBytes: f.peakRssBytes,
        bytesPerState: f.peakRssBytes / f.states, vsSpinSpeed: 1, vsSpinMemory: 1, complete: true, wallSeconds: f.seconds,
      };
      rows.push(spin);
    }
    for (const w of [1, 2]) {
      process.stderr.write(`bench: ${c.name} with loopcheck, ${w} worker(s)...\n`);
      const row = runLoopcheck(c, w);
      if (spin) {
        row.vsSpinSpeed = row.statesPerSecond / spin.statesPerSecond;
        row.vsSpinMemory = row.peakRssBytes / spin.peakRssBytes;
      }
      rows.push(row);
    }
  }
  const header = ['config', 'tool', 'workers', 'states', 'seconds', 'states/s', 'peak RSS MiB', 'bytes/state', 'speed vs SPIN', 'memory vs SPIN', 'check'];
  const lines = rows.map((r) => {
    const ok = r.expectedStates === null ? (r.complete ? 'complete' : 'INCOMPLETE') : r.states === r.expectedStates ? 'count ok' : `COUNT ${r.states} != ${r.expectedStates}`;
    if (!ok.startsWith('co')) bad++;
    return [
      r.name, r.tool, r.workers === null ? '-' : String(r.workers), fmt(r.states), fmt(r.seconds, 2), fmt(r.statesPerSecond),
      fmt(r.peakRssBytes / 2 ** 20), fmt(r.bytesPerState, 1),
      r.vsSpinSpeed === null ? '-' : `${fmt(r.vsSpinSpeed, 2)}x`, r.vsSpinMemory === null ? '-' : `${fmt(r.vsSpinMemory, 2)}x`, ok,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write([row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n') + '\n');
  const pairs = pairLines(rows);
  if (pairs.lines.length > 0) process.stdout.write('\n' + pairs.lines.join('\n') + '\n');
  bad += pairs.bad;
  const por = porLines(rows);
  if (por.length > 0) process.stdout.write('\n' + por.join('\n') + '\n');
  process.stdout.write(valueApiCost(rows));
  writeFileAtomic(out, JSON.stringify({ machine: machine(), rows }, null, 2) + '\n');
  process.stderr.write(`bench: wrote ${out}\n`);
  return bad === 0 ? 0 : 1;
}

/** Full verify against the search alone, per strategy and worker count (wall time, peak RSS). */
function pairLines(rows: Row[]): { lines: string[]; bad: number } {
  const lines: string[] = [];
  let bad = 0;
  for (const c of benchConfigs().filter((x) => x.pair?.half === 'verify')) {
    const searchName = c.name.replace(/ verify$/, ' search');
    for (const w of [1, 2]) {
      const v = rows.find((r) => r.name === c.name && r.workers === w);
      const se = rows.find((r) => r.name === searchName && r.workers === w);
      if (!v || !se) continue;
      const time = v.wallSeconds / se.wallSeconds;
      const mem = v.peakRssBytes / se.peakRssBytes;
      const ok = time <= 1.5 && mem <= 1.5 && v.complete && se.complete;
      if (!ok) bad++;
      lines.push(
        `${c.pair!.strategy}, ${w} worker(s): verify ${fmt(v.wallSeconds, 1)} s / search ${fmt(se.wallSeconds, 1)} s = ${fmt(time, 2)}x time, ` +
          `${fmt(v.peakRssBytes / 2 ** 20)} / ${fmt(se.peakRssBytes / 2 ** 20)} MiB = ${fmt(mem, 2)}x memory ${ok ? '(goal 1.5x: ok)' : '(goal 1.5x: MISSED)'}`,
      );
    }
  }
  return { lines, bad };
}

/** How much slower the value-API philosophers are than the hand-packed ones, per worker count. */
function valueApiCost(rows: Row[]): string {
  const lines = [1, 2].map((w) => {
    const packed = rows.find((r) => r.name === 'philosophers N=10' && r.workers === w);
    const values = rows.find((r) => r.name === 'philosophers N=10 values' && r.workers === w);
    return packed && values ? `value API (philosophers N=10, ${w} worker(s)): ${fmt(values.seconds / packed.seconds, 2)}x the hand-packed model's time` : null;
  });
  return lines.filter((l) => l !== null).map((l) => `${l}\n`).join('');
}

function machine() {
  const os = process.platform + ' ' + process.arch;
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  const model = spawnSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).stdout.trim();
  return { os, cpus: Number(cpus), cpu: model, node: process.version, date: new Date().toISOString() };
}

// Run as a program (npm run bench), not when a test imports the configurations.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main();
