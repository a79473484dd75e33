// The declaration a model makes so that the search can reduce interleavings
// of independent steps (partial-order reduction, por.ts). It says nothing of
// what the model is about: only who takes each action, which fields belong
// to one actor alone, and which fields only the holder of a lock may write
// (or touch at all). The engine observes each step's actual reads and writes
// itself (footprint.ts), so the model never lists a step's footprint; it
// only states the discipline its steps follow, and a test checks that every
// step of every reachable state keeps it (test/loop/por-declaration.test.ts).

/**
 * Fields an invariant reads together. Without classOf, a step that changes
 * any of them is visible. With it, the invariant depends on them only
 * through classOf (which must read no other field), and a step is visible
 * when it changes that class; this is trusted only when every field of the
 * group belongs to the stepping actor (then no other actor's step can change
 * the class's inputs in between), otherwise any change is visible.
 */
export interface VisibleGroup {
  readonly fields: readonly number[];
  classOf?(state: Uint8Array): number;
}

export interface PartialOrderDecl {
  /** actorOf[a] = the actor (0 .. actors-1) that takes action a, e.g. its thread. */
  readonly actorOf: readonly number[];
  readonly actors: number;
  /**
   * Per field: the actor whose steps alone read or write it (its program
   * counter, its stack, its own fd table), or -1.
   */
  readonly owner: readonly number[];
  /**
   * Optional, per field: the actor whose steps alone write it (others may
   * read it), or -1. That actor's steps may then read it freely.
   */
  readonly writer?: readonly number[];
  /**
   * Guard fields (those named below) hold 0 when free and 1 + i while actor
   * i holds them, and only actor i's steps change a value 1 + i.
   *
   * Per field: a lock field L such that a step writes the field only while
   * its actor holds L (byte L = 1 + actor), or -1. A step of the holder may
   * then read the field: no other actor can change it before the holder acts again.
   */
  readonly writeGuard: readonly number[];
  /**
   * Per field: a lock field L such that a step reads or writes the field only
   * while its actor holds L, or -1. A step of the holder may then write it.
   */
  readonly accessGuard: readonly number[];
  /**
   * The fields invariant `name` reads, in groups; null when the model
   * cannot say, which makes every step visible to it (no reduction).
   */
  invariantReads(name: string): readonly VisibleGroup[] | null;
  /**
   * Optional, for speed: which of actor i's actions the engine must observe
   * in `state`. Write them into `out` and return how many, or return -1 when
   * the actor surely touches state others share (say, its next step takes a
   * lock): it is then not considered. Every action left out must be
   * disabled in `state` by the actor's own fields alone (no other actor can
   * enable it before this one moves: it reads only fields the actor owns or
   * alone writes). A pure function of the state.
   */
  observe?(actor: number, state: Uint8Array, out: Int32Array): number;
}
