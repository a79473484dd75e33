// GitHub Actions integration, active when GITHUB_ACTIONS=true: an `::error`
// workflow command per cell that is not as expected (shown as annotations on
// the model files), and a Markdown job summary appended to
// $GITHUB_STEP_SUMMARY: the unexpected cells first with their
// counterexamples open, a result matrix per config run, and the expected
// violations one line each (collapsed traces with --verbose). Searches run
// with partial-order reduction are counted in the summary's head, and their
// counterexamples marked as possibly not the shortest wherever they appear.

import { appendFileWhole } from '../app/write-file.js';
import { fmtInt } from '../report/format.js';
import type { CellResult } from './cells.js';
import { counterexampleText, mismatchText, reducedSearches } from './cells.js';
import { locateRun, locateStep } from './sources.js';
import type { RepoLocator } from './repo-locations.js';
import { outcomeMarkdown } from './trace-markdown.js';

/** GitHub's job summary limit is 1 MiB per step; stay well below it. */
const SUMMARY_BUDGET = 900 * 1024;

const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub shows at most 10 error annotations of a step; past that, the first 9 and one that counts the rest. */
export const MAX_ERROR_ANNOTATIONS = 10;

export function annotations(cells: readonly CellResult[], locator: RepoLocator | null = null, reports: readonly string[] = []): string[] {
  const lines = cells
    .filter((c) => c.status !== 'as-expected')
    .map((c) => {
      const { run } = c;
      const trace = c.outcome.trace;
      const lastLabel = trace ? trace.steps[trace.steps.length - 1].label : null;
      const cellLoc = locator ? locator.cell(c.key, c.group.index) : null;
      const stepLoc = lastLabel && locator ? locator.step(run.run.family, run.run.strategy, run.run.scenario, { action: lastLabel.action, step: lastLabel.step ?? null }, null) : null;
      const loc =
        cellLoc ??
        stepLoc ??
        (lastLabel
          ? locateStep(run.run.family, { action: lastLabel.action, step: lastLabel.step ?? null }, [run.run.strategy, run.run.scenario])
          : locateRun(run.run.family, run.run.strategy, run.run.scenario));
      const props = [`file=${escProp(loc.uri)}`, ...(loc.line ? [`line=${loc.line}`] : []), `title=${escProp(`loopcheck: ${c.name}`)}`];
      const msg = `${c.name}: ${mismatchText(c)}${c.status === 'differs' && c.actual === 'violated' ? ` -- ${c.outcome.description}` : ''}`;
      return { props, msg };
    });
  if (lines.length <= MAX_ERROR_ANNOTATIONS) return lines.map((l) => `::error ${l.props.join(',')}::${escData(l.msg)}`);
  const shown = lines.slice(0, MAX_ERROR_ANNOTATIONS - 1);
  const more = lines.length - shown.length;
  const where = ['the job summary', ...reports].join(', ');
  return [
    ...shown.map((l) => `::error ${l.props.join(',')}::${escData(l.msg)}`),
    `::error title=${escProp(`loopcheck: ${more} more unexpected cells`)}::${escData(`${more} more cells are not as expected (${lines.length} in all); GitHub shows ${MAX_ERROR_ANNOTATIONS} annotations per step: every cell and trace is in ${where}`)}`,
  ];
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

function verdictCell(c: CellResult): string {
  if (c.status === 'as-expected') {
    return c.actual === 'incomplete' ? '☑️ incomplete (ok)' : c.actual === 'violated' ? '✅ violated (expected)' : '✅ holds';
  }
  if (c.status === 'incomplete') return `⚠️ **incomplete** (expected ${c.expected})`;
  return `❌ **${c.actual}** (expected ${c.expected})`;
}

/**
 * The job summary: the unexpected cells first, each unexpected counterexample
 * in full; then the result matrix per config run; then the expected
 * violations one line each (their traces, collapsed, with `verbose`).
 */
export function summaryMarkdown(cells: readonly CellResult[], exitCode: number, configFile: string | null, opts: { verbose?: boolean } = {}): string {
  const differs = cells.filter((c) => c.status === 'differs').length;
  const incomplete = cells.filter((c) => c.status === 'incomplete').length;
  const head =
    differs > 0
      ? `❌ ${differs} verdict${differs === 1 ? '' : 's'} differ${differs === 1 ? 's' : ''} from ${configFile ? 'the expectations' : 'holds'}`
      : incomplete > 0
        ? `⚠️ ${incomplete} cell${incomplete === 1 ? '' : 's'} incomplete`
        : `✅ all ${cells.length} cells as expected`;
  const out: string[] = [`## loopcheck: ${head}`, ''];
  const searches = new Set(cells.map((c) => c.run)).size;
  const por = reducedSearches(cells);
  const porText = por.reduced > 0 ? ` · partial-order reduction (--por) in ${por.reduced} of ${por.searches} searches: counterexamples may not be the shortest` : '';
  out.push(`${configFile ? `Config \`${configFile}\`` : 'No config (every invariant must hold)'} · ${searches} search${searches === 1 ? '' : 'es'} · ${cells.length} cells · exit code ${exitCode}${porText}`);
  out.push('');

  const unexpected = cells.filter((c) => c.status !== 'as-expected');
  const traceBlocks: string[] = [];
  let size = out.join('\n').length;
  const addTrace = (c: CellResult, left: number): boolean => {
    const isUnexpected = c.status !== 'as-expected';
    const block = [
      `<details${isUnexpected ? ' open' : ''}><summary>${isUnexpected ? '❌' : '✅'} ${htmlText(c.name)}: ${htmlText(counterexampleText(c))}${isUnexpected ? ' (unexpected)' : ' (expected)'}</summary>`,
      '',
      outcomeMarkdown(c.run, c.outcome)!,
      '',
      '</details>',
      '',
    ].join('\n');
    if (size + block.length > SUMMARY_BUDGET) {
      traceBlocks.push(`_${left} more counterexamples left out to stay within the summary size limit; see the JUnit/SARIF reports._`, '');
      return false;
    }
    size += block.length;
    traceBlocks.push(block);
    return true;
  };
  if (unexpected.length > 0) {
    out.push('### Unexpected results', '');
    for (const c of unexpected) out.push(`- ❌ ${mdText(c.name)}: ${mdText(mismatchText(c))}`);
    out.push('');
    const traced = unexpected.filter((c) => c.outcome.trace);
    for (const [i, c] of traced.entries()) if (!addTrace(c, traced.length - i)) break;
    out.push(...traceBlocks.splice(0));
  }

  // One matrix per config run: rows are searches, columns invariants.
  const groups = [...new Set(cells.map((c) => c.group))];
  for (const g of groups) {
    const gc = cells.filter((c) => c.group === g);
    const invariants = [...new Set(gc.map((c) => c.outcome.invariant))];
    const runs = [...new Set(gc.map((c) => c.run))];
    if (groups.length > 1) out.push(`### ${g.label}`, '');
    out.push(`| search | ${invariants.map(mdCell).join(' | ')} | states | seconds |`);
    out.push(`|---|${invariants.map(() => '---').join('|')}|---:|---:|`);
    for (const r of runs) {
      const name = [r.run.strategy, r.run.scenario].filter((x) => x !== null).join(' / ') || r.model.name;
      const row = invariants.map((inv) => {
        const c = gc.find((x) => x.run === r && x.outcome.invariant === inv);
        return c ? verdictCell(c) : '·';
      });
      out.push(`| ${mdCell(name)} | ${row.join(' | ')} | ${fmtInt(r.result.stats.states)} | ${r.result.stats.seconds.toFixed(2)} |`);
    }
    out.push('');
  }

  const expected = cells.filter((c) => c.status === 'as-expected' && c.outcome.trace);
  if (expected.length > 0) {
    out.push(`### Expected violations (${expected.length})`, '');
    for (const c of expected) out.push(`- ✅ ${mdText(c.name)}: violated, ${mdText(counterexampleText(c))} (expected)`);
    out.push('');
    if (opts.verbose) {
      size = out.join('\n').length;
      for (const [i, c] of expected.entries()) if (!addTrace(c, expected.length - i)) break;
      out.push(...traceBlocks.splice(0));
    } else {
      out.push('_Their traces: `loopcheck verify --verbose`, or the trace files of `--trace-dir`._', '');
    }
  }
  return out.join('\n') + '\n';
}

/** Text in a Markdown list item: no HTML, no table pipes. */
const mdText = (s: string) => htmlText(s).replace(/\|/g, '\\|');

const htmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function appendSummary(file: string, markdown: string): void {
  appendFileWhole(file, markdown);
}
