// The json trace format and replay: export -> replay -> identical, tampered
// traces report the exact divergent step, bad files are one-line errors.

import { describe, expect, it } from 'vitest';
import { replay } from '../../src/export/replay.js';
import { loadTrace, parseTraceFile, toTraceFile, traceFileText, TraceFileError } from '../../src/export/trace-json.js';
import { FAMILIES } from '../../src/app/registry.js';
import type { TraceContext } from '../../src/report/trace-data.js';
import { philosophersDeadlock, toyContext, toyFamily } from './fixtures.js';

const families = [...FAMILIES, toyFamily];

function roundTrip(ctx: TraceContext): string {
  const text = traceFileText(ctx);
  const loaded = loadTrace(parseTraceFile(text), families);
  const o = replay(loaded);
  if (!o.ok) throw new Error(`diverged at ${o.step}: ${o.reason}`);
  return traceFileText({ ...ctx, model: loaded.model, trace: o.trace, description: o.description });
}

function tampered(ctx: TraceContext, edit: (doc: ReturnType<typeof toTraceFile> & Record<string, unknown>) => void) {
  const doc = JSON.parse(traceFileText(ctx));
  edit(doc);
  return replay(loadTrace(parseTraceFile(JSON.stringify(doc)), families));
}

function fileError(text: string): string {
  try {
    loadTrace(parseTraceFile(text), families);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceFileError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a TraceFileError');
}

describe('json round trip', () => {
  it.each([
    ['philosophers lefty deadlock', philosophersDeadlock],
    ['toy crossed deadlock', () => toyContext('crossed', 'deadlock')],
    ['toy ordered invariant', () => toyContext('ordered', 't1-never-done')],
  ])('%s: export -> replay -> export is identical', (_name, make) => {
    const ctx = make();
    const text = traceFileText(ctx);
    expect(roundTrip(ctx)).toBe(text);
    const doc = JSON.parse(text);
    expect(doc.schema).toBe(1);
    expect(doc.steps[0]).toMatchObject({ step: 0, label: null });
    expect(doc.steps.length).toBe(ctx.trace.steps.length);
  });

  it('records the run: model, params, strategy, scenario, invariant, labels and full states', () => {
    const doc = toTraceFile(toyContext('ordered', 't1-never-done'));
    expect(doc).toMatchObject({ model: 'toy', params: { K: 1 }, strategy: 'ordered', scenario: 's1', invariant: 't1-never-done' });
    expect(doc.steps[1].label).toMatchObject({ thread: expect.stringMatching(/^T[01]$/), action: 'step' });
    expect(Object.keys(doc.steps[1].state)).toEqual(['T0.pc', 'T1.pc', 'lockA', 'lockB']);
  });
});

describe('tampered traces', () => {
  it('a changed field reports that exact step with expected vs actual', () => {
    const ctx = philosophersDeadlock();
    const o = tampered(ctx, (d) => {
      d.steps[4].state['fork[1]'] = 3; // P2 instead of P1
    });
    expect(o.ok).toBe(false);
    if (o.ok) return;
    expect(o.step).toBe(4);
    expect(o.reason).toMatch(/differs from the recorded state/);
    expect(o.diffs).toEqual([{ field: 'fork[1]', expected: 'P2', actual: 'P1' }]);
  });

  it('an action that is not enabled is reported at its step', () => {
    const ctx = philosophersDeadlock();
    const o = tampered(ctx, (d) => {
      d.steps[2].action = 2 * 4 + 3; // P2 release while thinking
    });
    expect(o).toMatchObject({ ok: false, step: 2, reason: expect.stringMatching(/action 11 .* is not enabled/) });
  });

  it('a trace that replays but does not violate its invariant diverges at the last step', () => {
    const ctx = philosophersDeadlock();
    const o = tampered(ctx, (d) => {
      d.steps = d.steps.slice(0, 5);
    });
    expect(o).toMatchObject({ ok: false, step: 4, reason: expect.stringMatching(/claims a deadlock, but action \d+ .* is enabled/) });
  });

  it('a changed initial state is reported at step 0', () => {
    const o = tampered(philosophersDeadlock(), (d) => {
      d.steps[0].state['pc[1]'] = 1;
    });
    expect(o).toMatchObject({ ok: false, step: 0 });
  });
});

describe('invalid trace files', () => {
  const good = () => JSON.parse(traceFileText(toyContext('crossed', 'deadlock')));
  const edit = (f: (d: Record<string, any>) => void) => {
    const d = good();
    f(d);
    return JSON.stringify(d);
  };
  it.each<[string, () => string, RegExp]>([
    ['not JSON', () => '{"schema": 1,', /^not JSON/],
    ['wrong schema version', () => edit((d) => (d.schema = 2)), /unsupported schema version 2/],
    ['no schema', () => edit((d) => delete d.schema), /missing field 'schema'/],
    ['missing steps', () => edit((d) => delete d.steps), /missing field 'steps'/],
    ['missing invariant', () => edit((d) => delete d.invariant), /missing field 'invariant'/],
    ['unknown model', () => edit((d) => (d.model = 'nope')), /unknown model 'nope'/],
    ['unknown strategy', () => edit((d) => (d.strategy = 'sideways')), /unknown strategy 'sideways' for model toy \(valid: crossed, ordered\)/],
    ['unknown scenario', () => edit((d) => (d.scenario = 's9')), /unknown scenario 's9'/],
    ['unknown invariant', () => edit((d) => (d.invariant = 'x')), /unknown invariant 'x'/],
    ['parameter out of range', () => edit((d) => (d.params.K = 9)), /parameter K=9 out of range 1\.\.3/],
    ['value outside its domain', () => edit((d) => (d.steps[1].state.lockA = 7)), /steps\[1\]\.state\.lockA = 7 is outside its domain 0\.\.2/],
    ['missing state field', () => edit((d) => delete d.steps[2].state.lockB), /steps\[2\]\.state: missing field 'lockB'/],
    ['unknown state field', () => edit((d) => (d.steps[0].state.zz = 0)), /unknown field 'zz'/],
    ['action out of range', () => edit((d) => (d.steps[1].action = 99)), /steps\[1\]\.action 99 is outside/],
  ])('%s', (_name, text, msg) => {
    expect(fileError(text())).toMatch(msg);
  });
});
