// Turns command-line choices into a list of concrete runs: validates the
// model, strategy, scenario, invariant and parameter names against the
// catalogue and expands strategies x scenarios. Every bad name is a
// UsageError naming the valid choices.

import type { ModelFamily, ParamDecl } from '../engine/catalog.js';
import { UsageError } from './errors.js';
import { DEFAULT_FAMILY, FAMILIES } from './registry.js';

export interface PlanInput {
  readonly model?: string;
  readonly params?: readonly string[];
  readonly strategies?: readonly string[];
  readonly scenarios?: readonly string[];
  readonly invariants?: readonly string[];
}

export interface PlannedRun {
  readonly family: ModelFamily;
  readonly strategy: string | null;
  readonly scenario: string | null;
  readonly params: Readonly<Record<string, number>>;
  /** Selected invariant names; undefined = all the built model offers. */
  readonly invariants?: readonly string[];
}

const choices = (xs: readonly { name: string }[]) => xs.map((x) => x.name).join(', ');

export function findFamily(name?: string): ModelFamily {
  if (name === undefined) return DEFAULT_FAMILY;
  const fam = FAMILIES.find((f) => f.name === name);
  if (!fam) throw new UsageError(`unknown model '${name}' (valid: ${choices(FAMILIES)})`);
  return fam;
}

export function parseParams(family: ModelFamily, raw: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of family.params) out[p.name] = p.default;
  for (const kv of raw) {
    const m = /^([A-Za-z_][\w-]*)=(-?\d+)$/.exec(kv);
    if (!m) throw new UsageError(`malformed --param '${kv}' (expected key=integer)`);
    const decl: ParamDecl | undefined = family.params.find((p) => p.name === m[1]);
    if (!decl) {
      const valid = family.params.length > 0 ? choices(family.params) : 'none';
      throw new UsageError(`unknown parameter '${m[1]}' for model ${family.name} (valid: ${valid})`);
    }
    const v = Number(m[2]);
    if (v < decl.min || v > decl.max) {
      throw new UsageError(`parameter ${decl.name}=${v} out of range ${decl.min}..${decl.max}`);
    }
    out[decl.name] = v;
  }
  return out;
}

function pick(
  family: ModelFamily,
  kind: 'strategy' | 'scenario',
  all: readonly { name: string }[],
  asked: readonly string[] | undefined,
  defaults: readonly string[],
): (string | null)[] {
  if (all.length === 0) {
    if (asked && asked.length > 0) throw new UsageError(`model ${family.name} has no ${kind === 'strategy' ? 'strategies' : 'scenarios'}`);
    return [null];
  }
  if (!asked || asked.length === 0) return [...defaults];
  for (const a of asked) {
    if (!all.some((x) => x.name === a)) throw new UsageError(`unknown ${kind} '${a}' for model ${family.name} (valid: ${choices(all)})`);
  }
  return [...new Set(asked)];
}

export function plan(input: PlanInput): PlannedRun[] {
  const family = findFamily(input.model);
  const params = parseParams(family, input.params);
  const strategies = pick(family, 'strategy', family.strategies, input.strategies, family.strategies.map((s) => s.name));
  const scenarios = pick(
    family,
    'scenario',
    family.scenarios,
    input.scenarios,
    family.defaultScenarios ?? family.scenarios.map((s) => s.name),
  );
  if (input.invariants) {
    for (const i of input.invariants) {
      if (i !== 'deadlock' && !family.invariants.some((x) => x.name === i)) {
        throw new UsageError(`unknown invariant '${i}' for model ${family.name} (valid: ${choices(family.invariants)}, deadlock)`);
      }
    }
  }
  const runs: PlannedRun[] = [];
  for (const strategy of strategies) {
    for (const scenario of scenarios) {
      runs.push({ family, strategy, scenario, params, invariants: input.invariants ?? family.defaultInvariants });
    }
  }
  return runs;
}
