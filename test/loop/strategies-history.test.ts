// The strategies for the driver's history beyond the review thread: v5.17
// (state (a), lo_refcnt) and v6.11 (state (d), lo_open refusing Rundown,
// teardown deferred to the last close): the lo_refcnt encoding and the
// user-visible behaviour loop-driver.md §3.5 / §4 states. These are facts
// about those two strategies, so the tests name them; their golden counts
// are in golden.ts with every other strategy's (verdicts.test.ts), their
// step legality in legal-steps.test.ts.

import { describe, expect, it } from 'vitest';
import { buildLoopModel, loopInternals } from '../../models/loop/model.js';
import type { Call } from '../../models/loop/calls.js';
import type { Scenario } from '../../models/loop/scenarios/types.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { explore } from '../../src/engine/bfs.js';
import type { ActionLabel, Invariant, Model } from '../../src/engine/model.js';
import { StateView } from '../../src/engine/state-view.js';
import { build, loopStrategies, run } from './helpers.js';

describe('registry', () => {
  it('every registered strategy names its code state and opens its description with it', () => {
    for (const s of loopStrategies()) {
      expect(s.codeState, s.name).toMatch(/^\([a-z]\)$|^plugin$/);
      if (s.codeState !== 'plugin') expect(s.description, s.name).toMatch(new RegExp(`^state ${s.codeState.replace(/[()]/g, '\\$&')}`));
    }
  });

  it('v5.17 is code state (a), v6.11 is (d); lo_refcnt is a field of v5.17 only', () => {
    const v517 = STRATEGIES.find((s) => s.name === 'v5.17')!;
    const v611 = STRATEGIES.find((s) => s.name === 'v6.11')!;
    expect([v517.codeState, v611.codeState]).toEqual(['(a)', '(d)']);
    expect(v517.description).toMatch(/^state \(a\), v5\.17/);
    expect(v611.description).toMatch(/^state \(d\), v6\.11/);
    // The queue freeze is a field of every device (loop_change_fd freezes in every tree); lo_refcnt is v5.17's own.
    expect(v517.extraDeviceFields?.map((f) => f.name)).toEqual(['lo_refcnt']);
    expect(STRATEGIES.filter((s) => s.extraDeviceFields?.some((f) => f.name === 'lo_refcnt')).map((s) => s.name)).toEqual(['v5.17']);
  });
});

// ---- helpers ----

const lines = (strategy: string, scenario: string, inv: string, params: Record<string, number> = {}): string[] =>
  run(strategy, scenario, params)
    .result.outcomes.find((o) => o.invariant === inv)!
    .trace!.steps.slice(1)
    .map((s) => `${s.label!.thread} ${s.label!.action}: ${s.label!.step}`);

/** Every (state, enabled action) label reachable in a small model (own BFS; labels need the source state). */
function reachableLabels(model: Model): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  let frontier = model.initialStates();
  for (const s of frontier) seen.add(Buffer.from(s).toString('hex'));
  while (frontier.length > 0) {
    const next: Uint8Array[] = [];
    for (const s of frontier) {
      for (let a = 0; a < model.actionCount; a++) {
        const d = s.slice();
        if (!model.step(a, s, d)) continue;
        const l: ActionLabel = model.label(a, s);
        out.add(`${l.thread} ${l.action}: ${l.step}`);
        const k = Buffer.from(d).toString('hex');
        if (!seen.has(k)) {
          seen.add(k);
          next.push(d);
        }
      }
    }
    frontier = next;
  }
  return [...out];
}

/** A one-thread scripted scenario: T1 holds fd0 = the only open of a bound A. */
function solo(script: readonly Call[]): Scenario {
  return {
    name: 'solo',
    description: 'one thread, sole opener of bound A',
    scripted: true,
    setup: () => ({
      devices: 1,
      tableOf: [0],
      slots: 3,
      init: { bound: [{ dev: 0, backing: 'regular' }], files: [0], fds: [{ table: 0, slot: 0, file: 0 }] },
      scripts: [script],
    }),
  };
}

