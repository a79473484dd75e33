// Small random models for differential testing of the engine.
//
// A random model is described by a plain-data ModelSpec (fields, actions,
// invariants, optional terminal predicate and constraint, initial states) and
// turned into a Model by buildModel. Specs are produced either by a seeded
// plain generator (randomSpec(seed)) or by a fast-check arbitrary
// (arbModel / arbSpec); both draw "raw" numbers and normalise them (field
// references mod the number of fields, constants mod the domain) so that every
// raw draw is a valid model and fast-check shrinks towards small, readable
// ones. A RandomModel prints as its spec (toString), so a failing property
// shows the model in readable form.
//
// Semantics of a spec, exactly as buildModel implements it:
//  - field i holds 0 .. domains[i]-1; field names are f0, f1, ...
//  - a formula is a conjunction ('and') or disjunction ('or') of atoms; the
//    empty 'and' is true, the empty 'or' is false;
//  - an atom compares a field with a constant or with another field
//    (==, !=, <, >=) on the raw values;
//  - an action is enabled iff its guard holds; its updates are a parallel
//    assignment: every right-hand side reads the source state, updates are
//    written in order (a later write to the same field wins):
//      set  f := c
//      copy f := g mod dom(f)
//      inc  f := (f + 1) mod dom(f)
//  - invariant k holds in a state iff its formula does;
//  - isTerminal / constraint, when present, are formulas too.

import fc from 'fast-check';
import { Layout } from '../../src/engine/layout.js';
import type { ActionLabel, Invariant, Model } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';

export type Op = '==' | '!=' | '<' | '>=';
export const OPS: readonly Op[] = ['==', '!=', '<', '>='];

export type Atom =
  | { readonly kind: 'const'; readonly field: number; readonly op: Op; readonly value: number }
  | { readonly kind: 'field'; readonly field: number; readonly op: Op; readonly other: number };

export interface Formula {
  readonly combine: 'and' | 'or';
  readonly atoms: readonly Atom[];
}

export type Update =
  | { readonly kind: 'set'; readonly field: number; readonly value: number }
  | { readonly kind: 'copy'; readonly field: number; readonly from: number }
  | { readonly kind: 'inc'; readonly field: number };

export interface ActionSpec {
  readonly guard: Formula;
  readonly updates: readonly Update[];
}

export interface ModelSpec {
  readonly name: string;
  readonly domains: readonly number[];
  readonly actions: readonly ActionSpec[];
  readonly invariants: readonly Formula[];
  readonly terminal: Formula | null;
  readonly constraint: Formula | null;
  readonly initial: readonly (readonly number[])[];
}

// ---------------------------------------------------------------------------
// Evaluation

function cmp(op: Op, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
  }
}

function evalAtom(a: Atom, get: (i: number) => number): boolean {
  return a.kind === 'const' ? cmp(a.op, get(a.field), a.value) : cmp(a.op, get(a.field), get(a.other));
}

