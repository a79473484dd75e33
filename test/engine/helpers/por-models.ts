// Small random models of actors for testing partial-order reduction: each
// actor has a program counter and a local variable of its own; actors share
// a few variables and one lock. An action is guarded by its actor's pc (and
// maybe a test of its local, a shared variable or the lock) and moves the pc
// while writing its local, a shared variable, or taking or releasing the lock.
// The declaration (Model.partialOrder: owners, single writers, lock guards) is
// derived from the actions, so it is sound by construction unless
// `wrongOwner` asks for a false one.

import { Layout } from '../../../src/engine/layout.js';
import type { Invariant, Model } from '../../../src/engine/model.js';
import type { PartialOrderDecl } from '../../../src/engine/por-decl.js';
import type { StateView } from '../../../src/engine/state-view.js';

/** A test of field `field` against value `value` (== or !=). */
export interface Test {
  readonly field: number;
  readonly eq: boolean;
  readonly value: number;
}

export interface PorAction {
  readonly actor: number;
  readonly guard: readonly Test[];
  /** Parallel assignment: field := value, or field := source field's value mod the domain. */
  readonly updates: readonly { readonly field: number; readonly value?: number; readonly from?: number }[];
}

export interface PorSpec {
  readonly actors: number;
  readonly domains: readonly number[];
  /** Field roles: owner actor or -1. */
  readonly owner: readonly number[];
  readonly lock: number;
  readonly actions: readonly PorAction[];
  readonly invariants: readonly (readonly Test[])[];
  /** Declare this shared field private to actor 0 (a deliberately false declaration), or -1. */
  readonly wrongOwner: number;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** A random spec: 2-3 actors, 1-2 shared variables, one lock. */
export function randomPorSpec(seed: number): PorSpec {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const A = 2 + int(2);
  const S = 1 + int(2);
  const domains: number[] = [];
  const owner: number[] = [];
  const pc: number[] = [];
  const local: number[] = [];
  for (let a = 0; a < A; a++) {
    pc.push(domains.length);
    domains.push(3 + int(2));
    owner.push(a);
    local.push(domains.length);
    domains.push(2);
    owner.push(a);
  }
  const shared: number[] = [];
  for (let s = 0; s < S; s++) {
    shared.push(domains.length);
    domains.push(2 + int(2));
    owner.push(-1);
  }
  const lock = domains.length;
  domains.push(A + 1);
  owner.push(-1);
  const actions: PorAction[] = [];
  for (let a = 0; a < A; a++) {
    const n = 2 + int(4);
    for (let k = 0; k < n; k++) {
      const from = int(domains[pc[a]]);
      const to = int(domains[pc[a]]);
      const guard: Test[] = [{ field: pc[a], eq: true, value: from }];
      const updates: { field: number; value?: number; from?: number }[] = [{ field: pc[a], value: to }];
      const sv = shared[int(S)];
      switch (int(10)) {
        case 7:
        case 8:
        case 9:
        case 0:
          updates.push({ field: local[a], value: int(2) });
          break;
        case 1:
          guard.push({ field: local[a], eq: r() < 0.5, value: int(2) });
          updates.push({ field: sv, value: int(domains[sv]) });
          break;
        case 2:
          updates.push({ field: local[a], from: sv });
          break;
        case 3:
          guard.push({ field: lock, eq: true, value: 0 });
          updates.push({ field: lock, value: a + 1 });
          break;
        case 4:
          guard.push({ field: lock, eq: true, value: a + 1 });
          updates.push({ field: lock, value: 0 });
          break;
        case 5:
          // Under the lock: write a shared variable (or read it into the local).
          guard.push({ field: lock, eq: true, value: a + 1 });
          updates.push(r() < 0.5 ? { field: sv, from: local[a] } : { field: local[a], from: sv });
          break;
        case 6:
          guard.push({ field: sv, eq: r() < 0.5, value: int(domains[sv]) });
          break;
      }
      actions.push({ actor: a, guard, updates });
    }
  }
  const invariants: Test[][] = [];
  const ni = 1 + int(2);
  for (let i = 0; i < ni; i++) {
    // Mostly about shared variables (so that local steps are invisible), sometimes a pc.
    const f = r() < 0.8 ? shared[int(S)] : pc[int(A)];
    invariants.push([{ field: f, eq: false, value: int(domains[f]) }]);
  }
  return { actors: A, domains, owner, lock, actions, invariants, wrongOwner: -1 };
}

/** The fields an action reads (its guard and the sources of its updates). */
function readsOf(act: PorAction): number[] {
  return [...act.guard.map((g) => g.field), ...act.updates.flatMap((u) => (u.from !== undefined ? [u.from] : []))];
}

/** The declaration the actions justify: ownership as generated, lock guards where every access is under the lock. */
export function declarationOf(spec: PorSpec): PartialOrderDecl {
  const width = spec.domains.length;
  const holds = (act: PorAction) => act.guard.some((g) => g.field === spec.lock && g.eq && g.value === act.actor + 1);
  const writeGuard = new Array<number>(width).fill(-1);
  const accessGuard = new Array<number>(width).fill(-1);
  for (let f = 0; f < width; f++) {
    if (spec.owner[f] >= 0 || f === spec.lock) continue;
    const writers = spec.actions.filter((a) => a.updates.some((u) => u.field === f));
    const readers = spec.actions.filter((a) => readsOf(a).includes(f));
    if (writers.every(holds)) writeGuard[f] = spec.lock;
    if (writers.every(holds) && readers.every(holds)) accessGuard[f] = spec.lock;
  }
  const owner = spec.owner.map((o, f) => (f === spec.wrongOwner ? 0 : o));
  // A shared variable only one actor writes (others may read it).
  const writer = spec.domains.map((_, f) => {
    if (spec.owner[f] >= 0 || f === spec.lock) return -1;
    const ws = new Set(spec.actions.filter((a) => a.updates.some((u) => u.field === f)).map((a) => a.actor));
    return ws.size === 1 ? [...ws][0] : -1;
  });
  return {
    actorOf: spec.actions.map((a) => a.actor),
    actors: spec.actors,
    owner,
    writer,
    writeGuard,
    accessGuard,
    invariantReads: (name) => {
      const k = Number(name.slice(3));
      return spec.invariants[k].map((t) => ({ fields: [t.field] }));
    },
  };
}

export function buildPorModel(spec: PorSpec): Model {
  const layout = new Layout(spec.domains.map((d, i) => ({ name: `f${i}`, domain: d })));
  const test = (v: { [i: number]: number }, t: Test) => (v[t.field] === t.value) === t.eq;
  const invariants: Invariant[] = spec.invariants.map((tests, k) => ({
    name: `inv${k}`,
    description: tests.map((t) => `f${t.field} ${t.eq ? '==' : '!='} ${t.value}`).join(' && '),
    holds: (s: StateView) => tests.every((t) => (s.at(t.field) === t.value) === t.eq),
  }));
  return {
    name: 'por-random',
    layout,
    actionCount: spec.actions.length,
    initialStates: () => [layout.newVector()],
    step(a, src, dst) {
      const act = spec.actions[a];
      for (const g of act.guard) if (!test(src, g)) return false;
      for (const u of act.updates) dst[u.field] = u.from !== undefined ? src[u.from] % spec.domains[u.field] : u.value!;
      return true;
    },
    label: (a) => ({ thread: `A${spec.actions[a].actor}`, action: `a${a}` }),
    invariants,
    partialOrder: declarationOf(spec),
  };
}
