/**
 * The generator as it was before its fill was optimised (commit 313be36), frozen with its RNG and
 * Zipf sampler: the reference the optimised fill must match bit for bit
 * (`generators-reference.test.ts`). Test code only; nothing outside tests imports it.
 */
import type { GeneratedBatch, MixEntry } from './generators';
import { ExpZiggurat } from './random';
import type { FieldSlot, PayloadLayout } from './payload';
import type { ArrivalPattern, GeneratorSpec } from './protocol';

// ---------------------------------------------------------------------------------------------
// The generator as it was before its fill was optimised (commit 313be36), frozen here with its
// RNG and Zipf sampler as the reference the optimised fill must match bit for bit. Do not edit.
// One deliberate change since: its exponential draws (Poisson gaps, ordinary amounts) were
// -log(1 - u) and are now the shared ExpZiggurat's, one word each as before, when the generator
// moved to the ziggurat (its distribution is tested on its own, above). A second (commit 316add8,
// which changed only the optimised fill and left this one behind): a run with a duration stops
// half-open, `due < end`, where it stopped at `end - 1e-9`. Bursts spaced 0.1 µs apart reach a time
// within 1e-9 of the end by rounding, and the two disagreed on that message (fast-check found it).
// A third (December 2026, both fills alike): Poisson gaps and burst spacings add up from 0
// (`relUs`), the arrival time being `startUs + relUs`. Added to an epoch clock, where a double
// steps by 0.25 µs, the 0.1 µs gaps of 10 M/s were rounded away: 28 % more messages than asked.

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

const TWO_POW_32 = 4294967296;

class FrozenSfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    let w: number;
    [s, w] = splitmix32(s);
    this.a = w | 0;
    [s, w] = splitmix32(s);
    this.b = w | 0;
    [s, w] = splitmix32(s);
    this.c = w | 0;
    [, w] = splitmix32(s);
    this.d = w | 0;
    // Discard the first outputs: sfc32's state mixes within a dozen rounds.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextU32() / TWO_POW_32;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  exponential(mean: number): number {
    // 1 - u is in (0, 1], so the log is finite.
    return -Math.log(1 - this.next()) * mean;
  }
}

