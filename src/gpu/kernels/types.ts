/**
 * The kernel contract shared by the CPU reference twins and the WebGPU kernels.
 *
 * Pure TypeScript: nothing here touches `navigator.gpu`, so the engine worker and Node tests can
 * import it freely.
 *
 * A batch is a structure of arrays. Every array has room for `capacity` rows; only the first
 * `count` rows are meaningful. u64 values (type ids, message ids, timestamps) are split into
 * `lo`/`hi` u32 words so that the GPU (which has no u64) and the CPU compute exactly the same bits.
 *
 * @packageDocumentation
 */

/** Words in the fixed inline payload: 8 u32 = 32 bytes, RingKernel's persistent-message inline size. */
export const PAYLOAD_WORDS = 8;
/** Bytes in the fixed inline payload. */
export const PAYLOAD_BYTES = PAYLOAD_WORDS * 4;

/** Header flag (same bit as RingKernel's header): the sender expects a response (type + 1, back to the source). */
export const FLAG_REQUIRES_RESPONSE = 0x08;
/** Output flag: this output is a response addressed back to `dest`, not routed by its type. */
export const FLAG_RESPONSE = 0x100;
/** `dest` value of outputs that the dispatcher routes by type (alerts, unsolicited results). */
export const NO_DEST = 0xffffffff;

/** The demo domain's message type ids (fraud detection domain 1000-1099). */
export const DemoTypes = {
  Transaction: 1001,
  AccountUpdate: 1002,
  PatternCheck: 1003,
  PatternResult: 1004,
  FraudAlert: 1010,
} as const;

/** Behaviours a kernel can have; matches `RouteConfig.kernels[].behavior`. */
export type KernelBehavior = 'fraud' | 'aggregator' | 'pattern' | 'generic';

/**
 * Alerts a kernel behaviour emits on its own, routed by type: the graph draws them as `emits`
 * edges, and the engine drains the kernel they are routed to before the kernel that emits them.
 */
export const BEHAVIOR_EMITS: Partial<
  Record<KernelBehavior, readonly { typeId: number; name: string }[]>
> = {
  fraud: [{ typeId: DemoTypes.FraudAlert, name: 'FraudAlert' }],
};

/**
 * What a kernel behaviour answers a message that requires a response with: `next`, the request's
 * type + 1; a type id; `null`, it never answers (the fraud processor emits alerts only). The
 * engine sends the request type's `responseTypeId` instead where the config names one.
 */
export const BEHAVIOR_ANSWER: Record<KernelBehavior, 'next' | number | null> = {
  fraud: null,
  aggregator: 'next',
  pattern: DemoTypes.PatternResult,
  generic: 'next',
};

/** Which implementation runs a kernel. */
export type KernelBackend = 'webgpu' | 'cpu';

/**
 * A batch of input messages, structure of arrays.
 *
 * `payload` is row-major: word `w` of row `r` is `payload[r * PAYLOAD_WORDS + w]`.
 */
export interface MessageBatch {
  /** Rows in use. */
  count: number;
  /** Rows every array can hold. */
  readonly capacity: number;
  readonly typeLo: Uint32Array;
  readonly typeHi: Uint32Array;
  readonly idLo: Uint32Array;
  readonly idHi: Uint32Array;
  /** Numeric index of the sender (0 = host); a response is addressed back to it. */
  readonly source: Uint32Array;
  /** u8 priority (0 low .. 3 critical) widened to u32 for the GPU. */
  readonly priority: Uint32Array;
  /** Header flags; see {@link FLAG_REQUIRES_RESPONSE}. */
  readonly flags: Uint32Array;
  readonly payload: Uint32Array;
}

/**
 * Messages emitted by a kernel, in the order of the input rows that caused them.
 *
 * Per row: `typeLo/Hi` the emitted type; `idLo/Hi` the correlation id (the causing message's id;
 * the engine assigns fresh message ids); `source` the causing message's source; `dest` the
 * response's destination or {@link NO_DEST} for type-routed outputs; `priority` copied from the
 * cause; `flags` {@link FLAG_RESPONSE} or 0; `parentRow` the input row that caused it (causal tracing).
 * Every kernel emits at most one output per input row, so `capacity` equals the input capacity.
 */
