// Structural properties of the loop model: the family's catalogue entry,
// build errors, the state vector's hygiene (popped frames zeroed, disabled
// steps leave dst untouched), labels and held locks, and the spec §7
// requirement that explore can race an ioctl teardown with a last close.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { loopInternals } from '../../models/loop/model.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { explore } from '../../src/engine/bfs.js';
import type { Invariant, Model } from '../../src/engine/model.js';
import { StateView } from '../../src/engine/state-view.js';
import { STRATEGY_NAMES, build, randomRun } from './helpers.js';
import { type StrategyFacts, factsOf } from './strategy-facts.js';

describe('loop family catalogue', () => {
  it('declares strategies, scenarios, invariants and params', () => {
    expect(loopFamily.name).toBe('loop');
    // The built-in strategies are the registry's first entries (plugins follow), each name unique.
    expect(loopFamily.strategies.map((s) => s.name)).toEqual(STRATEGIES.map((s) => s.name));
    expect(STRATEGY_NAMES.slice(0, STRATEGIES.length)).toEqual(STRATEGIES.map((s) => s.name));
    expect(new Set(STRATEGY_NAMES).size).toBe(STRATEGY_NAMES.length);
    expect(loopFamily.scenarios.map((s) => s.name)).toEqual([
      'stack-independent', 'stack-shared-fd', 'stack-fork', 'mount', 'udev', 'change-fd',
      'stack-on-partition', 'mount-partition', 'stale-partitions', 'clr-via-partition',
      'mount-disk-and-partition', 'configure-shared-fd', 'remove-vs-open', 'explore',
    ]);
    expect(loopFamily.defaultScenarios).not.toContain('explore');
    expect(loopFamily.invariants.map((i) => i.name)).toEqual([
      'stacked-no-teardown', 'stacked-io', 'mount-no-teardown', 'mount-io', 'read-data', 'no-stale-partitions', 'admitted-open-rundown',
      'no-free-with-opener', 'single-teardown', 'walk-safe', 'openers-consistent',
      'syscalls-return', 'lock-order',
    ]);
    for (const p of loopFamily.params) {
      expect(p.min).toBeLessThanOrEqual(p.default);
      expect(p.default).toBeLessThanOrEqual(p.max);
      expect(p.description.length).toBeGreaterThan(0);
    }
    for (const n of [...loopFamily.strategies, ...loopFamily.scenarios, ...loopFamily.invariants]) {
      expect(n.description.length).toBeGreaterThan(10);
    }
  });

  it('names models loop[strategy/scenario]', () => {
    expect(build('post-patch', 'stack-independent').name).toBe('loop[post-patch/stack-independent]');
  });

  it('throws a plain Error for impossible combinations', () => {
    expect(() => build('pre-patch', 'stack-independent', { devices: 1 })).toThrow(/needs devices >= 2/);
    expect(() => build('pre-patch', 'explore', { bound: 3, devices: 2 })).toThrow(/bound/);
    expect(() => build('v9', 'explore')).toThrow(/unknown strategy 'v9'/);
    expect(() => build('pre-patch', 'nope')).toThrow(/unknown scenario 'nope'/);
  });

  it('keeps every action within the engine limit', () => {
    for (const s of STRATEGY_NAMES) expect(build(s, 'explore', { threads: 4, devices: 4, fds: 3, bound: 4 }).actionCount).toBeLessThanOrEqual(65536);
  });
});

/** Frame hygiene checked as an invariant on every reachable state. */
function hygiene(model: Model): Invariant {
  const L = model.layout;
  const threads: { cur: number; frames: number[][] }[] = [];
  for (let t = 1; L.has(`T${t}.done`); t++) {
    const frames: number[][] = [];
    for (let s = 0; L.has(`T${t}.s${s}.pc`); s++) {
      frames.push(['pc', 'dev', 'file', 'r'].map((r) => L.index(`T${t}.s${s}.${r}`)));
    }
    threads.push({ cur: L.index(`T${t}.syscall`), frames });
  }
  return {
    name: 'frame-hygiene',
    description: 'frames above the top of each stack are all zero; a thread is in a syscall iff it has a frame',
    holds(s: StateView) {
      for (const th of threads) {
        let top = -1;
        th.frames.forEach((f, i) => {
          if (s.at(f[0]) !== 0) top = i;
        });
        for (let i = 0; i <= top; i++) if (s.at(th.frames[i][0]) === 0) return false;
        for (let i = top + 1; i < th.frames.length; i++) if (th.frames[i].some((j) => s.at(j) !== 0)) return false;
        if ((s.at(th.cur) !== 0) !== (top >= 0)) return false;
      }
      return true;
    },
  };
}

