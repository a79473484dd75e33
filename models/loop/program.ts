// The program table: kernel functions as numbered steps.
//
// Exists so the driver and each strategy can describe functions as short
// lists of atomic steps with symbolic jump targets, while the interpreter
// sees one flat array of step closures indexed by pc. pc 0 is reserved for
// "no frame" so a zeroed frame is an empty one. Jump targets (Ref) and call
// targets (Fn.entry) are resolved once at link time; the hot path only reads
// numbers.

import type { Machine } from './machine.js';

/** Execute the step in frame `fr` of thread `t` on `d` (a copy of the source state). Return false, with `d` untouched, if blocked. */
export type StepRun = (m: Machine, d: Uint8Array, t: number, fr: number) => boolean;
/** Describe the step in kernel terms as it would execute from state `s` (labels only; may allocate). */
export type StepText = (m: Machine, s: Uint8Array, t: number, fr: number) => string;
/**
 * What the system call returns if this step, run from state `s`, decides it
 * ('ok', '-ENXIO', 'ok:pattern', …), or null when it decides nothing. Off the
 * hot path: `loopcheck conform` reads it to compare calls with real kernels,
 * taking a call's outcome from the last step of the call that decides one.
 */
export type StepOutcome = (m: Machine, s: Uint8Array, t: number, fr: number) => string | null;

export interface StepSpec {
  /** Kernel function shown as the label's action (default: the function's name). */
  readonly action?: string;
  readonly text: StepText | string;
  readonly run: StepRun;
  /** The call's result when this step decides it (a constant, or a function of the state before the step). */
  readonly outcome?: StepOutcome | string;
  /**
   * The kernel runs this step and the thread's next step back to back (no
   * point between them where it can sleep or block): a stall window. A
   * function of the state before the step when that depends on the path taken.
   */
  readonly backToBack?: boolean | StepTest;
  /**
   * The step takes or drops a lock (writes a lock byte every thread reads):
   * it is never independent of the other threads, so partial-order
   * reduction need not observe it (partial-order.ts).
   */
  readonly locks?: boolean;
}

/** A yes/no question about the step as it would run from state `s`. */
export type StepTest = (m: Machine, s: Uint8Array, t: number, fr: number) => boolean;

/** A jump target inside a function, resolved at link time. */
export class Ref {
  pc = -1;
  constructor(
    readonly fn: Fn,
    readonly key: string,
  ) {}
}

export class Fn {
  /** pc of the first step, set at link time. */
  entry = -1;
  readonly keys: string[] = [];
  readonly specs: StepSpec[] = [];
  private readonly refs: Ref[] = [];

  constructor(readonly name: string) {}

  /** Append a step; steps run in declaration order unless a step jumps. */
  step(key: string, spec: StepSpec): this {
    if (this.keys.includes(key)) throw new Error(`${this.name}: duplicate step ${key}`);
    this.keys.push(key);
    this.specs.push(spec);
    return this;
  }

  /** A reference to step `key` (may be declared later). */
  at(key: string): Ref {
    const r = new Ref(this, key);
    this.refs.push(r);
    return r;
  }

  /** Link-time: resolve every Ref handed out. */
  resolve(): void {
    for (const r of this.refs) {
      const i = this.keys.indexOf(r.key);
      if (i < 0) throw new Error(`${this.name}: jump to unknown step ${r.key}`);
      r.pc = this.entry + i;
    }
  }
}

export interface Linked {
  readonly run: readonly StepRun[];
  readonly text: readonly StepText[];
  readonly action: readonly string[];
  /** Per pc: what the step makes the system call return, or null (see StepOutcome). */
  readonly outcome: readonly (StepOutcome | null)[];
  readonly fnOf: readonly Fn[];
  /** Per pc: whether the step opens a stall window (StepSpec.backToBack), or null for never. */
  readonly backToBack: readonly (StepTest | null)[];
  /** Per pc: StepSpec.locks. */
  readonly locks: readonly boolean[];
  /** Printable pc names, index = pc (0 = `-`). */
  readonly names: readonly string[];
}

export class Program {
  private readonly fns: Fn[] = [];

  fn(name: string): Fn {
    if (this.fns.some((f) => f.name === name)) throw new Error(`function ${name} defined twice`);
    const f = new Fn(name);
    this.fns.push(f);
    return f;
  }

  link(): Linked {
    const run: StepRun[] = [() => false];
    const text: StepText[] = [() => '-'];
    const action: string[] = ['-'];
    const outcome: (StepOutcome | null)[] = [null];
    const fnOf: Fn[] = [new Fn('-')];
    const names: string[] = ['-'];
    const backToBack: (StepTest | null)[] = [null];
    const locks: boolean[] = [false];
    for (const f of this.fns) {
      if (f.specs.length === 0) throw new Error(`function ${f.name} has no steps`);
      f.entry = run.length;
      f.specs.forEach((s, i) => {
        run.push(s.run);
        const tx = s.text;
        text.push(typeof tx === 'string' ? () => tx : tx);
        action.push(s.action ?? f.name);
        const oc = s.outcome;
        outcome.push(oc === undefined ? null : typeof oc === 'string' ? () => oc : oc);
        fnOf.push(f);
        const b = s.backToBack;
        backToBack.push(b === undefined || b === false ? null : b === true ? () => true : b);
        locks.push(s.locks === true);
        names.push(`${f.name}:${f.keys[i]}`);
      });
    }
    if (run.length > 256) throw new Error(`program has ${run.length} steps; pc must fit a byte`);
    for (const f of this.fns) f.resolve();
    return { run, text, action, outcome, fnOf, backToBack, locks, names };
  }
}
