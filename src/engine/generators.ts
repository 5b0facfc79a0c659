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
  /** Typed-array views of `payload`, for the generator's aligned stores. */
  readonly views: Views;

  constructor(
    readonly capacity: number,
    readonly stride: number,
  ) {
    this.timeUs = new Float64Array(capacity);
    this.mixIndex = new Uint16Array(capacity);
    this.account = new Uint32Array(capacity);
    this.payload = new Uint8Array(capacity * stride);
    this.view = new DataView(this.payload.buffer);
    this.views = viewsOf(this.payload);
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

/**
 * Field operations: what a field's value is (its role) and how it is stored (its type), as one
 * code, so the per-message loop takes one switch per field. The common pairs have their own code;
 * any other pair goes through {@link OP_GENERIC} (role switch, then type switch).
 */
const OP_ID_U64 = 0;
const OP_TIME_U64 = 1;
const OP_ACCOUNT_U32 = 2;
const OP_COUNTERPARTY_U32 = 3;
const OP_AMOUNT_F32 = 4;
const OP_COUNTRY_U16 = 5;
const OP_RANDOM_U32 = 6;
const OP_RANDOM_U8 = 7;
const OP_GENERIC = 8;
/** Bytes field: `skip` words the role would have drawn (unused), then one word per byte. */
const OP_BYTES = 9;

/** Field types as small integers. */
const T_U8 = 0;
const T_U16 = 1;
const T_U32 = 2;
const T_I32 = 3;
const T_U64 = 4;
const T_F32 = 5;
const T_F64 = 6;
const T_BYTES = 7;
const T_BOOL = 8;
const T_I64 = 9;
const TYPE_CODE: Record<FieldSlot['type'], number> = {
  u8: T_U8,
  bool: T_BOOL,
  u16: T_U16,
  u32: T_U32,
  i32: T_I32,
  u64: T_U64,
  i64: T_I64,
  f32: T_F32,
  f64: T_F64,
  bytes: T_BYTES,
};

/** Words a role draws for its value (an amount always takes two). */
function drawsOf(role: number): number {
  return role === R_AMOUNT ? 2 : role === R_COUNTERPARTY || role === R_COUNTRY ? 1 : 0;
}

/** Words of one compiled field in {@link CompiledFields.ops}. */
const OP_WORDS = 7;

/**
 * A mix entry's fields compiled to one Int32Array of (op, offset, role, type, size, skip, element
 * size) septuples: no objects or strings per message. `skip` is what a bytes field's role draws
 * before its bytes; `element size` the unit whose bytes a big-endian host must reverse.
 */
interface CompiledFields {
  count: number;
  ops: Int32Array;
  /** Most random words one message of this entry can draw (for the buffer's headroom). */
  maxDraws: number;
}

function opOf(role: number, type: number): number {
  if (type === T_BYTES) return OP_BYTES;
  if (role === R_ID && type === T_U64) return OP_ID_U64;
  if (role === R_TIME && type === T_U64) return OP_TIME_U64;
  if (role === R_ACCOUNT && type === T_U32) return OP_ACCOUNT_U32;
  if (role === R_COUNTERPARTY && type === T_U32) return OP_COUNTERPARTY_U32;
  if (role === R_AMOUNT && type === T_F32) return OP_AMOUNT_F32;
  if (role === R_COUNTRY && type === T_U16) return OP_COUNTRY_U16;
  if (role === R_RANDOM && type === T_U32) return OP_RANDOM_U32;
  if (role === R_RANDOM && type === T_U8) return OP_RANDOM_U8;
  return OP_GENERIC;
}

function compileFields(layout: PayloadLayout): CompiledFields {
  const fs = layout.fields;
  const ops = new Int32Array(fs.length * OP_WORDS);
  let maxDraws = 0;
  fs.forEach((f, k) => {
    const role = roleOf(f);
    const type = TYPE_CODE[f.type];
    const op = opOf(role, type);
    const o = k * OP_WORDS;
    ops[o] = op;
    ops[o + 1] = f.offset;
    ops[o + 2] = role;
    ops[o + 3] = type;
    ops[o + 4] = f.size;
    // A bytes field draws its role's words (unused; a random role draws none), then one per byte.
    ops[o + 5] = op === OP_BYTES ? drawsOf(role) : 0;
    ops[o + 6] = type === T_BYTES ? 1 : type === T_U64 || type === T_I64 ? 4 : f.size;
    // amount: up to 2 draws, others at most one; bytes fields one more per byte.
    maxDraws += (role === R_AMOUNT ? 2 : 1) + (type === T_BYTES ? f.size : 0);
  });
  return { count: fs.length, ops, maxDraws };
}

/**
 * Typed-array views of a batch's payload bytes (little-endian hosts only), so aligned fields are
 * stored without a DataView.
 */
interface Views {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
}

function viewsOf(bytes: Uint8Array): Views {
  const b = bytes.buffer;
  const o = bytes.byteOffset;
  const n = bytes.byteLength;
  // Lengths rounded down: a view covers every whole element of the payload.
  return {
    u8: bytes,
    u16: new Uint16Array(b, o, n >> 1),
    u32: new Uint32Array(b, o, n >> 2),
    i32: new Int32Array(b, o, n >> 2),
    f32: new Float32Array(b, o, n >> 2),
    f64: new Float64Array(b, o, n >> 3),
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Largest alignment the layout's stores need (u64 goes as two u32 words; 1 when no scalars). */
function alignOf(layout: PayloadLayout): number {
  let a = 1;
  for (const f of layout.fields) {
    if (f.type !== 'bytes') a = Math.max(a, f.type === 'u64' || f.type === 'i64' ? 4 : f.size);
  }
  return a;
}

/**
 * Copies the field bytes of one message assembled at `src[0..)` to `dst` at `at` (little-endian:
 * a big-endian host's elements are reversed on the way). Padding is left alone.
 */
function copyFields(f: CompiledFields, src: Uint8Array, dst: Uint8Array, at: number): void {
  const ops = f.ops;
  for (let k = 0; k < f.count * OP_WORDS; k += OP_WORDS) {
    const off = ops[k + 1]!;
    const size = ops[k + 4]!;
    const elem = ops[k + 6]!;
    for (let j = 0; j < size; j++) {
      const from = LITTLE_ENDIAN ? j : j - (j % elem) + (elem - 1 - (j % elem));
      dst[at + off + j] = src[off + from]!;
    }
  }
}

/** 2^-32: `w * INV_2_32` is exactly `w / 2^32` (a power of two), so u is the same double. */
const INV_2_32 = 1 / 4294967296;
const TWO_POW_32 = 4294967296;
/** Random words drawn ahead in one tight loop; the stream is the same as drawing one at a time. */
const RANDOM_BUFFER = 4096;

const P_CONSTANT = 0;
const P_POISSON = 1;
const P_BURSTS = 2;

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
  private readonly patternCode: number;
  /** Alignment a batch's stride needs for the fields to be stored through typed arrays in place. */
  private readonly align: number;
  /** Where one message is assembled when the batch's stride is not aligned (see {@link fill}). */
  private scratch: Views | null = null;
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
    this.patternCode =
      this.pattern === 'poisson' ? P_POISSON : this.pattern === 'bursts' ? P_BURSTS : P_CONSTANT;
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
    this.align = mix.reduce((a, m) => Math.max(a, alignOf(m.layout)), 1);
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
    const limit = Math.min(untilUs, this.endUs - 1e-9);
    const stride = batch.stride;
    const inPlace = LITTLE_ENDIAN && stride % this.align === 0;
    const v = inPlace ? batch.views : (this.scratch ??= this.makeScratch());
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
      const base = inPlace ? n * stride : 0;
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
            const ts = Math.max(0, Math.floor(t));
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
            f32[o >> 2] = amountOf(buf[r]!, buf[r + 1]!);
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
                num = amountOf(buf[r]!, buf[r + 1]!);
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
      if (!inPlace) copyFields(f, u8, batch.payload, n * stride);
      emitted++;
      n++;
      if (pattern === P_POISSON) {
        due += -Math.log(1 - buf[r++]! * INV_2_32) * interval;
      } else if (pattern === P_CONSTANT) {
        due = startUs + emitted * interval;
      } else if (++burstLeft >= burstSize) {
        // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
        burstLeft = 0;
        due += burstSize * interval;
      }
    }
    this.nextDueUs = due;
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
function amountOf(w0: number, w1: number): number {
  const u = w0 * INV_2_32;
  const x = w1 * INV_2_32;
  const num =
    u < AMOUNT_OVER_P
      ? 10_000 + x * 40_000
      : u < AMOUNT_OVER_P + AMOUNT_STRUCTURING_P
        ? 9_000 + x * 999
        : Math.min(8_999, -Math.log(1 - x) * AMOUNT_MEAN);
  return Math.max(0.01, Math.round(num * 100) / 100);
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