describe('state vector hygiene', () => {
  for (const strategy of STRATEGY_NAMES) {
    for (const [scenario, params] of [
      ['stack-independent', {}],
      ['mount', {}],
      ['change-fd', {}],
      ['explore', { calls: 2, shared: 1, fds: 1 }],
    ] as const) {
      it(`${strategy} × ${scenario}: popped frames are zeroed in every reachable state`, () => {
        const model = build(strategy, scenario, params);
        const r = explore({ ...model, invariants: [hygiene(model)] });
        expect(r.complete).toBe(true);
        expect(r.outcomes.find((o) => o.invariant === 'frame-hygiene')!.verdict).toBe('holds');
      });
    }
  }

  it('a disabled action leaves dst untouched, an enabled one stays inside the domains', () => {
    for (const strategy of STRATEGY_NAMES) {
      const model = build(strategy, 'explore', { calls: 3, threads: 3, shared: 1, fds: 1 });
      let bad = 0;
      for (let seed = 1; seed <= 20; seed++) {
        for (const s of randomRun(model, seed, 300).steps) {
          for (let a = 0; a < model.actionCount; a++) {
            const dst = s.before.slice();
            if (model.step(a, s.before, dst)) {
              if (!model.layout.inDomain(dst)) bad++;
            } else if (dst.some((v, i) => v !== s.before[i])) bad++;
          }
        }
      }
      expect(bad).toBe(0);
    }
  });

  it('step is deterministic', () => {
    const model = build('pre-patch', 'stack-independent');
    for (const s of randomRun(model, 7, 200).steps) {
      for (let a = 0; a < model.actionCount; a++) {
        const d1 = s.before.slice();
        const d2 = s.before.slice();
        expect(model.step(a, s.before, d1)).toBe(model.step(a, s.before, d2));
        expect(d1.every((v, i) => v === d2[i])).toBe(true);
      }
    }
  });
});

describe('labels and locks', () => {
  it('labels name the thread, a kernel function and the value read', () => {
    const model = build('pre-patch', 'stack-independent');
    const init = model.initialStates()[0];
    const l0 = model.label(0, init);
    expect(l0).toMatchObject({ thread: 'T1', action: 'ioctl', step: 'ioctl(fd0, LOOP_CLR_FD): fdget(fd0) = f0 on loopA' });
    const s1 = init.slice();
    expect(model.step(0, init, s1)).toBe(true);
    const s2 = s1.slice();
    expect(model.step(0, s1, s2)).toBe(true);
    expect(model.label(0, s2)).toMatchObject({
      thread: 'T1',
      action: 'loop_clr_fd',
      step: 'st(A) == Lo_bound; read disk_openers(A) == 1',
    });
    expect(model.held!(new StateView(model.layout, s2))).toEqual({ T1: ['lo_mutex(A)'], T2: [] });
  });

  it('isTerminal holds only when every thread has finished its script', () => {
    const model = build('post-patch', 'udev');
    const view = new StateView(model.layout, model.initialStates()[0]);
    expect(model.isTerminal!(view)).toBe(false);
    const r = randomRun(model, 3, 500);
    expect(model.isTerminal!(new StateView(model.layout, r.final))).toBe(true);
  });
});

/** Thread frames in a function on device A, read from the pc value names, with the function of the frame below (the caller). */
function inFn(model: Model, pred: (fn: string, key: string, caller: string) => boolean): (s: StateView) => Set<number> {
  const L = model.layout;
  const frames: { t: number; pc: number; dev: number; below: number }[] = [];
  for (let t = 1; L.has(`T${t}.done`); t++) {
    for (let s = 0; L.has(`T${t}.s${s}.pc`); s++) {
      frames.push({ t, pc: L.index(`T${t}.s${s}.pc`), dev: L.index(`T${t}.s${s}.dev`), below: s === 0 ? -1 : L.index(`T${t}.s${s - 1}.pc`) });
    }
  }
  const names = L.fields[frames[0].pc].values!;
  // pc value -> function and step key, split once
  const fnOf = names.map((n) => n.split(':')[0]);
  const keyOf = names.map((n) => n.split(':')[1]);
  return (s) => {
    const out = new Set<number>();
    for (const f of frames) {
      if (s.at(f.dev) !== 1) continue;
      const pc = s.at(f.pc);
      if (pred(fnOf[pc], keyOf[pc], f.below < 0 ? '' : fnOf[s.at(f.below)])) out.add(f.t);
    }
    return out;
  };
}

