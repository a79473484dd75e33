// The conform pipeline: plan which strategy each kernel is compared with,
// walk every schedule through the model, boot each kernel once with every
// schedule, compare.
//
// Exists so the CLI only parses flags and prints, and so tests can drive the
// whole comparison with a fake kernel runner (no QEMU in `npm test`).

import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES, type Strategy } from '../../models/loop/strategies/index.js';
import { compareScenario, type ConformResult } from './compare.js';
import { modelWalks } from './model-walk.js';
export { modelWalks } from './model-walk.js';
import type { CallObservation, KernelId, KernelRun, ProbeScenario } from './probe-plan.js';
import { unprobedReason } from './kernel-calls.js';
import { probeScenario } from './schedules.js';
import { racingCases, runRaces, type RaceResult, type RaceRunner } from './races.js';

export const KERNELS: readonly KernelId[] = ['6.1', '6.12'];

export type KernelRunner = (
  kernel: KernelId,
  scenarios: readonly ProbeScenario[],
  opts: { readonly timeoutSeconds: number; readonly onProgress?: (line: string) => void },
) => Promise<KernelRun>;

export interface ConformOptions {
  readonly kernels: readonly KernelId[];
  /** Scripted scenarios to run (default: all). */
  readonly scenarios?: readonly string[];
  /** Compare with this strategy instead of the one that declares the kernel. */
  readonly strategy?: string;
  readonly timeoutSeconds: number;
  readonly onProgress?: (line: string) => void;
}

export interface BootSummary {
  readonly kernel: KernelId;
  readonly strategy: string;
  readonly kind: KernelRun['kind'];
  readonly release: string;
  readonly seconds?: number;
  readonly message?: string;
}

export interface ConformReport {
  readonly boots: readonly BootSummary[];
  readonly results: readonly ConformResult[];
  /** Racing counterexamples run on their kernel, with how often the race happened. */
  readonly races: readonly RaceResult[];
  /** Scripted scenarios left out because the probe cannot run one of their calls. */
  readonly skipped: readonly SkippedScenario[];
}

/** Thrown for a bad kernel, scenario or strategy name (exit 2). */
export class ConformInputError extends Error {}

export function strategyFor(kernel: KernelId, named?: string): Strategy {
  if (named) {
    const s = STRATEGIES.find((x) => x.name === named);
    if (!s) throw new ConformInputError(`unknown strategy '${named}' (known: ${STRATEGIES.map((x) => x.name).join(', ')})`);
    return s;
  }
  const s = STRATEGIES.find((x) => x.kernels?.includes(kernel));
  if (!s) throw new ConformInputError(`no strategy declares kernel ${kernel}; name one with --strategy`);
  return s;
}

/** A scripted scenario conform leaves out, and why (kernel-calls.ts). */
export interface SkippedScenario {
  readonly scenario: string;
  readonly reason: string;
}

/** The scripted scenarios the probe can run: the named ones (one it cannot run is an input error), or all it can, with the others listed. */
export function conformPlan(names?: readonly string[]): { readonly probes: ProbeScenario[]; readonly skipped: SkippedScenario[] } {
  const scripted = SCENARIOS.filter((s) => s.scripted);
  const named = names && names.length > 0;
  const chosen = named ? names : scripted.map((s) => s.name);
  const probes: ProbeScenario[] = [];
  const skipped: SkippedScenario[] = [];
  for (const n of chosen) {
    const sc = SCENARIOS.find((s) => s.name === n);
    if (!sc) throw new ConformInputError(`unknown scenario '${n}' (scripted: ${scripted.map((s) => s.name).join(', ')})`);
    if (!sc.scripted) throw new ConformInputError(`scenario '${n}' is not scripted: conform compares scripted scenarios`);
    const setup = sc.setup({});
    const why = unprobedReason(setup);
    if (why && named) throw new ConformInputError(`scenario '${n}' cannot run on a real kernel: ${why}`);
    if (why) skipped.push({ scenario: n, reason: why });
    else probes.push(probeScenario(sc.name, setup));
  }
  return { probes, skipped };
}

export function conformScenarios(names?: readonly string[]): ProbeScenario[] {
  return conformPlan(names).probes;
}

/** The model's observations of every schedule of `probe` under `strategy`. */
export function modelObservations(strategy: string, probe: ProbeScenario): Map<number, readonly CallObservation[]> {
  return new Map([...modelWalks(strategy, probe)].map(([id, w]) => [id, w.calls]));
}

export interface RaceOptions {
  readonly runner: RaceRunner;
  /** Seconds each racing reproducer loops (iterations are bounded too). */
  readonly seconds: number;
}

export async function runConform(opts: ConformOptions, runner: KernelRunner, races?: RaceOptions): Promise<ConformReport> {
  for (const k of opts.kernels) if (!KERNELS.includes(k)) throw new ConformInputError(`unknown kernel '${k}' (known: ${KERNELS.join(', ')})`);
  const { probes, skipped } = conformPlan(opts.scenarios);
  const plans = opts.kernels.map((k) => ({ kernel: k, strategy: strategyFor(k, opts.strategy) }));
  // Each kernel boots in its own QEMU: the kernels run side by side.
  const perKernel = await Promise.all(
    plans.map(async ({ kernel, strategy }) => {
      const model = new Map(probes.map((p) => [p.name, modelWalks(strategy.name, p)]));
      const run = await runner(kernel, probes, { timeoutSeconds: opts.timeoutSeconds, onProgress: opts.onProgress });
      const results: ConformResult[] = [];
      let boot: BootSummary;
      if (run.kind === 'missing') {
        boot = { kernel, strategy: strategy.name, kind: run.kind, release: '', message: run.message };
      } else {
        const release = run.kind === 'ok' ? run.release : '';
        boot = { kernel, strategy: strategy.name, kind: run.kind, release, ...(run.kind === 'ok' ? { seconds: run.totalSeconds } : { message: run.message }) };
        for (const p of probes) results.push(compareScenario(kernel, release, strategy.name, p, model.get(p.name)!, run.observations));
      }
      const raced =
        races && run.kind !== 'missing'
          ? await runRaces(
              kernel,
              racingCases(strategy.name, probes.map((p) => p.name), { iterations: 100_000, seconds: races.seconds }),
              races.runner,
              opts.timeoutSeconds,
              opts.onProgress,
            )
          : [];
      return { boot, results, raced };
    }),
  );
  return {
    boots: perKernel.map((k) => k.boot),
    results: perKernel.flatMap((k) => k.results),
    races: perKernel.flatMap((k) => k.raced),
    skipped,
  };
}

/** Exit status: 2 a tool is missing, 1 a disagreement, 3 something was not observed, 0 all agree. */
export function conformExitCode(r: ConformReport): 0 | 1 | 2 | 3 {
  if (r.boots.some((b) => b.kind === 'missing')) return 2;
  if (r.results.some((x) => x.disagreements.length > 0)) return 1;
  if (r.boots.some((b) => b.kind !== 'ok') || r.results.some((x) => x.missing.length > 0) || r.races.some((x) => x.hits === null)) return 3;
  return 0;
}
