// JUnit XML (the Ant/Jenkins dialect every CI reads): one <testsuite> per
// search (strategy x scenario of a config run), one <testcase> per cell.
// A verdict that differs from its expectation is a <failure> whose body is the
// Markdown counterexample; an incomplete cell (not incomplete-ok) is an
// <error>; an expected violation passes and keeps its trace in <system-out>.
// A search run with partial-order reduction says so in its suite's
// properties, and its counterexamples in their message and body (they may
// not be the shortest).

import { hostname } from 'node:os';
import type { CellResult } from './cells.js';
import { mismatchText } from './cells.js';
import { propertyOf } from '../engine/properties.js';
import { outcomeMarkdown } from './trace-markdown.js';
import { REDUCED_TRACE_NOTE } from '../engine/result.js';

// XML 1.0 forbids most control characters even as references.
const xmlText = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
const secs = (s: number) => s.toFixed(3);

export function junitXml(cells: readonly CellResult[], now = new Date()): string {
  // Group cells by search, keeping order.
  const suites: CellResult[][] = [];
  for (const c of cells) {
    const last = suites[suites.length - 1];
    if (last && last[0].run === c.run) last.push(c);
    else suites.push([c]);
  }
  const failures = (cs: readonly CellResult[]) => cs.filter((c) => c.status === 'differs').length;
  const errors = (cs: readonly CellResult[]) => cs.filter((c) => c.status === 'incomplete').length;
  const runSeconds = (r: CellResult['run']) => r.result.stats.seconds + (r.result.stats.analysisSeconds ?? 0);
  const time = suites.reduce((t, s) => t + runSeconds(s[0].run), 0);
  const ts = now.toISOString().replace(/\.\d+Z$/, '');
  const host = hostname();

  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="loopcheck" tests="${cells.length}" failures="${failures(cells)}" errors="${errors(cells)}" time="${secs(time)}">`,
  );
  suites.forEach((cs, id) => {
    const { run, group } = cs[0];
    const where = [run.run.strategy, run.run.scenario].filter((x) => x !== null).join(' / ');
    const suiteName = where ? `${group.label}: ${where}` : group.label;
    const r = run.result;
    out.push(
      `  <testsuite name="${xmlAttr(suiteName)}" id="${id}" package="loopcheck.${xmlAttr(run.run.family.name)}" tests="${cs.length}" failures="${failures(cs)}" errors="${errors(cs)}" skipped="0" time="${secs(runSeconds(run))}" timestamp="${ts}" hostname="${xmlAttr(host)}">`,
    );
    out.push('    <properties>');
    const props: [string, string][] = [
      ['model', run.run.family.name],
      ['instance', run.model.name],
      ...(run.run.strategy !== null ? [['strategy', run.run.strategy] as [string, string]] : []),
      ...(run.run.scenario !== null ? [['scenario', run.run.scenario] as [string, string]] : []),
      ...Object.entries(run.run.params).map(([k, v]) => [`param.${k}`, String(v)] as [string, string]),
      ['search', r.complete ? r.stopReason : `incomplete: ${r.stopReason}`],
      ['states', String(r.stats.states)],
      ['transitions', String(r.stats.transitions)],
      ['depth', String(r.stats.depth)],
      ['partial-order-reduction', String(r.stats.partialOrder ?? false)],
    ];
    for (const [k, v] of props) out.push(`      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`);
    out.push('    </properties>');
    const classname = ['loopcheck', group.label, run.run.strategy, run.run.scenario].filter((x) => x !== null).join('.');
    // Each cell's own share of the time: the state invariants and deadlock are
    // checked together by the search, the liveness and lock-order properties by
    // the analyses after it; each pass's time is split over the cells it decides.
    const kinds = cs.map((c) => propertyOf(run.model, c.outcome.invariant)?.kind ?? 'invariant');
    const analysed = kinds.filter((k) => k === 'liveness' || k === 'lock-order').length;
    const cellSeconds = (i: number) =>
      kinds[i] === 'liveness' || kinds[i] === 'lock-order' ? (r.stats.analysisSeconds ?? 0) / analysed : r.stats.seconds / Math.max(1, cs.length - analysed);
    for (const [i, c] of cs.entries()) {
      const open = `    <testcase name="${xmlAttr(c.key)}" classname="${xmlAttr(classname)}" time="${secs(cellSeconds(i))}"`;
      const md = outcomeMarkdown(c.run, c.outcome);
      if (c.status === 'as-expected') {
        if (md) {
          out.push(`${open}>`);
          out.push(`      <system-out>${xmlText(`expected violation found\n\n${md}`)}</system-out>`);
          out.push('    </testcase>');
        } else {
          out.push(`${open}/>`);
        }
        continue;
      }
      out.push(`${open}>`);
      const msg = `${c.name}: ${mismatchText(c)}`;
      const tag = c.status === 'differs' ? 'failure' : 'error';
      const type = c.status === 'incomplete' ? 'incomplete' : c.actual === 'violated' ? 'unexpected-violation' : 'expected-violation-not-found';
      const body = [
        `cell: ${c.name}`,
        `expected: ${c.expected}`,
        `actual: ${c.actual}`,
        `search: ${r.complete ? r.stopReason : `incomplete (${r.stopReason})`}, ${r.stats.states} states, depth ${r.stats.depth}${r.stats.partialOrder ? ', partial-order reduction (--por)' : ''}`,
        ...(c.outcome.trace?.reduced ? [`note: ${REDUCED_TRACE_NOTE}`] : []),
        ...(md ? ['', md] : []),
      ].join('\n');
      out.push(`      <${tag} message="${xmlAttr(msg)}" type="${type}">${xmlText(body)}</${tag}>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
