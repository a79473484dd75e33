// The model side of `conform` without QEMU: schedule enumeration, what the
// model says each call returns, and the comparison with (fake) kernel
// observations, including a narrowing.

import { describe, expect, it } from 'vitest';
import { countInterleavings, interleavings, probeScenario } from '../../src/conform/schedules.js';
import { compareScenario } from '../../src/conform/compare.js';
import { modelObservations, modelWalks, runConform, conformExitCode, strategyFor, type KernelRunner } from '../../src/conform/run-conform.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import type { CallObservation, ScheduleObservation } from '../../src/conform/probe-plan.js';
import type { Narrowing } from '../../src/conform/narrowings.js';
import { serialCounterexamples } from '../../src/conform/serial-counterexamples.js';
import { unprobedReason } from '../../src/conform/kernel-calls.js';
import { ConformInputError, conformPlan } from '../../src/conform/run-conform.js';
import { conformJson, conformText } from '../../src/conform/report.js';
import { reproducerFor, NoReproducer } from '../../src/conform/reproduce.js';
import { loopFamily } from '../../models/loop/index.js';
import { buildV5_17DiskOpeners } from '../fixtures/v5-17-disk-openers.js';
import { explore } from '../../src/engine/bfs.js';

const scenario = (name: string) => {
  const sc = SCENARIOS.find((s) => s.name === name)!;
  return probeScenario(sc.name, sc.setup({}));
};

describe('syscall-serial schedules', () => {
  it('are every interleaving of whole calls, each thread in its own order', () => {
    expect(interleavings([2, 4])).toHaveLength(15);
    expect(countInterleavings([2, 4])).toBe(15);
    expect(countInterleavings([2, 6])).toBe(28);
    expect(countInterleavings([1, 1, 1])).toBe(6);
    const all = interleavings([2, 2]).map((s) => s.join(''));
    expect(all).toEqual(['0011', '0101', '0110', '1001', '1010', '1100']);
  });

  it('carry the thread, its fd table and its calls in script order', () => {
    const p = scenario('stack-shared-fd');
    expect(p.schedules).toHaveLength(countInterleavings([2, 4]));
    expect(p.tables).toBe(1);
    for (const s of p.schedules) {
      const t2 = s.calls.filter((c) => c.thread === 1).map((c) => c.call.op);
      expect(t2).toEqual(['open', 'set_fd', 'read', 'close']);
      expect(s.calls.every((c) => c.table === 0)).toBe(true);
    }
  });
});

describe('the model walked one whole call at a time', () => {
  const byText = (strategy: string, name: string) => {
    const p = scenario(name);
    const obs = modelObservations(strategy, p);
    return { p, obs };
  };

  it('v6.11: LOOP_CLR_FD by the sole opener leaves A in Lo_rundown; a new open fails with -ENXIO until the last close', () => {
    const { p, obs } = byText('v6.11', 'stack-independent');
    // T1 clr, T2 open A, T1 close, …
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '01011111')!;
    const o = obs.get(s.id)!;
    expect(o[0]).toEqual({ outcome: 'ok', devices: [{ backing: 'regular', autoclear: true, open: '-ENXIO', partitions: 0 }, { backing: null, autoclear: false, open: 'ok', partitions: 0 }] });
    expect(o[1].outcome).toBe('-ENXIO');
    expect(o[2].devices[0]).toEqual({ backing: null, autoclear: false, open: 'ok', partitions: 0 });
    // LOOP_SET_FD with the fd slot the failed open never filled
    expect(o[4].outcome).toBe('-EBADF');
  });

  it('post-patch: the same LOOP_CLR_FD tears A down at once; stacking on it then fails, and unbound B reads 0 bytes', () => {
    const { p, obs } = byText('post-patch', 'stack-independent');
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '00111111')!;
    const o = obs.get(s.id)!;
    expect(o.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', '-EINVAL', 'ok:empty', 'ok', 'ok']);
    expect(o[0].devices[0].backing).toBeNull();
  });

  it('post-patch: with a second opener, LOOP_CLR_FD only sets AUTOCLEAR and B stacks on A', () => {
    const { p, obs } = byText('post-patch', 'stack-independent');
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '10011111')!;
    const o = obs.get(s.id)!;
    expect(o[1].devices[0]).toEqual({ backing: 'regular', autoclear: true, open: 'ok', partitions: 0 });
    expect(o[4].outcome).toBe('ok');
    expect(o[4].devices[1].backing).toBe('A');
    expect(o[5].outcome).toBe('ok:pattern');
  });

  it('every strategy walks every schedule of every scripted scenario the probe runs to the end', () => {
    for (const st of STRATEGIES) {
      for (const sc of SCENARIOS.filter((s) => s.scripted && unprobedReason(s.setup({})) === undefined)) {
        const p = probeScenario(sc.name, sc.setup({}));
        const obs = modelObservations(st.name, p);
        for (const s of p.schedules) {
          const o = obs.get(s.id)!;
          expect(o.length, `${st.name} ${sc.name} #${s.id}`).toBe(s.calls.length);
          expect(o.every((c) => c.outcome !== 'hang'), `${st.name} ${sc.name} #${s.id}`).toBe(true);
        }
      }
    }
  });
});

