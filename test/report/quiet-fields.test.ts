// Quiet fields (unused call-stack slots and the like) are left out of a
// full-state listing while they are 0, shown when they hold something, and
// always shown in diffs.

import { describe, expect, it } from 'vitest';
import { Layout } from '../../src/engine/layout.js';
import { groupState, viewTrace } from '../../src/report/trace-view.js';
import type { Model } from '../../src/engine/model.js';

const layout = new Layout([
  { name: 'x', domain: 3, group: 'g' },
  { name: 'slot', domain: 3, group: 'g', quiet: true },
]);

describe('quiet fields', () => {
  it('are omitted from full states while 0', () => {
    const v = layout.newVector();
    expect(groupState(layout, v)).toEqual([{ group: 'g', fields: [{ field: 'x', value: '0' }] }]);
    v[1] = 2;
    expect(groupState(layout, v)[0].fields.map((f) => f.field)).toEqual(['x', 'slot']);
  });

  it('still appear in a step diff when they change', () => {
    const model = { layout, label: () => ({ thread: 'T', action: 'a' }) } as unknown as Model;
    const a = layout.newVector();
    const b = layout.newVector();
    b[1] = 1;
    const tv = viewTrace(model, { steps: [{ action: 0, label: null, state: a }, { action: 0, label: { thread: 'T', action: 'a' }, state: b }] }, 'inv', 'd');
    expect(tv.steps[0].changes.map((c) => c.field)).toEqual(['slot']);
    expect(tv.initial[0].fields.map((f) => f.field)).toEqual(['x']);
  });
});
