// Read-only views of packed states.
//
// Invariants, constraints and trace printers read states through StateView,
// which exposes getters only, so model code can never mutate a stored state.
// The engine re-points one view at each state it checks (no allocation in the
// hot path). toRecord gives the value-semantics form (an Immutable.js
// OrderedMap) used in traces and exports.

import { OrderedMap } from 'immutable';
import type { Layout } from './layout.js';

export class StateView {
  #buf: Uint8Array;
  #off = 0;
  readonly layout: Layout;

  constructor(layout: Layout, vec?: Uint8Array) {
    this.layout = layout;
    this.#buf = vec ?? layout.newVector();
  }

  /** Engine use: look at the state stored at buf[off .. off+stride). */
  static point(view: StateView, buf: Uint8Array, off = 0): StateView {
    view.#buf = buf;
    view.#off = off;
    return view;
  }

  /** Value of field index i. */
  at(i: number): number {
    return this.#buf[this.#off + i];
  }

  /** Value of the named field (slower: a map lookup). */
  get(name: string): number {
    return this.#buf[this.#off + this.layout.index(name)];
  }

  /** A detached copy of the vector (for traces, never for the hot path). */
  copy(): Uint8Array {
    return this.#buf.slice(this.#off, this.#off + this.layout.stride);
  }
}

/** The immutable, named form of a state: field name -> value. */
export type StateRecord = OrderedMap<string, number>;

export function toRecord(layout: Layout, vec: Uint8Array): StateRecord {
  return OrderedMap<string, number>().withMutations((m) => {
    layout.fields.forEach((f, i) => {
      m.set(f.name, vec[i]);
    });
  });
}

/** Inverse of toRecord: a packed vector from a name -> value mapping. */
export function fromRecord(layout: Layout, rec: { get(name: string): number | undefined }): Uint8Array {
  const vec = layout.newVector();
  layout.fields.forEach((f, i) => {
    const v = rec.get(f.name);
    if (v === undefined) throw new Error(`missing field ${f.name}`);
    vec[i] = v;
  });
  return vec;
}