describe('partitions as conform sees them', () => {
  it('post-patch clr-via-partition: LOOP_CLR_FD through the partition fd leaves A unbound with a stale p1 until the next whole-disk open', () => {
    const p = scenario('clr-via-partition');
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '000111')!;
    const o = modelObservations('post-patch', p).get(s.id)!;
    expect(o.map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok:empty', 'ok']);
    expect(o[0].devices[0]).toEqual({ backing: 'regular', autoclear: false, open: 'ok', partitions: 1 });
    expect(o[1].devices[0]).toEqual({ backing: null, autoclear: false, open: 'ok', partitions: 1 });
    // T2's open of the whole disk runs the pending rescan (GD_NEED_PART_SCAN): the stale p1 goes.
    expect(o[3].devices[0]).toEqual({ backing: null, autoclear: false, open: 'ok', partitions: 0 });
    const v = serialCounterexamples(modelWalks('post-patch', p)).find((x) => x.invariant === 'no-stale-partitions')!;
    expect(v.call).toBe(2); // 1-based: the LOOP_CLR_FD
  });

  it('v6.11 clr-via-partition: the same LOOP_CLR_FD leaves A in Lo_rundown; the partition close tears it down and drops p1', () => {
    const p = scenario('clr-via-partition');
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '000111')!;
    const o = modelObservations('v6.11', p).get(s.id)!;
    expect(o[1].devices[0]).toEqual({ backing: 'regular', autoclear: true, open: '-ENXIO', partitions: 1 });
    expect(o[2].devices[0]).toEqual({ backing: null, autoclear: false, open: 'ok', partitions: 0 });
  });

  it('stack-on-partition: B bound to A\'s partition is reported as backed by Ap1', () => {
    const p = scenario('stack-on-partition');
    const s = p.schedules.find((x) => x.calls.map((c) => c.thread).join('') === '11111100')!;
    const o = modelObservations('post-patch', p).get(s.id)!;
    expect(o[2].outcome).toBe('ok');
    expect(o[2].devices[1]).toEqual({ backing: 'Ap1', autoclear: true, open: 'ok', partitions: 0 });
    expect(o[3].outcome).toBe('ok:pattern');
  });
});

describe('violations that need no race', () => {
  it('post-patch stack-shared-fd: the sole-opener check tears A down under B without any race', () => {
    const p = scenario('stack-shared-fd');
    const found = serialCounterexamples(modelWalks('post-patch', p));
    const text = (id: number) => p.schedules[id].calls.map((c) => `T${c.thread + 1} ${c.call.op}`).join(', ');
    const teardown = found.find((v) => v.invariant === 'stacked-no-teardown')!;
    expect(teardown.call).toBe(3);
    expect(text(teardown.schedule)).toBe('T2 open, T2 set_fd, T1 clr, T1 close, T2 read, T2 close');
    // B's worker reads 0 bytes from torn-down A and zero-fills: wrong data, not an error.
    expect(found.find((v) => v.invariant === 'read-data')!.call).toBe(4);
    expect(found.find((v) => v.invariant === 'stacked-io')).toBeUndefined();
  });

  it('stack-independent has none: its violations need the race', () => {
    for (const st of STRATEGIES) {
      expect(serialCounterexamples(modelWalks(st.name, scenario('stack-independent')))).toEqual([]);
    }
  });
});

