// SARIF 2.1.0: one result per unexpected violation, its rule id the violated
// invariant, its counterexample a code flow with one thread flow per actor
// (thread, process, philosopher). Steps carry their global position as
// executionOrder, so a viewer can interleave the threads again, and point at
// the model source that defines the step (see sources.ts). Other mismatches
// (an expected violation not found, an incomplete cell) are tool execution
// notifications, since they have no trace to show.

import { stallWindowLine, stallWindows } from '../report/stall-windows.js';
import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import { VERSION } from '../app/version.js';
import { stepTitle, viewTrace } from '../report/trace-view.js';
import type { CellResult } from './cells.js';
import { mismatchText } from './cells.js';
import { locateRun, locateStep, type SourceLocation } from './sources.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

function physical(loc: SourceLocation, message?: string): Sarif.Location {
  return {
    physicalLocation: {
      artifactLocation: { uri: loc.uri, uriBaseId: 'SRCROOT' },
      ...(loc.line !== undefined ? { region: { startLine: loc.line } } : {}),
    },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
}

function codeFlow(c: CellResult): Sarif.CodeFlow {
  const { run } = c;
  const tv = viewTrace(run.model, c.outcome.trace!, c.outcome.invariant, c.outcome.description);
  const prefer = [run.run.strategy, run.run.scenario];
  const threads = new Map<string, Sarif.ThreadFlowLocation[]>();
  for (const s of tv.steps) {
    const loc = locateStep(run.run.family, s, prefer);
    const changes = s.changes.map((ch) => `${ch.field}: ${ch.from} -> ${ch.to}`).join(', ');
    const last = s.n === tv.steps.length;
    const text = `${s.n}. ${s.thread} ${stepTitle(s)}${changes ? ` [${changes}]` : ''}${last ? ` -- violates ${tv.invariant}` : ''}`;
    const state: Record<string, Sarif.MultiformatMessageString> = {};
    for (const ch of s.changes) state[ch.field] = { text: ch.to };
    if (!threads.has(s.thread)) threads.set(s.thread, []);
    threads.get(s.thread)!.push({
      location: physical(loc, text),
      executionOrder: s.n,
      importance: last ? 'essential' : 'important',
      ...(Object.keys(state).length > 0 ? { state } : {}),
    });
  }
  const initial = tv.initial.map((g) => `${g.group}: ${g.fields.map((f) => `${f.field}=${f.value}`).join(' ')}`).join('; ');
  const stalls = tv.stallWindows.map((w) => `; stall window: ${stallWindowLine(w)}`).join('');
  return {
    message: { text: `${tv.steps.length}-step counterexample from the initial state (${initial})${stalls}` },
    threadFlows: [...threads].map(([thread, locations]) => ({
      id: thread,
      message: { text: `actor ${thread}` },
      locations,
    })),
  };
}

export function sarifLog(cells: readonly CellResult[], exitCode: number): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const c of cells) {
    if (ruleIndex.has(c.outcome.invariant)) continue;
    ruleIndex.set(c.outcome.invariant, rules.length);
    rules.push({
      id: c.outcome.invariant,
      name: c.outcome.invariant,
      shortDescription: { text: c.outcome.description },
      defaultConfiguration: { level: 'error' },
    });
  }
  const results: Sarif.Result[] = cells
    .filter((c) => c.status === 'differs' && c.actual === 'violated' && c.outcome.trace)
    .map((c) => {
      const tv = c.outcome.trace!;
      const lastLabel = tv.steps[tv.steps.length - 1].label;
      const where = lastLabel
        ? locateStep(c.run.run.family, { action: lastLabel.action, step: lastLabel.step ?? null }, [c.run.run.strategy, c.run.run.scenario])
        : locateRun(c.run.run.family, c.run.run.strategy, c.run.run.scenario);
      return {
        ruleId: c.outcome.invariant,
        ruleIndex: ruleIndex.get(c.outcome.invariant)!,
        level: 'error',
        message: { text: `${c.name}: ${c.outcome.description} -- ${mismatchText(c)}` },
        locations: [physical(where)],
        codeFlows: [codeFlow(c)],
        partialFingerprints: {
          'loopcheckCell/v1': createHash('sha256').update(`${c.group.label}\n${c.key}`).digest('hex').slice(0, 32),
        },
        properties: {
          run: c.group.label,
          cell: c.key,
          model: c.run.run.family.name,
          instance: c.run.model.name,
          strategy: c.run.run.strategy,
          scenario: c.run.run.scenario,
          params: { ...c.run.run.params },
          expected: c.expected,
          actual: c.actual,
          steps: c.steps,
          stallWindows: stallWindows(tv.steps.slice(1).map((st) => st.label)),
        },
      };
    });
  const notifications: Sarif.Notification[] = cells
    .filter((c) => c.status !== 'as-expected' && !(c.actual === 'violated'))
    .map((c) => ({
      level: c.status === 'differs' ? 'error' : 'warning',
      message: { text: `${c.name}: ${mismatchText(c)}` },
      descriptor: { id: c.status === 'differs' ? 'expected-violation-not-found' : 'incomplete' },
      associatedRule: { id: c.outcome.invariant, index: ruleIndex.get(c.outcome.invariant)! },
    }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'loopcheck',
            version: VERSION,
            semanticVersion: VERSION,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            exitCode,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds: {
          SRCROOT: { description: { text: 'the root of the loopcheck source tree (model files live under models/)' } },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
