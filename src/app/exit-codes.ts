// The exit codes of every command, in one table: main.ts maps outcomes and
// errors to these numbers, and every command's --help text (and the config
// `init` writes) is generated from the same rows, so the documentation
// cannot drift from the behaviour. Like TLC, verdicts (0, 1, 3) are kept
// apart from failures of the tool or its input (2, 4-7).

export const EXIT = {
  ok: 0,
  violation: 1,
  usage: 2,
  incomplete: 3,
  output: 4,
  modelBound: 5,
  replayFailed: 6,
  internal: 7,
  secondSignal: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CommandName = 'verify' | 'compare' | 'init' | 'replay' | 'export' | 'simulate' | 'lock-order' | 'list' | 'conform';

interface ExitRow {
  readonly code: ExitCode;
  /** What the code means for commands without their own wording. */
  readonly meaning: string;
  /** Command-specific wording; a command listed with null never exits with this code. */
  readonly per?: Partial<Record<CommandName, string | null>>;
}

const never = (names: readonly CommandName[]) => Object.fromEntries(names.map((n) => [n, null])) as Partial<Record<CommandName, null>>;

const EXIT_TABLE: readonly ExitRow[] = [
  {
    code: EXIT.ok,
    meaning: 'every verdict as expected (without a config: every checked invariant holds) and every search was exhaustive',
    per: {
      init: 'the config was written (or printed)',
      replay: 'the trace replays and violates what it claims',
      export: 'the trace replays and every file was written',
      simulate: null,
      'lock-order': 'no lock-order cycle, every search exhaustive',
      list: 'the list was printed',
      conform: 'the model agrees with every kernel on every call compared',
    },
  },
  {
    code: EXIT.violation,
    meaning: 'a verdict differs from its expectation (without a config: a violation or deadlock was found)',
    per: {
      init: null,
      replay: 'the trace diverges from the model (the first divergent step is printed)',
      export: 'the trace diverges from the model (nothing written)',
      simulate: 'a walk violated an invariant or deadlocked',
      'lock-order': 'a lock-order cycle (potential deadlock)',
      list: null,
      conform: 'the model and a kernel disagree (each disagreement is printed with its schedule)',
    },
  },
  {
    code: EXIT.usage,
    meaning: 'usage or input error: bad option, name, path, config or trace file (one line on stderr, before any search)',
    per: { conform: 'bad option or name, or a tool that is missing and cannot be installed (one line naming the package)' },
  },
  {
    code: EXIT.incomplete,
    meaning: 'incomplete: a limit or an interruption (Ctrl-C, SIGTERM) stopped a search before it was exhaustive (unless the config says incomplete-ok for that cell)',
    per: {
      init: 'interrupted: nothing was written',
      simulate: 'no violation found (a simulation is never exhaustive), or interrupted',
      replay: null,
      export: null,
      list: null,
      conform: 'a boot that timed out, a probe that did not finish, or an interruption: some calls were not observed (never a pass)',
    },
  },
  {
    code: EXIT.output,
    meaning: 'output error: a report, trace file or stdout could not be written (the file is named; what could be printed was)',
    per: { list: 'stdout could not be written' },
  },
  {
    code: EXIT.modelBound,
    meaning: "a model bound was exceeded (e.g. the loop model's struct file table): the model is too small for the run, not a verdict",
    per: { replay: null, export: null, list: null },
  },
  {
    code: EXIT.replayFailed,
    meaning: 'a counterexample found by the search does not replay against a fresh model: a checker or model bug, never a result',
    per: never(['replay', 'export', 'list', 'conform']),
  },
  { code: EXIT.internal, meaning: 'internal error: a bug in loopcheck (set LOOPCHECK_DEBUG=1 for the stack)' },
  {
    code: EXIT.secondSignal,
    meaning: 'a second Ctrl-C or SIGTERM: stopped at once',
    per: { replay: null, export: null, list: null },
  },
];

/** The rows that apply to `command`, with its wording. */
export function exitCodesOf(command: CommandName): { code: number; meaning: string }[] {
  const out: { code: number; meaning: string }[] = [];
  for (const row of EXIT_TABLE) {
    const own = row.per?.[command];
    if (own === null) continue;
    out.push({ code: row.code, meaning: own ?? row.meaning });
  }
  return out;
}

/** Wraps `text` at `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The "Exit codes:" section of a command's --help, from the table. */
export function exitCodeHelp(command: CommandName): string {
  const rows = exitCodesOf(command);
  const out = ['', 'Exit codes:'];
  for (const r of rows) {
    const head = `  ${String(r.code).padStart(3)}  `;
    const body = wrap(r.meaning, 78 - head.length, '');
    out.push(head + body[0], ...body.slice(1).map((l) => ' '.repeat(head.length) + l));
  }
  return out.join('\n');
}