describe('comparison', () => {
  const p = scenario('mount');
  const walks = modelWalks('post-patch', p);
  const model = modelObservations('post-patch', p);
  const kernelSays = (patch: (s: number, i: number, c: CallObservation) => CallObservation): ScheduleObservation[] =>
    p.schedules.map((s) => ({ scenario: p.name, schedule: s.id, calls: model.get(s.id)!.map((c, i) => patch(s.id, i, c)) }));

  it('agrees when the kernel saw what the model says', () => {
    const r = compareScenario('6.1', 'test', 'post-patch', p, walks, kernelSays((_s, _i, c) => c));
    expect(r.disagreements).toEqual([]);
    expect(r.calls).toHaveLength(p.schedules.reduce((a, s) => a + s.calls.length, 0));
    expect(r.missing).toEqual([]);
  });

  it('reports a different outcome and a different state separately, with the schedule', () => {
    const r = compareScenario('6.1', 'test', 'post-patch', p, walks, kernelSays((s, i, c) =>
      s === 0 && i === 2 ? { outcome: '-EIO', devices: [{ backing: 'regular', autoclear: false, open: 'ok' }] } : c));
    expect(r.disagreements).toHaveLength(1);
    const d = r.disagreements[0];
    expect(d).toMatchObject({ schedule: 0, step: 3, thread: 'T2', call: 'mount(/dev/loopA)', model: '-EINVAL', kernel: '-EIO' });
    expect(d.differs).toEqual(['outcome', 'state']);
    expect(d.kernelState).toBe('A=regular');
  });

  it('takes a difference out only through a narrowing, and counts it', () => {
    const n: Narrowing = { id: 'test-mount', reason: 'because', applies: (c) => c.call.op === 'mount' };
    const r = compareScenario('6.1', 'test', 'post-patch', p, walks, kernelSays((_s, i, c) => (i === 2 ? { ...c, outcome: '-EIO' } : c)), [n]);
    const mounts = r.calls.filter((c) => c.narrowed === 'test-mount');
    expect(mounts.length).toBeGreaterThan(0);
    expect(r.narrowed).toEqual([{ id: 'test-mount', reason: 'because', calls: mounts.length }]);
    expect(r.disagreements.every((c) => c.call !== 'mount(/dev/loopA)')).toBe(true);
  });

  it('a schedule the kernel did not finish is missing, never agreed', async () => {
    const runner: KernelRunner = async (_k, probes) => ({
      kind: 'timeout',
      kernel: '6.1',
      message: 'boot timed out after 1 s',
      observations: probes.flatMap((q) => q.schedules.slice(1).map((s) => ({ scenario: q.name, schedule: s.id, calls: modelObservations('post-patch', q).get(s.id)! }))),
    });
    const r = await runConform({ kernels: ['6.1'], scenarios: ['mount'], timeoutSeconds: 1 }, runner);
    expect(r.results[0].missing).toEqual([0]);
    expect(conformExitCode(r)).toBe(3);
  });

  it('exit codes: 0 all agree, 1 a disagreement, 2 a missing tool', async () => {
    const agree: KernelRunner = async (k, probes) => ({
      kind: 'ok', kernel: k, release: 'x', loopParams: {}, bootSeconds: 1, totalSeconds: 1,
      observations: probes.flatMap((q) => {
        const mo = modelObservations(strategyFor(k).name, q);
        return q.schedules.map((s) => ({ scenario: q.name, schedule: s.id, calls: mo.get(s.id)! }));
      }),
    });
    expect(conformExitCode(await runConform({ kernels: ['6.1', '6.12'], scenarios: ['udev'], timeoutSeconds: 1 }, agree))).toBe(0);
    const wrong: KernelRunner = async (k, probes) => {
      const r = await agree(k, probes, { timeoutSeconds: 1 });
      if (r.kind !== 'ok') throw new Error('unreachable');
      return { ...r, observations: r.observations.map((o) => ({ ...o, calls: o.calls.map((c) => ({ ...c, outcome: 'ok:other' })) })) };
    };
    expect(conformExitCode(await runConform({ kernels: ['6.12'], scenarios: ['udev'], timeoutSeconds: 1 }, wrong))).toBe(1);
    const missing: KernelRunner = async () => ({ kind: 'missing', kernel: '6.1', message: 'qemu-system-x86_64 not found: apt-get install qemu-system-x86' });
    expect(conformExitCode(await runConform({ kernels: ['6.1'], timeoutSeconds: 1 }, missing))).toBe(2);
  });

  it('maps each kernel to the strategy that declares it', () => {
    expect(strategyFor('6.1').name).toBe('post-patch');
    expect(strategyFor('6.12').name).toBe('v6.11');
  });
});

