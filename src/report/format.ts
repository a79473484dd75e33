// Small number and table formatting helpers for human output.

import type { ChalkInstance } from 'chalk';
import type { Verdict } from '../engine/result.js';

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtBytes(b: number): string {
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(0)} MiB`;
  return `${(b / 1024).toFixed(0)} KiB`;
}

export function fmtSeconds(s: number): string {
  return s < 10 ? s.toFixed(2) : s.toFixed(1);
}

/** Visible width of a string that may contain ANSI colour codes. */
function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c + ' '.repeat(widths[i] - visibleLength(c))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A verdict as printed in result tables: holds, VIOLATED (k steps), incomplete. */
export function verdictText(v: Verdict, c: ChalkInstance, steps?: number): string {
  if (v === 'holds') return c.green('holds');
  if (v === 'violated') return c.red.bold(`VIOLATED${steps !== undefined ? ` (${steps} steps)` : ''}`);
  return c.yellow('incomplete');
}
