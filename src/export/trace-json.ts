// loopcheck's own trace file (`"schema": 1`): the run that found the trace
// (model family, parameters, strategy, scenario), the invariant and its
// description, the layout, and every step with its action number, label and
// full state. `replay` reads it back; parsing checks everything a replay
// relies on and names the first problem in one line. A trace found under
// --por keeps its `"shortest": false` through replay and export.

import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import { stallWindows, type StallWindow } from '../report/stall-windows.js';
import type { ModelFamily } from '../engine/catalog.js';
import type { ActionLabel, Model } from '../engine/model.js';
import type { Trace, TraceStep } from '../engine/result.js';
import { modelProperties, propertyOf } from '../engine/properties.js';
import { MAX_LIVENESS_BITS } from '../engine/state-graph.js';
import { displayName, pluginOf } from '../app/plugins.js';
import { VERSION } from '../app/version.js';
import type { TraceContext } from '../report/trace-data.js';

export const TRACE_SCHEMA = 1;

export interface TraceFileStep {
  readonly step: number;
  /** Action number; for step 0 the index of the initial state. */
  readonly action: number;
  readonly label: ActionLabel | null;
  readonly state: Readonly<Record<string, number>>;
}

export interface TraceFile {
  readonly schema: typeof TRACE_SCHEMA;
  readonly tool: 'loopcheck';
  readonly version: string;
  readonly model: string;
  readonly instance: string;
  readonly params: Readonly<Record<string, number>>;
  readonly strategy: string | null;
  readonly scenario: string | null;
  readonly invariant: string;
  readonly description: string;
  readonly layout: readonly { name: string; domain: number; values?: readonly string[]; group?: string }[];
  readonly steps: readonly TraceFileStep[];
  /** Present (false) when the trace was found under partial-order reduction, with `note` saying so. */
  readonly shortest?: false;
  readonly note?: string;
  /** Liveness counterexamples only: the run repeats steps loop+1 .. last forever (see Trace.loop). */
  readonly loop?: number;
  /** The user's file the strategy or model came from (relative to the working directory) and its SHA-256. */
  readonly plugin?: { readonly file: string; readonly sha256: string };
  /** Back-to-back statements of a thread between which other threads ran (report only; replay ignores it). */
  readonly stallWindows?: readonly StallWindow[];
  /** Lock-order counterexamples only: the witness of every edge of the cycle, in order. */
  readonly cycle?: readonly (readonly TraceFileStep[])[];
}

export function toTraceFile(ctx: TraceContext): TraceFile {
  const layout = ctx.model.layout;
  return {
    schema: TRACE_SCHEMA,
    tool: 'loopcheck',
    version: VERSION,
    model: ctx.family,
    instance: ctx.model.name,
    params: { ...ctx.params },
    strategy: ctx.strategy,
    scenario: ctx.scenario,
    invariant: ctx.invariant,
    description: ctx.description,
    layout: layout.fields.map((f) => ({
      name: f.name,
      domain: f.domain,
      ...(f.values ? { values: [...f.values] } : {}),
      ...(f.group ? { group: f.group } : {}),
    })),
    steps: stepsJson(ctx.trace),
    ...(ctx.trace.loop !== undefined ? { loop: ctx.trace.loop } : {}),
    ...(ctx.trace.reduced ? { shortest: false, note: REDUCED_TRACE_NOTE } : {}),
    ...(ctx.cycle ? { cycle: ctx.cycle.map(stepsJson) } : {}),
    ...pluginField(ctx.family, ctx.strategy),
    stallWindows: stallWindows(ctx.trace.steps.slice(1).map((s) => s.label)),
  };
  function stepsJson(t: Trace): TraceFileStep[] {
    return t.steps.map((s, i) => ({
      step: i,
      action: s.action,
      label: s.label,
      state: Object.fromEntries(layout.fields.map((f, k) => [f.name, s.state[k]])),
    }));
  }
}

function pluginField(family: string, strategy: string | null): { plugin?: { file: string; sha256: string } } {
  const p = pluginOf(family, strategy);
  return p ? { plugin: { file: displayName(p.file), sha256: p.sha256 } } : {};
}

export function traceFileText(ctx: TraceContext): string {
  return JSON.stringify(toTraceFile(ctx), null, 2) + '\n';
}

