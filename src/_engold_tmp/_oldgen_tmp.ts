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

type FieldRole = 'id' | 'account' | 'counterparty' | 'amount' | 'country' | 'time' | 'random';

function roleOf(f: FieldSlot): FieldRole {
  const n = f.name.toLowerCase();
  if (n === 'id' || n === 'messageid' || n === 'txid') return 'id';
  if (n.includes('counterparty') || n === 'to' || n.includes('dest')) return 'counterparty';
  if (n.includes('account')) return 'account';
  if (n.includes('amount') || n.includes('value')) return 'amount';
  if (n.includes('country')) return 'country';
  if (n.includes('time')) return 'time';
  return 'random';
}

interface CompiledField {
  slot: FieldSlot;
  role: FieldRole;
}

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
  private readonly fields: CompiledField[][];
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
    this.fields = mix.map((m) => m.layout.fields.map((slot) => ({ slot, role: roleOf(slot) })));
    this.intervalUs = 1e6 / spec.ratePerSec;
    this.burstSize = spec.burstSize ?? Math.max(1, Math.round(spec.ratePerSec / 10));
    this.endUs = spec.durationMs ? startUs + spec.durationMs * 1000 : Number.POSITIVE_INFINITY;
    this.nextDueUs =
      this.pattern === 'poisson' ? startUs + this.rng.exponential(this.intervalUs) : startUs;
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

  /** Writes the messages due at or before `untilUs` into `batch` (from index 0); returns how many. */
  fill(untilUs: number, batch: GeneratedBatch): number {
    const limit = Math.min(untilUs, this.endUs - 1e-9);
    const stride = batch.stride;
    let n = 0;
    while (n < batch.capacity && this.nextDueUs <= limit) {
      const t = this.nextDueUs;
      const mi = this.pickType();
      const account = this.zipf.rank(this.rng.next());
      batch.timeUs[n] = t;
      batch.mixIndex[n] = mi;
      batch.account[n] = account;
      const fields = this.fields[mi];
      if (fields && fields.length > 0) this.fillFields(fields, batch.view, n * stride, t, account);
      this.emitted++;
      n++;
      this.advance();
    }
    batch.count = n;
    return n;
  }

  private pickType(): number {
    const cw = this.cumWeights;
    if (cw.length === 1) return 0;
    const u = this.rng.next();
    let i = 0;
    while (i < cw.length - 1 && (cw[i] ?? 1) <= u) i++;
    return i;
  }

  private advance(): void {
    switch (this.pattern) {
      case 'constant':
        this.nextDueUs = this.startUs + this.emitted * this.intervalUs;
        return;
      case 'poisson':
        this.nextDueUs += this.rng.exponential(this.intervalUs);
        return;
      case 'bursts':
        // A burst arrives at one instant; bursts are spaced so the mean rate is ratePerSec.
        if (++this.burstLeft >= this.burstSize) {
          this.burstLeft = 0;
          this.nextDueUs += this.burstSize * this.intervalUs;
        }
        return;
    }
  }

  private fillFields(
    fields: CompiledField[],
    view: DataView,
    base: number,
    t: number,
    account: number,
  ): void {
    const rng = this.rng;
    for (let k = 0; k < fields.length; k++) {
      const { slot, role } = fields[k]!;
      const o = base + slot.offset;
      let num: number;
      switch (role) {
        case 'id':
          num = this.emitted + 1;
          break;
        case 'account':
          num = account;
          break;
        case 'counterparty':
          num = rng.int(this.zipf.n);
          break;
        case 'amount': {
          const u = rng.next();
          num =
            u < AMOUNT_OVER_P
              ? 10_000 + rng.next() * 40_000
              : u < AMOUNT_OVER_P + AMOUNT_STRUCTURING_P
                ? 9_000 + rng.next() * 999
                : Math.min(8_999, rng.exponential(AMOUNT_MEAN));
          num = Math.max(0.01, Math.round(num * 100) / 100);
          break;
        }
        case 'country':
          num = rng.int(250);
          break;
        case 'time':
          num = Math.floor(t);
          break;
        case 'random':
          num = randomFor(slot, rng);
          break;
      }
      writeNumber(view, slot, o, num, rng);
    }
  }
}

function randomFor(slot: FieldSlot, rng: Rng): number {
  switch (slot.type) {
    case 'u8':
      return rng.int(256);
    case 'u16':
      return rng.int(65536);
    case 'u32':
    case 'u64':
      return rng.nextU32();
    case 'i32':
    case 'i64':
      return rng.nextU32() | 0;
    case 'f32':
    case 'f64':
      return Math.round(rng.next() * 100_000) / 100;
    case 'bool':
      return rng.int(2);
    case 'bytes':
      return 0;
  }
}

/** Writes a number into a field of any type without allocating (u64 as two u32 words). */
function writeNumber(view: DataView, slot: FieldSlot, o: number, num: number, rng: Rng): void {
  switch (slot.type) {
    case 'u8':
    case 'bool':
      view.setUint8(o, num & 0xff);
      return;
    case 'u16':
      view.setUint16(o, num & 0xffff, true);
      return;
    case 'u32':
      view.setUint32(o, num >>> 0, true);
      return;
    case 'i32':
      view.setInt32(o, num | 0, true);
      return;
    case 'u64':
    case 'i64': {
      const v = Math.max(0, Math.floor(num));
      view.setUint32(o, v >>> 0, true);
      view.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
      return;
    }
    case 'f32':
      view.setFloat32(o, num, true);
      return;
    case 'f64':
      view.setFloat64(o, num, true);
      return;
    case 'bytes':
      for (let i = 0; i < slot.size; i++) view.setUint8(o + i, rng.int(256));
      return;
  }
}