/** Run a one-thread model to its end: its labels, and its final state's fields by name. */
function runSolo(strategy: string, script: readonly Call[]): { labels: string[]; at: (field: string) => string } {
  const model = buildLoopModel(STRATEGIES.find((s) => s.name === strategy)!, solo(script), {});
  let s = model.initialStates()[0];
  const labels: string[] = [];
  for (let n = 0; n < 500; n++) {
    const d = s.slice();
    if (!model.step(0, s, d)) break;
    labels.push(`${model.label(0, s).action}: ${model.label(0, s).step}`);
    s = d;
  }
  expect(model.isTerminal!(new StateView(model.layout, s))).toBe(true);
  const L = model.layout;
  return { labels, at: (f) => L.format(L.index(f), s[L.index(f)]) };
}

/** Teardown frames (pc in __loop_clr_fd) whose thread does not hold that device's open_mutex. */
function teardownWithoutOpenMutex(model: Model): Invariant {
  const L = model.layout;
  const frames: { t: number; pc: number; dev: number }[] = [];
  for (let t = 1; L.has(`T${t}.done`); t++) {
    for (let k = 0; L.has(`T${t}.s${k}.pc`); k++) frames.push({ t, pc: L.index(`T${t}.s${k}.pc`), dev: L.index(`T${t}.s${k}.dev`) });
  }
  const inTeardown = L.fields[frames[0].pc].values!.map((n) => n.startsWith('__loop_clr_fd:'));
  const om: number[] = [];
  for (let x = 0; L.has(`${String.fromCharCode(65 + x)}.open_mutex`); x++) om.push(L.index(`${String.fromCharCode(65 + x)}.open_mutex`));
  return {
    name: 'teardown-under-open-mutex',
    description: 'every thread inside __loop_clr_fd(x) holds open_mutex(x)',
    holds(s: StateView) {
      return frames.every((f) => !inTeardown[s.at(f.pc)] || s.at(om[s.at(f.dev) - 1]) === f.t);
    },
  };
}

// ---- v5.17: the lo_refcnt encoding ----

