// SARIF 2.1.0: one result per unexpected violation, its rule id the violated
// invariant, its counterexample a code flow with one thread flow per actor
// (thread, process, philosopher). Steps carry their global position as
// executionOrder, so a viewer can interleave the threads again, and point at
// the model source that defines the step (see sources.ts). Other mismatches
// (an expected violation not found, an incomplete cell) are tool execution
// notifications, since they have no trace to show. A counterexample found
// under partial-order reduction says in its message, code flow and
// properties that it may not be the shortest; the run's properties and a
// notification say how many searches were reduced.

import { stallWindowLine, stallWindows } from '../report/stall-windows.js';
import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import { VERSION } from '../app/version.js';
import { stepTitle, viewTrace } from '../report/trace-view.js';
import type { CellResult } from './cells.js';
import { mismatchText, reducedSearches } from './cells.js';
import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import { locateRun, locateStep, type SourceLocation } from './sources.js';
import type { RepoLocator } from './repo-locations.js';

/** Where the rules' help points: the package page, whose README documents every property and the guides. */
export const HELP_URI = 'https://www.npmjs.com/package/loopcheck';

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

function codeFlow(c: CellResult, locator: RepoLocator | null, cellLoc: SourceLocation | null): Sarif.CodeFlow {
  const { run } = c;
  const trace = c.outcome.trace!;
  const tv = viewTrace(run.model, trace, c.outcome.invariant, c.outcome.description);
  const prefer = [run.run.strategy, run.run.scenario];
  const threads = new Map<string, Sarif.ThreadFlowLocation[]>();
  for (const s of tv.steps) {
    const loc =
      (locator ? locator.step(run.run.family, run.run.strategy, run.run.scenario, s, cellLoc) : null) ?? locateStep(run.run.family, s, prefer);
    const changes = s.changes.map((ch) => `${ch.field}: ${ch.from} -> ${ch.to}`).join(', ');
    const last = s.n === tv.steps.length;
    const loopStart = trace.loop !== undefined && s.n === trace.loop + 1 ? ' -- the loop starts here' : '';
    const text = `${s.n}. ${s.thread} ${stepTitle(s)}${changes ? ` [${changes}]` : ''}${loopStart}${last ? ` -- violates ${tv.invariant}` : ''}`;
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
  const loop =
    trace.loop === undefined
      ? ''
      : trace.loop === trace.steps.length - 1
        ? `; the run then stutters in state ${trace.loop} forever`
        : `; a lasso: after step ${trace.loop} the run is back in state ${trace.loop}, and steps ${trace.loop + 1}..${trace.steps.length - 1} repeat forever`;
  return {
    message: { text: `${tv.steps.length}-step counterexample from the initial state (${initial})${loop}${stalls}${trace.reduced ? `; ${REDUCED_TRACE_NOTE}` : ''}` },
    threadFlows: [...threads].map(([thread, locations]) => ({
      id: thread,
      message: { text: `actor ${thread}` },
      locations,
    })),
  };
}

/** A readable rule name (`StackedNoTeardown`), left out where it would only repeat the id. */
function ruleName(id: string): { name?: string } {
  const name = id.replace(/(^|[-_.])(\w)/g, (_m, _sep: string, ch: string) => ch.toUpperCase());
  return name.toLowerCase() === id.toLowerCase() ? {} : { name };
}

export function sarifLog(cells: readonly CellResult[], exitCode: number, locator: RepoLocator | null = null): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const c of cells) {
    if (ruleIndex.has(c.outcome.invariant)) continue;
    ruleIndex.set(c.outcome.invariant, rules.length);
    rules.push({
      id: c.outcome.invariant,
      ...ruleName(c.outcome.invariant),
      shortDescription: { text: c.outcome.description },
      fullDescription: {
        text: `${c.outcome.description}. loopcheck explored every interleaving of the model's threads; a result is a counterexample: the shortest run that breaks this property (or, when the result says it was found under partial-order reduction, a run that may not be the shortest), replayed against the model before it was reported.`,
      },
      help: {
        text: `To reproduce: npx loopcheck verify --strategy <strategy> --scenario <scenario> --invariant ${c.outcome.invariant} (the result's properties name both), add --trace-dir DIR for the trace as JSON, Markdown and HTML. If the violation is known and accepted, expect it in the config: "<strategy> / <scenario> / ${c.outcome.invariant}": "violated".`,
        markdown: `To reproduce: \`npx loopcheck verify --strategy <strategy> --scenario <scenario> --invariant ${c.outcome.invariant}\` (the result's properties name both); \`--trace-dir DIR\` writes the trace as JSON, Markdown and HTML. If the violation is known and accepted, expect it in the config: \`"<strategy> / <scenario> / ${c.outcome.invariant}": "violated"\`.`,
      },
      helpUri: HELP_URI,
      defaultConfiguration: { level: 'error' },
    });
  }
  const results: Sarif.Result[] = cells
    .filter((c) => c.status === 'differs' && c.actual === 'violated' && c.outcome.trace)
    .map((c) => {
      const tv = c.outcome.trace!;
      const lastLabel = tv.steps[tv.steps.length - 1].label;
      const cellLoc = locator ? locator.cell(c.key, c.group.index) : null;
      const stepLoc =
        lastLabel && locator
          ? locator.step(c.run.run.family, c.run.run.strategy, c.run.run.scenario, { action: lastLabel.action, step: lastLabel.step ?? null }, null)
          : null;
      const where =
        cellLoc ??
        stepLoc ??
        (lastLabel
          ? locateStep(c.run.run.family, { action: lastLabel.action, step: lastLabel.step ?? null }, [c.run.run.strategy, c.run.run.scenario])
          : locateRun(c.run.run.family, c.run.run.strategy, c.run.run.scenario));
      return {
        ruleId: c.outcome.invariant,
        ruleIndex: ruleIndex.get(c.outcome.invariant)!,
        level: 'error',
        message: { text: `${c.name}: ${c.outcome.description} -- ${mismatchText(c)}` },
        locations: [physical(where)],
        codeFlows: [codeFlow(c, locator, cellLoc)],
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
          partialOrderReduced: c.run.result.stats.partialOrder ?? false,
          ...(tv.reduced ? { shortest: false, note: REDUCED_TRACE_NOTE } : {}),
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
  const por = reducedSearches(cells);
  if (por.reduced > 0) {
    notifications.push({
      level: 'note',
      message: {
        text: `partial-order reduction (--por) in ${por.reduced} of ${por.searches} searches: every verdict is that of the full search, but a counterexample may not be the shortest (run without --por for the shortest)`,
      },
      descriptor: { id: 'partial-order-reduction' },
    });
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'loopcheck',
            informationUri: HELP_URI,
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
          SRCROOT: {
            description: { text: locator ? 'the root of the repository that ran loopcheck' : 'the root of the loopcheck source tree (model files live under models/)' },
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { searches: por.searches, partialOrderReducedSearches: por.reduced },
      },
    ],
  };
}