/** Why a file is not a valid trace: one line, shown with exit code 2. */
export class TraceFileError extends Error {
  override name = 'TraceFileError';
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function need<T>(o: Record<string, unknown>, key: string, ok: (x: unknown) => x is T, what: string, where = ''): T {
  if (!(key in o)) throw new TraceFileError(`missing field '${where}${key}'`);
  const v = o[key];
  if (!ok(v)) throw new TraceFileError(`field '${where}${key}' must be ${what}`);
  return v;
}

const isString = (x: unknown): x is string => typeof x === 'string';
const isStringOrNull = (x: unknown): x is string | null => x === null || typeof x === 'string';

/**
 * Checks a recorded action label. Replay prints and compares labels as text,
 * so anything but strings (and numbers in params) could throw while doing so.
 */
function parseLabel(raw: unknown, where: string): ActionLabel {
  if (!isObj(raw)) throw new TraceFileError(`field '${where}' must be an object or null`);
  const thread = need(raw, 'thread', isString, 'a string', `${where}.`);
  const action = need(raw, 'action', isString, 'a string', `${where}.`);
  let step: string | undefined;
  if ('step' in raw && raw.step !== null && raw.step !== undefined) step = need(raw, 'step', isString, 'a string or null', `${where}.`);
  let params: Record<string, string | number> | undefined;
  if ('params' in raw && raw.params !== null && raw.params !== undefined) {
    params = need(raw, 'params', isObj, 'an object or null', `${where}.`) as Record<string, string | number>;
    for (const [k, v] of Object.entries(params)) {
      if (typeof v !== 'string' && typeof v !== 'number') throw new TraceFileError(`field '${where}.params.${k}' must be a string or a number`);
    }
  }
  const backToBack = 'backToBack' in raw && raw.backToBack === true;
  return { thread, action, ...(step !== undefined ? { step } : {}), ...(params !== undefined ? { params } : {}), ...(backToBack ? { backToBack } : {}) };
}

/** Parses and checks the shape of a trace file (not yet against a model). */
export function parseTraceFile(text: string): TraceFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TraceFileError(`not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObj(doc)) throw new TraceFileError('not a loopcheck trace (top level is not an object)');
  if (!('schema' in doc)) {
    const hint = '#meta' in doc && 'states' in doc ? ' (this looks like an ITF trace; replay reads the json format)' : '';
    throw new TraceFileError(`missing field 'schema'${hint}`);
  }
  if (doc.schema !== TRACE_SCHEMA) {
    // Only scalars are quoted: JSON.stringify overflows the stack on deeply nested arrays.
    const v = doc.schema;
    const shown = v === null || typeof v !== 'object' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : 'an object';
    throw new TraceFileError(`unsupported schema version ${shown} (this loopcheck reads schema ${TRACE_SCHEMA})`);
  }
  const model = need(doc, 'model', isString, 'a string');
  const params = need(doc, 'params', isObj, 'an object');
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TraceFileError(`parameter '${k}' must be an integer`);
  }
  const strategy = need(doc, 'strategy', isStringOrNull, 'a string or null');
  const scenario = need(doc, 'scenario', isStringOrNull, 'a string or null');
  const invariant = need(doc, 'invariant', isString, 'a string');
  const description = 'description' in doc && typeof doc.description === 'string' ? doc.description : '';
  const steps = parseSteps(need(doc, 'steps', Array.isArray, 'an array'), 'steps');
  let cycle: TraceFileStep[][] | undefined;
  if ('cycle' in doc && doc.cycle !== undefined) {
    const raw = need(doc, 'cycle', Array.isArray, 'an array of step arrays');
    cycle = raw.map((c: unknown, j: number) => {
      if (!Array.isArray(c)) throw new TraceFileError(`field 'cycle[${j}]' must be an array of steps`);
      return parseSteps(c, `cycle[${j}]`);
    });
  }
  const loop = 'loop' in doc && doc.loop !== undefined ? need(doc, 'loop', isNat, 'a non-negative integer') : undefined;
  let plugin: TraceFile['plugin'];
  if ('plugin' in doc && doc.plugin !== undefined) {
    const p = need(doc, 'plugin', isObj, 'an object');
    plugin = { file: need(p, 'file', isString, 'a string', 'plugin.'), sha256: need(p, 'sha256', isString, 'a string', 'plugin.') };
  }
  return {
    schema: TRACE_SCHEMA,
    tool: 'loopcheck',
    version: typeof doc.version === 'string' ? doc.version : '',
    model,
    instance: typeof doc.instance === 'string' ? doc.instance : '',
    params: params as Record<string, number>,
    strategy,
    scenario,
    invariant,
    description,
    layout: Array.isArray(doc.layout) ? (doc.layout as TraceFile['layout']) : [],
    steps,
    ...(loop !== undefined ? { loop } : {}),
    ...(doc.shortest === false ? { shortest: false, note: REDUCED_TRACE_NOTE } : {}),
    ...(plugin !== undefined ? { plugin } : {}),
    ...(cycle !== undefined ? { cycle } : {}),
  };
}

function parseSteps(rawSteps: unknown[], at: string): TraceFileStep[] {
  if (rawSteps.length === 0) throw new TraceFileError(`the trace has no ${at === 'steps' ? 'steps' : `steps in ${at}`} (not even an initial state)`);
  return rawSteps.map((s: unknown, i: number) => {
    const where = `${at}[${i}].`;
    if (!isObj(s)) throw new TraceFileError(`${at}[${i}] is not an object`);
    const action = need(s, 'action', isNat, 'a non-negative integer', where);
    const state = need(s, 'state', isObj, 'an object', where);
    for (const [k, v] of Object.entries(state)) {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TraceFileError(`${at}[${i}].state.${k} must be an integer`);
    }
    const label = 'label' in s && s.label !== null ? parseLabel(s.label, `${at}[${i}].label`) : null;
    return { step: i, action, label, state: state as Record<string, number> };
  });
}

export interface LoadedTrace {
  readonly file: TraceFile;
  readonly family: ModelFamily;
  readonly model: Model;
  /** The recorded steps as packed vectors (labels as recorded). */
  readonly recorded: Trace;
  /** Lock-order: the recorded witness of every edge of the cycle. */
  readonly cycle?: readonly Trace[];
  readonly description: string;
}

const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name).join(', ') || 'none';

/** Rebuilds the model a trace names through the registry and decodes its states. */
export function loadTrace(file: TraceFile, families: readonly ModelFamily[]): LoadedTrace {
  const family = families.find((f) => f.name === file.model);
  if (!family) throw new TraceFileError(`unknown model '${file.model}' (known: ${names(families)})`);
  for (const p of family.params) {
    if (!(p.name in file.params)) throw new TraceFileError(`missing parameter '${p.name}' of model ${family.name}`);
    const v = file.params[p.name];
    if (v < p.min || v > p.max) throw new TraceFileError(`parameter ${p.name}=${v} out of range ${p.min}..${p.max}`);
  }
  for (const k of Object.keys(file.params)) {
    if (!family.params.some((p) => p.name === k)) throw new TraceFileError(`unknown parameter '${k}' for model ${family.name}`);
  }
  const check = (kind: 'strategy' | 'scenario', value: string | null, all: readonly { name: string }[]) => {
    if (all.length === 0) {
      if (value !== null) throw new TraceFileError(`unknown ${kind} '${value}': model ${family.name} has no ${kind === 'strategy' ? 'strategies' : 'scenarios'}`);
      return;
    }
    if (value === null) throw new TraceFileError(`missing ${kind} (model ${family.name} needs one of: ${names(all)})`);
    if (!all.some((x) => x.name === value)) throw new TraceFileError(`unknown ${kind} '${value}' for model ${family.name} (valid: ${names(all)})`);
  };
  check('strategy', file.strategy, family.strategies);
  check('scenario', file.scenario, family.scenarios);
  let model: Model;
  try {
    model = family.build({
      params: file.params,
      ...(file.strategy !== null ? { strategy: file.strategy } : {}),
      ...(file.scenario !== null ? { scenario: file.scenario } : {}),
    });
  } catch (e) {
    throw new TraceFileError(`cannot build model ${family.name}: ${(e as Error).message}`);
  }
  const prop = propertyOf(model, file.invariant);
  if (!prop) {
    throw new TraceFileError(`unknown invariant '${file.invariant}' for ${model.name} (valid: ${names(modelProperties(model))})`);
  }
  const live = model.liveness?.find((p) => p.name === file.invariant);
  const groups = model.fairness?.groups.length ?? 0;
  // The search refuses such a liveness check up front (run.ts), so no such lasso came from loopcheck.
  if (live && groups > MAX_LIVENESS_BITS) {
    throw new TraceFileError(`a lasso for ${file.invariant} on ${model.name}, which has ${groups} fairness groups: loopcheck checks liveness with at most ${MAX_LIVENESS_BITS}`);
  }
  if (live && live.obligations > MAX_LIVENESS_BITS) {
    throw new TraceFileError(`a lasso for ${file.invariant}, which has ${live.obligations} obligations: loopcheck checks liveness with at most ${MAX_LIVENESS_BITS}`);
  }
  if (file.loop !== undefined && file.loop >= file.steps.length) {
    throw new TraceFileError(`loop ${file.loop} is outside the trace's steps (0..${file.steps.length - 1})`);
  }
  const layout = model.layout;
  const decode = (fileSteps: readonly TraceFileStep[], at: string): TraceStep[] =>
    fileSteps.map((s, i) => {
      const vec = layout.newVector();
      layout.fields.forEach((f, k) => {
        if (!(f.name in s.state)) throw new TraceFileError(`${at}[${i}].state: missing field '${f.name}'`);
        const v = s.state[f.name];
        if (v < 0 || v >= f.domain) {
          throw new TraceFileError(`${at}[${i}].state.${f.name} = ${v} is outside its domain 0..${f.domain - 1}`);
        }
        vec[k] = v;
      });
      for (const k of Object.keys(s.state)) {
        if (!layout.has(k)) throw new TraceFileError(`${at}[${i}].state: unknown field '${k}' for ${model.name}`);
      }
      if (i > 0 && s.action >= model.actionCount) {
        throw new TraceFileError(`${at}[${i}].action ${s.action} is outside 0..${model.actionCount - 1}`);
      }
      return { action: s.action, label: i === 0 ? null : s.label, state: vec };
    });
  const steps = decode(file.steps, 'steps');
  const cycle = file.cycle?.map((c, j) => ({ steps: decode(c, `cycle[${j}]`) }));
  return {
    file,
    family,
    model,
    recorded: { steps, ...(file.loop !== undefined ? { loop: file.loop } : {}), ...(file.shortest === false ? { reduced: true } : {}) },
    ...(cycle !== undefined ? { cycle } : {}),
    description: prop.description,
  };
}