describe('v5.17 lo_refcnt', () => {
  /** Outside open_mutex(x), lo_refcnt(x) is bd_openers(x) (both count the same openers); `untouched` reads as bd_openers. */
  function refcntMatchesOpeners(model: Model): Invariant {
    const L = model.layout;
    const devs: { rc: number; op: number; om: number }[] = [];
    for (let x = 0; L.has(`${String.fromCharCode(65 + x)}.lo_refcnt`); x++) {
      const n = String.fromCharCode(65 + x);
      devs.push({ rc: L.index(`${n}.lo_refcnt`), op: L.index(`${n}.bd_openers`), om: L.index(`${n}.open_mutex`) });
    }
    expect(devs.length).toBeGreaterThan(0);
    return {
      name: 'refcnt',
      description: 'lo_refcnt == bd_openers outside open_mutex',
      holds: (s) => devs.every((d) => s.at(d.om) !== 0 || s.at(d.rc) === 0 || s.at(d.rc) - 1 === s.at(d.op)),
    };
  }

  for (const [scenario, params] of [
    ['stack-independent', {}],
    ['stack-shared-fd', {}],
    ['mount', {}],
    ['udev', {}],
    ['change-fd', {}],
    ['explore', { calls: 2, devices: 1 }],
    ['explore', { calls: 2, shared: 1, fds: 1 }],
  ] as const) {
    it(`equals bd_openers outside open_mutex in every reachable state: ${scenario} ${JSON.stringify(params)}`, () => {
      const model = build('v5.17', scenario, params);
      const r = explore({ ...model, invariants: [refcntMatchesOpeners(model)] });
      expect(r.complete).toBe(true);
      expect(r.outcomes.find((o) => o.invariant === 'refcnt')!.verdict).toBe('holds');
    });
  }

  it('a mount that meets an exclusive holder does not call ->open, so counts nothing (approximation: the kernel claims first)', () => {
    const twoMounts: Scenario = {
      name: 'two-mounts',
      description: 'T1 mounts and unmounts A while T2 mounts A',
      scripted: true,
      setup: () => ({
        devices: 1,
        tableOf: [0, 1],
        slots: 1,
        init: { bound: [{ dev: 0, backing: 'regular' }], files: [], fds: [] },
        scripts: [[{ op: 'mount', dev: 0 }, { op: 'umount', dev: 0 }], [{ op: 'mount', dev: 0 }]],
      }),
    };
    // Every registered strategy with an ->open (in the built-ins: v5.17 and v6.11).
    const withOpen = loopStrategies().filter((s) => {
      const names = loopInternals(buildLoopModel(s, twoMounts, {}))!.machine.linked.names;
      return names.some((n) => n.startsWith('lo_open:'));
    });
    expect(withOpen.map((s) => s.name)).toEqual(expect.arrayContaining(['v5.17', 'v6.11']));
    for (const s of withOpen) {
      const strategy = s.name;
      const model = buildLoopModel(s, twoMounts, {});
      expect(reachableLabels(model).some((l) => l.endsWith('bd_prepare_to_claim fails before ->open: not called'))).toBe(true);
      if (strategy === 'v5.17') {
        const r = explore({ ...model, invariants: [refcntMatchesOpeners(model)] });
        expect(r.outcomes[0].verdict).toBe('holds');
      }
    }
  });

  it('starts from the scenario\'s openers: a second open of A counts 1 → 2, and LOOP_CLR_FD then only sets AUTOCLEAR', () => {
    const ls = reachableLabels(build('v5.17', 'udev'));
    expect(ls).toContain('T2 lo_open: st(A) == Lo_bound: lo_refcnt(A)++ (1 → 2)');
    expect(ls).toContain('T1 loop_clr_fd: st(A) == Lo_bound; lo_refcnt(A) == 2 > 1: AUTOCLEAR(A) := 1');
    expect(ls).toContain('T1 lo_release: lo_refcnt(A)-- (2 → 1): not the last close');
    // the reader's last close runs the autoclear teardown from lo_release
    expect(ls).toContain('T2 lo_release: lo_refcnt(A)-- (1 → 0); AUTOCLEAR && st(A) == Lo_bound: st(A) := Lo_rundown');
  });

  it('counts an open that is between lo_open and bd_openers++ (no stale read as in (b)/(c))', () => {
    // T2's lo_open has counted, bd_openers(A) is still 1: LOOP_CLR_FD sees 2.
    const model = build('v5.17', 'udev');
    const L = model.layout;
    const ls = reachableLabels(model);
    expect(ls.some((l) => /^T1 loop_clr_fd: st\(A\) == Lo_bound; lo_refcnt\(A\) == 1: st\(A\) := Lo_rundown$/.test(l))).toBe(true);
    const r = explore({
      ...model,
      invariants: [
        {
          name: 'no-stale-count',
          description: 'T1 never decides with lo_refcnt == 1 while T2 has counted an open not yet in bd_openers',
          holds: (s) => !(s.at(L.index('T2.s0.pc')) === L.fields[L.index('T2.s0.pc')].values!.indexOf('open:inc') &&
            s.at(L.index('T2.s1.pc')) === 0 && s.at(L.index('T2.s0.r')) === 0 && s.at(L.index('A.lo_state')) === 2 && s.at(L.index('T1.s0.pc')) ===
            L.fields[L.index('T1.s0.pc')].values!.indexOf('loop_clr_fd:rel_lm_clr')),
        },
      ],
    });
    expect(r.outcomes[0].verdict).toBe('holds');
    // the same shape is reachable in (b), where there is no lo_open and disk_openers is read without open_mutex
    const pre = build('pre-patch', 'udev');
    const P = pre.layout;
    const rp = explore({
      ...pre,
      invariants: [
        {
          name: 'no-stale-count',
          description: 'as above, for (b)',
          holds: (s) => !(s.at(P.index('T2.s0.pc')) === P.fields[P.index('T2.s0.pc')].values!.indexOf('open:inc') &&
            s.at(P.index('A.lo_state')) === 2 && s.at(P.index('T1.s0.pc')) ===
            P.fields[P.index('T1.s0.pc')].values!.indexOf('loop_clr_fd:rel_lm_clr')),
        },
      ],
    });
    expect(rp.outcomes[0].verdict).toBe('violated');
  });

  it('lets a device in Lo_rundown be opened (§4: open in R allowed in (a))', () => {
    expect(reachableLabels(build('v5.17', 'udev'))).toContain('T2 lo_open: st(A) == Lo_rundown: lo_refcnt(A)++ (1 → 2)');
  });

  it('the ioctl teardown runs without open_mutex (only the release teardown holds it)', () => {
    const model = build('v5.17', 'udev');
    const r = explore({ ...model, invariants: [teardownWithoutOpenMutex(model)] });
    expect(r.outcomes[0].verdict).toBe('violated');
  });
});

