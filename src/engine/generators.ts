/**
 * Traffic generators: arrival times (constant, Poisson, bursts) on the engine's simulated clock, a
 * weighted mix of types, Zipf-skewed accounts and random field fills, written into a preallocated
 * structure-of-arrays batch. Nothing is allocated per message. Same seed and same inputs give the
 * same sequence, whatever tick sizes the caller uses.
 */
import { createRng, ExpZiggurat, ZipfSampler, type Rng } from './random';
import {
  ARRIVAL_PATTERNS,
  DEFAULT_PATTERN,
  type ArrivalPattern,
  type GeneratorSpec,
  type U64,
} from './protocol';
import type { PayloadLayout } from './payload';
import { LIMITS } from '../core/config/limits';
import {
  alignOf,
  AMOUNT_MEAN,
  AMOUNT_OVER_P,
  AMOUNT_STRUCTURING_P,
  type CompiledFields,
  compileFields,
  copyFields,
  LITTLE_ENDIAN,
  OP_ACCOUNT_U32,
  OP_AMOUNT_F32,
  OP_BYTES,
  OP_COUNTERPARTY_U32,
  OP_COUNTRY_U16,
  OP_ID_U64,
  OP_RANDOM_U32,
  OP_RANDOM_U8,
  OP_TIME_U64,
  OP_WORDS,
  R_ACCOUNT,
  R_AMOUNT,
  R_COUNTERPARTY,
  R_COUNTRY,
  R_ID,
  R_TIME,
  T_BOOL,
  T_F32,
  T_F64,
  T_I32,
  T_I64,
  T_U16,
  T_U32,
  T_U64,
  T_U8,
  type Views,
  viewsOf,
} from './generator-fields';
import type { GeneratedBatch } from './generated-batch';

/** One entry of a resolved mix: the type id, its weight and its payload layout (empty when unknown). */
export interface MixEntry {
  typeId: U64;
  weight: number;
  layout: PayloadLayout;
}

export { GeneratedBatch, type BatchBuffers, type RowTarget } from './generated-batch';

/** Inclusive defaults documented on {@link GeneratorSpec}. */
export const GENERATOR_DEFAULTS = { zipfS: 1, accounts: 1000, seed: 1 } as const;

/** 2^-32: `w * INV_2_32` is exactly `w / 2^32` (a power of two), so u is the same double. */
const INV_2_32 = 1 / 4294967296;
const TWO_POW_32 = 4294967296;
/** Random words drawn ahead in one tight loop; the stream is the same as drawing one at a time. */
const RANDOM_BUFFER = 4096;

const P_CONSTANT = 0;
const P_POISSON = 1;
const P_BURSTS = 2;

/** The most messages a second a generator may be asked for (the Generator form's limit too). */
export const MAX_GENERATOR_RATE = LIMITS.maxGeneratorRate;

