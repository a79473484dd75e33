// Symmetry reduction. A model may declare groups of interchangeable members
// (threads running the same program, say): for each member the fields it
// owns, in corresponding order, and the fields whose value names a member
// (a lock owner). Every state is replaced by the least vector, byte by byte,
// among its images under all permutations of each group, so states that
// differ only by a renaming of members are stored once. The map is sound
// whenever the declared permutations map transitions to transitions and
// every checked invariant is invariant under them; it need not be a perfect
// canonical form (several groups are reduced one after the other).

import type { Layout } from './layout.js';

export interface SymmetryGroup {
  /** What is interchangeable, e.g. `threads`. */
  readonly name: string;
  /** members[m] = field indices member m owns; every member lists the same number, in the same order. */
  readonly members: readonly (readonly number[])[];
  /** Fields whose value v names member v - base when base <= v < base + members.length. */
  readonly references: readonly { readonly field: number; readonly base: number }[];
}

const MAX_MEMBERS = 6;

function permutations(k: number): number[][] {
  if (k === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(k - 1)) {
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), k - 1, ...p.slice(i)]);
  }
  return out;
}

interface PreparedGroup {
  readonly perms: Int32Array[];
  readonly members: Int32Array[];
  readonly refs: Int32Array;
  readonly bases: Int32Array;
  readonly k: number;
}

export class Canonicalizer {
  private readonly groups: PreparedGroup[];
  private readonly scratch: Uint8Array;
  private readonly best: Uint8Array;
  private readonly width: number;

  constructor(layout: Layout, groups: readonly SymmetryGroup[]) {
    this.width = layout.width;
    this.scratch = new Uint8Array(layout.stride);
    this.best = new Uint8Array(layout.stride);
    this.groups = groups.map((g) => {
      const k = g.members.length;
      if (k < 2 || k > MAX_MEMBERS) throw new Error(`symmetry group ${g.name}: ${k} members (2..${MAX_MEMBERS} supported)`);
      const n = g.members[0].length;
      for (const m of g.members) {
        if (m.length !== n) throw new Error(`symmetry group ${g.name}: members own different numbers of fields`);
        for (const f of m) if (f < 0 || f >= layout.width) throw new Error(`symmetry group ${g.name}: no field ${f}`);
      }
      return {
        k,
        perms: permutations(k)
          .filter((p) => p.some((x, i) => x !== i))
          .map((p) => Int32Array.from(p)),
        members: g.members.map((m) => Int32Array.from(m)),
        refs: Int32Array.from(g.references.map((r) => r.field)),
        bases: Int32Array.from(g.references.map((r) => r.base)),
      };
    });
  }

  /** Replace vec (in place) by its representative. */
  canonicalize(vec: Uint8Array): void {
    const w = this.width;
    const scratch = this.scratch;
    const best = this.best;
    for (const g of this.groups) {
      best.set(vec);
      let improved = false;
      for (const perm of g.perms) {
        scratch.set(vec);
        for (let m = 0; m < g.k; m++) {
          const from = g.members[m];
          const to = g.members[perm[m]];
          for (let j = 0; j < from.length; j++) scratch[to[j]] = vec[from[j]];
        }
        for (let r = 0; r < g.refs.length; r++) {
          const f = g.refs[r];
          const v = scratch[f] - g.bases[r];
          if (v >= 0 && v < g.k) scratch[f] = g.bases[r] + perm[v];
        }
        let cmp = 0;
        for (let i = 0; i < w && cmp === 0; i++) cmp = scratch[i] - best[i];
        if (cmp < 0) {
          best.set(scratch);
          improved = true;
        }
      }
      if (improved) vec.set(best);
    }
  }
}
