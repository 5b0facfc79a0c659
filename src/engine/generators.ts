/**
 * Traffic generators: arrival times (constant, Poisson, bursts) on the engine's simulated clock, a
 * weighted mix of types, Zipf-skewed accounts and random field fills, written into a preallocated
 * structure-of-arrays batch. Nothing is allocated per message. Same seed and same inputs give the
 * same sequence, whatever tick sizes the caller uses.
 */
import { createRng, ZipfSampler, type Rng } from './random';
import type { ArrivalPattern, GeneratorSpec, U64 } from './protocol';
import type { FieldSlot, PayloadLayout } from './payload';

/** One entry of a resolved mix: the type id, its weight and its payload layout (empty when unknown). */
export interface MixEntry {
  typeId: U64;
  weight: number;
  layout: PayloadLayout;
}

/** Preallocated output of {@link TrafficGenerator.fill}. Payload of message i is at `i * stride`. */
export class GeneratedBatch {
  count = 0;
  readonly timeUs: Float64Array;
  readonly mixIndex: Uint16Array;
  readonly account: Uint32Array;
  readonly payload: Uint8Array;
  readonly view: DataView;

  constructor(
    readonly capacity: number,
    readonly stride: number,
  ) {
    this.timeUs = new Float64Array(capacity);
    this.mixIndex = new Uint16Array(capacity);
    this.account = new Uint32Array(capacity);
    this.payload = new Uint8Array(capacity * stride);
    this.view = new DataView(this.payload.buffer);
  }
}

/** Inclusive defaults documented on {@link GeneratorSpec}. */
export const GENERATOR_DEFAULTS = { zipfS: 1, accounts: 1000, seed: 1 } as const;

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

const TWO_POW_32 = 4294967296;
/** Random words drawn ahead in one tight loop; the stream is the same as drawing one at a time. */
const RANDOM_BUFFER = 4096;

export function validateSpec(spec: GeneratorSpec): string | null {
  if (!(spec.ratePerSec > 0) || !Number.isFinite(spec.ratePerSec)) {
    return `ratePerSec must be a positive number (got ${spec.ratePerSec}).`;
  }
  if (spec.pattern && !['constant', 'poisson', 'bursts'].includes(spec.pattern)) {
    return `pattern must be constant, poisson or bursts (got ${String(spec.pattern)}).`;
  }
  if (spec.zipfS !== undefined && !(spec.zipfS >= 0))
    return `zipfS must be >= 0 (got ${spec.zipfS}).`;
  if (
    spec.accounts !== undefined &&
    (!Number.isInteger(spec.accounts) || spec.accounts < 1 || spec.accounts > 10_000_000)
  ) {
    return `accounts must be an integer in 1..10,000,000 (got ${spec.accounts}).`;
  }
  if (spec.durationMs !== undefined && !(spec.durationMs >= 0)) return `durationMs must be >= 0.`;
  if (
    spec.priority !== undefined &&
    (!Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > 255)
  ) {
    return `priority must be an integer in 0..255 (got ${spec.priority}).`;
  }
  if (spec.mix?.some((m) => !(m.weight >= 0))) return 'mix weights must be >= 0.';
  if (spec.mix && spec.mix.length > 0 && !spec.mix.some((m) => m.weight > 0)) {
    return 'mix needs at least one positive weight.';
  }
  if (spec.burstSize !== undefined && (!Number.isInteger(spec.burstSize) || spec.burstSize < 1)) {
    return `burstSize must be a positive integer (got ${spec.burstSize}).`;
  }
  return null;
}

/**
 * A running generator. Call {@link fill} with the current simulated time; it writes every message due
 * up to that time (at most `batch.capacity` per call; the rest stay due for the next call).
 */
export class TrafficGenerator {
  readonly pattern: ArrivalPattern;
  readonly endUs: number;
  /** Messages emitted so far. */
  emitted = 0;
  private readonly rng: Rng;
  private readonly zipf: ZipfSampler;
  private readonly cumWeights: Float64Array;
  private readonly fields: CompiledFields[];
  /** Random words drawn ahead from `rng`, consumed in order from `rIdx`. */
  private readonly rBuf: Uint32Array;
  private rIdx: number;
  /** Most words one message can consume (type pick, account, fields, arrival). */
  private readonly maxDraws: number;
  private readonly intervalUs: number;
  private readonly burstSize: number;
  private nextDueUs: number;
  private burstLeft = 0;

  constructor(
    readonly spec: GeneratorSpec,
    readonly mix: readonly MixEntry[],
    readonly startUs: number,
  ) {
    const problem = validateSpec(spec);
    if (problem) throw new RangeError(problem);
    if (mix.length === 0)
      throw new RangeError('The generator needs at least one message type in its mix.');
    if (mix.length > 0xffff) throw new RangeError('The mix holds at most 65,535 types.');
    this.pattern = spec.pattern ?? 'constant';
    this.rng = createRng(spec.seed ?? GENERATOR_DEFAULTS.seed);
    this.zipf = new ZipfSampler(
      spec.accounts ?? GENERATOR_DEFAULTS.accounts,
      spec.zipfS ?? GENERATOR_DEFAULTS.zipfS,
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
    this.nextDueUs = startUs;
    if (this.pattern === 'poisson') {
      this.refill(1);
      this.nextDueUs += -Math.log(1 - this.rBuf[this.rIdx++]! / TWO_POW_32) * this.intervalUs;
    }
  }

  /** True once the duration has passed; a done generator emits nothing more. */
  get done(): boolean {
    return this.nextDueUs >= this.endUs;
  }

  /** Simulated time of the next message. */
  get nextDue(): number {
    return this.nextDueUs;
  }

  /** Largest payload of the mix; a batch's stride must be at least this. */
  static strideFor(mix: readonly MixEntry[]): number {
    return mix.reduce((m, e) => Math.max(m, e.layout.size), 0);
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
    const limit = Math.min(untilUs, this.endUs - 1e-9);
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
    while (n < cap && due <= limit) {
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
                  : Math.min(8_999, -Math.log(1 - buf[r++]! / TWO_POW_32) * AMOUNT_MEAN);
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
          due += -Math.log(1 - buf[r++]! / TWO_POW_32) * interval;
          break;
        case 'bursts':
          // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
          if (++this.burstLeft >= this.burstSize) {
            this.burstLeft = 0;
            due += this.burstSize * interval;
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

/** A random value for a field of type code `type` from one random word `w`. */
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

/** Writes a number into a field of type code `type` (u64 as two u32 words). */
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
