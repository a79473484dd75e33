// Finite field domains for value-semantics models.
//
// A model written with the value API declares every state field with a
// domain: the finite set of values it may hold. The domain is what lets a
// record be packed into the engine's one-byte-per-field vectors: each value
// has an index 0 .. size-1 (at most 256 per byte) and a printable name.

import { List } from 'immutable';

/** A finite set of scalar values, numbered 0 .. size-1. */
export interface ScalarDomain<T> {
  readonly kind: 'scalar';
  /** Number of values (1 .. 256). */
  readonly size: number;
  /** Index of a value, or -1 when the value is outside the domain. */
  indexOf(value: unknown): number;
  /** The value with index i. */
  valueAt(i: number): T;
  /** Printable name of each index (shown in traces). */
  readonly names: readonly string[];
  /** One line saying what the domain is, for error messages. */
  readonly describe: string;
}

/** A fixed-length Immutable.js List whose elements share one scalar domain. */
export interface ListDomain<T> {
  readonly kind: 'list';
  readonly length: number;
  readonly element: ScalarDomain<T>;
  /** Trace grouping of element i (e.g. `philosopher P3`); default: the field's name. */
  readonly group?: (i: number) => string;
}

export type Domain<T = unknown> = ScalarDomain<T> | ListDomain<T>;

/** The value type a domain holds: a scalar, or a List of scalars. */
export type ValueOf<D> = D extends ListDomain<infer E> ? List<E> : D extends ScalarDomain<infer S> ? S : never;

function checkSize(size: number, what: string): void {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new Error(`${what}: ${size} values (a field holds 1 to 256)`);
}

/** The integers lo .. hi (inclusive). */
export function intRange(lo: number, hi: number): ScalarDomain<number> {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new Error(`intRange(${lo}, ${hi}): bounds must be integers with lo <= hi`);
  const size = hi - lo + 1;
  checkSize(size, `intRange(${lo}, ${hi})`);
  return {
    kind: 'scalar',
    size,
    indexOf: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v - lo : -1),
    valueAt: (i) => lo + i,
    names: Array.from({ length: size }, (_, i) => String(lo + i)),
    describe: `an integer in ${lo}..${hi}`,
  };
}

/** One of the given names (an enumeration: `oneOf('thinking', 'hungry')`). */
export function oneOf<const T extends string>(...names: T[]): ScalarDomain<T> {
  checkSize(names.length, 'oneOf');
  const index = new Map<unknown, number>();
  names.forEach((n, i) => {
    if (index.has(n)) throw new Error(`oneOf: duplicate value ${JSON.stringify(n)}`);
    index.set(n, i);
  });
  return {
    kind: 'scalar',
    size: names.length,
    indexOf: (v) => index.get(v) ?? -1,
    valueAt: (i) => names[i],
    names,
    describe: `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`,
  };
}

/** false or true. */
export function bool(): ScalarDomain<boolean> {
  return {
    kind: 'scalar',
    size: 2,
    indexOf: (v) => (v === false ? 0 : v === true ? 1 : -1),
    valueAt: (i) => i === 1,
    names: ['false', 'true'],
    describe: 'a boolean',
  };
}

/** null (printed as `none`) or a value of `inner`: e.g. the owner of a fork, if any. */
export function maybe<T>(inner: ScalarDomain<T>, none = 'none'): ScalarDomain<T | null> {
  checkSize(inner.size + 1, 'maybe');
  return {
    kind: 'scalar',
    size: inner.size + 1,
    indexOf: (v) => {
      if (v === null) return 0;
      const i = inner.indexOf(v);
      return i < 0 ? -1 : i + 1;
    },
    valueAt: (i) => (i === 0 ? null : inner.valueAt(i - 1)),
    names: [none, ...inner.names],
    describe: `null or ${inner.describe}`,
  };
}

/** A List of exactly `length` elements of `element`'s domain. */
export function listOf<T>(length: number, element: ScalarDomain<T>, opts: { group?: (i: number) => string } = {}): ListDomain<T> {
  if (!Number.isInteger(length) || length < 1) throw new Error(`listOf(${length}): length must be a positive integer`);
  return { kind: 'list', length, element, ...(opts.group ? { group: opts.group } : {}) };
}
