// The persistent-set yardstick (engine/por-bound.ts): exact counts on two
// hand models, and on random actor models that every decision it makes is
// persistent by the definition (checked by running the steps, not by
// footprints) and that its reduced search keeps every deadlock.

import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/engine/layout.js';
import type { Model } from '../../src/engine/model.js';
import { persistentSetBound } from '../../src/engine/por-bound.js';
import { buildStateGraph } from '../../src/engine/state-graph.js';
import { buildPorModel, randomPorSpec } from './helpers/por-models.js';

/** Two actors counting to n: each on its own counter, or both on one shared counter. */
function counters(n: number, shared: boolean): Model {
  const layout = new Layout([
    { name: 'c0', domain: n + 1 },
    { name: 'c1', domain: n + 1 },
    { name: 'sum', domain: 2 * n + 1 },
  ]);
  return {
    name: shared ? 'shared-counter' : 'own-counters',
    layout,
    actionCount: 2,
    initialStates: () => [layout.newVector()],
    step(a, src, dst) {
      if (src[a] === n) return false;
      dst[a] = src[a] + 1;
      if (shared) dst[2] = src[2] + 1;
      return true;
    },
    label: (a) => ({ thread: `T${a}`, action: 'inc' }),
    invariants: [],
    partialOrder: {
      actorOf: [0, 1],
      actors: 2,
      owner: [0, 1, -1],
      writeGuard: [-1, -1, -1],
      accessGuard: [-1, -1, -1],
      invariantReads: () => [],
    },
  };
}

describe('persistent-set bound', () => {
  it('independent counters: one actor at a time, 2n+1 of (n+1)^2 states', () => {
    const b = persistentSetBound(counters(4, false));
    expect(b.fullStates).toBe(25);
    // Every state but the last has an enabled actor, and its steps touch nothing the other reads.
    expect(b.persistentStates).toBe(24);
    expect(b.firstActor.states).toBe(9);
    expect(b.lastActor.states).toBe(9);
  });

  it('a shared counter: nothing is persistent while both can still count', () => {
    const b = persistentSetBound(counters(4, true));
    expect(b.fullStates).toBe(25);
    // Only states where one actor has finished (4 + 4 of them, and the last has no enabled actor).
    expect(b.persistentStates).toBe(8);
    expect(b.firstActor.states).toBe(25);
  });

  it('a visible step is never expanded alone', () => {
    const b = persistentSetBound(counters(4, false), { visible: (t, before, after) => t === 0 && before[0] !== after[0] });
    // Actor 0's steps are visible: actor 1 goes first wherever it can.
    expect(b.firstActor.states).toBe(9);
    expect(b.persistentActor[0]).toBe(1);
  });

  it('on random actor models every decision is persistent and every deadlock is kept', () => {
    let decided = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const model = buildPorModel(randomPorSpec(seed));
      const b = persistentSetBound(model);
      const g = buildStateGraph(model, []);
      expect(b.fullStates).toBe(g.states);
      const decl = model.partialOrder!;
      const stride = model.layout.stride;
      const vec = (id: number) => {
        const v = new Uint8Array(stride);
        g.vectorOf(id, v);
        return v;
      };
      const run = (a: number, s: Uint8Array): Uint8Array | null => {
        const d = s.slice();
        return model.step(a, s, d) ? d : null;
      };
      const key = (s: Uint8Array) => s.join(',');
      for (let i = 0; i < g.states; i++) {
        const t = b.persistentActor[i];
        if (t < 0) continue;
        decided++;
        const mine = decl.actorOf.flatMap((x, a) => (x === t ? [a] : []));
        const s0 = vec(i);
        const enabledAt = (s: Uint8Array) => mine.filter((a) => run(a, s) !== null);
        const ample = enabledAt(s0);
        expect(ample.length).toBeGreaterThan(0);
        // Every state other actors reach from s0 while t stays put.
        const seen = new Set([key(s0)]);
        const todo = [s0];
        while (todo.length > 0) {
          const s = todo.pop()!;
          // t's enabled actions are exactly those of s0 (no one enabled or disabled one)...
          expect(enabledAt(s)).toEqual(ample);
          for (let bAct = 0; bAct < model.actionCount; bAct++) {
            if (decl.actorOf[bAct] === t) continue;
            const sb = run(bAct, s);
            if (sb === null) continue;
            // ... and each commutes with every step the others can take there.
            for (const a of ample) {
              const sa = run(a, s)!;
              const sab = run(bAct, sa);
              expect(sab, `seed ${seed}: ${a} disables ${bAct}`).not.toBeNull();
              expect(key(sab!)).toBe(key(run(a, sb)!));
            }
            if (!seen.has(key(sb))) {
              seen.add(key(sb));
              todo.push(sb);
            }
          }
        }
      }
      // The reduced search (rerun here from the decisions) reaches every state without successors.
      const reached = new Uint8Array(g.states);
      const depth = new Int32Array(g.states).fill(-1);
      const queue = [0];
      depth[0] = 1;
      reached[0] = 1;
      for (let h = 0; h < queue.length; h++) {
        const s = queue[h];
        let only = b.persistentActor[s];
        const edges = Array.from({ length: g.edgeStart[s + 1] - g.edgeStart[s] }, (_, k) => g.edgeStart[s] + k);
        if (only >= 0 && edges.some((e) => decl.actorOf[g.edgeAction[e]] === only && depth[g.edgeTo[e]] >= 0 && depth[g.edgeTo[e]] <= depth[s])) only = -1;
        for (const e of edges) {
          if (only >= 0 && decl.actorOf[g.edgeAction[e]] !== only) continue;
          const j = g.edgeTo[e];
          if (depth[j] < 0) {
            depth[j] = depth[s] + 1;
            reached[j] = 1;
            queue.push(j);
          }
        }
      }
      expect(queue.length).toBe(b.firstActor.states);
      for (let i = 0; i < g.states; i++) if (g.edgeStart[i + 1] === g.edgeStart[i]) expect(reached[i], `seed ${seed}: deadlock ${i} lost`).toBe(1);
    }
    expect(decided).toBeGreaterThan(100);
  }, 120_000);
});
