// A value-semantics model, compiled to the engine's packed Model.
//
// The author writes states as Immutable.js records, actions as functions
// from a record (and finite parameters) to the next record, and properties
// as predicates on records; `valueModel` numbers the actions, lays the
// fields out and packs every state, so the engine searches it exactly like a
// hand-packed model. Most calls are answered from decision trees over the
// bytes the code reads (compile.ts) without building a record; the rest run
// on records. The engine never imports this module.

import type { ActionLabel, Fairness, Invariant, LivenessProperty, Model } from '../engine/model.js';
import type { StateView } from '../engine/state-view.js';
import { Codec, StateCache, type Fields, type State, type Values } from './codec.js';
import { Compiler, LEAF_FALSE, LEAF_RUN, LEAF_TRUE, MISS, type CompiledCalls } from './compile.js';
import type { ScalarDomain, ValueOf } from './domains.js';

/** Finite action parameters: name -> scalar domain. */
export type ParamDomains = { readonly [name: string]: ScalarDomain<any> };
export type Params<P extends ParamDomains> = { readonly [K in keyof P]: ValueOf<P[K]> };

/** A family of actions, one per combination of parameter values. */
export interface ActionDecl<S, P extends ParamDomains = ParamDomains> {
  /** Action parameters over finite domains, e.g. `{ i: intRange(0, n - 1) }`. */
  readonly params?: P;
  /** Who takes the action (a thread, a philosopher): the trace's actor and the fairness group. */
  actor(p: Params<P>): string;
  /** The successor of `s`, or null when the action is not enabled in `s`. */
  next(s: S, p: Params<P>): S | null;
  /** Optional text for the trace: what this step does in `s`. */
  describe?(s: S, p: Params<P>): string;
}

/** Declares one action family, inferring its parameter types. */
export function action<S, P extends ParamDomains = {}>(decl: ActionDecl<S, P>): ActionDecl<S, P> {
  return decl;
}

export interface ValueInvariant<S> {
  readonly name: string;
  readonly description: string;
  holds(s: S): boolean;
}

/** "Every started obligation eventually ends", e.g. every hungry philosopher eats. */
export interface ValueLiveness<S> {
  readonly name: string;
  readonly description: string;
  /** Who owes each obligation (at most 32), e.g. one per thread. */
  readonly obligations: readonly string[];
  pending(s: S, k: number): boolean;
}

export interface ValueModelSpec<F extends Fields> {
  readonly name: string;
  /** The state's fields and their finite domains. */
  readonly fields: F;
  /** Trace grouping of scalar fields (list fields may group per element instead). */
  readonly groups?: Partial<Record<keyof F & string, string>>;
  /** The initial state(s); list fields may be given as arrays. */
  init(): { [K in keyof F]: ValueOf<F[K]> | unknown[] } | readonly { [K in keyof F]: ValueOf<F[K]> | unknown[] }[];
  /** Action families by name, in the order the engine numbers them. */
  readonly actions: { readonly [name: string]: ActionDecl<State<F>, any> };
  readonly invariants?: readonly ValueInvariant<State<F>>[];
  readonly liveness?: readonly ValueLiveness<State<F>>[];
  /** Assume weak fairness of every actor (for liveness). */
  readonly fairActors?: boolean;
  /** For lock order and traces: resources each actor holds. */
  held?(s: State<F>): Readonly<Record<string, readonly string[]>>;
  /** States where having no enabled action is not a deadlock. */
  isTerminal?(s: State<F>): boolean;
  /** States failing this are neither stored nor checked. */
  constraint?(s: State<F>): boolean;
}

interface FlatAction<S> {
  readonly name: string;
  readonly decl: ActionDecl<S, any>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly label: ActionLabel;
  readonly what: string;
}

/** Every combination of parameter values, the first parameter varying slowest. */
function combinations(params: ParamDomains): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, dom] of Object.entries(params)) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (let i = 0; i < dom.size; i++) next.push({ ...partial, [key]: dom.valueAt(i) });
    out = next;
  }
  return out.map((p) => Object.freeze(p));
}

function labelParams(params: Record<string, unknown>, domains: ParamDomains): Record<string, string | number> | undefined {
  const keys = Object.keys(params);
  if (keys.length === 0) return undefined;
  const out: Record<string, string | number> = {};
  for (const k of keys) {
    const v = params[k];
    out[k] = typeof v === 'number' || typeof v === 'string' ? v : domains[k].names[domains[k].indexOf(v)];
  }
  return out;
}

export interface ValueModelOptions {
  /**
   * Answer the engine from decision trees over the packed bytes the code
   * reads (compile.ts) instead of building records for every call; default
   * true. false runs every call on real records (the reference the tests
   * compare the compiled answers with).
   */
  readonly compile?: boolean;
}

