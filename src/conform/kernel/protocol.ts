// The probe's line protocol on the serial console, and its parser.
//
// Exists because the console carries kernel messages and boot noise too: a
// record is `@@LC <length> <crc32 hex> <payload>`, found anywhere in a line,
// and kept only when its payload has the stated length and checksum, so text
// interleaved by the kernel invalidates a record instead of corrupting a
// result. Payloads (written by probe-gen.ts):
//   H start | H uptime <s> | H release <r> | H param <name> <value> | H fatal <why> | H done <n>
//   N <scen> <nsched> <name>              a scenario begins
//   S <scen> <sched> <obs>…               initial observation of a schedule
//   F <scen> <sched> <why>                set-up failed, schedule skipped
//   C <scen> <sched> <call> <outcome> <obs>…
//   E <scen> <sched> <ncalls> <devices left>
//   R <id> <line> | X <id> <exit code>   output and exit code of reproducer <id>
// with <obs> = <backing>/<autoclear 0|1>/<open outcome>[/<partitions>] per device, backing
// '-' (unbound), 'R' (the regular file), a device letter, or '?<path>'.

import type { CallObservation, DeviceObservation, ScheduleObservation } from '../probe-plan.js';

export const RECORD_PREFIX = '@@LC';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Frame a payload as the probe does (used by tests and by the reproducer runner). */
export function frameRecord(payload: string): string {
  const bytes = Buffer.from(payload, 'utf8');
  return `${RECORD_PREFIX} ${bytes.length} ${crc32(bytes).toString(16).padStart(8, '0')} ${payload}`;
}

/** Result of scanning one console line: a valid payload, a damaged record, or no record. */
export type LineScan = { kind: 'record'; payload: string } | { kind: 'corrupt'; text: string } | { kind: 'none' };

/** Find a record in one line of console output (noise before or after it is ignored). */
export function scanLine(line: string): LineScan {
  const at = line.lastIndexOf(`${RECORD_PREFIX} `);
  if (at < 0) return { kind: 'none' };
  const m = /^@@LC (\d+) ([0-9a-f]{8}) /.exec(line.slice(at));
  if (!m) return { kind: 'corrupt', text: line.slice(at) };
  const rest = Buffer.from(line.slice(at + m[0].length), 'utf8');
  const len = Number(m[1]);
  if (rest.length < len) return { kind: 'corrupt', text: line.slice(at) };
  const payload = rest.subarray(0, len);
  if (crc32(payload).toString(16).padStart(8, '0') !== m[2]) return { kind: 'corrupt', text: line.slice(at) };
  return { kind: 'record', payload: payload.toString('utf8') };
}

export function parseDevice(item: string): DeviceObservation | undefined {
  const m = /^(\?.*|[^/]+)\/([01])\/([^/\s]+)(?:\/(\d+))?$/.exec(item);
  if (!m) return undefined;
  const b = m[1];
  const backing = b === '-' ? null : b === 'R' ? 'regular' : b;
  return { backing, autoclear: m[2] === '1', open: m[3], ...(m[4] !== undefined ? { partitions: Number(m[4]) } : {}) };
}

/** The state of a console being parsed, record by record. */
export class ConsoleParser {
  release: string | undefined;
  readonly params = new Map<string, string>();
  readonly fatal: string[] = [];
  readonly corrupt: string[] = [];
  /** Malformed payloads that passed the checksum (a probe/parser mismatch). */
  readonly malformed: string[] = [];
  started = false;
  /** Guest uptimes reported by the probe (first: when it started, last: when it finished). */
  readonly uptimes: number[] = [];
  done: number | undefined;
  /** Reproducer output lines and exit codes, by reproducer id. */
  readonly repro = new Map<number, { lines: string[]; exit?: number }>();
  private readonly names = new Map<number, string>();
  private readonly open = new Map<string, { scen: number; sched: number; initial?: DeviceObservation[]; calls: CallObservation[]; setupError?: string }>();
  readonly finished: ScheduleObservation[] = [];
  private partial = '';

