// The catalogue interface: how a family of models is named, parameterised and
// built. The CLI and worker threads build models only through this, so a new
// model, strategy or scenario is registered data, never an engine change.

import type { Model } from './model.js';

export interface Named {
  readonly name: string;
  readonly description: string;
}

export interface ParamDecl extends Named {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

export interface BuildOptions {
  readonly params: Readonly<Record<string, number>>;
  /** One of the family's strategies (families without strategies ignore it). */
  readonly strategy?: string;
  /** One of the family's scenarios (families without scenarios ignore it). */
  readonly scenario?: string;
}

export interface ModelFamily extends Named {
  readonly params: readonly ParamDecl[];
  /** Interchangeable implementations (e.g. locking strategies); may be empty. */
  readonly strategies: readonly Named[];
  /** Named initial configurations / thread scripts; may be empty. */
  readonly scenarios: readonly Named[];
  /** Scenarios `verify` runs when none is named (default: all). */
  readonly defaultScenarios?: readonly string[];
  /** Every property (invariant, liveness, lock-order) any model of the family can offer; `deadlock` is implied. */
  readonly invariants: readonly Named[];
  /** Properties `verify` checks when none is named (default: all the model offers). */
  readonly defaultInvariants?: readonly string[];
  build(opts: BuildOptions): Model;
}
