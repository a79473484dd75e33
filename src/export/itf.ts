// The counterexample in the Informal Trace Format (Apalache ADR-015), so ITF
// viewers and Quint/Apalache tooling can load it. One ITF variable per object
// group (`device A`, `thread T1`, `locks` ...), each a record of its fields;
// enumerated values as strings, every integer as {"#bigint": "..."}; the
// resources each actor holds as a record of sorted sets; per-state #meta
// carries the index and the action taken to reach the state. A trace found
// under --por carries `shortest: false` and the note in the top #meta.

import { runTitle, traceData, type TraceContext } from '../report/trace-data.js';
import { VERSION } from '../app/version.js';
import { REDUCED_TRACE_NOTE } from '../engine/result.js';

export type ItfValue =
  | string
  | boolean
  | { '#bigint': string }
  | { '#set': ItfValue[] }
  | { '#tup': ItfValue[] }
  | { '#map': [ItfValue, ItfValue][] }
  | ItfValue[]
  | { [field: string]: ItfValue };

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

export const bigint = (n: number | bigint): { '#bigint': string } => ({ '#bigint': BigInt(n).toString() });

/** Strings sort by code point, so set order does not depend on the locale. */
export function itfSet(xs: readonly string[]): { '#set': string[] } {
  return { '#set': [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** An ITF variable name for a group: identifier characters only, unique. */
function varNames(groups: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>(['held']);
  for (const g of groups) {
    const base = g.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'state';
    let name = /^[A-Za-z_]/.test(base) ? base : `v_${base}`;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    out.set(g, name);
  }
  return out;
}

export function toItf(ctx: TraceContext): Record<string, unknown> {
  const d = traceData(ctx);
  const layout = ctx.model.layout;
  const groups = [...new Set(d.fields.map((f) => f.group))];
  const vars = varNames(groups);
  const hasHeld = ctx.model.held !== undefined;
  const status = ctx.invariant === 'deadlock' ? 'deadlock' : 'violation';
  // ITF's `loop`: the last state listed is followed by states[loop]. Our lasso
  // repeats its loop state as the last step, so that duplicate is left out
  // (a stuttering end keeps its last state and loops on it).
  const lasso = ctx.trace.loop;
  const shown = lasso !== undefined && lasso < ctx.trace.steps.length - 1 ? ctx.trace.steps.slice(0, -1) : ctx.trace.steps;
  const states = shown.map((s, k) => {
    const st: Record<string, unknown> = {};
    const label = s.label;
    st['#meta'] = {
      index: k,
      ...(label
        ? { thread: label.thread, action: label.action, ...(label.step ? { step: label.step } : {}), ...(label.params ? { params: label.params } : {}) }
        : { action: 'init' }),
      ...(k === d.violationAt && lasso === undefined ? { violates: ctx.invariant } : {}),
      ...(lasso !== undefined && k === lasso ? { 'loop-start': true } : {}),
    };
    for (const g of groups) st[vars.get(g)!] = {};
    layout.fields.forEach((f, i) => {
      const rec = st[vars.get(f.group ?? 'state')!] as Record<string, ItfValue>;
      rec[f.name] = f.values ? layout.format(i, s.state[i]) : bigint(s.state[i]);
    });
    if (hasHeld) {
      const held: Record<string, ItfValue> = {};
      for (const t of d.threads) held[t] = itfSet(d.held[k][t] ?? []);
      st.held = held;
    }
    return st;
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_DESCRIPTION,
      source: `loopcheck ${VERSION}: model ${ctx.family} (${ctx.model.name})`,
      status,
      description: `${runTitle(ctx)}: ${status === 'deadlock' ? 'deadlock' : `violation of ${ctx.invariant}`} — ${ctx.description}`,
      invariant: ctx.invariant,
      model: ctx.family,
      strategy: ctx.strategy,
      scenario: ctx.scenario,
      params: ctx.params,
      groups: Object.fromEntries([...vars].map(([g, v]) => [v, g])),
      ...(d.reduced ? { shortest: false, note: REDUCED_TRACE_NOTE } : {}),
    },
    vars: [...groups.map((g) => vars.get(g)!), ...(hasHeld ? ['held'] : [])],
    states,
    ...(lasso !== undefined ? { loop: lasso } : {}),
  };
}
