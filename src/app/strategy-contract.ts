// The step contract a strategy from a user's file must keep, checked before
// any search: every step it defines, tried on every scripted scenario, may
// only take and release lock fields, must leave the state untouched when it
// blocks (returns false), must keep every field inside its domain and must
// not throw. A broken step is one line naming the strategy, the thread and
// the step, with the file: the search engine would otherwise silently
// explore a wrong transition system.

import { explore } from '../engine/bfs.js';
import type { Model } from '../engine/model.js';
import { buildLoopModel } from '../../models/loop/model.js';
import { Machine } from '../../models/loop/machine.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import type { Strategy } from '../../models/loop/strategies/types.js';
import { UsageError } from './errors.js';

/** States tried per scenario (the scripted scenarios have a few thousand). */
const STATES_PER_SCENARIO = 50_000;

class ContractBreach extends Error {}

function lockCheck(m: Machine, lock: unknown, verb: string): void {
  const decl = typeof lock === 'number' ? m.decls[lock] : undefined;
  if (decl === undefined) throw new ContractBreach(`${verb} ${String(lock)}, which is no field of the state (an unknown lock)`);
  if (decl.group !== 'locks') throw new ContractBreach(`${verb} ${decl.name}, which is not a lock`);
}

function stepName(model: Model, a: number, src: Uint8Array): string {
  try {
    const l = model.label(a, src);
    return `${l.thread} ${l.action}${l.step ? `: ${l.step}` : ''}`;
  } catch {
    return `action ${a}`;
  }
}

/** The model with every step checked against the contract. */
function checked(model: Model): Model {
  const before = model.layout.newVector();
  return {
    ...model,
    step(a: number, src: Uint8Array, dst: Uint8Array): boolean {
      before.set(dst);
      let ok: boolean;
      try {
        ok = model.step(a, src, dst);
      } catch (e) {
        throw new ContractBreach(`step ${stepName(model, a, src)}: ${e instanceof ContractBreach ? e.message : `throws ${e instanceof Error ? e.message : String(e)}`}`);
      }
      if (!ok) {
        const changed = model.layout.fields.filter((_, i) => dst[i] !== before[i]).map((f) => f.name);
        if (changed.length > 0) throw new ContractBreach(`step ${stepName(model, a, src)} is blocked (returns false) but writes ${changed.join(', ')}`);
      } else if (!model.layout.inDomain(dst)) {
        const bad = model.layout.fields.filter((f, i) => dst[i] >= f.domain).map((f) => f.name);
        throw new ContractBreach(`step ${stepName(model, a, src)} writes ${bad.join(', ')} outside its domain`);
      }
      return ok;
    },
  };
}

/** Throws a one-line UsageError when `s` breaks the step contract on some scripted scenario. */
export function checkStrategyContract(s: Strategy, file: string): void {
  const acquire = Machine.prototype.acquire;
  const release = Machine.prototype.release;
  Machine.prototype.acquire = function (this: Machine, d: Uint8Array, lock: number, t: number): boolean {
    lockCheck(this, lock, 'acquires');
    return acquire.call(this, d, lock, t);
  };
  Machine.prototype.release = function (this: Machine, d: Uint8Array, lock: number): void {
    lockCheck(this, lock, 'releases');
    release.call(this, d, lock);
  };
  try {
    for (const scenario of SCENARIOS.filter((x) => x.scripted)) {
      let model: Model;
      try {
        model = buildLoopModel(s, scenario, {});
      } catch (e) {
        throw new UsageError(`plugin ${file}: strategy ${s.name}: cannot build on scenario ${scenario.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        explore(checked(model), { maxStates: STATES_PER_SCENARIO, checkDeadlock: false, invariants: [] });
      } catch (e) {
        if (e instanceof ContractBreach) throw new UsageError(`plugin ${file}: strategy ${s.name}, scenario ${scenario.name}: ${e.message}`);
        throw e;
      }
    }
  } finally {
    Machine.prototype.acquire = acquire;
    Machine.prototype.release = release;
  }
}
