// Many random complete runs of every registered strategy are legal kernel
// steps ending in a terminal state: 60 seeds per scripted scenario and 100
// per explore configuration (npm test runs the first 15 and 25 of them,
// test/loop/legal-steps.test.ts).

import { describeRandomRuns } from '../loop/random-runs.js';

describeRandomRuns({ scripted: 60, explore: 100 });