// ---- v6.11: deferred detach (loop-driver.md §3.5, the LTP follow-up) ----

describe('v6.11 deferred detach', () => {
  const script: Call[] = [
    { op: 'clr', fd: 0 },
    { op: 'clr', fd: 0 },
    { op: 'open', dev: 0, fd: 1 },
    { op: 'set_fd', fd: 0, backing: 'regular' },
    { op: 'read', fd: 0 },
    { op: 'close', fd: 0 },
    { op: 'open', dev: 0, fd: 2 },
  ];

  it('after LOOP_CLR_FD by the sole opener: Rundown; LOOP_CLR_FD -ENXIO, open -ENXIO, LOOP_SET_FD -EBUSY, I/O -EIO; detach at the close', () => {
    const { labels, at } = runSolo('v6.11', script);
    const i = (s: string) => labels.indexOf(s);
    const first = i('loop_clr_fd: openers == 1: st(A) := Lo_rundown (teardown deferred to the last close)');
    const second = i('loop_clr_fd: st(A) == Lo_rundown: -ENXIO');
    const openFail = i('lo_open: st(A) == Lo_rundown: -ENXIO');
    const busy = i('loop_configure: st(A) == Lo_rundown: -EBUSY');
    const eio = i('io: read(fd0) via loopA: -EIO (loop_queue_rq: not Lo_bound)');
    const clear = i('lo_release: st(A) == Lo_rundown: need_clear');
    const detach = labels.findIndex((l) => l.startsWith('__loop_clr_fd: filp := lo_backing_file(A) = regular file'));
    const reopen = i('lo_open: st(A) == Lo_unbound: ok');
    expect([first, second, openFail, busy, eio, clear, detach, reopen].every((k) => k >= 0)).toBe(true);
    expect(first).toBeLessThan(second);
    expect(second).toBeLessThan(openFail);
    expect(openFail).toBeLessThan(busy);
    expect(busy).toBeLessThan(eio);
    expect(eio).toBeLessThan(clear);
    expect(clear).toBeLessThan(detach);
    expect(detach).toBeLessThan(reopen);
    expect(labels).toContain('blkdev_open: ->open failed: -ENXIO');
    // no teardown before the last close
    expect(labels.slice(0, clear).some((l) => l.startsWith('__loop_clr_fd'))).toBe(false);
    expect(at('A.lo_state')).toBe('Lo_unbound');
    expect(at('A.bd_openers')).toBe('1');
    expect(at('P1.fd1')).toBe('NULL');
    expect(at('P1.fd2')).not.toBe('NULL');
  });

  it('v5.17 on the same script detaches at once: the second LOOP_CLR_FD -ENXIO, the open succeeds, LOOP_SET_FD rebinds', () => {
    const { labels, at } = runSolo('v5.17', script);
    const detach = labels.findIndex((l) => l.startsWith('__loop_clr_fd: filp := lo_backing_file(A) = regular file'));
    const second = labels.indexOf('loop_clr_fd: st(A) == Lo_unbound: -ENXIO');
    expect(detach).toBeGreaterThanOrEqual(0);
    expect(detach).toBeLessThan(second);
    expect(labels).toContain('lo_open: st(A) == Lo_unbound: lo_refcnt(A)++ (1 → 2)');
    expect(labels).toContain('loop_configure: lo_backing_file(A) := regular file; st(A) := Lo_bound');
    expect(labels).toContain("io: read(fd0) via loopA: the backing file's data");
    expect(at('A.lo_state')).toBe('Lo_bound');
  });

  for (const [scenario, params] of [
    ['udev', {}],
    ['stack-shared-fd', {}],
    ['explore', { calls: 2, devices: 1 }],
    ['explore', { calls: 2, shared: 1, fds: 1 }],
  ] as const) {
    it(`tears down only from lo_release, holding open_mutex throughout: ${scenario} ${JSON.stringify(params)}`, () => {
      const model = build('v6.11', scenario, params);
      const r = explore({ ...model, invariants: [teardownWithoutOpenMutex(model)] });
      expect(r.complete).toBe(true);
      expect(r.outcomes[0].verdict).toBe('holds');
    });
  }

  it('refuses opens in Lo_rundown in every reachable interleaving of udev', () => {
    const ls = reachableLabels(build('v6.11', 'udev'));
    expect(ls).toContain('T2 lo_open: st(A) == Lo_rundown: -ENXIO');
    expect(ls.some((l) => /lo_open: st\(A\) == Lo_rundown: ok/.test(l))).toBe(false);
  });
});