/** The engine model of a value-semantics specification. */
export function valueModel<F extends Fields>(spec: ValueModelSpec<F>, options: ValueModelOptions = {}): Model {
  const codec = new Codec(spec.name, spec.fields, spec.groups ?? {});
  const layout = codec.layout;
  type S = State<F>;

  const flat: FlatAction<S>[] = [];
  for (const [name, decl] of Object.entries(spec.actions)) {
    const domains: ParamDomains = decl.params ?? {};
    for (const params of combinations(domains)) {
      const lp = labelParams(params, domains);
      const label: ActionLabel = { thread: decl.actor(params), action: name, ...(lp ? { params: lp } : {}) };
      const what = `action ${name}${lp ? `(${Object.entries(lp).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`;
      flat.push({ name, decl, params, label, what });
    }
  }
  if (flat.length === 0) throw new Error(`${spec.name}: a model needs at least one action`);
  if (flat.length > 65536) throw new Error(`${spec.name}: ${flat.length} actions (at most 65536)`);

  const initial = spec.init();
  const initialValues = (Array.isArray(initial) ? initial : [initial]) as { [K in keyof F]: ValueOf<F[K]> | unknown[] }[];
  const initialStates = initialValues.map((v) => {
    const s = codec.fromValues(v);
    const vec = layout.newVector();
    codec.pack(s, vec, null, 'init');
    return vec;
  });

  // Source states of step (tried by every action in a row) and states read
  // through views (properties, traces); a produced state is remembered for
  // the views, which the engine checks right after producing it.
  const sources = new StateCache<F>(codec);
  const viewed = new StateCache<F>(codec);
  const fromSource = (src: Uint8Array): S => sources.get(src);
  const fromView = (v: StateView): S => viewed.get(v);

  const compiler = options.compile === false ? null : new Compiler(layout.width, codec.slots, codec.make.prototype, layout.fields.map((f) => f.domain));
  /** A predicate on records as one on views, through a decision tree with one root per k when compiling. */
  const predicate = (roots: number, holds: (s: S, k: number) => boolean): ((v: StateView, k: number) => boolean) => {
    if (compiler === null) return (v, k) => holds(fromView(v), k);
    const calls = compiler.calls(roots);
    return (v, k) => {
      if (calls.active) {
        let leaf = calls.tree.lookupView(k, v);
        calls.count(leaf === MISS);
        if (leaf === MISS) leaf = compiler.learnPredicate(calls, k, v, (s) => holds(s, k));
        if (leaf === LEAF_TRUE) return true;
        if (leaf === LEAF_FALSE) return false;
      }
      return holds(fromView(v), k);
    };
  };

  const invariants: Invariant[] = (spec.invariants ?? []).map((inv) => {
    const holds = predicate(1, (s) => inv.holds(s));
    return { name: inv.name, description: inv.description, holds: (v: StateView) => holds(v, 0) };
  });
  const liveness: LivenessProperty[] = (spec.liveness ?? []).map((p) => ({
    name: p.name,
    description: p.description,
    obligations: p.obligations.length,
    obligationName: (k: number) => p.obligations[k],
    pending: predicate(p.obligations.length, (s, k) => p.pending(s, k)),
  }));
  let fairness: Fairness | undefined;
  if (spec.fairActors) {
    const groups: string[] = [];
    const groupOfAction = flat.map((f) => {
      let g = groups.indexOf(f.label.thread);
      if (g < 0) g = groups.push(f.label.thread) - 1;
      return g;
    });
    if (groups.length > 32) throw new Error(`${spec.name}: ${groups.length} actors (fairness takes at most 32)`);
    fairness = { groups, groupOf: (a) => groupOfAction[a] };
  }

  const stepCalls: CompiledCalls | null = compiler === null ? null : compiler.calls(flat.length);
  const isTerminal = spec.isTerminal ? predicate(1, (s) => spec.isTerminal!(s)) : null;
  const constraint = spec.constraint ? predicate(1, (s) => spec.constraint!(s)) : null;

  const model: Model = {
    name: spec.name,
    layout,
    actionCount: flat.length,
    initialStates: () => initialStates.map((v) => v.slice()),
    step(a: number, src: Uint8Array, dst: Uint8Array): boolean {
      const f = flat[a];
      if (stepCalls !== null && stepCalls.active) {
        let leaf = stepCalls.tree.lookup(a, src);
        stepCalls.count(leaf === MISS);
        if (leaf === MISS) leaf = compiler!.learnStep(stepCalls, a, src, (s) => f.decl.next(s, f.params));
        if (leaf === LEAF_FALSE) return false;
        if (leaf === LEAF_TRUE) return true;
        if (leaf !== LEAF_RUN) {
          stepCalls.tree.applyWrites(leaf, dst);
          return true;
        }
      }
      const s = fromSource(src);
      const t = f.decl.next(s, f.params);
      if (t === null || t === undefined) return false;
      if (t !== s) codec.pack(t, dst, s, f.what);
      viewed.remember(dst, t);
      return true;
    },
    label(a: number, src: Uint8Array): ActionLabel {
      const f = flat[a];
      if (!f.decl.describe) return f.label;
      return { ...f.label, step: f.decl.describe(codec.unpack(src), f.params) };
    },
    invariants,
    ...(liveness.length > 0 ? { liveness } : {}),
    ...(fairness ? { fairness } : {}),
    ...(spec.held ? { held: (v: StateView) => spec.held!(fromView(v)) } : {}),
    ...(isTerminal ? { isTerminal: (v: StateView) => isTerminal(v, 0) } : {}),
    ...(constraint ? { constraint: (v: StateView) => constraint(v, 0) } : {}),
  };
  return model;
}

export type { Fields, State, Values };
