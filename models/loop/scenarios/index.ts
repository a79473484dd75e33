// Scenario registry: the scripted races of issue 3 plus `explore`.

import { explore } from './explore.js';
import { changeFd, mountScenario, stackFork, stackIndependent, stackSharedFd, udev } from './scripted.js';
import type { Scenario } from './types.js';

export const SCENARIOS: readonly Scenario[] = [
  stackIndependent,
  stackSharedFd,
  stackFork,
  mountScenario,
  udev,
  changeFd,
  explore,
];

export type { Scenario, ScenarioSetup } from './types.js';
