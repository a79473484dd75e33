// The library entry: `import { … } from 'loopcheck'`.
//
// What a user needs to write a strategy or a model of their own and to run
// searches from code, without reaching into the package's files: the model
// interface, the loop driver's building blocks and strategy interface, the
// scenarios, the search entry points and their results, and the value API.
// Everything else in the package is internal and may move.

// The model interface (what the engine knows about a system).
export type { ActionLabel, Fairness, Invariant, LivenessProperty, Model } from './engine/model.js';
export { Layout, type FieldDecl } from './engine/layout.js';
export { StateView, toRecord, fromRecord, type StateRecord } from './engine/state-view.js';
export type { SymmetryGroup } from './engine/symmetry.js';
export type { BuildOptions, ModelFamily, Named, ParamDecl } from './engine/catalog.js';
export { loadModel, type ModelRecipe } from './engine/recipe.js';

// Searches and their results.
export { explore, exploreTraced } from './engine/bfs.js';
export { exploreParallel, SearchPool, CapacityFailure, defaultWorkers } from './engine/parallel/coordinator.js';
export { checkLiveness, type LivenessResult } from './engine/liveness.js';
export { lockOrder, type LockEdge, type LockOrderResult } from './engine/lock-order.js';
export { withAnalyses, type AnalysisRequest } from './engine/analyses.js';
export { simulate, type SimulateOptions, type SimulationFinding, type SimulationResult } from './engine/simulate.js';
export { modelProperties, propertyOf, LOCK_ORDER, type PropertyInfo, type PropertyKind } from './engine/properties.js';
export {
  DEADLOCK,
  type ExploreOptions,
  type ExploreResult,
  type InvariantOutcome,
  type PassOptions,
  type Progress,
  type Stats,
  type StopReason,
  type Trace,
  type TraceStep,
  type Verdict,
} from './engine/result.js';

// The value-semantics model API.
export * from './values/index.js';

// The loop driver: the family, its strategy interface and building blocks, its scenarios and properties.
export { loopFamily } from '../models/loop/index.js';
export { buildLoopModel } from '../models/loop/model.js';
export type { Strategy, StrategyFns } from '../models/loop/strategies/types.js';
export { STRATEGIES } from '../models/loop/strategies/index.js';
export { prePatch } from '../models/loop/strategies/pre-patch.js';
export { postPatch } from '../models/loop/strategies/post-patch.js';
export { v5_17 } from '../models/loop/strategies/v5-17.js';
export { v6_11 } from '../models/loop/strategies/v6-11.js';
export { flushAndBugOn, loOpenAcquire, loReleaseByOpeners, mountClaimFailsFirst, NO_OPEN_TEXT, openersCheck, teardownTail } from '../models/loop/driver/tree-parts.js';
export { DELETED_TEXT, defineControlRemove, removeCheckByOpeners, type DeviceLifetime, type RemoveCheck } from '../models/loop/driver/control-remove.js';
// Step builders: one per kernel statement kind, each giving a step's effect, label and outcome from one description.
export {
  acquire,
  frameDevName,
  fput,
  fputText,
  freezeQueue,
  frameDev,
  frameDev as frameDevice,
  release,
  retVal,
  statement,
  tailCall,
  unfreezeQueue,
  type Common as StepCommon,
  type LockName,
  type Then,
  type ThenOf,
} from '../models/loop/steps.js';
export { Fn, Program, Ref, type Linked, type StepRun, type StepSpec, type StepText } from '../models/loop/program.js';
export { DEV, FILE, FRAME, Machine, PC, REG, type ExtraDeviceField, type SyscallItem } from '../models/loop/machine.js';
export * from '../models/loop/encoding.js';
export { callName, type Backing, type Call } from '../models/loop/calls.js';
export { SCENARIOS } from '../models/loop/scenarios/index.js';
export type { Scenario, ScenarioSetup } from '../models/loop/scenarios/index.js';
export { LOOP_INVARIANTS } from '../specs/loop/index.js';

// The calibration model, packed by hand and written with the value API.
export { philosophersFamily, buildPhilosophers } from '../models/philosophers/index.js';
export { buildPhilosophersFromValues } from '../models/philosophers/values.js';
