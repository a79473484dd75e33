// Stand-ins for a state record that record which packed bytes the author's
// code reads, in order, and what it writes.
//
// compile.ts runs an action's `next` (or a predicate) once on a tracked
// record instead of a real one. Every read of a field or list element goes
// through `get` (or an iteration built on it) and is logged as (byte offset,
// byte value); `set`/`update` build a write log instead of a new record.
// Because the author's functions are pure, the result is then a function of
// the logged reads alone, so it can be cached in a decision tree over those
// bytes. Any other method of Record or List (equals, toJS, merge, slice,
// withMutations, ...) could read state behind the log's back: it throws
// TrackingEscape and the caller falls back to running the code on real
// records for every state that reaches that point.

import { List } from 'immutable';
import type { ScalarDomain } from './domains.js';

/** Thrown (and flagged) when tracked code calls a method the tracker cannot follow. */
export class TrackingEscape extends Error {
  constructor(what: string) {
    super(`value model code called ${what} on a tracked state`);
  }
}

/** Where a field lives in the packed vector. */
export interface TrackedSlot {
  readonly key: string;
  readonly offset: number;
  /** Number of list elements; -1 for a scalar. */
  readonly length: number;
  readonly domain: ScalarDomain<unknown>;
}

const T = Symbol('tracker');
const WRITES = Symbol('writes');
const SLOT = Symbol('slot');

/** One tracking run's log: the bytes read, in order, from the source vector. */
export class Tracker {
  /** Flat pairs: offset, byte value, offset, byte value, ... */
  readonly reads: number[] = [];
  escaped = false;
  #bytes: Uint8Array | { at(i: number): number | undefined } = new Uint8Array(0);
  #isArray = true;
  readonly #seen: Int16Array;
  readonly #bySlotKey: Map<string, TrackedSlot>;
  readonly #lists = new Map<string, object>();
  readonly #recordProto: object;
  readonly #listProto: object;

  constructor(width: number, slots: readonly TrackedSlot[], recordProto: object, listProto: object) {
    this.#seen = new Int16Array(width).fill(-1);
    this.#bySlotKey = new Map(slots.map((s) => [s.key, s]));
    this.#recordProto = recordProto;
    this.#listProto = listProto;
  }

  /** Start a run over `bytes`: a fresh log and a fresh tracked record. */
  begin(bytes: Uint8Array | { at(i: number): number | undefined }): object {
    for (let i = 0; i < this.reads.length; i += 2) this.#seen[this.reads[i]] = -1;
    this.reads.length = 0;
    this.escaped = false;
    this.#lists.clear();
    this.#bytes = bytes;
    this.#isArray = bytes instanceof Uint8Array;
    return this.record(null);
  }

  slot(key: unknown): TrackedSlot | undefined {
    return typeof key === 'string' ? this.#bySlotKey.get(key) : undefined;
  }

  /** The byte at offset, logged on first read. */
  read(offset: number): number {
    const seen = this.#seen[offset];
    if (seen >= 0) return seen;
    const b = this.#isArray ? (this.#bytes as Uint8Array)[offset] : ((this.#bytes as { at(i: number): number }).at(offset) as number);
    this.#seen[offset] = b;
    this.reads.push(offset, b);
    return b;
  }

  escape(what: string): never {
    this.escaped = true;
    throw new TrackingEscape(what);
  }

  record(writes: Map<string, unknown> | null): object {
    const r = Object.create(this.#recordProto);
    r[T] = this;
    r[WRITES] = writes;
    return r;
  }

  /** The field's list as the source holds it (one object per run, so identity means "unchanged"). */
  baseList(slot: TrackedSlot): object {
    let l = this.#lists.get(slot.key);
    if (!l) {
      l = this.list(slot, null);
      this.#lists.set(slot.key, l);
    }
    return l;
  }