describe('scenarios the kernel probe does not run (LOOP_CTL_REMOVE)', () => {
  it('are left out of the default plan with the reason, and refused when named', () => {
    const plan = conformPlan();
    expect(plan.skipped).toEqual([{ scenario: 'remove-vs-open', reason: 'the kernel probe does not run LOOP_CTL_REMOVE' }]);
    expect(plan.probes.map((p) => p.name)).not.toContain('remove-vs-open');
    expect(plan.probes.map((p) => p.name)).toContain('udev');
    expect(() => conformPlan(['remove-vs-open'])).toThrow(ConformInputError);
    expect(() => conformPlan(['remove-vs-open'])).toThrow("scenario 'remove-vs-open' cannot run on a real kernel: the kernel probe does not run LOOP_CTL_REMOVE");
  });

  it('a conform report says which scenarios it left out, in text and JSON', async () => {
    const runner: KernelRunner = async (k, probes) => ({
      kind: 'ok', kernel: k, release: 'x', loopParams: {}, bootSeconds: 1, totalSeconds: 1,
      observations: probes.flatMap((q) => {
        const mo = modelObservations(strategyFor(k).name, q);
        return q.schedules.map((s) => ({ scenario: q.name, schedule: s.id, calls: mo.get(s.id)! }));
      }),
    });
    const r = await runConform({ kernels: ['6.1'], timeoutSeconds: 1 }, runner);
    expect(r.results.map((x) => x.scenario)).not.toContain('remove-vs-open');
    expect(conformText(r)).toContain('Scenarios not run on a kernel (the model side only):\n  remove-vs-open: the kernel probe does not run LOOP_CTL_REMOVE\n');
    expect((conformJson(r) as { skipped: unknown }).skipped).toEqual(r.skipped);
    // Named scenarios the probe runs leave nothing out.
    expect((await runConform({ kernels: ['6.1'], scenarios: ['udev'], timeoutSeconds: 1 }, runner)).skipped).toEqual([]);
  });

  it('a counterexample with a remove gets no C reproducer, with the reason', () => {
    // No registered code state violates anything in remove-vs-open: the counterexample comes from the fixture that does.
    const model = buildV5_17DiskOpeners('remove-vs-open');
    const trace = explore(model, { invariants: ['no-free-with-opener'] }).outcomes.find((o) => o.invariant === 'no-free-with-opener')!.trace!;
    const origin = { strategy: 'v5.17-disk-openers', scenario: 'remove-vs-open', invariant: 'no-free-with-opener', params: {} };
    expect(() => reproducerFor(model, trace, origin)).toThrow(NoReproducer);
    expect(() => reproducerFor(model, trace, origin)).toThrow('scenario remove-vs-open: no C reproducer: the kernel probe does not run LOOP_CTL_REMOVE');
  });
});