// ---- what the verdicts say, in kernel terms ----

describe('headline results of the history strategies', () => {
  it('v6.11: a shared fd of A stacked under B no longer gets A torn down, but A in Lo_rundown fails I/O through B', () => {
    const ls = lines('v6.11', 'stack-shared-fd', 'stacked-io');
    const bind = ls.indexOf('T2 loop_configure: lo_backing_file(B) := f0; st(B) := Lo_bound');
    const rundown = ls.indexOf('T1 loop_clr_fd: openers == 1: st(A) := Lo_rundown (teardown deferred to the last close)');
    expect(bind).toBeGreaterThanOrEqual(0);
    expect(bind).toBeLessThan(rundown);
    expect(ls[ls.length - 1]).toBe('T2 io: read(fd1) via loopB: -EIO from a lower device');
    expect(ls.some((l) => l.includes('__loop_clr_fd'))).toBe(false);
  });

  it('v6.11: LOOP_CLR_FD reads disk_openers == 1 while a mount sits between lo_open and bd_openers++; the mount then succeeds on a device about to be Lo_rundown', () => {
    const ls = lines('v6.11', 'mount', 'mount-io');
    const at = (re: RegExp) => ls.findIndex((l) => re.test(l));
    const lo = at(/^T2 lo_open: st\(A\) == Lo_bound: ok$/);
    const read = at(/^T1 loop_clr_fd: st\(A\) == Lo_bound: AUTOCLEAR\(A\) := 1; read disk_openers\(A\) == 1$/);
    const claim = at(/^T2 mount: claim for the mount; bd_openers\(A\)\+\+ \(1 → 2\)$/);
    const mounted = at(/^T2 mount: read superblock via loopA: the backing file's data: mounted$/);
    const rundown = at(/^T1 loop_clr_fd: openers == 1: st\(A\) := Lo_rundown/);
    expect([lo, read, claim, mounted, rundown].every((k) => k >= 0)).toBe(true);
    expect(lo).toBeLessThan(read);
    expect(read).toBeLessThan(claim);
    expect(claim).toBeLessThan(mounted);
    expect(mounted).toBeLessThan(rundown);
    expect(ls[ls.length - 1]).toMatch(/^T2 io: read via mount of loopA: -EIO \(loop_queue_rq: not Lo_bound\)/);
  });

  it('v5.17: LOOP_CLR_FD of the only fd of A after LOOP_SET_FD(B, that fd) tears A down under B, with one thread (spec §2 item 4)', () => {
    const ls = lines('v5.17', 'explore', 'stacked-no-teardown', { threads: 1, calls: 4 });
    expect(ls.every((l) => l.startsWith('T1 '))).toBe(true);
    expect(ls).toContain('T1 loop_clr_fd: st(A) == Lo_bound; lo_refcnt(A) == 1: st(A) := Lo_rundown');
    expect(ls[ls.length - 1]).toMatch(/^T1 __loop_clr_fd: filp := lo_backing_file\(A\) = regular file; lo_backing_file\(A\) := NULL$/);
  });
});