/** __loop_clr_fd called from LOOP_CLR_FD (the ioctl) and from a last close (blkdev_release / blkdev_put). */
const ioctlTeardown = (fn: string, _k: string, caller: string) => fn === '__loop_clr_fd' && caller === 'ioctl LOOP_CLR_FD';
const releaseTeardown = (fn: string, _k: string, caller: string) => fn === '__loop_clr_fd' && (caller === 'blkdev_release' || caller === 'blkdev_put');

function facts(strategy: string): StrategyFacts {
  const f = factsOf(strategy);
  if (typeof f === 'string') throw new Error(f);
  return f;
}

/**
 * One search per strategy of the small shared-table explore, checking at once:
 * no-ioctl-teardown (the ioctl never runs __loop_clr_fd itself), no-race (no
 * thread in lo_release(A) while another runs the ioctl's __loop_clr_fd(A)),
 * no-overlap (never past lo_release's last-close decision meanwhile) and
 * single-teardown, plus deadlock.
 */
const raceSearches = new Map<string, { model: Model; verdicts: Record<string, string>; complete: boolean }>();
function raceSearch(strategy: string) {
  let hit = raceSearches.get(strategy);
  if (hit) return hit;
  const model = build(strategy, 'explore', { devices: 1, threads: 2, calls: 3, fds: 1, shared: 1 });
  const last = new Set(facts(strategy).releaseLastClose);
  const ioctl = inFn(model, ioctlTeardown);
  const release = inFn(model, (fn) => fn === 'lo_release');
  const lastClose = inFn(model, (fn, key, caller) => (fn === 'lo_release' && last.has(key)) || releaseTeardown(fn, key, caller));
  const invariants: Invariant[] = [
    { name: 'no-ioctl-teardown', description: '', holds: (s) => ioctl(s).size === 0 },
    {
      name: 'no-race',
      description: '',
      holds: (s) => {
        const a = ioctl(s);
        return a.size === 0 || ![...release(s)].some((t) => !a.has(t));
      },
    },
    { name: 'no-overlap', description: '', holds: (s) => !(ioctl(s).size > 0 && lastClose(s).size > 0) },
    ...model.invariants.filter((i) => i.name === 'single-teardown'),
  ];
  const r = explore({ ...model, invariants });
  hit = { model, verdicts: Object.fromEntries(r.outcomes.map((o) => [o.invariant, o.verdict])), complete: r.complete };
  raceSearches.set(strategy, hit);
  return hit;
}

describe('explore can race an ioctl teardown with a last close (spec §7)', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`${strategy}: whether LOOP_CLR_FD runs __loop_clr_fd itself is as strategy-facts.ts declares`, () => {
      const r = raceSearch(strategy);
      expect(r.complete).toBe(true);
      expect(r.verdicts['no-ioctl-teardown']).toBe(facts(strategy).ioctlTearsDown ? 'violated' : 'holds');
    }, 120_000);

    it(`${strategy}: if it does, a thread in lo_release(A) while another runs the ioctl __loop_clr_fd(A) is reachable`, () => {
      expect(raceSearch(strategy).verdicts['no-race']).toBe(facts(strategy).ioctlTearsDown ? 'violated' : 'holds');
    }, 120_000);

    it(`${strategy}: but never past lo_release's last-close decision, so single-teardown holds`, () => {
      const r = raceSearch(strategy);
      const steps = loopInternals(r.model)!.machine.linked.names;
      for (const k of facts(strategy).releaseLastClose) expect(steps, `${strategy}: strategy-facts.ts names lo_release:${k}`).toContain(`lo_release:${k}`);
      expect(r.verdicts).toMatchObject({ 'no-overlap': 'holds', 'single-teardown': 'holds', deadlock: 'holds' });
    }, 120_000);
  }
});

describe('the autoclear teardown path is exercised', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`${strategy} × udev: the reader's last close can run __loop_clr_fd`, () => {
      const model = build(strategy, 'udev');
      const inRelease = inFn(model, releaseTeardown);
      const never: Invariant = { name: 'never', description: '', holds: (s) => !inRelease(s).has(2) };
      expect(explore({ ...model, invariants: [never] }).outcomes[0].verdict).toBe('violated');
    });
  }
});