export function validateSpec(spec: GeneratorSpec): string | null {
  if (
    typeof spec.ratePerSec !== 'number' ||
    !(spec.ratePerSec > 0) ||
    spec.ratePerSec > MAX_GENERATOR_RATE
  ) {
    // A recording asking 1e15 a second had been taken, and its headless replay never ended.
    return `ratePerSec must be a number above 0 and at most ${MAX_GENERATOR_RATE.toLocaleString('en-US')} (got ${String(spec.ratePerSec)}).`;
  }
  if (spec.seed !== undefined && !Number.isSafeInteger(spec.seed)) {
    return `seed must be a whole number of at most 2^53 - 1 either side of 0 (got ${JSON.stringify(spec.seed)}).`;
  }
  if (spec.pattern && !ARRIVAL_PATTERNS.includes(spec.pattern)) {
    return `pattern must be constant, poisson or bursts (got ${String(spec.pattern)}).`;
  }
  if (spec.zipfS !== undefined && !(spec.zipfS >= 0))
    return `zipfS must be >= 0 (got ${spec.zipfS}).`;
  if (
    spec.accounts !== undefined &&
    (!Number.isInteger(spec.accounts) ||
      spec.accounts < 1 ||
      spec.accounts > LIMITS.maxGeneratorAccounts)
  ) {
    return `accounts must be an integer in 1..${LIMITS.maxGeneratorAccounts.toLocaleString('en-US')} (got ${spec.accounts}).`;
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
  /** Exponential draws (Poisson gaps, ordinary amounts): one word each. */
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
  private readonly patternCode: number;
  /** Alignment a batch's stride needs for the fields to be stored through typed arrays in place. */
  private readonly align: number;
  /** Where one message is assembled when the batch's stride is not aligned (see {@link fill}). */
  private scratch: Views | null = null;
  /**
   * The next arrival, µs after `startUs` (the next message is due at `startUs + relUs`). Poisson
   * gaps and burst spacings add up here, near 0,
   * where a double holds them exactly enough: added to the engine's clock (µs since the epoch,
   * where a double steps by 0.25 µs), gaps of 0.1 µs at 10 M/s were rounded away and the
   * generator sent 28 % more than asked (5 M/s: 6.6 %; 1 M/s: 0.26 %). `-0`, a double from the
   * start (see `nextSampleMs` in placement.ts on why a field's first value matters to V8).
   */
  private relUs = -0;
  private burstLeft = 0;

  constructor(
    readonly spec: GeneratorSpec,
    readonly mix: readonly MixEntry[],
    readonly startUs: number,
  ) {
    TrafficGenerator.check(spec, mix);
    this.pattern = spec.pattern ?? DEFAULT_PATTERN;
    this.patternCode =
      this.pattern === 'poisson' ? P_POISSON : this.pattern === 'bursts' ? P_BURSTS : P_CONSTANT;
    this.rng = createRng(spec.seed ?? GENERATOR_DEFAULTS.seed);
    this.exp = new ExpZiggurat(spec.seed ?? GENERATOR_DEFAULTS.seed);
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
    this.align = mix.reduce((a, m) => Math.max(a, alignOf(m.layout)), 1);
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
  }

  /** True once the duration has passed; a done generator emits nothing more. */
  /**
   * Throws the RangeError the constructor would for this spec and mix, without building the
   * generator's tables (for a generator that will be built elsewhere: its own worker).
   */
  static check(spec: GeneratorSpec, mix: readonly MixEntry[]): void {
    const problem = validateSpec(spec);
    if (problem) throw new RangeError(problem);
    if (mix.length === 0)
      throw new RangeError('The generator needs at least one message type in its mix.');
    if (mix.length > 0xffff) throw new RangeError('The mix holds at most 65,535 types.');
  }

  get done(): boolean {
    return this.startUs + this.relUs >= this.endUs;
  }

  /** Simulated time of the next message. */
  get nextDue(): number {
    return this.startUs + this.relUs;
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
    this.rng.fillU32(buf, left, buf.length);
    this.rIdx = 0;
  }

  /**
   * Writes the messages due at or before `untilUs` into `batch` (from index 0); returns how many.
   *
   * Fields are stored through typed-array views of the batch (little-endian, as the layouts are)
   * when the batch's stride keeps every field naturally aligned; otherwise each message is built
   * in an aligned scratch area and its field bytes copied over. Either way only field bytes are
   * written: padding keeps what the batch held.
   */
  fill(untilUs: number, batch: GeneratedBatch): number {
    // Due at or before `untilUs`, and before the end (half-open: a message due at the end itself
    // is not sent; "end minus 1e-9" was the end itself at wall-clock µs, 1.7e15).
    const limit = Math.min(untilUs, this.endUs);
    const end = this.endUs;
    const stride = batch.stride;
    const target = batch.target;
    const rowAt = target ? target.rowAt : null;
    const out = target ? target.views.u8 : batch.payload;
    const inPlace = LITTLE_ENDIAN && stride % this.align === 0;
    const v = inPlace
      ? target
        ? target.views
        : batch.views
      : (this.scratch ??= this.makeScratch());
    const u8 = v.u8;
    const u16 = v.u16;
    const u32 = v.u32;
    const i32 = v.i32;
    const f32 = v.f32;
    const f64 = v.f64;
    const buf = this.rBuf;
    const maxDraws = this.maxDraws;
    const cw = this.cumWeights;
    const lastMix = cw.length - 1;
    const zipf = this.zipf;
    const exp = this.exp;
    const accounts = zipf.n;
    const fieldsOf = this.fields;
    const pattern = this.patternCode;
    const interval = this.intervalUs;
    const startUs = this.startUs;
    const burstSize = this.burstSize;
    let burstLeft = this.burstLeft;
    let n = 0;
    let r = this.rIdx;
    // Locals, not fields, in the loop: the fields are written back once at the end.
    // `+`: read as is, the field's value entered the loop tagged and every new arrival time was
    // boxed in a fresh HeapNumber (14.5 bytes a message allocated, a scavenge every ~260,000
    // messages in Node); converted, `rel` and `due` stay float64 in registers.
    let rel = +this.relUs;
    let due = startUs + rel;
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
      if (lastMix > 0) {
        const u = buf[r++]! * INV_2_32;
        while (mi < lastMix && cw[mi]! <= u) mi++;
      }
      const account = zipf.rankWord(buf[r++]!);
      timeUs[n] = t;
      mixIndex[n] = mi;
      accountOut[n] = account;
      const f = fieldsOf[mi]!;
      const ops = f.ops;
      const end = f.count * OP_WORDS;
      const at = rowAt ? rowAt[n]! : n * stride;
      const base = inPlace ? at : 0;
      for (let k = 0; k < end; k += OP_WORDS) {
        const o = base + ops[k + 1]!;
        switch (ops[k]!) {
          case OP_ID_U64: {
            const id = emitted + 1;
            u32[o >> 2] = id;
            u32[(o >> 2) + 1] = Math.floor(id / TWO_POW_32);
            break;
          }
          case OP_TIME_U64: {
            // Compares, not Math.max/min, in the per-message path: those cost 2-3 ns each in
            // V8 (their -0 and NaN rules); the results are the same.
            const ft = Math.floor(t);
            const ts = ft < 0 ? 0 : ft;
            u32[o >> 2] = ts;
            u32[(o >> 2) + 1] = Math.floor(ts / TWO_POW_32);
            break;
          }
          case OP_ACCOUNT_U32:
            u32[o >> 2] = account;
            break;
          case OP_COUNTERPARTY_U32:
            u32[o >> 2] = Math.floor(buf[r++]! * INV_2_32 * accounts);
            break;
          case OP_AMOUNT_F32:
            f32[o >> 2] = amountOf(buf[r]!, buf[r + 1]!, exp);
            r += 2;
            break;
          case OP_COUNTRY_U16:
            u16[o >> 1] = Math.floor(buf[r++]! * INV_2_32 * 250);
            break;
          case OP_RANDOM_U32:
            u32[o >> 2] = buf[r++]!;
            break;
          case OP_RANDOM_U8:
            u8[o] = buf[r++]! >>> 24;
            break;
          case OP_BYTES: {
            // An amount's draw is made (and dropped) like any amount field's, so the
            // exponential sampler's own stream does not depend on the field's type.
            if (ops[k + 2] === R_AMOUNT) amountOf(buf[r]!, buf[r + 1]!, exp);
            r += ops[k + 5]!;
            const stop = o + ops[k + 4]!;
            for (let j = o; j < stop; j++) u8[j] = buf[r++]! >>> 24;
            break;
          }
          default: {
            // Any other role and type: the value by role, then stored by type.
            let num: number;
            const type = ops[k + 3]!;
            switch (ops[k + 2]!) {
              case R_ID:
                num = emitted + 1;
                break;
              case R_ACCOUNT:
                num = account;
                break;
              case R_COUNTERPARTY:
                num = Math.floor(buf[r++]! * INV_2_32 * accounts);
                break;
              case R_AMOUNT:
                num = amountOf(buf[r]!, buf[r + 1]!, exp);
                r += 2;
                break;
              case R_COUNTRY:
                num = Math.floor(buf[r++]! * INV_2_32 * 250);
                break;
              case R_TIME:
                num = Math.floor(t);
                break;
              default:
                num = randomFor(type, buf[r++]!);
            }
            switch (type) {
              case T_U8:
              case T_BOOL:
                u8[o] = num & 0xff;
                break;
              case T_U16:
                u16[o >> 1] = num & 0xffff;
                break;
              case T_U32:
                u32[o >> 2] = num >>> 0;
                break;
              case T_I32:
                i32[o >> 2] = num | 0;
                break;
              case T_U64:
              case T_I64: {
                const w = Math.max(0, Math.floor(num));
                u32[o >> 2] = w >>> 0;
                u32[(o >> 2) + 1] = Math.floor(w / TWO_POW_32) >>> 0;
                break;
              }
              case T_F32:
                f32[o >> 2] = num;
                break;
              case T_F64:
                f64[o >> 3] = num;
                break;
            }
          }
        }
      }
      if (!inPlace) copyFields(f, u8, out, at);
      emitted++;
      n++;
      if (pattern === P_POISSON) {
        rel += exp.sample(buf[r++]!) * interval;
      } else if (pattern === P_CONSTANT) {
        rel = emitted * interval;
      } else if (++burstLeft >= burstSize) {
        // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
        burstLeft = 0;
        rel += burstSize * interval;
      }
      due = startUs + rel;
    }
    this.relUs = rel;
    this.emitted = emitted;
    this.burstLeft = burstLeft;
    this.rIdx = r;
    batch.count = n;
    return n;
  }

  private makeScratch(): Views {
    const size = this.mix.reduce((m, e) => Math.max(m, e.layout.size), 0);
    return viewsOf(new Uint8Array(Math.ceil(size / 8) * 8 + 8));
  }
}

