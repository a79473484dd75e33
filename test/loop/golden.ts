// Golden results of the loop model, per registered strategy: for every
// scripted scenario and the small explore configurations below, the
// distinct states, transitions, depth and, per invariant, the length of the
// shortest counterexample. Measured, not chosen: a change here is a change
// of the model's semantics and must be explained. The tests iterate the
// strategy registry and look a strategy up here, so a strategy registered
// without rows (a new file, or a plugin) fails with a message naming it.

/** Every invariant the loop model checks by default, plus the deadlock check. */
export const INVS = [
  'stacked-no-teardown', 'stacked-io', 'mount-no-teardown', 'mount-io', 'read-data', 'no-stale-partitions', 'admitted-open-rundown',
  'no-free-with-opener', 'single-teardown', 'walk-safe', 'openers-consistent', 'deadlock',
] as const;

/** 0 = holds (left out); n > 0 = violated, the shortest counterexample has n steps. */
export interface Row {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly v: Partial<Record<(typeof INVS)[number], number>>;
}

/** The explore configurations every strategy has golden rows for (the scripted scenarios come from the registry). */
export const EXPLORE_CONFIGS: readonly Readonly<Record<string, number>>[] = [{ calls: 2 }, { threads: 1, calls: 4 }, { calls: 2, shared: 1, fds: 1 }];

/** The key of a configuration in GOLDEN: a scripted scenario's name, or `explore k=v …`. */
export function configKey(scenario: string, params: Readonly<Record<string, number>> = {}): string {
  return scenario === 'explore' ? `explore ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}` : scenario;
}

