// Where the model and a real kernel cannot be compared fairly, and why.
//
// Exists so that nothing is left out of `conform` silently: every call the
// comparison does not count is covered by one of these entries, whose reason
// (grounded in the kernel's source) the report prints with the number of
// calls it covered. The list is empty until a kernel run shows a difference
// that is outside the model rather than a fault in it.

import type { CallObservation, KernelId, ProbeOp } from './probe-plan.js';

export interface NarrowingContext {
  readonly kernel: KernelId;
  readonly strategy: string;
  readonly scenario: string;
  readonly call: ProbeOp;
  /** The call's position in its schedule (0-based) and the calls before it. */
  readonly index: number;
  readonly before: readonly ProbeOp[];
  readonly model: CallObservation;
  readonly observed: CallObservation;
}

export interface Narrowing {
  readonly id: string;
  /** Why this comparison is unfair, in kernel terms, citing the source that shows it. */
  readonly reason: string;
  /** Whether this call is outside the comparison. */
  applies(ctx: NarrowingContext): boolean;
}

export const NARROWINGS: readonly Narrowing[] = [];
