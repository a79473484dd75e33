// Layout: the declared shape of a packed state vector.
//
// The engine sees a state as a fixed-width byte vector; a model declares what
// each byte means (a named field with a small integer domain, optional value
// names and an object group for printing). One byte per field keeps packing
// and unpacking free in the hot path; the vector is padded to a multiple of 4
// so the fingerprint can read it a word at a time.

export interface FieldDecl {
  /** Unique name, e.g. `A.lo_state` or `T1.pc`. */
  readonly name: string;
  /** Number of values: the field holds 0 .. domain-1 (at most 256). */
  readonly domain: number;
  /** Optional printable name per value (length === domain). */
  readonly values?: readonly string[];
  /** Object the field belongs to, for grouping in traces (e.g. `device A`). */
  readonly group?: string;
  /**
   * Printing hint: leave the field out of a full-state listing while it is 0
   * (e.g. an unused call-stack slot). Diffs always show it.
   */
  readonly quiet?: boolean;
}

export class Layout {
  readonly fields: readonly FieldDecl[];
  /** Number of meaningful bytes (one per field). */
  readonly width: number;
  /** Bytes per stored vector: width rounded up to a multiple of 4. */
  readonly stride: number;
  private readonly byName: Map<string, number>;

  constructor(fields: readonly FieldDecl[]) {
    if (fields.length === 0) throw new Error('layout needs at least one field');
    const byName = new Map<string, number>();
    fields.forEach((f, i) => {
      if (byName.has(f.name)) throw new Error(`duplicate field ${f.name}`);
      if (!Number.isInteger(f.domain) || f.domain < 1 || f.domain > 256) {
        throw new Error(`field ${f.name}: domain ${f.domain} not in 1..256`);
      }
      if (f.values && f.values.length !== f.domain) {
        throw new Error(`field ${f.name}: ${f.values.length} value names for domain ${f.domain}`);
      }
      byName.set(f.name, i);
    });
    this.fields = fields;
    this.width = fields.length;
    this.stride = (fields.length + 3) & ~3;
    this.byName = byName;
  }

  /** Index of a field by name; throws for an unknown name (a model bug). */
  index(name: string): number {
    const i = this.byName.get(name);
    if (i === undefined) throw new Error(`unknown field ${name}`);
    return i;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A zeroed vector of this layout. */
  newVector(): Uint8Array {
    return new Uint8Array(this.stride);
  }

  /** Printable form of value v of field i. */
  format(i: number, v: number): string {
    const names = this.fields[i].values;
    return names && v < names.length ? names[v] : String(v);
  }

  /** Whether every field of vec holds a value inside its domain. */
  inDomain(vec: ArrayLike<number>): boolean {
    for (let i = 0; i < this.width; i++) if (vec[i] >= this.fields[i].domain) return false;
    for (let i = this.width; i < this.stride; i++) if (vec[i] !== 0) return false;
    return true;
  }
}
