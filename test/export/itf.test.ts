// ITF output checked against the rules of Apalache ADR-015 (Informal Trace
// Format), as revised: a trace object with optional #meta / params / loop,
// vars (strings) and states; every state defines exactly the vars (plus an
// optional #meta); every expression is a boolean, string, {"#bigint"},
// list, {"#tup"}, {"#set"}, {"#map"}, {"#unserializable"} or a record whose
// field names do not start with '#'. On top, what the issue asks: integers
// only as #bigint, sets sorted, #meta with format, source, status, description.

import { describe, expect, it } from 'vitest';
import { toItf } from '../../src/export/itf.js';
import type { TraceContext } from '../../src/report/trace-data.js';
import { counterContext, philosophersDeadlock, toyContext } from './fixtures.js';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Returns the ADR-015 violations found in `doc` (empty when valid). */
export function validateItf(doc: unknown, opts: { strictIntegers?: boolean; sortedSets?: boolean } = {}): string[] {
  const errs: string[] = [];
  const expr = (v: unknown, at: string): void => {
    if (typeof v === 'boolean' || typeof v === 'string') return;
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || Math.abs(v) > 2 ** 53 - 1) errs.push(`${at}: number ${v} is not an integer in the RFC 7159 safe range`);
      else if (opts.strictIntegers) errs.push(`${at}: integer ${v} not written as #bigint`);
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => expr(x, `${at}[${i}]`));
    if (!isObj(v)) return void errs.push(`${at}: ${JSON.stringify(v)} is not an ITF expression`);
    const keys = Object.keys(v);
    const special = keys.filter((k) => k.startsWith('#'));
    if (special.length > 0) {
      if (keys.length !== 1) return void errs.push(`${at}: a #-form must be the only key, got ${keys.join(', ')}`);
      const [k] = special;
      const body = v[k];
      switch (k) {
        case '#bigint':
          if (typeof body !== 'string' || !/^-?[0-9]+$/.test(body)) errs.push(`${at}: #bigint must be a string of the form [-][0-9]+`);
          return;
        case '#tup':
        case '#set':
          if (!Array.isArray(body)) return void errs.push(`${at}: ${k} must hold an array`);
          body.forEach((x, i) => expr(x, `${at}.${k}[${i}]`));
          if (k === '#set' && opts.sortedSets) {
            const ser = body.map((x) => JSON.stringify(x));
            if (ser.some((s, i) => i > 0 && ser[i - 1] >= s)) errs.push(`${at}: #set elements not sorted and distinct`);
          }
          return;
        case '#map':
          if (!Array.isArray(body)) return void errs.push(`${at}: #map must hold an array`);
          body.forEach((p, i) => {
            if (!Array.isArray(p) || p.length !== 2) errs.push(`${at}.#map[${i}]: not a two-element array`);
            else p.forEach((x, j) => expr(x, `${at}.#map[${i}][${j}]`));
          });
          return;
        case '#unserializable':
          if (typeof body !== 'string') errs.push(`${at}: #unserializable must hold a string`);
          return;
        default:
          return void errs.push(`${at}: unknown form ${k} (record field names must not start with #)`);
      }
    }
    for (const k of keys) expr(v[k], `${at}.${k}`);
  };
  if (!isObj(doc)) return ['trace is not a JSON object'];
  for (const k of Object.keys(doc)) {
    if (!['#meta', 'params', 'vars', 'states', 'loop'].includes(k)) errs.push(`unexpected top-level field ${k}`);
  }
  if ('#meta' in doc && !isObj(doc['#meta'])) errs.push('#meta must be an object');
  if ('params' in doc && !(Array.isArray(doc.params) && doc.params.every((x) => typeof x === 'string'))) errs.push('params must be an array of strings');
  if (!Array.isArray(doc.vars) || !doc.vars.every((x) => typeof x === 'string')) return [...errs, 'vars must be an array of strings'];
  const vars = doc.vars as string[];
  if (new Set(vars).size !== vars.length) errs.push('vars has duplicates');
  if (!Array.isArray(doc.states)) return [...errs, 'states must be an array'];
  if ('loop' in doc && !(Number.isInteger(doc.loop) && (doc.loop as number) >= 0 && (doc.loop as number) < doc.states.length)) {
    errs.push('loop must be a state index');
  }
  doc.states.forEach((s, i) => {
    if (!isObj(s)) return void errs.push(`states[${i}] is not an object`);
    if ('#meta' in s && !isObj(s['#meta'])) errs.push(`states[${i}].#meta must be an object`);
    for (const v of vars) if (!(v in s)) errs.push(`states[${i}] does not define ${v}`);
    for (const k of Object.keys(s)) {
      if (k === '#meta') continue;
      if (!vars.includes(k)) errs.push(`states[${i}] defines ${k}, which is not in vars`);
      else expr(s[k], `states[${i}].${k}`);
    }
  });
  return errs;
}

