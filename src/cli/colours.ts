// Whether the CLI colours what it prints, decided one way for every
// command: on a terminal unless NO_COLOR is set or --no-color is given;
// forced by --color or FORCE_COLOR (any value but empty, 0 and false), as CI
// logs render it.

import { Chalk, type ChalkInstance } from 'chalk';

export function colours(noColor: boolean, force = false): ChalkInstance {
  const fc = process.env.FORCE_COLOR;
  const forced = force || (fc !== undefined && fc !== '' && fc !== '0' && fc !== 'false');
  const enabled = !noColor && (forced || (process.stdout.isTTY === true && !process.env.NO_COLOR));
  return new Chalk({ level: enabled ? 1 : 0 });
}
