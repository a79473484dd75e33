// Scenario registry: the scripted races of issue 3, the partition races of issue 13, the contention races (a mount of the disk and one of its partition, LOOP_CONFIGURE on a shared fd table), LOOP_CTL_REMOVE against an open, plus `explore`.

import { explore } from './explore.js';
import { changeFd, mountScenario, stackFork, stackIndependent, stackSharedFd, udev } from './scripted.js';
import { clrViaPartition, mountPartition, stackOnPartition, stalePartitions } from './partitions.js';
import { configureSharedFd, mountDiskAndPartition } from './contention.js';
import { removeVsOpen } from './remove.js';
import type { Scenario } from './types.js';

export const SCENARIOS: readonly Scenario[] = [
  stackIndependent,
  stackSharedFd,
  stackFork,
  mountScenario,
  udev,
  changeFd,
  stackOnPartition,
  mountPartition,
  stalePartitions,
  clrViaPartition,
  mountDiskAndPartition,
  configureSharedFd,
  removeVsOpen,
  explore,
];

export type { Scenario, ScenarioSetup } from './types.js';