const cases: [string, () => TraceContext][] = [
  ['philosophers deadlock', philosophersDeadlock],
  ['toy crossed deadlock', () => toyContext('crossed', 'deadlock')],
  ['toy ordered invariant (locks released)', () => toyContext('ordered', 't1-never-done')],
  ['counter (no held(), numeric fields)', counterContext],
];

describe('ITF (ADR-015)', () => {
  it('the validator itself rejects what the ADR forbids', () => {
    expect(validateItf({ vars: ['x'], states: [{ x: 1.5 }] })).not.toEqual([]);
    expect(validateItf({ vars: ['x'], states: [{}] })).toEqual(['states[0] does not define x']);
    expect(validateItf({ vars: ['x'], states: [{ x: { '#bigint': '1e3' } }] })).not.toEqual([]);
    expect(validateItf({ vars: ['x'], states: [{ x: { '#set': [{ '#bigint': '2' }, { '#bigint': '1' }] } }] }, { sortedSets: true })).not.toEqual([]);
    expect(validateItf({ vars: ['x'], states: [{ x: 3 }] }, { strictIntegers: true })).not.toEqual([]);
    expect(validateItf({ vars: ['x'], states: [{ x: { '#weird': 1 } }] })).not.toEqual([]);
    expect(validateItf({ vars: ['x'], states: [{ x: { '#map': [[{ '#bigint': '1' }, 'a']] } }] })).toEqual([]);
  });

  it.each(cases)('%s: valid, integers as #bigint, sets sorted', (_n, make) => {
    const ctx = make();
    const doc = JSON.parse(JSON.stringify(toItf(ctx)));
    expect(validateItf(doc, { strictIntegers: true, sortedSets: true })).toEqual([]);
    expect(doc.states).toHaveLength(ctx.trace.steps.length);
    doc.states.forEach((s: { '#meta': { index: number } }, i: number) => expect(s['#meta'].index).toBe(i));
    expect(doc['#meta']).toMatchObject({
      format: 'ITF',
      'format-description': expect.stringContaining('015adr-trace'),
      source: expect.stringContaining('loopcheck'),
      status: ctx.invariant === 'deadlock' ? 'deadlock' : 'violation',
      description: expect.stringContaining(ctx.description),
    });
  });

  it('groups fields into records per object and keeps value names as strings', () => {
    const doc = toItf(philosophersDeadlock()) as { vars: string[]; states: Record<string, any>[] };
    expect(doc.vars).toEqual(['philosopher_P0', 'philosopher_P1', 'philosopher_P2', 'forks', 'shared', 'held']);
    const last = doc.states[doc.states.length - 1];
    expect(last.forks).toEqual({ 'fork[0]': 'P0', 'fork[1]': 'P1', 'fork[2]': 'P2' });
    expect(last.shared).toEqual({ meals: { '#bigint': '0' } });
    expect(last.held.P1).toEqual({ '#set': ['fork[1]'] });
    expect(last['#meta']).toMatchObject({ thread: 'P2', action: 'take-first', violates: 'deadlock' });
  });
});