class FrozenZipf {
  private readonly cdf: Float64Array;
  private readonly guide: Int32Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Zipf needs n >= 1 (got ${n}).`);
    if (!(s >= 0)) throw new RangeError(`Zipf exponent must be >= 0 (got ${s}).`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] = (this.cdf[k] ?? 0) / sum;
    this.cdf[n - 1] = 1;
    const g = Math.min(n, 1 << 16);
    this.guide = new Int32Array(g);
    let k = 0;
    for (let j = 0; j < g; j++) {
      // The smallest rank that any u >= j / g can map to.
      while (k < n - 1 && this.cdf[k]! <= j / g) k++;
      this.guide[j] = k;
    }
  }

  /** Maps a uniform u in [0, 1) to a rank. */
  rank(u: number): number {
    const cdf = this.cdf;
    const g = this.guide.length;
    let k = this.guide[Math.min(g - 1, Math.floor(u * g))]!;
    const last = this.n - 1;
    // Rounding in u * g may land one bucket late; step back so the answer stays exact.
    while (k > 0 && cdf[k - 1]! > u) k--;
    while (k < last && cdf[k]! <= u) k++;
    return k;
  }

  /** Probability of rank k. */
  probability(k: number): number {
    const hi = this.cdf[k] ?? 0;
    const lo = k > 0 ? (this.cdf[k - 1] ?? 0) : 0;
    return hi - lo;
  }
}

/** How generated amounts are drawn: mostly ordinary, a few over and just under the fraud threshold. */
const AMOUNT_OVER_P = 0.01;
const AMOUNT_STRUCTURING_P = 0.02;
const AMOUNT_MEAN = 800;

/** Field roles, as small integers so the per-message loop switches on numbers. */
const R_ID = 0;
const R_ACCOUNT = 1;
const R_COUNTERPARTY = 2;
const R_AMOUNT = 3;
const R_COUNTRY = 4;
const R_TIME = 5;
const R_RANDOM = 6;

function roleOf(f: FieldSlot): number {
  const n = f.name.toLowerCase();
  if (n === 'id' || n === 'messageid' || n === 'txid') return R_ID;
  if (n.includes('counterparty') || n === 'to' || n.includes('dest')) return R_COUNTERPARTY;
  if (n.includes('account')) return R_ACCOUNT;
  if (n.includes('amount') || n.includes('value')) return R_AMOUNT;
  if (n.includes('country')) return R_COUNTRY;
  if (n.includes('time')) return R_TIME;
  return R_RANDOM;
}

/** Field types as small integers (see {@link writeNumber}). */
const TYPE_CODE: Record<FieldSlot['type'], number> = {
  u8: 0,
  bool: 8,
  u16: 1,
  u32: 2,
  i32: 3,
  u64: 4,
  i64: 9,
  f32: 5,
  f64: 6,
  bytes: 7,
};

/** A mix entry's fields compiled to parallel arrays: no objects or strings per message. */
interface CompiledFields {
  count: number;
  role: Uint8Array;
  type: Uint8Array;
  offset: Int32Array;
  size: Int32Array;
  /** Most random words one message of this entry can draw (for the buffer's headroom). */
  maxDraws: number;
}

function compileFields(layout: PayloadLayout): CompiledFields {
  const fs = layout.fields;
  const c: CompiledFields = {
    count: fs.length,
    role: Uint8Array.from(fs, roleOf),
    type: Uint8Array.from(fs, (f) => TYPE_CODE[f.type]),
    offset: Int32Array.from(fs, (f) => f.offset),
    size: Int32Array.from(fs, (f) => f.size),
    maxDraws: 0,
  };
  for (let k = 0; k < c.count; k++) {
    // amount: up to 2 draws, others at most one; bytes fields one more per byte.
    c.maxDraws += (c.role[k] === R_AMOUNT ? 2 : 1) + (c.type[k] === 7 ? c.size[k]! : 0);
  }
  return c;
}

const RANDOM_BUFFER = 4096;
const FROZEN_DEFAULTS = { zipfS: 1, accounts: 1000, seed: 1 } as const;

export class FrozenTrafficGenerator {
  readonly pattern: ArrivalPattern;
  readonly endUs: number;
  /** Messages emitted so far. */
  emitted = 0;
  private readonly rng: FrozenSfc32;
  private readonly zipf: FrozenZipf;
  private readonly exp: ExpZiggurat;
  private readonly cumWeights: Float64Array;
  private readonly fields: CompiledFields[];
  /** Random words drawn ahead from `rng`, consumed in order from `rIdx`. */
  private readonly rBuf: Uint32Array;
  private rIdx: number;
  /** Most words one message can consume (type pick, account, fields, arrival). */
  private readonly maxDraws: number;
  private readonly intervalUs: number;
  private readonly burstSize: number;
  /** Public here (private in the original) so the test can compare it. */
  nextDueUs: number;
  private relUs = 0;
  private burstLeft = 0;

  constructor(
    readonly spec: GeneratorSpec,
    readonly mix: readonly MixEntry[],
    readonly startUs: number,
  ) {
    this.pattern = spec.pattern ?? 'constant';
    this.rng = new FrozenSfc32(
      Number.isFinite(spec.seed ?? 1) ? Math.trunc(spec.seed ?? FROZEN_DEFAULTS.seed) : 0,
    );
    this.exp = new ExpZiggurat(spec.seed ?? FROZEN_DEFAULTS.seed);
    this.zipf = new FrozenZipf(
      spec.accounts ?? FROZEN_DEFAULTS.accounts,
      spec.zipfS ?? FROZEN_DEFAULTS.zipfS,
    );
    this.cumWeights = new Float64Array(mix.length);
    let sum = 0;
    mix.forEach((m, i) => {
      sum += m.weight;
      this.cumWeights[i] = sum;
    });
    for (let i = 0; i < mix.length; i++) this.cumWeights[i] = (this.cumWeights[i] ?? 0) / sum;
    this.fields = mix.map((m) => compileFields(m.layout));
    this.maxDraws = 3 + this.fields.reduce((m, f) => Math.max(m, f.maxDraws), 0);
    this.rBuf = new Uint32Array(Math.max(RANDOM_BUFFER, 2 * this.maxDraws));
    this.rIdx = this.rBuf.length;
    this.intervalUs = 1e6 / spec.ratePerSec;
    this.burstSize = spec.burstSize ?? Math.max(1, Math.round(spec.ratePerSec / 10));
    this.endUs = spec.durationMs ? startUs + spec.durationMs * 1000 : Number.POSITIVE_INFINITY;
    if (this.pattern === 'poisson') {
      this.refill(1);
      this.relUs = this.exp.sample(this.rBuf[this.rIdx++]!) * this.intervalUs;
    }
    this.nextDueUs = startUs + this.relUs;
  }

  /**
   * Makes at least `need` unread words available: the unread rest moves to the front and the
   * buffer is topped up from the generator in order, so words come out exactly as `rng.nextU32()`
   * would give them one by one.
   */
  private refill(need: number): void {
    const buf = this.rBuf;
    const left = buf.length - this.rIdx;
    if (left >= need) return;
    buf.copyWithin(0, this.rIdx);
    const rng = this.rng;
    for (let i = left; i < buf.length; i++) buf[i] = rng.nextU32();
    this.rIdx = 0;
  }

  /** Writes the messages due at or before `untilUs` into `batch` (from index 0); returns how many. */
  fill(untilUs: number, batch: GeneratedBatch): number {
    const limit = Math.min(untilUs, this.endUs);
    const end = this.endUs;
    const stride = batch.stride;
    const view = batch.view;
    const buf = this.rBuf;
    const maxDraws = this.maxDraws;
    const cw = this.cumWeights;
    const single = cw.length === 1;
    const zipf = this.zipf;
    const accounts = zipf.n;
    const fieldsOf = this.fields;
    const pattern = this.pattern;
    const interval = this.intervalUs;
    let n = 0;
    let r = this.rIdx;
    // Locals, not fields, in the loop: the fields are written back once at the end.
    let due = this.nextDueUs;
    let emitted = this.emitted;
    const timeUs = batch.timeUs;
    const mixIndex = batch.mixIndex;
    const accountOut = batch.account;
    const cap = batch.capacity;
    while (n < cap && due <= limit && due < end) {
      if (buf.length - r < maxDraws) {
        this.rIdx = r;
        this.refill(maxDraws);
        r = this.rIdx;
      }
      const t = due;
      let mi = 0;
      if (!single) {
        const u = buf[r++]! / TWO_POW_32;
        while (mi < cw.length - 1 && cw[mi]! <= u) mi++;
      }
      const account = zipf.rank(buf[r++]! / TWO_POW_32);
      timeUs[n] = t;
      mixIndex[n] = mi;
      accountOut[n] = account;
      const f = fieldsOf[mi]!;
      const base = n * stride;
      for (let k = 0; k < f.count; k++) {
        const o = base + f.offset[k]!;
        const type = f.type[k]!;
        let num = 0;
        switch (f.role[k]!) {
          case R_ID:
            num = emitted + 1;
            break;
          case R_ACCOUNT:
            num = account;
            break;
          case R_COUNTERPARTY:
            num = Math.floor((buf[r++]! / TWO_POW_32) * accounts);
            break;
          case R_AMOUNT: {
            const u = buf[r++]! / TWO_POW_32;
            num =
              u < AMOUNT_OVER_P
                ? 10_000 + (buf[r++]! / TWO_POW_32) * 40_000
                : u < AMOUNT_OVER_P + AMOUNT_STRUCTURING_P
                  ? 9_000 + (buf[r++]! / TWO_POW_32) * 999
                  : Math.min(8_999, this.exp.sample(buf[r++]!) * AMOUNT_MEAN);
            num = Math.max(0.01, Math.round(num * 100) / 100);
            break;
          }
          case R_COUNTRY:
            num = Math.floor((buf[r++]! / TWO_POW_32) * 250);
            break;
          case R_TIME:
            num = Math.floor(t);
            break;
          default:
            num = type === 7 ? 0 : randomFor(type, buf[r++]!);
        }
        if (type === 7) {
          // Bytes fields are random whatever their role, one word per byte.
          const size = f.size[k]!;
          for (let j = 0; j < size; j++)
            view.setUint8(o + j, Math.floor((buf[r++]! / TWO_POW_32) * 256));
        } else writeNumber(view, type, o, num);
      }
      emitted++;
      n++;
      switch (pattern) {
        case 'constant':
          due = this.startUs + emitted * interval;
          break;
        case 'poisson':
          this.relUs += this.exp.sample(buf[r++]!) * interval;
          due = this.startUs + this.relUs;
          break;
        case 'bursts':
          // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
          if (++this.burstLeft >= this.burstSize) {
            this.burstLeft = 0;
            this.relUs += this.burstSize * interval;
            due = this.startUs + this.relUs;
          }
          break;
      }
    }
    this.nextDueUs = due;
    this.emitted = emitted;
    this.rIdx = r;
    batch.count = n;
    return n;
  }
}

function randomFor(type: number, w: number): number {
  const u = w / TWO_POW_32;
  switch (type) {
    case 0:
      return Math.floor(u * 256);
    case 8:
      return Math.floor(u * 2);
    case 1:
      return Math.floor(u * 65536);
    case 2:
    case 4:
      return w;
    case 3:
    case 9:
      return w | 0;
    default:
      return Math.round(u * 100_000) / 100;
  }
}

function writeNumber(view: DataView, type: number, o: number, num: number): void {
  switch (type) {
    case 0:
    case 8:
      view.setUint8(o, num & 0xff);
      return;
    case 1:
      view.setUint16(o, num & 0xffff, true);
      return;
    case 2:
      view.setUint32(o, num >>> 0, true);
      return;
    case 3:
      view.setInt32(o, num | 0, true);
      return;
    case 4:
    case 9: {
      const v = Math.max(0, Math.floor(num));
      view.setUint32(o, v >>> 0, true);
      view.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
      return;
    }
    case 5:
      view.setFloat32(o, num, true);
      return;
    case 6:
      view.setFloat64(o, num, true);
      return;
  }
}
