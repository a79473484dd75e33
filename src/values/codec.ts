// Packing value-semantics states into the engine's vectors and back.
//
// A state is an Immutable.js Record whose fields are declared with finite
// domains (domains.ts). The codec lays every scalar field out as one byte
// and every list element as one byte of its own (`fork[2]`), so the engine,
// its fingerprints and its bit-packed frontier work on a value model exactly
// as on a hand-packed one. Packing writes only the fields whose value is not
// the very object the source state held (Immutable.js shares what did not
// change), so a step costs what it changes.

import { List, Record as ImmutableRecord, type RecordOf } from 'immutable';
import { Layout, type FieldDecl } from '../engine/layout.js';
import type { Domain, ScalarDomain, ValueOf } from './domains.js';

/** A model's state fields: name -> domain. */
export type Fields = { readonly [name: string]: Domain<any> };

/** The plain values of a state: name -> scalar or List. */
export type Values<F extends Fields> = { [K in keyof F]: ValueOf<F[K]> };

/** A state: an Immutable.js Record with one property per declared field. */
export type State<F extends Fields> = RecordOf<Values<F>>;

interface Slot {
  readonly key: string;
  /** Index of the field's (first) byte in the vector. */
  readonly offset: number;
  /** Number of list elements; -1 for a scalar. */
  readonly length: number;
  readonly domain: ScalarDomain<unknown>;
}

export class Codec<F extends Fields> {
  readonly layout: Layout;
  readonly make: ImmutableRecord.Factory<Values<F>>;
  readonly #slots: readonly Slot[];
  readonly #model: string;
  /** Where each field lives in the vector (for compile.ts). */
  get slots(): readonly Slot[] {
    return this.#slots;
  }
  /** The record of default values, which unpack starts from. */
  readonly #blank: State<F>;

  constructor(model: string, fields: F, groups: Partial<Record<keyof F & string, string>> = {}) {
    this.#model = model;
    const decls: FieldDecl[] = [];
    const slots: Slot[] = [];
    const defaults: Record<string, unknown> = {};
    for (const key of Object.keys(fields)) {
      const d = fields[key];
      if (d.kind === 'scalar') {
        slots.push({ key, offset: decls.length, length: -1, domain: d });
        decls.push({ name: key, domain: d.size, values: d.names, group: groups[key as keyof F & string] ?? 'state' });
        defaults[key] = d.valueAt(0);
      } else {
        slots.push({ key, offset: decls.length, length: d.length, domain: d.element });
        for (let i = 0; i < d.length; i++) {
          decls.push({ name: `${key}[${i}]`, domain: d.element.size, values: d.element.names, group: d.group?.(i) ?? groups[key as keyof F & string] ?? key });
        }
        defaults[key] = List(Array.from({ length: d.length }, () => d.element.valueAt(0)));
      }
    }
    this.layout = new Layout(decls);
    this.#slots = slots;
    this.make = ImmutableRecord(defaults as Values<F>, model);
    this.#blank = this.make();
  }

  /**
   * Write state `s` into `dst`. When `prev` is given, `dst` already holds
   * prev's encoding and only the fields that are not prev's own objects are
   * written. Throws, naming the field, for a value outside its domain.
   */
  pack(s: State<F>, dst: Uint8Array, prev: State<F> | null, what: string): void {
    if (!(s instanceof this.make)) throw new Error(`${this.#model}: ${what} did not return a state record (got ${describeValue(s)})`);
    for (const slot of this.#slots) {
      const v = s.get(slot.key as keyof Values<F>) as unknown;
      if (prev !== null && v === (prev.get(slot.key as keyof Values<F>) as unknown)) continue;
      if (slot.length < 0) {
        dst[slot.offset] = this.#index(slot, v, slot.key, what);
        continue;
      }
      if (!List.isList(v) || v.size !== slot.length) {
        throw new Error(`${this.#model}: ${what} set ${slot.key} to ${describeValue(v)}, not a List of ${slot.length}`);
      }
      const list = v as List<unknown>;
      const before = prev === null ? null : (prev.get(slot.key as keyof Values<F>) as List<unknown>);
      for (let i = 0; i < slot.length; i++) {
        const item = list.get(i);
        if (before === null || item !== before.get(i)) dst[slot.offset + i] = this.#index(slot, item, `${slot.key}[${i}]`, what);
      }
    }
  }