export interface OutputBatch extends MessageBatch {
  readonly dest: Uint32Array;
  readonly parentRow: Uint32Array;
}

/**
 * A kernel implementation that runs synchronously (the CPU twins).
 *
 * The returned {@link OutputBatch} belongs to the twin and is overwritten by the next `process`
 * call (the hot path allocates nothing); copy it with {@link cloneOutputBatch} to keep it.
 */
export interface KernelTwin {
  readonly behavior: KernelBehavior;
  process(batch: MessageBatch): OutputBatch;
  /**
   * A copy of the whole persistent state, in the exact layout the GPU kernel keeps: written into
   * `into` when it is given and of the state's size (memory already written once copies in a
   * fraction of the time fresh memory takes), else into a new array.
   */
  exportState(into?: Uint32Array): Uint32Array;
  /** Replace the persistent state; `state.length` must equal the kernel's state size. */
  importState(state: Uint32Array): void;
  /** Back to the initial (all zero) state. */
  reset(): void;
}

/** The same contract for a runtime that may run on the GPU (asynchronous: results come back from the device). */
export interface KernelRuntime {
  readonly behavior: KernelBehavior;
  readonly backend: KernelBackend;
  process(batch: MessageBatch): Promise<OutputBatch>;
  /** A copy of the state that is the caller's: it may keep it and write into it. */
  exportState(): Promise<Uint32Array>;
  /**
   * Replaces the persistent state. `state` is the runtime's from then on: the caller passes a
   * copy it reads no more (a runtime on another thread takes it over without copying it).
   */
  importState(state: Uint32Array): void;
  reset(): void;
  destroy(): void;
  /**
   * Hands back a batch `process` returned once the caller is done with it (it reads it no more),
   * so a runtime may reuse its buffers; optional.
   */
  recycle?(out: OutputBatch): void;
  /**
   * `process` may be called again before the last call's promise settled: each call takes its
   * rows at once, and the batches still run in the order given (the GPU worker's runtimes, which
   * chain each kernel's batches on their side). The engine then has its next batch on the way
   * while one runs, instead of sending it when the last one's result was taken back.
   */
  readonly pipelined?: boolean;
}

/** An empty input batch with room for `capacity` rows. */
export function createMessageBatch(capacity: number): MessageBatch {
  return {
    count: 0,
    capacity,
    typeLo: new Uint32Array(capacity),
    typeHi: new Uint32Array(capacity),
    idLo: new Uint32Array(capacity),
    idHi: new Uint32Array(capacity),
    source: new Uint32Array(capacity),
    priority: new Uint32Array(capacity),
    flags: new Uint32Array(capacity),
    payload: new Uint32Array(capacity * PAYLOAD_WORDS),
  };
}

/** An empty output batch with room for `capacity` rows. */
export function createOutputBatch(capacity: number): OutputBatch {
  return {
    ...createMessageBatch(capacity),
    dest: new Uint32Array(capacity),
    parentRow: new Uint32Array(capacity),
  };
}

/** A deep copy of the first `count` rows (capacity = count, at least 1). */
export function cloneOutputBatch(b: OutputBatch): OutputBatch {
  const c = createOutputBatch(Math.max(1, b.count));
  copyOutputRows(b, c);
  return c;
}

/** Copies an output batch's rows (and its count) into `to`, which has room for them. */
export function copyOutputRows(from: OutputBatch, to: OutputBatch): void {
  const n = from.count;
  to.count = n;
  copyRows(from, to, n);
  to.dest.set(from.dest.subarray(0, n));
  to.parentRow.set(from.parentRow.subarray(0, n));
}

/** A deep copy of an input batch's first `count` rows (capacity = count, at least 1). */
export function cloneMessageBatch(b: MessageBatch): MessageBatch {
  const c = createMessageBatch(Math.max(1, b.count));
  c.count = b.count;
  copyRows(b, c, b.count);
  return c;
}