export function evalFormula(f: Formula, get: (i: number) => number): boolean {
  if (f.combine === 'and') {
    for (const a of f.atoms) if (!evalAtom(a, get)) return false;
    return true;
  }
  for (const a of f.atoms) if (evalAtom(a, get)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Printing

function atomText(a: Atom): string {
  return a.kind === 'const' ? `f${a.field} ${a.op} ${a.value}` : `f${a.field} ${a.op} f${a.other}`;
}

export function formulaText(f: Formula): string {
  if (f.atoms.length === 0) return f.combine === 'and' ? 'true' : 'false';
  return f.atoms.map(atomText).join(f.combine === 'and' ? ' && ' : ' || ');
}

function updateText(u: Update, domains: readonly number[]): string {
  switch (u.kind) {
    case 'set':
      return `f${u.field} := ${u.value}`;
    case 'copy':
      return `f${u.field} := f${u.from} mod ${domains[u.field]}`;
    case 'inc':
      return `f${u.field} := (f${u.field}+1) mod ${domains[u.field]}`;
  }
}

export function describeSpec(s: ModelSpec): string {
  const lines: string[] = [];
  lines.push(`model ${s.name}`);
  lines.push(`  fields: ${s.domains.map((d, i) => `f${i}:${d}`).join(' ')}`);
  lines.push(`  init: ${s.initial.map((v) => `[${v.join(',')}]`).join(' ')}`);
  s.actions.forEach((a, i) => {
    lines.push(`  a${i}: ${formulaText(a.guard)}  ->  ${a.updates.map((u) => updateText(u, s.domains)).join('; ')}`);
  });
  s.invariants.forEach((f, i) => lines.push(`  inv${i}: ${formulaText(f)}`));
  lines.push(`  terminal: ${s.terminal ? formulaText(s.terminal) : '(none)'}`);
  lines.push(`  constraint: ${s.constraint ? formulaText(s.constraint) : '(none)'}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// Building a Model

export interface BuildOptions {
  /**
   * Check the engine side of the step contract on every call: dst must hold
   * a copy of src (all stride bytes) on entry. Throws on a violation.
   */
  readonly checkStepContract?: boolean;
}

export class RandomModel implements Model {
  readonly name: string;
  readonly layout: Layout;
  readonly actionCount: number;
  readonly invariants: readonly Invariant[];
  readonly isTerminal?: (s: StateView) => boolean;
  readonly constraint?: (s: StateView) => boolean;
  readonly spec: ModelSpec;
  readonly #check: boolean;

  constructor(spec: ModelSpec, opts: BuildOptions = {}) {
    this.spec = spec;
    this.name = spec.name;
    this.#check = opts.checkStepContract ?? true;
    this.layout = new Layout(spec.domains.map((d, i) => ({ name: `f${i}`, domain: d, group: `g${i % 2}` })));
    this.actionCount = spec.actions.length;
    this.invariants = spec.invariants.map((f, i) => ({
      name: `inv${i}`,
      description: formulaText(f),
      holds: (s: StateView) => evalFormula(f, (j) => s.at(j)),
    }));
    const term = spec.terminal;
    if (term) this.isTerminal = (s: StateView) => evalFormula(term, (j) => s.at(j));
    const cons = spec.constraint;
    if (cons) this.constraint = (s: StateView) => evalFormula(cons, (j) => s.at(j));
  }

  initialStates(): Uint8Array[] {
    return this.spec.initial.map((v) => {
      const vec = this.layout.newVector();
      v.forEach((x, i) => (vec[i] = x));
      return vec;
    });
  }

  step(a: number, src: Uint8Array, dst: Uint8Array): boolean {
    if (this.#check) {
      const stride = this.layout.stride;
      for (let i = 0; i < stride; i++) {
        if (src[i] !== dst[i]) {
          throw new Error(
            `step contract: dst is not a copy of src on entry (action ${a}, byte ${i}: src ${src[i]}, dst ${dst[i]})`,
          );
        }
      }
    }
    const act = this.spec.actions[a];
    if (!act) throw new Error(`no action ${a}`);
    const get = (i: number) => src[i];
    if (!evalFormula(act.guard, get)) return false;
    const doms = this.spec.domains;
    for (const u of act.updates) {
      switch (u.kind) {
        case 'set':
          dst[u.field] = u.value;
          break;
        case 'copy':
          dst[u.field] = src[u.from] % doms[u.field];
          break;
        case 'inc':
          dst[u.field] = (src[u.field] + 1) % doms[u.field];
          break;
      }
    }
    return true;
  }

  label(a: number, _src: Uint8Array): ActionLabel {
    const act = this.spec.actions[a];
    return {
      thread: `p${a % 2}`,
      action: `a${a}`,
      step: act ? act.updates.map((u) => updateText(u, this.spec.domains)).join('; ') : undefined,
    };
  }

  toString(): string {
    return describeSpec(this.spec);
  }

  [fc.toStringMethod](): string {
    return describeSpec(this.spec);
  }
}

export function buildModel(spec: ModelSpec, opts?: BuildOptions): RandomModel {
  return new RandomModel(spec, opts);
}

// ---------------------------------------------------------------------------
// Raw draws and normalisation (shared by both generators)

export interface RawAtom {
  readonly kind: 'const' | 'field';
  readonly field: number;
  readonly op: number;
  readonly x: number;
}
export interface RawFormula {
  readonly or: boolean;
  readonly atoms: readonly RawAtom[];
}
export interface RawUpdate {
  readonly kind: 'set' | 'copy' | 'inc';
  readonly field: number;
  readonly x: number;
}
export interface RawAction {
  readonly guard: RawFormula;
  readonly updates: readonly RawUpdate[];
}
export interface RawSpec {
  readonly domains: readonly number[]; // fields..maxFields entries, each 2..maxDomain
  readonly actions: readonly RawAction[];
  readonly invariants: readonly RawFormula[]; // 1..3
  readonly terminal: RawFormula | null;
  readonly constraint: RawFormula | null;
  readonly initial: readonly (readonly number[])[]; // 1..2 vectors of maxFields raw values
}

/** Size of the random models drawn. */
export interface GenSize {
  readonly minFields: number;
  readonly maxFields: number;
  readonly maxDomain: number;
  readonly minActions: number;
  readonly maxActions: number;
  /** Most atoms in an action guard. */
  readonly maxGuardAtoms: number;
}

/** The default: 1-5 fields of domain 2-4, 1-8 actions, guards of up to 3 atoms. */
export const SMALL: GenSize = { minFields: 1, maxFields: 5, maxDomain: 4, minActions: 1, maxActions: 8, maxGuardAtoms: 3 };

/**
 * Larger models (up to 4^11 states, typically 10^3..10^5 reachable) to push the engine's tables and
 * level queues past their initial capacities.
 */
export const LARGE: GenSize = { minFields: 10, maxFields: 11, maxDomain: 4, minActions: 20, maxActions: 30, maxGuardAtoms: 1 };

/** Turn any raw draw into a valid spec. */
export function normalize(raw: RawSpec, name = 'random'): ModelSpec {
  const doms = raw.domains.map((d) => Math.min(256, Math.max(2, d)));
  const n = doms.length;
  const fld = (x: number) => x % n;
  const atom = (a: RawAtom): Atom => {
    const field = fld(a.field);
    const op = OPS[a.op % OPS.length];
    // constants range over 0..dom (one past the top) so that `f < dom`-like
    // always-true and `f == dom`-like always-false atoms occur too
    return a.kind === 'const'
      ? { kind: 'const', field, op, value: a.x % (doms[field] + 1) }
      : { kind: 'field', field, op, other: fld(a.x) };
  };
  const formula = (f: RawFormula): Formula => ({ combine: f.or ? 'or' : 'and', atoms: f.atoms.map(atom) });
  const update = (u: RawUpdate): Update => {
    const field = fld(u.field);
    switch (u.kind) {
      case 'set':
        return { kind: 'set', field, value: u.x % doms[field] };
      case 'copy':
        return { kind: 'copy', field, from: fld(u.x) };
      case 'inc':
        return { kind: 'inc', field };
    }
  };
  return {
    name,
    domains: doms,
    actions: raw.actions.map((a) => ({ guard: formula(a.guard), updates: a.updates.map(update) })),
    invariants: raw.invariants.map(formula),
    terminal: raw.terminal ? formula(raw.terminal) : null,
    constraint: raw.constraint ? formula(raw.constraint) : null,
    initial: raw.initial.map((v) => doms.map((d, i) => (v[i] ?? 0) % d)),
  };
}

// ---------------------------------------------------------------------------
// Seeded plain generator (no fast-check involved)

/** mulberry32: a small, good-enough 32-bit PRNG. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomRawSpec(seed: number, size: GenSize = SMALL): RawSpec {
  const r = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const rawFormula = (maxAtoms: number): RawFormula => ({
    or: r() < 0.35,
    atoms: Array.from({ length: int(0, maxAtoms) }, () => ({
      kind: r() < 0.7 ? ('const' as const) : ('field' as const),
      field: int(0, 255),
      op: int(0, 3),
      x: int(0, 255),
    })),
  });
  const kinds = ['set', 'copy', 'inc'] as const;
  return {
    domains: Array.from({ length: int(size.minFields, size.maxFields) }, () => int(2, size.maxDomain)),
    actions: Array.from({ length: int(size.minActions, size.maxActions) }, () => ({
      guard: rawFormula(size.maxGuardAtoms),
      updates: Array.from({ length: int(1, 3) }, () => ({
        kind: kinds[int(0, 2)],
        field: int(0, 255),
        x: int(0, 255),
      })),
    })),
    invariants: Array.from({ length: int(1, 3) }, () => rawFormula(2)),
    terminal: r() < 0.3 ? rawFormula(2) : null,
    constraint: r() < 0.3 ? rawFormula(2) : null,
    initial: Array.from({ length: int(1, 2) }, () => Array.from({ length: size.maxFields }, () => int(0, 255))),
  };
}

/** A random spec from a seed (reproducible). */
export function randomSpec(seed: number, size: GenSize = SMALL): ModelSpec {
  return normalize(randomRawSpec(seed, size), size === SMALL ? `random#${seed}` : `random#${seed}/large`);
}

/** A random model from a seed (reproducible). */
export function randomModel(seed: number, opts?: BuildOptions, size: GenSize = SMALL): RandomModel {
  return buildModel(randomSpec(seed, size), opts);
}

// ---------------------------------------------------------------------------
// fast-check arbitraries

const arbRawAtom: fc.Arbitrary<RawAtom> = fc.record({
  kind: fc.constantFrom('const' as const, 'field' as const),
  field: fc.nat({ max: 255 }),
  op: fc.nat({ max: 3 }),
  x: fc.nat({ max: 255 }),
});

const arbRawFormula = (maxAtoms: number): fc.Arbitrary<RawFormula> =>
  fc.record({
    or: fc.boolean(),
    atoms: fc.array(arbRawAtom, { maxLength: maxAtoms }),
  });

const arbRawUpdate: fc.Arbitrary<RawUpdate> = fc.record({
  kind: fc.constantFrom('set' as const, 'copy' as const, 'inc' as const),
  field: fc.nat({ max: 255 }),
  x: fc.nat({ max: 255 }),
});

export function arbRawSpecOf(size: GenSize): fc.Arbitrary<RawSpec> {
  return fc.record({
    domains: fc.array(fc.integer({ min: 2, max: size.maxDomain }), {
      minLength: size.minFields,
      maxLength: size.maxFields,
    }),
    actions: fc.array(
      fc.record({
        guard: arbRawFormula(size.maxGuardAtoms),
        updates: fc.array(arbRawUpdate, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: size.minActions, maxLength: size.maxActions },
    ),
    invariants: fc.array(arbRawFormula(2), { minLength: 1, maxLength: 3 }),
    terminal: fc.option(arbRawFormula(2), { freq: 2 }),
    constraint: fc.option(arbRawFormula(2), { freq: 2 }),
    initial: fc.array(fc.array(fc.nat({ max: 255 }), { minLength: size.maxFields, maxLength: size.maxFields }), {
      minLength: 1,
      maxLength: 2,
    }),
  });
}

export const arbRawSpec: fc.Arbitrary<RawSpec> = arbRawSpecOf(SMALL);

export const arbSpec: fc.Arbitrary<ModelSpec> = arbRawSpec.map((raw) => normalize(raw, 'fc-random'));

export function arbModel(opts?: BuildOptions, size: GenSize = SMALL): fc.Arbitrary<RandomModel> {
  const specs = size === SMALL ? arbSpec : arbRawSpecOf(size).map((raw) => normalize(raw, 'fc-random-large'));
  return specs.map((spec) => buildModel(spec, opts));
}