  #index(slot: Slot, v: unknown, name: string, what: string): number {
    const i = slot.domain.indexOf(v);
    if (i < 0) throw new Error(`${this.#model}: ${what} set ${name} to ${describeValue(v)}, outside its domain (${slot.domain.describe})`);
    return i;
  }

  /** The state stored in vec (anything with at(i), e.g. a StateView or a vector). */
  unpack(vec: { at(i: number): number | undefined }): State<F> {
    return this.#blank.withMutations((r) => {
      for (const slot of this.#slots) {
        if (slot.length < 0) {
          r.set(slot.key as keyof Values<F>, slot.domain.valueAt(vec.at(slot.offset) as number) as never);
        } else {
          const list = List<unknown>().asMutable();
          for (let i = 0; i < slot.length; i++) list.push(slot.domain.valueAt(vec.at(slot.offset + i) as number));
          r.set(slot.key as keyof Values<F>, list.asImmutable() as never);
        }
      }
    });
  }

  /**
   * The state stored in vec, built from `near` (stored as nearBytes) by
   * setting only the fields and list elements whose bytes differ.
   */
  unpackNear(vec: { at(i: number): number | undefined }, near: State<F>, nearBytes: Uint8Array): State<F> {
    let out = near;
    for (const slot of this.#slots) {
      const key = slot.key as keyof Values<F>;
      if (slot.length < 0) {
        const b = vec.at(slot.offset) as number;
        if (b !== nearBytes[slot.offset]) out = out.set(key, slot.domain.valueAt(b) as never);
        continue;
      }
      let list: List<unknown> | null = null;
      for (let i = 0; i < slot.length; i++) {
        const b = vec.at(slot.offset + i) as number;
        if (b === nearBytes[slot.offset + i]) continue;
        if (list === null) list = (near.get(key) as List<unknown>).asMutable();
        list.set(i, slot.domain.valueAt(b));
      }
      if (list !== null) out = out.set(key, list.asImmutable() as never);
    }
    return out;
  }

  /** A state from plain values; list fields may be given as arrays. */
  fromValues(values: { [K in keyof F]: ValueOf<F[K]> | unknown[] }): State<F> {
    const out: Record<string, unknown> = {};
    for (const slot of this.#slots) {
      if (!(slot.key in values)) throw new Error(`${this.#model}: initial state has no value for ${slot.key}`);
      const v = (values as Record<string, unknown>)[slot.key];
      out[slot.key] = slot.length >= 0 && Array.isArray(v) ? List(v) : v;
    }
    return this.make(out as Values<F>);
  }
}

function describeValue(v: unknown): string {
  if (List.isList(v)) return `a List of ${(v as List<unknown>).size}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * The last state seen, by the bytes it is stored as. The engine tries every
 * action on one source state in a row and checks every property on a state
 * it has just produced, so remembering one state saves most unpacking; and a
 * state it has not seen is built from the remembered one by changing only
 * the fields whose bytes differ (states met one after another in a
 * breadth-first search differ in a few bytes).
 */
export class StateCache<F extends Fields> {
  readonly #bytes: Uint8Array;
  readonly #codec: Codec<F>;
  #state: State<F> | null = null;

  constructor(codec: Codec<F>) {
    this.#codec = codec;
    this.#bytes = new Uint8Array(codec.layout.width);
  }

  /** The state stored in vec: the remembered one if vec holds its bytes, else unpacked (and remembered). */
  get(vec: { at(i: number): number | undefined } | Uint8Array): State<F> {
    const bytes = this.#bytes;
    const prev = this.#state;
    if (prev !== null) {
      let same = true;
      if (vec instanceof Uint8Array) {
        for (let i = 0; i < bytes.length; i++) if (bytes[i] !== vec[i]) { same = false; break; }
      } else {
        for (let i = 0; i < bytes.length; i++) if (bytes[i] !== vec.at(i)) { same = false; break; }
      }
      if (same) return prev;
    }
    const state = prev === null ? this.#codec.unpack(vec) : this.#codec.unpackNear(vec, prev, bytes);
    this.remember(vec, state);
    return state;
  }

  remember(vec: { at(i: number): number | undefined } | Uint8Array, state: State<F>): void {
    const bytes = this.#bytes;
    if (vec instanceof Uint8Array) for (let i = 0; i < bytes.length; i++) bytes[i] = vec[i];
    else for (let i = 0; i < bytes.length; i++) bytes[i] = vec.at(i) as number;
    this.#state = state;
  }
}
