// Answering the engine from decision trees instead of records.
//
// The engine calls a value model's step for every action of every state and
// its predicates for every new state; building Immutable.js records for each
// call made the value API several times slower than a hand-packed model.
// Here each action's `next` and each predicate is run once per distinct path
// of bytes it reads, on a tracked record (tracking.ts), and the outcome is
// cached in a decision tree (decision-tree.ts): later calls walk the tree
// over the packed vector and write the cached bytes. Code the tracker cannot
// follow is cached as "run it": it runs on real records, as before.

import { List } from 'immutable';
import { DecisionTree, LEAF_FALSE, LEAF_RUN, LEAF_TRUE, MISS } from './decision-tree.js';
import { Tracker, TrackingEscape, listWrites, recordWrites, trackedListProto, trackedRecordProto, type TrackedSlot } from './tracking.js';

/** Once this many misses are more than a quarter of the lookups, the tree is not worth walking. */
const MISS_FLOOR = 50_000;

/** What the engine gets for one call: a cached leaf, or LEAF_RUN (run the real code). */
export class CompiledCalls {
  readonly tree: DecisionTree;
  #lookups = 0;
  #misses = 0;
  #off = false;

  constructor(roots: number, domains: ArrayLike<number>) {
    this.tree = new DecisionTree(roots, domains);
  }

  /** False once the tree stopped paying (mostly misses) or was contradicted. */
  get active(): boolean {
    return !this.#off && !this.tree.broken;
  }

  count(miss: boolean): void {
    this.#lookups++;
    if (!miss) return;
    this.#misses++;
    if (this.#misses > MISS_FLOOR && this.#misses * 4 > this.#lookups) this.#off = true;
  }
}

/** One model's tracker and the conversion of tracked results to leaves. */
export class Compiler {
  readonly #tracker: Tracker;
  readonly #domains: Int32Array;

  constructor(width: number, slots: readonly TrackedSlot[], recordTypeProto: object, domains: ArrayLike<number>) {
    this.#tracker = new Tracker(width, slots, trackedRecordProto(recordTypeProto), trackedListProto());
    this.#domains = Int32Array.from(domains);
  }

  calls(roots: number): CompiledCalls {
    return new CompiledCalls(roots, this.#domains);
  }

  /** Run `next` tracked on `src`, cache its outcome under `root`, return the leaf. */
  learnStep(calls: CompiledCalls, root: number, src: Uint8Array, next: (s: any) => unknown): number {
    const t = this.#tracker;
    const rec = t.begin(src);
    let out: unknown;
    try {
      out = next(rec);
    } catch (e) {
      return this.#failed(calls, root, e);
    }
    if (t.escaped) return this.#cache(calls, root, LEAF_RUN);
    if (out === null || out === undefined) return this.#cache(calls, root, LEAF_FALSE);
    const writes = recordWrites(t, out);
    if (writes === null) return this.#cache(calls, root, LEAF_RUN);
    const pairs: number[] = [];
    for (const [key, v] of writes) {
      const slot = t.slot(key)!;
      if (slot.length < 0) {
        if (!this.#write(pairs, slot, 0, v)) return LEAF_RUN;
        continue;
      }
      const lw = listWrites(t, v);
      if (lw !== null) {
        if (lw.slot !== slot) return this.#cache(calls, root, LEAF_RUN);
        for (const [i, x] of lw.writes) if (!this.#write(pairs, slot, i, x)) return LEAF_RUN;
      } else if (List.isList(v) && (v as List<unknown>).size === slot.length) {
        for (let i = 0; i < slot.length; i++) if (!this.#write(pairs, slot, i, (v as List<unknown>).get(i))) return LEAF_RUN;
      } else {
        return LEAF_RUN; // not a list of the field's length: the real run reports it
      }
    }
    return this.#cache(calls, root, calls.tree.writesLeaf(pairs));
  }

  /** Run predicate `holds` tracked on `view`, cache its truth under `root`, return the leaf. */
  learnPredicate(calls: CompiledCalls, root: number, view: { at(i: number): number }, holds: (s: any) => unknown): number {
    const t = this.#tracker;
    const rec = t.begin(view);
    let out: unknown;
    try {
      out = holds(rec);
    } catch (e) {
      return this.#failed(calls, root, e);
    }
    if (t.escaped) return this.#cache(calls, root, LEAF_RUN);
    return this.#cache(calls, root, out ? LEAF_TRUE : LEAF_FALSE);
  }

  /** A throw: the tracker's own escape is cached as "run it"; the author's error is left for the real run to raise. */
  #failed(calls: CompiledCalls, root: number, e: unknown): number {
    if (this.#tracker.escaped || e instanceof TrackingEscape) return this.#cache(calls, root, LEAF_RUN);
    return LEAF_RUN;
  }

  #cache(calls: CompiledCalls, root: number, leaf: number): number {
    calls.tree.insert(root, this.#tracker.reads, leaf);
    return leaf;
  }

  /** Append (offset, byte) for element i of slot's field holding v; false if v is outside the domain. */
  #write(pairs: number[], slot: TrackedSlot, i: number, v: unknown): boolean {
    const b = slot.domain.indexOf(v);
    if (b < 0) return false;
    pairs.push(slot.offset + i, b);
    return true;
  }
}

export { LEAF_FALSE, LEAF_RUN, LEAF_TRUE, MISS };
