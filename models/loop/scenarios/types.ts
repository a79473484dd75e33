// What a scenario supplies: the initial kernel state (bound devices, open
// struct files, fd tables) and, per thread, either a fixed script of system
// calls or (explore) a menu to choose from nondeterministically.

import type { Named } from '../../../src/engine/catalog.js';
import type { Call } from '../calls.js';
import type { Machine } from '../machine.js';

export interface InitDesc {
  /**
   * Devices bound at the start: backing a regular file or struct file slot `file`;
   * `partscan`: bound with LO_FLAGS_PARTSCAN, so partition p1 of the image is present.
   */
  readonly bound: readonly {
    readonly dev: number;
    readonly backing: 'regular' | { readonly file: number };
    readonly ro?: boolean;
    readonly partscan?: boolean;
  }[];
  /** Struct files open at the start: files[i] = device index of struct file fi. */
  readonly files: readonly number[];
  /** Fd-table entries at the start. */
  readonly fds: readonly { readonly table: number; readonly slot: number; readonly file: number }[];
}

export interface MenuEntry {
  readonly call: Call;
  /** Whether the thread's program would issue this call now. */
  readonly pre?: (m: Machine, d: Uint8Array, t: number) => boolean;
}

export interface ScenarioSetup {
  readonly devices: number;
  /** Fd table of each thread. */
  readonly tableOf: readonly number[];
  /** Slots per fd table. */
  readonly slots: number;
  readonly init: InitDesc;
  /** Scripted scenarios: one script per thread. */
  readonly scripts?: readonly (readonly Call[])[];
  /** explore: one menu per thread and the number of calls each thread makes. */
  readonly menus?: readonly (readonly MenuEntry[])[];
  readonly calls?: number;
}

export interface Scenario extends Named {
  readonly scripted: boolean;
  /** Build the setup; throw a plain Error for an impossible parameter combination. */
  setup(params: Readonly<Record<string, number>>): ScenarioSetup;
}