  list(slot: TrackedSlot, writes: Map<number, unknown> | null): object {
    const l = Object.create(this.#listProto);
    l[T] = this;
    l[SLOT] = slot;
    l[WRITES] = writes;
    Object.defineProperty(l, 'size', { value: slot.length, enumerable: false });
    return l;
  }
}

/** A tracked record's write log (field -> value), or null if `v` is not a record of this run. */
export function recordWrites(tracker: Tracker, v: unknown): Map<string, unknown> | null {
  if (v === null || typeof v !== 'object' || (v as Record<symbol, unknown>)[T] !== tracker || (v as Record<symbol, unknown>)[SLOT] !== undefined) return null;
  return ((v as Record<symbol, unknown>)[WRITES] as Map<string, unknown> | null) ?? new Map();
}

/** A tracked list of this run: its field and write log (index -> value), or null. */
export function listWrites(tracker: Tracker, v: unknown): { slot: TrackedSlot; writes: Map<number, unknown> } | null {
  if (v === null || typeof v !== 'object' || (v as Record<symbol, unknown>)[T] !== tracker) return null;
  const slot = (v as Record<symbol, unknown>)[SLOT] as TrackedSlot | undefined;
  if (!slot) return null;
  return { slot, writes: ((v as Record<symbol, unknown>)[WRITES] as Map<number, unknown> | null) ?? new Map() };
}

type Self = Record<symbol, any> & { size: number };

/** Every function-valued property along o's prototype chain (names and symbols). */
function methodNames(o: object): (string | symbol)[] {
  const out = new Set<string | symbol>();
  for (let p: object | null = o; p !== null; p = Object.getPrototypeOf(p)) {
    for (const k of Reflect.ownKeys(p)) {
      if (k === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(p, k)!;
      if (typeof d.value === 'function') out.add(k);
    }
  }
  return [...out];
}

/** A prototype over `real` whose every method escapes, except those in `own`. */
function escapingProto(real: object, own: Record<string | symbol, unknown>): object {
  const proto = Object.create(real);
  for (const k of methodNames(real)) {
    if (k in own) continue;
    const name = String(k);
    Object.defineProperty(proto, k, {
      value: function (this: Self) {
        (this[T] as Tracker).escape(name);
      },
      writable: true,
      configurable: true,
    });
  }
  for (const k of Reflect.ownKeys(own)) Object.defineProperty(proto, k, { value: own[k as string], writable: true, configurable: true });
  return proto;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

/** Prototype of tracked records: the record type's accessors (s.pc) call this get. */
export function trackedRecordProto(recordTypeProto: object): object {
  return escapingProto(recordTypeProto, {
    get(this: Self, key: unknown, notSet?: unknown) {
      const t = this[T] as Tracker;
      const slot = t.slot(key);
      if (!slot) return notSet;
      const writes = this[WRITES] as Map<string, unknown> | null;
      if (writes !== null && writes.has(slot.key)) return writes.get(slot.key);
      if (slot.length >= 0) return t.baseList(slot);
      return slot.domain.valueAt(t.read(slot.offset));
    },
    has(this: Self, key: unknown) {
      return (this[T] as Tracker).slot(key) !== undefined;
    },
    set(this: Self, key: unknown, value: unknown) {
      const t = this[T] as Tracker;
      const slot = t.slot(key);
      if (!slot || value === undefined) t.escape('set');
      const writes = new Map(this[WRITES] as Map<string, unknown> | null);
      writes.set(slot!.key, value);
      return t.record(writes);
    },
    update(this: Self, key: unknown, fn: unknown, ...rest: unknown[]) {
      if (typeof fn !== 'function' || rest.length > 0) (this[T] as Tracker).escape('update');
      return (this as any).set(key, (fn as (v: unknown) => unknown)((this as any).get(key)));
    },
  });
}

/** Prototype of tracked lists: reads through get, iterations built on it, set/update logged. */
export function trackedListProto(): object {
  function index(self: Self, i: unknown): number {
    const size = (self[SLOT] as TrackedSlot).length;
    if (typeof i !== 'number' || !Number.isInteger(i)) (self[T] as Tracker).escape('get with a non-integer index');
    const k = i as number;
    return k < 0 ? k + size : k;
  }
  function at(self: Self, i: number): unknown {
    const writes = self[WRITES] as Map<number, unknown> | null;
    if (writes !== null && writes.has(i)) return writes.get(i);
    const slot = self[SLOT] as TrackedSlot;
    return slot.domain.valueAt((self[T] as Tracker).read(slot.offset + i));
  }
  type Fn = (v: unknown, i: number, l: unknown) => unknown;
  return escapingProto(List(), {
    get(this: Self, i: unknown, notSet?: unknown) {
      const k = index(this, i);
      return k >= 0 && k < this.size ? at(this, k) : notSet;
    },
    has(this: Self, i: unknown) {
      const k = index(this, i);
      return k >= 0 && k < this.size;
    },
    set(this: Self, i: unknown, value: unknown) {
      const k = index(this, i);
      if (k < 0 || k >= this.size || value === undefined) (this[T] as Tracker).escape('set outside the list');
      const writes = new Map(this[WRITES] as Map<number, unknown> | null);
      writes.set(k, value);
      return (this[T] as Tracker).list(this[SLOT], writes);
    },
    update(this: Self, i: unknown, fn: unknown, ...rest: unknown[]) {
      if (typeof fn !== 'function' || rest.length > 0) (this[T] as Tracker).escape('update');
      return (this as any).set(i, (fn as (v: unknown) => unknown)((this as any).get(i)));
    },
    first(this: Self, notSet?: unknown) {
      return this.size > 0 ? at(this, 0) : notSet;
    },
    last(this: Self, notSet?: unknown) {
      return this.size > 0 ? at(this, this.size - 1) : notSet;
    },
    every(this: Self, fn: Fn, ctx?: unknown) {
      for (let i = 0; i < this.size; i++) if (!fn.call(ctx, at(this, i), i, this)) return false;
      return true;
    },
    some(this: Self, fn: Fn, ctx?: unknown) {
      for (let i = 0; i < this.size; i++) if (fn.call(ctx, at(this, i), i, this)) return true;
      return false;
    },
    forEach(this: Self, fn: Fn, ctx?: unknown) {
      // Immutable's forEach stops when the callback returns false and counts that call.
      for (let i = 0; i < this.size; i++) if (fn.call(ctx, at(this, i), i, this) === false) return i + 1;
      return this.size;
    },
    includes(this: Self, v: unknown) {
      for (let i = 0; i < this.size; i++) if (sameValue(at(this, i), v)) return true;
      return false;
    },
    indexOf(this: Self, v: unknown) {
      for (let i = 0; i < this.size; i++) if (sameValue(at(this, i), v)) return i;
      return -1;
    },
    find(this: Self, fn: Fn, ctx?: unknown, notSet?: unknown) {
      for (let i = 0; i < this.size; i++) {
        const v = at(this, i);
        if (fn.call(ctx, v, i, this)) return v;
      }
      return notSet;
    },
    findIndex(this: Self, fn: Fn, ctx?: unknown) {
      for (let i = 0; i < this.size; i++) if (fn.call(ctx, at(this, i), i, this)) return i;
      return -1;
    },
    count(this: Self, fn?: Fn, ctx?: unknown) {
      if (fn === undefined) return this.size;
      let n = 0;
      for (let i = 0; i < this.size; i++) if (fn.call(ctx, at(this, i), i, this)) n++;
      return n;
    },
    reduce(this: Self, fn: (acc: unknown, v: unknown, i: number, l: unknown) => unknown, ...init: unknown[]) {
      let i = 0;
      let acc: unknown;
      if (init.length > 0) acc = init[0];
      else if (this.size > 0) acc = at(this, i++);
      else (this[T] as Tracker).escape('reduce of an empty list');
      for (; i < this.size; i++) acc = fn(acc, at(this, i), i, this);
      return acc;
    },
    toArray(this: Self) {
      return Array.from({ length: this.size }, (_, i) => at(this, i));
    },
    map(this: Self, fn: Fn, ctx?: unknown) {
      return List(Array.from({ length: this.size }, (_, i) => fn.call(ctx, at(this, i), i, this)));
    },
    filter(this: Self, fn: Fn, ctx?: unknown) {
      const out: unknown[] = [];
      for (let i = 0; i < this.size; i++) {
        const v = at(this, i);
        if (fn.call(ctx, v, i, this)) out.push(v);
      }
      return List(out);
    },
    *values(this: Self) {
      for (let i = 0; i < this.size; i++) yield at(this, i);
    },
    *[Symbol.iterator](this: Self) {
      for (let i = 0; i < this.size; i++) yield at(this, i);
    },
  });
}
