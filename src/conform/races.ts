// The racing counterexamples of the strategy a kernel implements, run on that
// kernel: how often does the race actually happen?
//
// Exists for issue #12's second half. A counterexample that needs no race is
// already checked call by call among the syscall-serial schedules; one that
// needs a race cannot be forced from user space, so its reproducer releases
// the threads together over and over on fresh devices and counts how often a
// race-only outcome (reproduce.ts) appeared. A hit is not required and no hit
// proves nothing; the rate is reported as measured.

import { loopFamily } from '../../models/loop/index.js';
import { explore } from '../engine/bfs.js';
import type { ReproducerSpec } from './c/reproducer.js';
import { probeCallName } from './call-name.js';
import type { KernelId } from './probe-plan.js';
import { reproducerFor } from './reproduce.js';

export interface RaceCase {
  readonly strategy: string;
  readonly scenario: string;
  /** Invariants whose shortest counterexample is this race (one reproducer serves them all). */
  readonly invariants: readonly string[];
  readonly bad: string;
  readonly spec: ReproducerSpec;
}

export interface RaceResult {
  readonly kernel: KernelId;
  readonly strategy: string;
  readonly scenario: string;
  readonly invariants: readonly string[];
  readonly bad: string;
  /** Hits and iterations as the reproducer counted them, or null when it reported none (see `problem`). */
  readonly hits: number | null;
  readonly runs: number | null;
  readonly problem?: string;
}

export type RaceRunner = (
  kernel: KernelId,
  specs: readonly ReproducerSpec[],
  opts: { readonly timeoutSeconds: number; readonly onProgress?: (line: string) => void },
) => Promise<
  | { readonly kind: 'ok'; readonly results: readonly { readonly id: number; readonly lines: readonly string[]; readonly exit?: number }[] }
  | { readonly kind: 'timeout' | 'failed' | 'missing'; readonly message: string; readonly results?: readonly { readonly id: number; readonly lines: readonly string[]; readonly exit?: number }[] }
>;

/** Every race-only counterexample of `strategy` on these scenarios, each reproducer once. */
export function racingCases(strategy: string, scenarios: readonly string[], bounds: { iterations: number; seconds: number }): RaceCase[] {
  const out: RaceCase[] = [];
  for (const scenario of scenarios) {
    const model = loopFamily.build({ params: {}, strategy, scenario });
    const r = explore(model, {});
    for (const o of r.outcomes) {
      if (o.verdict !== 'violated' || !o.trace) continue;
      const spec = reproducerFor(model, o.trace, { strategy, scenario, invariant: o.invariant, params: {} });
      if (spec.mode.kind !== 'race' || spec.bad.length === 0) continue;
      const bad = spec.bad.map((b) => `${probeCallName(spec.calls[b.call].call)} => ${b.outcome}`).join(' and ');
      const same = out.find((c) => c.scenario === scenario && c.bad === bad);
      if (same) (same.invariants as string[]).push(o.invariant);
      else out.push({ strategy, scenario, invariants: [o.invariant], bad, spec: { ...spec, mode: { kind: 'race', ...bounds } } });
    }
  }
  return out;
}

/** `12/500 hits: …` from a reproducer's output. */
export function parseHits(lines: readonly string[]): { hits: number; runs: number } | null {
  for (const l of lines) {
    const m = /^(\d+)\/(\d+) hits/.exec(l);
    if (m) return { hits: Number(m[1]), runs: Number(m[2]) };
  }
  return null;
}

export async function runRaces(kernel: KernelId, cases: readonly RaceCase[], runner: RaceRunner, timeoutSeconds: number, onProgress?: (l: string) => void): Promise<RaceResult[]> {
  if (cases.length === 0) return [];
  const run = await runner(kernel, cases.map((c) => c.spec), { timeoutSeconds, onProgress });
  return cases.map((c, i) => {
    const base = { kernel, strategy: c.strategy, scenario: c.scenario, invariants: c.invariants, bad: c.bad };
    const res = run.results?.find((x) => x.id === i);
    const counted = res ? parseHits(res.lines) : null;
    if (counted) return { ...base, ...counted };
    const problem = run.kind !== 'ok' ? run.message : res ? `no count reported (exit ${res.exit ?? 'none'}): ${res.lines.at(-1) ?? ''}` : 'not run';
    return { ...base, hits: null, runs: null, problem };
  });
}
