// A counterexample as a sequence of messages between lifelines: one per
// thread, one per lock and one per other object (device, file, ...) whose
// fields the trace changes. Acquisitions and releases come from the model's
// held(); state changes become messages from the acting thread to the object,
// changes to the thread's own fields become notes over it. Mermaid and DOT
// draw the same sequence.

import type { TraceData } from '../report/trace-data.js';

export type ParticipantKind = 'thread' | 'lock' | 'object';

export interface Participant {
  /** Safe identifier (letters, digits, underscore). */
  readonly id: string;
  readonly label: string;
  readonly kind: ParticipantKind;
}

export type SeqEvent =
  | { readonly kind: 'step'; readonly n: number; readonly on: string; readonly text: string }
  | { readonly kind: 'acquire' | 'release' | 'change'; readonly n: number; readonly from: string; readonly to: string; readonly text: string }
  | { readonly kind: 'note'; readonly n: number; readonly on: string; readonly text: string }
  | { readonly kind: 'violation'; readonly n: number; readonly on: string; readonly text: string };

export interface Sequence {
  readonly participants: readonly Participant[];
  readonly events: readonly SeqEvent[];
}

/** Whether `group` is an actor's own object (`thread T1`, `philosopher P0`). */
export function ownGroup(group: string, thread: string): boolean {
  return group === thread || group.endsWith(` ${thread}`) || group.startsWith(`${thread} `) || group.startsWith(`${thread}.`);
}

export function buildSequence(d: TraceData): Sequence {
  const ids = new Map<string, Participant>();
  const used = new Set<string>();
  const participant = (kind: ParticipantKind, label: string): Participant => {
    const key = `${kind}:${label}`;
    let p = ids.get(key);
    if (!p) {
      const base = `${kind[0]}_${label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}` || `${kind[0]}_x`;
      let id = base;
      for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
      used.add(id);
      p = { id, label, kind };
      ids.set(key, p);
    }
    return p;
  };
  for (const t of d.threads) participant('thread', t);
  for (const l of d.locks) participant('lock', l);
  const lockNames = new Set(d.locks);
  const threadOf = (name: string) => participant('thread', name).id;
  const events: SeqEvent[] = [];
  for (const s of d.steps) {
    const me = threadOf(s.thread);
    events.push({ kind: 'step', n: s.n, on: me, text: `${s.n}. ${s.title}` });
    const before = d.held[s.n - 1];
    const after = d.held[s.n];
    let lockEvents = 0;
    const actors = [s.thread, ...Object.keys({ ...before, ...after }).filter((a) => a !== s.thread)];
    for (const a of actors) {
      const was = new Set(before[a] ?? []);
      const now = new Set(after[a] ?? []);
      for (const r of now) {
        if (!was.has(r)) {
          events.push({ kind: 'acquire', n: s.n, from: threadOf(a), to: participant('lock', r).id, text: 'acquire' });
          lockEvents++;
        }
      }
      for (const r of was) {
        if (!now.has(r)) {
          events.push({ kind: 'release', n: s.n, from: threadOf(a), to: participant('lock', r).id, text: 'release' });
          lockEvents++;
        }
      }
    }
    const own: string[] = [];
    const byGroup = new Map<string, string[]>();
    for (const ch of s.changes) {
      if (lockNames.has(ch.field)) continue; // shown as acquire / release
      if (lockEvents > 0 && ch.group === 'locks') continue;
      const text = `${ch.field}: ${ch.from} → ${ch.to}`;
      if (ownGroup(ch.group, s.thread)) own.push(text);
      else {
        if (!byGroup.has(ch.group)) byGroup.set(ch.group, []);
        byGroup.get(ch.group)!.push(text);
      }
    }
    for (const [g, texts] of byGroup) {
      events.push({ kind: 'change', n: s.n, from: me, to: participant('object', g).id, text: texts.join(', ') });
    }
    if (own.length > 0) events.push({ kind: 'note', n: s.n, on: me, text: own.join(', ') });
    if (d.loop === s.n && s.n < d.steps.length) events.push({ kind: 'note', n: s.n, on: me, text: `↻ loop starts after step ${s.n}` });
  }
  const last = d.steps.length > 0 ? d.steps[d.steps.length - 1].thread : d.threads[0];
  const on = last !== undefined ? threadOf(last) : participant('object', 'state').id;
  const text = d.ending ? `violates ${d.invariant} forever: ${d.ending}` : `violates ${d.invariant}: ${d.description}`;
  if (d.loop === 0 && d.steps.length > 0) events.unshift({ kind: 'note', n: 0, on: threadOf(d.steps[0].thread), text: '↻ loop starts at the initial state' });
  events.push({ kind: 'violation', n: d.violationAt, on, text });
  return { participants: [...ids.values()], events };
}
