// Racing windows: a trace that runs every call whole is syscall-serial; the
// pre-patch race names the two adjacent loop_clr_fd statements T2 ran between.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { explore } from '../../src/engine/bfs.js';
import type { Trace, TraceStep } from '../../src/engine/result.js';
import { racingWindows, racingWindowLines } from '../../src/report/racing-windows.js';

const build = (strategy: string, scenario: string) => loopFamily.build({ strategy, scenario, params: {} });

/** A trace in which thread `order[i]` runs its next whole call, one after another. */
function serialTrace(strategy: string, scenario: string, order: readonly number[]): Trace {
  const model = build(strategy, scenario);
  let s = model.initialStates()[0];
  const steps: TraceStep[] = [{ action: 0, label: null, state: s }];
  const threadOf = (a: number) => Number(model.label(a, s).thread.slice(1)) - 1;
  for (const t of order) {
    const a = [...Array(model.actionCount).keys()].find((x) => threadOf(x) === t)!;
    let started = false;
    for (;;) {
      const busy = model.busy!({ at: (i: number) => s[i] } as never).includes(`T${t + 1}`);
      if (started && !busy) break;
      const d = s.slice();
      if (!model.step(a, s, d)) throw new Error('blocked');
      steps.push({ action: a, label: model.label(a, s), state: d });
      s = d;
      started = true;
    }
  }
  return { steps };
}

describe('racing windows', () => {
  it('the pre-patch race: T2 runs between the unlocked disk_openers read and the Lo_rundown store', () => {
    const model = build('pre-patch', 'stack-independent');
    const r = explore(model, { invariants: ['stacked-no-teardown'] });
    const trace = r.outcomes.find((o) => o.invariant === 'stacked-no-teardown')!.trace!;
    const s = racingWindows(model, trace)!;
    expect(s.serial).toBe(false);
    const w = s.windows[0];
    expect(w.thread).toBe('T1');
    expect(w.call).toBe('ioctl(fd0, LOOP_CLR_FD)');
    expect(w.after.text).toMatch(/^loop_clr_fd: .*read disk_openers\(A\) == 1$/);
    expect(w.before!.text).toMatch(/^loop_clr_fd: openers == 1: st\(A\) := Lo_rundown/);
    expect(w.others).toEqual([{ thread: 'T2', steps: w.before!.step - w.after.step - 1, calls: ['open(/dev/loopA) -> fd0', 'open(/dev/loopB) -> fd1', 'ioctl(fd1, LOOP_SET_FD, fd0)'] }]);
    expect(racingWindowLines(s)[0]).toMatch(/^racing: 3 windows/);
  });

  it('whole calls one after another are syscall-serial', () => {
    const model = build('post-patch', 'stack-shared-fd');
    const trace = serialTrace('post-patch', 'stack-shared-fd', [1, 1, 0, 0, 1, 1]);
    const s = racingWindows(model, trace)!;
    expect(s).toEqual({ serial: true, windows: [] });
    expect(racingWindowLines(s)[0]).toMatch(/^syscall-serial/);
  });

  it('a model without Model.busy cannot tell', () => {
    const model = loopFamily.build({ strategy: 'post-patch', scenario: 'udev', params: {} });
    expect(racingWindows({ ...model, busy: undefined }, { steps: [{ action: 0, label: null, state: model.initialStates()[0] }] })).toBeNull();
  });
});
