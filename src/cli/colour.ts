// When the CLI's text output is coloured, decided once for every command.
//
// Every command that prints in colour (verify, compare, list, simulate,
// replay, lock-order) takes `--color` and `--no-color` and reads NO_COLOR
// and FORCE_COLOR the same way, so a CI log that sets FORCE_COLOR gets colour
// from all of them, not only from verify.

import { Chalk, type ChalkInstance } from 'chalk';
import type { Command } from 'commander';

/** The flag commander sets: true for --color, false for --no-color, undefined for neither. */
export interface ColourFlags {
  color?: boolean;
}

/**
 * Colour on a terminal unless NO_COLOR is set or --no-color is given; forced by
 * --color or FORCE_COLOR (any value but '', 0 and false), as CI logs render it.
 */
export function colours(noColor: boolean, force = false): ChalkInstance {
  const fc = process.env.FORCE_COLOR;
  const forced = force || (fc !== undefined && fc !== '' && fc !== '0' && fc !== 'false');
  const enabled = !noColor && (forced || (process.stdout.isTTY === true && !process.env.NO_COLOR));
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** The colours a command's flags ask for. */
export function coloursFor(flags: ColourFlags): ChalkInstance {
  return colours(flags.color === false, flags.color === true);
}

/** Adds --color and --no-color to a command. */
export function addColourOptions(cmd: Command): Command {
  return cmd
    .option('--color', 'colour even when stdout is not a terminal (as FORCE_COLOR does)')
    .option('--no-color', 'disable colour');
}