/** Copies the first `n` rows of `from`'s input columns into `to` (which has room for them). */
export function copyRows(from: MessageBatch, to: MessageBatch, n: number): void {
  to.typeLo.set(from.typeLo.subarray(0, n));
  to.typeHi.set(from.typeHi.subarray(0, n));
  to.idLo.set(from.idLo.subarray(0, n));
  to.idHi.set(from.idHi.subarray(0, n));
  to.source.set(from.source.subarray(0, n));
  to.priority.set(from.priority.subarray(0, n));
  to.flags.set(from.flags.subarray(0, n));
  to.payload.set(from.payload.subarray(0, n * PAYLOAD_WORDS));
}

/** A u64 as its two u32 words. */
export interface U64Words {
  lo: number;
  hi: number;
}

/** Split a non-negative integer (number up to 2^53-1, or bigint below 2^64) into u32 words. */
export function u64Words(x: number | bigint): U64Words {
  if (typeof x === 'bigint') {
    return { lo: Number(x & 0xffffffffn), hi: Number((x >> 32n) & 0xffffffffn) };
  }
  return { lo: x >>> 0, hi: Math.floor(x / 0x1_0000_0000) >>> 0 };
}

/** Join u32 words into a u64: a number when it is a safe integer, else a bigint (the core's `toU64` convention). */
export function u64FromWords(lo: number, hi: number): number | bigint {
  if (hi < 0x20_0000) return hi * 0x1_0000_0000 + (lo >>> 0);
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Append one message to a batch (convenience for tests, generators and the injection form). */
export function pushMessage(
  b: MessageBatch,
  m: {
    typeId: number | bigint;
    id: number | bigint;
    source?: number;
    priority?: number;
    flags?: number;
    payload: ArrayLike<number>;
  },
): number {
  const r = b.count;
  if (r >= b.capacity) throw new RangeError(`batch full: capacity ${b.capacity}`);
  const t = u64Words(m.typeId);
  const id = u64Words(m.id);
  b.typeLo[r] = t.lo;
  b.typeHi[r] = t.hi;
  b.idLo[r] = id.lo;
  b.idHi[r] = id.hi;
  b.source[r] = m.source ?? 0;
  b.priority[r] = m.priority ?? 1;
  b.flags[r] = m.flags ?? 0;
  const base = r * PAYLOAD_WORDS;
  for (let w = 0; w < PAYLOAD_WORDS; w++) b.payload[base + w] = (m.payload[w] ?? 0) >>> 0;
  b.count = r + 1;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Payload layouts (8 u32 words each, little-endian, f32 stored as its bits).

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** The bits of `x` rounded to f32. */
export function f32Bits(x: number): number {
  f32Scratch[0] = x;
  return u32Scratch[0] ?? 0;
}

/** The f32 whose bits are `bits`. */
export function bitsF32(bits: number): number {
  u32Scratch[0] = bits;
  return f32Scratch[0] ?? 0;
}

/**
 * Transaction (1001), also the layout of PatternCheck (1003):
 * w0-1 id u64, w2 amount f32, w3 account u32, w4 counterparty u32, w5 country u16 (+ 16 bits pad),
 * w6-7 timestampUs u64.
 */
export interface Transaction {
  id: number | bigint;
  amount: number;
  account: number;
  counterparty: number;
  country: number;
  timestampUs: number | bigint;
}

/** Encode a Transaction (or PatternCheck) payload. */
export function encodeTransaction(
  t: Transaction,
  out = new Uint32Array(PAYLOAD_WORDS),
): Uint32Array {
  const id = u64Words(t.id);
  const ts = u64Words(t.timestampUs);
  out[0] = id.lo;
  out[1] = id.hi;
  out[2] = f32Bits(t.amount);
  out[3] = t.account >>> 0;
  out[4] = t.counterparty >>> 0;
  out[5] = t.country & 0xffff;
  out[6] = ts.lo;
  out[7] = ts.hi;
  return out;
}

/** Decode a Transaction (or PatternCheck) payload starting at word `at`. */
export function decodeTransaction(p: ArrayLike<number>, at = 0): Transaction {
  const w = (i: number): number => p[at + i] ?? 0;
  return {
    id: u64FromWords(w(0), w(1)),
    amount: bitsF32(w(2)),
    account: w(3),
    counterparty: w(4),
    country: w(5) & 0xffff,
    timestampUs: u64FromWords(w(6), w(7)),
  };
}

/**
 * AccountUpdate (1002), an aggregate request: w0-1 request id u64, w2 amount f32 (added to the
 * account's total; 0 for a pure query), w3 account u32, w4-5 reserved, w6-7 timestampUs u64.
 * Its fields sit at the same words as a Transaction's, so the aggregator reads both alike.
 */
export interface AccountUpdate {
  id: number | bigint;
  amount: number;
  account: number;
  timestampUs: number | bigint;
}

/** Encode an AccountUpdate payload. */
export function encodeAccountUpdate(u: AccountUpdate): Uint32Array {
  return encodeTransaction({ ...u, counterparty: 0, country: 0 });
}

/**
 * The aggregator's response (request type + 1, back to the source): w0-1 request id u64,
 * w2 running total f32, w3 account u32, w4 count u32 (transactions seen for the account's slot),
 * w5 reserved, w6-7 last timestampUs u64.
 */
export interface AccountSummary {
  requestId: number | bigint;
  total: number;
  account: number;
  count: number;
  lastTimestampUs: number | bigint;
}

/** Decode an aggregator response payload starting at word `at`. */
export function decodeAccountSummary(p: ArrayLike<number>, at = 0): AccountSummary {
  const w = (i: number): number => p[at + i] ?? 0;
  return {
    requestId: u64FromWords(w(0), w(1)),
    total: bitsF32(w(2)),
    account: w(3),
    count: w(4),
    lastTimestampUs: u64FromWords(w(6), w(7)),
  };
}

/** FraudAlert reason bits. */
export const FraudReason = { LargeAmount: 1, Velocity: 2, Structuring: 4 } as const;
/** PatternResult pattern bits. */
export const PatternKind = { RapidRepeat: 1, Circular: 2 } as const;

/**
 * FraudAlert (1010): w0-1 transaction id u64, w2 account u32, w3 reason flags u32
 * ({@link FraudReason}), w4 score f32, w5 amount f32, w6-7 timestampUs u64.
 */
export interface FraudAlert {
  transactionId: number | bigint;
  account: number;
  reasons: number;
  score: number;
  amount: number;
  timestampUs: number | bigint;
}

/** Decode a FraudAlert payload starting at word `at`. */
export function decodeFraudAlert(p: ArrayLike<number>, at = 0): FraudAlert {
  const w = (i: number): number => p[at + i] ?? 0;
  return {
    transactionId: u64FromWords(w(0), w(1)),
    account: w(2),
    reasons: w(3),
    score: bitsF32(w(4)),
    amount: bitsF32(w(5)),
    timestampUs: u64FromWords(w(6), w(7)),
  };
}

/**
 * PatternResult (1004): w0-1 check/transaction id u64, w2 account u32, w3 counterparty u32,
 * w4 pattern flags u32 ({@link PatternKind}), w5 amount f32, w6-7 timestampUs u64.
 */
export interface PatternResult {
  checkId: number | bigint;
  account: number;
  counterparty: number;
  patterns: number;
  amount: number;
  timestampUs: number | bigint;
}

/** Decode a PatternResult payload starting at word `at`. */
export function decodePatternResult(p: ArrayLike<number>, at = 0): PatternResult {
  const w = (i: number): number => p[at + i] ?? 0;
  return {
    checkId: u64FromWords(w(0), w(1)),
    account: w(2),
    counterparty: w(3),
    patterns: w(4),
    amount: bitsF32(w(5)),
    timestampUs: u64FromWords(w(6), w(7)),
  };
}