/**
 * An amount from two random words: mostly ordinary (exponential, mean 800, capped under the
 * structuring band), 1 % over the fraud threshold and 2 % just under it; in cents, at least 0.01.
 */
function amountOf(w0: number, w1: number, exp: ExpZiggurat): number {
  const u = w0 * INV_2_32;
  const num =
    u < AMOUNT_OVER_P
      ? 10_000 + w1 * INV_2_32 * 40_000
      : u < AMOUNT_OVER_P + AMOUNT_STRUCTURING_P
        ? 9_000 + w1 * INV_2_32 * 999
        : ordinary(exp.sample(w1) * AMOUNT_MEAN);
  // Compares, not Math.min/max (see OP_TIME_U64): the same values, 3 ns less per amount.
  const cents = Math.round(num * 100) / 100;
  return cents < 0.01 ? 0.01 : cents;
}

/** An ordinary amount stays under the structuring band. */
function ordinary(x: number): number {
  return x > 8_999 ? 8_999 : x;
}

/** A random value for a field of type code `type` from one random word `w`. */
function randomFor(type: number, w: number): number {
  switch (type) {
    case T_U8:
      return w >>> 24;
    case T_BOOL:
      return w >>> 31;
    case T_U16:
      return w >>> 16;
    case T_U32:
    case T_U64:
      return w;
    case T_I32:
    case T_I64:
      return w | 0;
    default:
      return Math.round(w * INV_2_32 * 100_000) / 100;
  }
}
