// The `loop` model family: the Linux loop block driver's LOOP_CLR_FD /
// LOOP_SET_FD / open / release / mount interplay at the granularity of
// shared/loop-driver.md §7, with interchangeable locking strategies.

import type { ModelFamily } from '../../src/engine/catalog.js';
import type { Model } from '../../src/engine/model.js';
import { LOOP_INVARIANTS } from '../../specs/loop/index.js';
import { SYSCALLS_RETURN } from '../../specs/loop/syscalls-return.js';
import { LOCK_ORDER, LOCK_ORDER_DESCRIPTION } from '../../src/engine/properties.js';
import { buildLoopModel } from './model.js';
import { SCENARIOS } from './scenarios/index.js';
import { STRATEGIES, type Strategy } from './strategies/index.js';

/** The loop family over the given strategies (the built-in ones, plus any loaded from plugin files). */
export function makeLoopFamily(strategies: readonly Strategy[]): ModelFamily {
  return {
  name: 'loop',
  description: 'Linux loop block driver: LOOP_CLR_FD teardown vs stacking, mounts, opens and closes (drivers/block/loop.c)',
  params: [
    { name: 'devices', description: 'number of loop devices (explore; scripted scenarios use what they need)', default: 2, min: 1, max: 4 },
    { name: 'threads', description: 'threads (explore only)', default: 2, min: 1, max: 4 },
    { name: 'calls', description: 'system calls per thread (explore only)', default: 3, min: 1, max: 8 },
    { name: 'fds', description: 'fd slots per thread (explore only)', default: 2, min: 1, max: 3 },
    { name: 'shared', description: '1 = explore threads share one fd table (threads of one process)', default: 0, min: 0, max: 1 },
    { name: 'bound', description: 'devices bound to a regular file at the start (explore only)', default: 1, min: 0, max: 4 },
  ],
  strategies: strategies.map((s) => ({ name: s.name, description: s.description })),
  scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description })),
  defaultScenarios: SCENARIOS.filter((s) => s.scripted).map((s) => s.name),
  invariants: [
    ...LOOP_INVARIANTS.map((i) => ({ name: i.name, description: i.description })),
    SYSCALLS_RETURN,
    { name: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION },
  ],
  build(opts): Model {
    const sname = opts.strategy ?? strategies[0].name;
    const strategy = strategies.find((s) => s.name === sname);
    if (!strategy) throw new Error(`loop: unknown strategy '${sname}' (known: ${strategies.map((s) => s.name).join(', ')})`);
    const cname = opts.scenario ?? SCENARIOS[0].name;
    const scenario = SCENARIOS.find((s) => s.name === cname);
    if (!scenario) throw new Error(`loop: unknown scenario '${cname}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
    return buildLoopModel(strategy, scenario, opts.params);
  },
  };
}

export const loopFamily: ModelFamily = makeLoopFamily(STRATEGIES);

export default loopFamily;
