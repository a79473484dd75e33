// Observes which fields one step reads and writes, without the model's help:
// the step runs on copies of the state wrapped in proxies that note every
// indexed read and write. Partial-order reduction (por.ts) needs exact
// footprints of the steps it defers; declaring them by hand per step would
// be long and could drift from what the steps do. Anything other than
// indexing (a typed-array method, say) makes the footprint unknown, and the
// step is then treated as touching everything.

export class FootprintProbe {
  /** Fields read by the last probe, readCount of them. */
  readonly reads: Int32Array;
  readCount = 0;
  /** Fields written by the last probe, writeCount of them. */
  readonly writes: Int32Array;
  writeCount = 0;
  /** The last probe touched the vectors other than by indexing. */
  opaque = false;
  /** The successor the last probe computed (when it returned true). */
  readonly after: Uint8Array;
  private readonly before: Uint8Array;
  private readonly readMark: Int32Array;
  private readonly writeMark: Int32Array;
  private gen = 0;
  private readonly srcProxy: Uint8Array;
  private readonly dstProxy: Uint8Array;

  constructor(private readonly stride: number) {
    this.before = new Uint8Array(stride);
    this.after = new Uint8Array(stride);
    this.reads = new Int32Array(stride);
    this.writes = new Int32Array(stride);
    this.readMark = new Int32Array(stride);
    this.writeMark = new Int32Array(stride);
    this.srcProxy = new Proxy(this.before, this.handler(false));
    this.dstProxy = new Proxy(this.after, this.handler(true));
  }

  private handler(isDst: boolean): ProxyHandler<Uint8Array> {
    const stride = this.stride;
    return {
      get: (target, prop) => {
        if (typeof prop === 'string') {
          const c = prop.charCodeAt(0);
          if (c >= 48 && c <= 57) {
            const i = +prop;
            if (i < stride) this.noteRead(i);
            return target[i];
          }
          if (prop === 'length') return target.length;
        }
        this.opaque = true;
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
      set: (target, prop, value) => {
        if (typeof prop === 'string') {
          const c = prop.charCodeAt(0);
          if (c >= 48 && c <= 57) {
            const i = +prop;
            if (!isDst) this.opaque = true; // a step must not write its source
            if (i < stride) this.noteWrite(i);
            target[i] = value as number;
            return true;
          }
        }
        this.opaque = true;
        return Reflect.set(target, prop, value, target);
      },
    };
  }

  private noteRead(i: number): void {
    if (this.readMark[i] !== this.gen) {
      this.readMark[i] = this.gen;
      this.reads[this.readCount++] = i;
    }
  }

  private noteWrite(i: number): void {
    if (this.writeMark[i] !== this.gen) {
      this.writeMark[i] = this.gen;
      this.writes[this.writeCount++] = i;
    }
  }

  /**
   * Run `step(a, src, dst)` on proxied copies of `src`; returns whether the
   * action was enabled. reads/writes/opaque/after describe the run.
   */
  probe(step: (a: number, src: Uint8Array, dst: Uint8Array) => boolean, a: number, src: Uint8Array): boolean {
    if (++this.gen === 0x7fffffff) {
      this.readMark.fill(0);
      this.writeMark.fill(0);
      this.gen = 1;
    }
    this.readCount = 0;
    this.writeCount = 0;
    this.opaque = false;
    this.before.set(src);
    this.after.set(src);
    return step(a, this.srcProxy, this.dstProxy);
  }
}