export const GOLDEN: Readonly<Record<string, Readonly<Record<string, Row>>>> = {
  'pre-patch': {
    'stack-independent': { states: 1761, transitions: 3169, depth: 55, v: { 'stacked-no-teardown': 29, 'stacked-io': 23, 'read-data': 30 } },
    'stack-shared-fd': { states: 932, transitions: 1722, depth: 42, v: { 'stacked-no-teardown': 26, 'stacked-io': 21, 'read-data': 28 } },
    'stack-fork': { states: 768, transitions: 1410, depth: 46, v: { 'stacked-no-teardown': 26, 'stacked-io': 20, 'read-data': 27 } },
    'mount': { states: 570, transitions: 960, depth: 33, v: { 'mount-no-teardown': 15, 'mount-io': 9 } },
    'udev': { states: 382, transitions: 627, depth: 34, v: {} },
    'change-fd': { states: 1486, transitions: 2718, depth: 50, v: { 'stacked-no-teardown': 28, 'stacked-io': 22, 'read-data': 29 } },
    'stack-on-partition': { states: 2553, transitions: 4685, depth: 63, v: { 'stacked-no-teardown': 23, 'stacked-io': 18, 'no-stale-partitions': 19 } },
    'mount-partition': { states: 626, transitions: 1040, depth: 36, v: { 'mount-no-teardown': 15, 'mount-io': 9, 'no-stale-partitions': 19 } },
    'stale-partitions': { states: 431, transitions: 717, depth: 35, v: { 'no-stale-partitions': 19 } },
    'clr-via-partition': { states: 505, transitions: 790, depth: 39, v: { 'no-stale-partitions': 19 } },
    'mount-disk-and-partition': { states: 841, transitions: 1402, depth: 39, v: { 'mount-no-teardown': 15, 'mount-io': 12, 'no-stale-partitions': 19 } },
    'configure-shared-fd': { states: 266, transitions: 439, depth: 37, v: {} },
    'remove-vs-open': { states: 112, transitions: 173, depth: 19, v: {} },
    'explore calls=2': { states: 103551, transitions: 208558, depth: 36, v: { 'mount-no-teardown': 18, 'mount-io': 12 } },
    'explore threads=1 calls=4': { states: 7789, transitions: 8901, depth: 36, v: { 'stacked-no-teardown': 29 } },
    'explore calls=2 shared=1 fds=1': { states: 121551, transitions: 250296, depth: 39, v: { 'stacked-no-teardown': 29, 'mount-no-teardown': 18, 'mount-io': 12 } },
  },
  'post-patch': {
    'stack-independent': { states: 1154, transitions: 2027, depth: 52, v: {} },
    'stack-shared-fd': { states: 715, transitions: 1299, depth: 39, v: { 'stacked-no-teardown': 23, 'stacked-io': 22, 'read-data': 25 } },
    'stack-fork': { states: 547, transitions: 979, depth: 43, v: { 'stacked-no-teardown': 23, 'stacked-io': 21, 'read-data': 24 } },
    'mount': { states: 484, transitions: 808, depth: 30, v: { 'mount-no-teardown': 12, 'mount-io': 10 } },
    'udev': { states: 326, transitions: 531, depth: 31, v: {} },
    'change-fd': { states: 873, transitions: 1564, depth: 47, v: {} },
    'stack-on-partition': { states: 2046, transitions: 3726, depth: 55, v: { 'stacked-no-teardown': 20, 'stacked-io': 19, 'no-stale-partitions': 16 } },
    'mount-partition': { states: 544, transitions: 892, depth: 33, v: { 'mount-no-teardown': 12, 'mount-io': 10, 'no-stale-partitions': 16 } },
    'stale-partitions': { states: 387, transitions: 641, depth: 32, v: { 'no-stale-partitions': 16 } },
    'clr-via-partition': { states: 442, transitions: 691, depth: 36, v: { 'no-stale-partitions': 16 } },
    'mount-disk-and-partition': { states: 721, transitions: 1178, depth: 36, v: { 'mount-no-teardown': 12, 'mount-io': 13, 'no-stale-partitions': 16 } },
    'configure-shared-fd': { states: 252, transitions: 417, depth: 34, v: {} },
    'remove-vs-open': { states: 112, transitions: 173, depth: 19, v: {} },
    'explore calls=2': { states: 103895, transitions: 208606, depth: 36, v: { 'mount-no-teardown': 15, 'mount-io': 13 } },
    'explore threads=1 calls=4': { states: 7829, transitions: 8941, depth: 33, v: { 'stacked-no-teardown': 26 } },
    'explore calls=2 shared=1 fds=1': { states: 119975, transitions: 246680, depth: 36, v: { 'stacked-no-teardown': 26, 'mount-no-teardown': 15, 'mount-io': 13 } },
  },
  'v5.17': {
    'stack-independent': { states: 1677, transitions: 3033, depth: 60, v: {} },
    'stack-shared-fd': { states: 1059, transitions: 1968, depth: 47, v: { 'stacked-no-teardown': 29, 'stacked-io': 23, 'read-data': 31 } },
    'stack-fork': { states: 900, transitions: 1665, depth: 48, v: { 'stacked-no-teardown': 29, 'stacked-io': 22, 'read-data': 30 } },
    'mount': { states: 480, transitions: 783, depth: 38, v: {} },
    'udev': { states: 440, transitions: 700, depth: 37, v: {} },
    'change-fd': { states: 1212, transitions: 2212, depth: 56, v: {} },
    'stack-on-partition': { states: 2709, transitions: 4992, depth: 72, v: { 'stacked-no-teardown': 29, 'stacked-io': 24, 'no-stale-partitions': 23 } },
    'mount-partition': { states: 514, transitions: 840, depth: 41, v: { 'no-stale-partitions': 23 } },
    'stale-partitions': { states: 464, transitions: 743, depth: 40, v: { 'no-stale-partitions': 23 } },
    'clr-via-partition': { states: 576, transitions: 870, depth: 46, v: { 'no-stale-partitions': 23 } },
    'mount-disk-and-partition': { states: 751, transitions: 1223, depth: 43, v: { 'no-stale-partitions': 23 } },
    'configure-shared-fd': { states: 279, transitions: 462, depth: 37, v: {} },
    'remove-vs-open': { states: 95, transitions: 143, depth: 22, v: {} },
    'explore calls=2': { states: 169004, transitions: 330724, depth: 48, v: {} },
    'explore threads=1 calls=4': { states: 10281, transitions: 11541, depth: 48, v: { 'stacked-no-teardown': 35 } },
    'explore calls=2 shared=1 fds=1': { states: 157591, transitions: 318866, depth: 49, v: { 'stacked-no-teardown': 35 } },
  },
  'v6.11': {
    'stack-independent': { states: 1527, transitions: 2701, depth: 59, v: { 'admitted-open-rundown': 10 } },
    'stack-shared-fd': { states: 668, transitions: 1221, depth: 39, v: { 'stacked-io': 25 } },
    'stack-fork': { states: 384, transitions: 669, depth: 46, v: { 'stacked-io': 24 } },
    'mount': { states: 455, transitions: 711, depth: 36, v: { 'mount-io': 13, 'admitted-open-rundown': 10 } },
    'udev': { states: 355, transitions: 557, depth: 35, v: { 'admitted-open-rundown': 10 } },
    'change-fd': { states: 864, transitions: 1505, depth: 53, v: { 'admitted-open-rundown': 10 } },
    'stack-on-partition': { states: 1870, transitions: 3367, depth: 60, v: { 'stacked-io': 25, 'admitted-open-rundown': 10 } },
    'mount-partition': { states: 458, transitions: 727, depth: 35, v: { 'mount-io': 13, 'admitted-open-rundown': 10 } },
    'stale-partitions': { states: 341, transitions: 546, depth: 34, v: { 'admitted-open-rundown': 10 } },
    'clr-via-partition': { states: 524, transitions: 804, depth: 41, v: { 'admitted-open-rundown': 16 } },
    'mount-disk-and-partition': { states: 611, transitions: 950, depth: 46, v: { 'mount-io': 17, 'admitted-open-rundown': 10 } },
    'configure-shared-fd': { states: 263, transitions: 417, depth: 33, v: {} },
    'remove-vs-open': { states: 129, transitions: 197, depth: 22, v: {} },
    'explore calls=2': { states: 150223, transitions: 297040, depth: 45, v: { 'mount-io': 19, 'admitted-open-rundown': 16 } },
    'explore threads=1 calls=4': { states: 8610, transitions: 9696, depth: 40, v: {} },
    'explore calls=2 shared=1 fds=1': { states: 137480, transitions: 280780, depth: 41, v: { 'mount-io': 19, 'admitted-open-rundown': 16 } },
  },
};

/** The golden row of `strategy` in one configuration, or a message saying which row is missing. */
export function goldenRow(strategy: string, key: string): Row | string {
  const rows = GOLDEN[strategy];
  if (!rows) return `no golden rows for the registered strategy ${strategy}: add them to test/loop/golden.ts`;
  return rows[key] ?? `no golden row for strategy ${strategy} in ${key}: add it to test/loop/golden.ts`;
}