  /** Feed raw console text (any chunking). Returns the payloads of complete records found. */
  feed(chunk: string): string[] {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    const out: string[] = [];
    for (const line of lines) {
      const p = this.line(line);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  /** End of input: the unterminated tail is scanned too. */
  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  line(line: string): string | undefined {
    const s = scanLine(line);
    if (s.kind === 'none') return undefined;
    if (s.kind === 'corrupt') {
      this.corrupt.push(s.text);
      return undefined;
    }
    if (!this.record(s.payload)) this.malformed.push(s.payload);
    return s.payload;
  }

  private record(payload: string): boolean {
    const w = payload.split(' ');
    const key = (a: string, b: string): string => `${a}:${b}`;
    switch (w[0]) {
      case 'H':
        if (w[1] === 'start') this.started = true;
        else if (w[1] === 'release' && w[2]) this.release = w[2];
        else if (w[1] === 'param' && w.length >= 4) this.params.set(w[2], w.slice(3).join(' '));
        else if (w[1] === 'uptime' && /^\d+(\.\d+)?$/.test(w[2] ?? '')) this.uptimes.push(Number(w[2]));
        else if (w[1] === 'fatal') this.fatal.push(w.slice(2).join(' '));
        else if (w[1] === 'done' && /^\d+$/.test(w[2] ?? '')) this.done = Number(w[2]);
        else return false;
        return true;
      case 'R':
      case 'X': {
        if (w.length < 3 || !/^\d+$/.test(w[1])) return false;
        const id = Number(w[1]);
        const r = this.repro.get(id) ?? { lines: [] };
        this.repro.set(id, r);
        if (w[0] === 'R') r.lines.push(w.slice(2).join(' '));
        else r.exit = Number(w[2]);
        return true;
      }
      case 'N':
        if (w.length !== 4) return false;
        this.names.set(Number(w[1]), w[3]);
        return true;
      case 'S': {
        const devs = w.slice(3).map(parseDevice);
        if (w.length < 3 || devs.some((d) => d === undefined)) return false;
        this.open.set(key(w[1], w[2]), { scen: Number(w[1]), sched: Number(w[2]), initial: devs as DeviceObservation[], calls: [] });
        return true;
      }
      case 'F': {
        if (w.length < 4) return false;
        const o = { scen: Number(w[1]), sched: Number(w[2]), calls: [], setupError: w.slice(3).join(' ') };
        this.finish(o);
        return true;
      }
      case 'C': {
        const o = this.open.get(key(w[1], w[2]));
        const devs = w.slice(5).map(parseDevice);
        if (!o || w.length < 5 || Number(w[3]) !== o.calls.length || devs.some((d) => d === undefined)) return false;
        o.calls.push({ outcome: w[4], devices: devs as DeviceObservation[] });
        return true;
      }
      case 'E': {
        const o = this.open.get(key(w[1], w[2]));
        if (!o || Number(w[3]) !== o.calls.length) return false;
        this.open.delete(key(w[1], w[2]));
        this.finish(o);
        return true;
      }
      default:
        return false;
    }
  }

  private finish(o: { scen: number; sched: number; initial?: DeviceObservation[]; calls: CallObservation[]; setupError?: string }): void {
    this.finished.push({
      scenario: this.names.get(o.scen) ?? `#${o.scen}`,
      schedule: o.sched,
      calls: o.calls,
      ...(o.initial ? { initial: o.initial } : {}),
      ...(o.setupError !== undefined ? { setupError: o.setupError } : {}),
    });
  }

  /** Schedules begun but not finished (a hang or a lost record): their calls so far. */
  unfinished(): ScheduleObservation[] {
    return [...this.open.values()].map((o) => ({
      scenario: this.names.get(o.scen) ?? `#${o.scen}`,
      schedule: o.sched,
      calls: o.calls,
      ...(o.initial ? { initial: o.initial } : {}),
      incomplete: true,
    }));
  }
}
