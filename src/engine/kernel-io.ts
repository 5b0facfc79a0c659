/**
 * Converts between a message type's config payload (see payload.ts) and the kernels' fixed 8-word
 * batch layouts (src/gpu/kernels/types.ts), matching fields by name. Fields a kernel needs but the
 * type lacks take the message's own header values (id, time); anything else is 0.
 */
import { PAYLOAD_WORDS, type KernelBehavior } from '../gpu/kernels/types.ts';
import type { FieldSlot, PayloadLayout } from './payload';
import { clearRow8, INLINE_WORDS } from './store';

type WordKind = 'u32' | 'u64' | 'f32' | 'flag';

interface WordSlot {
  names: string[];
  word: number;
  kind: WordKind;
}

/** Every kernel reads its input with the Transaction layout. */
const INPUT: WordSlot[] = [
  { names: ['id', 'transactionid', 'requestid', 'checkid'], word: 0, kind: 'u64' },
  { names: ['amount'], word: 2, kind: 'f32' },
  { names: ['account'], word: 3, kind: 'u32' },
  { names: ['counterparty'], word: 4, kind: 'u32' },
  { names: ['country'], word: 5, kind: 'u32' },
  { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
];

const OUTPUT: Record<KernelBehavior, WordSlot[]> = {
  fraud: [
    { names: ['transactionid', 'id'], word: 0, kind: 'u64' },
    { names: ['account'], word: 2, kind: 'u32' },
    { names: ['reason', 'reasons'], word: 3, kind: 'u32' },
    { names: ['score'], word: 4, kind: 'f32' },
    { names: ['amount'], word: 5, kind: 'f32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  pattern: [
    { names: ['checkid', 'id', 'transactionid'], word: 0, kind: 'u64' },
    { names: ['account'], word: 2, kind: 'u32' },
    { names: ['counterparty'], word: 3, kind: 'u32' },
    { names: ['patternkind', 'patterns', 'pattern'], word: 4, kind: 'u32' },
    { names: ['matched'], word: 4, kind: 'flag' },
    { names: ['amount'], word: 5, kind: 'f32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  aggregator: [
    { names: ['requestid', 'id'], word: 0, kind: 'u64' },
    { names: ['total', 'amount'], word: 2, kind: 'f32' },
    { names: ['account'], word: 3, kind: 'u32' },
    { names: ['count'], word: 4, kind: 'u32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  generic: INPUT,
};

interface Op {
  field: FieldSlot;
  word: number;
  kind: WordKind;
}

function compile(layout: PayloadLayout, schema: WordSlot[]): Op[] {
  const ops: Op[] = [];
  for (const f of layout.fields) {
    const n = f.name.toLowerCase();
    const w = schema.find((s) => s.names.includes(n));
    if (w && f.type !== 'bytes') ops.push({ field: f, word: w.word, kind: w.kind });
  }
  return ops;
}

/**
 * Word-level form of `ops` when each is a plain bit copy out of the first 32 bytes: integer
 * fields into integer words (u8/bool/u16 zero-extended, u64/i64 as two words or their low word,
 * i32 as its bits, as `v >>> 0` gives) and f32 into f32. Anything needing a numeric conversion
 * (f64, f32 <-> integer) returns null and goes the DataView way.
 */
function compileWordOps(ops: Op[]): Int32Array | null {
  const q: number[] = [];
  for (const op of ops) {
    const f = op.field;
    if (f.offset + f.size > 32) return null;
    const w = f.offset >> 2;
    const shift = (f.offset & 3) * 8;
    const int = f.type !== 'f32' && f.type !== 'f64' && f.type !== 'bytes';
    if (op.kind === 'f32') {
      if (f.type !== 'f32') return null;
      q.push(w, 0, -1, op.word);
    } else if (!int) {
      return null;
    } else if (f.type === 'u8' || f.type === 'bool') {
      q.push(w, shift, 0xff, op.word);
    } else if (f.type === 'u16') {
      q.push(w, shift, 0xffff, op.word);
    } else if (f.type === 'u64' || f.type === 'i64') {
      q.push(w, 0, -1, op.word);
      if (op.kind === 'u64') q.push(w + 1, 0, -1, op.word + 1);
    } else {
      // u32, i32: into a u64 kernel word the high word is 0 (an i32 reads as v >>> 0 there too).
      if (op.kind === 'u64' && f.type === 'i32') return null;
      q.push(w, 0, -1, op.word);
    }
  }
  return Int32Array.from(q);
}

const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Word kinds and field types as small integers, for the output converter's compiled ops. */
const K_U32 = 0;
const K_U64 = 1;
const K_F32 = 2;
const K_FLAG = 3;
const KIND_CODE: Record<WordKind, number> = { u32: K_U32, u64: K_U64, f32: K_F32, flag: K_FLAG };
const T_U8 = 0;
const T_U16 = 1;
const T_U32 = 2;
const T_I32 = 3;
const T_U64 = 4;
const T_F32 = 5;
const T_F64 = 6;
/** `bytes` fields never get an op (see compile); -1 keeps them out of every case. */
const TYPE_CODE: Record<FieldSlot['type'], number> = {
  u8: T_U8,
  bool: T_U8,
  u16: T_U16,
  u32: T_U32,
  i32: T_I32,
  u64: T_U64,
  i64: T_U64,
  f32: T_F32,
  f64: T_F64,
  bytes: -1,
};

function readNum(view: DataView, f: FieldSlot, base = 0): number {
  const o = base + f.offset;
  switch (f.type) {
    case 'u8':
    case 'bool':
      return view.getUint8(o);
    case 'u16':
      return view.getUint16(o, true);
    case 'u32':
      return view.getUint32(o, true);
    case 'i32':
      return view.getInt32(o, true);
    case 'u64':
    case 'i64':
      return view.getUint32(o, true) + view.getUint32(o + 4, true) * 4294967296;
    case 'f32':
      return view.getFloat32(o, true);
    case 'f64':
      return view.getFloat64(o, true);
    case 'bytes':
      return 0;
  }
}

function writeNum(view: DataView, f: FieldSlot, v: number, base = 0): void {
  const o = base + f.offset;
  switch (f.type) {
    case 'u8':
    case 'bool':
      view.setUint8(o, v & 0xff);
      return;
    case 'u16':
      view.setUint16(o, v & 0xffff, true);
      return;
    case 'u32':
      view.setUint32(o, v >>> 0, true);
      return;
    case 'i32':
      view.setInt32(o, v | 0, true);
      return;
    case 'u64':
    case 'i64':
      view.setUint32(o, v >>> 0, true);
      view.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
      return;
    case 'f32':
      view.setFloat32(o, v, true);
      return;
    case 'f64':
      view.setFloat64(o, v, true);
      return;
    case 'bytes':
      return;
  }
}

/**
 * A payload already in the kernel layout (the demo's Transaction): its 8 words as they are, the
 * country's u16 word masked (its upper half is padding). Written out word by word: it runs once
 * per message a kernel takes, and is small enough to be inlined where it is called.
 */
function copyIdentity(src: Uint32Array, at: number, out: Uint32Array, base: number): void {
  out[base] = src[at]!;
  out[base + 1] = src[at + 1]!;
  out[base + 2] = src[at + 2]!;
  out[base + 3] = src[at + 3]!;
  out[base + 4] = src[at + 4]!;
  out[base + 5] = src[at + 5]! & 0xffff;
  out[base + 6] = src[at + 6]!;
  out[base + 7] = src[at + 7]!;
}

/** Config payload bytes -> kernel input words for one message type. */
export class InputConverter {
  /** True when the type's layout already is the kernel layout: words are copied as they are. */
  readonly identity: boolean;
  private readonly ops: Op[];
  private readonly hasId: boolean;
  private readonly hasTime: boolean;
  /** A view over the last source buffer, so the per-message path allocates nothing. */
  private view: DataView | null = null;
  private viewOf: Uint32Array | null = null;
  /**
   * When every op reads whole bits from the inline words (no number conversion), the ops as
   * (source word, shift, mask, kernel word) quadruples, applied without a DataView; else null.
   */
  private readonly wordOps: Int32Array | null;

  constructor(layout: PayloadLayout | null) {
    this.ops = layout ? compile(layout, INPUT) : [];
    this.hasId = this.ops.some((o) => o.word === 0);
    this.hasTime = this.ops.some((o) => o.word === 6);
    const at = (name: string, offset: number, type: string): boolean =>
      layout?.fields.some((f) => f.name === name && f.offset === offset && f.type === type) ??
      false;
    this.identity =
      layout !== null &&
      layout.size === 32 &&
      at('id', 0, 'u64') &&
      at('amount', 8, 'f32') &&
      at('account', 12, 'u32') &&
      at('counterparty', 16, 'u32') &&
      at('country', 20, 'u16') &&
      at('timestampUs', 24, 'u64');
    if (layout === null) this.identity = true;
    this.wordOps = compileWordOps(this.ops);
  }

  /**
   * Writes the 8 kernel words of a message into `out` at `base`. `src` holds the config payload
   * (its first 32 bytes as words `srcWords` at `srcBase`, or the whole payload as `big`).
   */
  convert(
    srcWords: Uint32Array,
    srcBase: number,
    big: Uint8Array | undefined,
    out: Uint32Array,
    base: number,
    messageId: number,
    timeUs: number,
  ): void {
    if (this.identity && big === undefined) {
      copyIdentity(srcWords, srcBase, out, base);
      return;
    }
    const wo = this.wordOps;
    if (wo !== null && big === undefined) {
      this.wordRow(wo, srcWords, srcBase, out, base, messageId, timeUs);
      return;
    }
    let view: DataView;
    let at = 0;
    let limit = 32;
    if (big) {
      view = new DataView(big.buffer, big.byteOffset, big.byteLength);
      limit = big.byteLength;
    } else {
      // Keyed by the array, not by `view.buffer` (a getter that costs more than the conversion).
      if (this.viewOf !== srcWords) {
        this.view = new DataView(srcWords.buffer);
        this.viewOf = srcWords;
      }
      view = this.view!;
      at = srcWords.byteOffset + srcBase * 4;
    }
    for (let w = 0; w < 8; w++) out[base + w] = 0;
    const ops = this.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.field.offset + op.field.size > limit) continue;
      const v = readNum(view, op.field, at);
      if (op.kind === 'f32') {
        f32[0] = v;
        out[base + op.word] = f32u[0] ?? 0;
      } else if (op.kind === 'u64') {
        out[base + op.word] = v >>> 0;
        out[base + op.word + 1] = Math.floor(v / 4294967296) >>> 0;
      } else {
        out[base + op.word] = v >>> 0;
      }
    }
    this.fillHeader(out, base, messageId, timeUs);
  }

  /**
   * {@link convert} for rows `from..to` of a kernel batch, all of this type: row r's message is
   * store entry `rowRef[r]` (inline words at `ref * INLINE_WORDS` of `srcWords`, or `big[ref]`),
   * its id `rowId[r]`, its time `enteredUs[ref]`; its kernel words go to `out` at
   * `r * PAYLOAD_WORDS`. One call per run of rows instead of one per row, with the layout's
   * branch taken once (the conversion was 7-8 % of the engine's worker at saturation).
   */
  convertRows(
    srcWords: Uint32Array,
    big: readonly (Uint8Array | undefined)[],
    enteredUs: Float64Array,
    rowRef: Int32Array,
    rowId: Float64Array,
    from: number,
    to: number,
    out: Uint32Array,
  ): void {
    const wo = this.wordOps;
    const identity = this.identity;
    for (let r = from; r < to; r++) {
      const ref = rowRef[r]!;
      const o = r * PAYLOAD_WORDS;
      const b = ref * INLINE_WORDS;
      const bytes = big[ref];
      // The same branch for every row of the run (one type): predicted, nearly free. The two
      // common paths are small enough to be inlined here, where `convert` is not.
      if (bytes === undefined && identity) copyIdentity(srcWords, b, out, o);
      else if (bytes === undefined && wo !== null)
        this.wordRow(wo, srcWords, b, out, o, rowId[r]!, enteredUs[ref]!);
      else this.convert(srcWords, b, bytes, out, o, rowId[r]!, enteredUs[ref]!);
    }
  }

  /** An inline payload whose fields are all bit copies: its word ops, then the header words. */
  private wordRow(
    wo: Int32Array,
    src: Uint32Array,
    at: number,
    out: Uint32Array,
    base: number,
    messageId: number,
    timeUs: number,
  ): void {
    clearRow8(out, base);
    for (let i = 0; i < wo.length; i += 4) {
      out[base + wo[i + 3]!] = (src[at + wo[i]!]! >>> wo[i + 1]!) & wo[i + 2]!;
    }
    this.fillHeader(out, base, messageId, timeUs);
  }

  /** Kernel words the type lacks take the message's own id and time. */
  private fillHeader(out: Uint32Array, base: number, messageId: number, timeUs: number): void {
    if (!this.hasId) {
      out[base] = messageId >>> 0;
      out[base + 1] = Math.floor(messageId / 4294967296) >>> 0;
    }
    if (!this.hasTime) {
      const t = Math.floor(timeUs);
      out[base + 6] = t >>> 0;
      out[base + 7] = Math.floor(t / 4294967296) >>> 0;
    }
  }
}

/**
 * Whether an output op is a plain bit copy: an integer kernel word into an integer field (its low
 * bits; a u64 field takes both words of a u64), or f32 bits into an f32 field. Anything else
 * (flags, f32 <-> integer, f64) is a numeric conversion.
 */
function isBitOp(op: Op): boolean {
  const t = op.field.type;
  if (op.kind === 'f32') return t === 'f32';
  if (op.kind === 'flag') return false;
  return t !== 'f32' && t !== 'f64' && t !== 'bytes';
}

/**
 * Writes one output field through a DataView at byte `at` (the reference form of
 * {@link OutputConverter.convertInto}'s word ops): bit copies copy bits, exactly (a u64 past 2^53
 * and a NaN's payload keep theirs); numeric conversions go through the number.
 */
function writeOp(view: DataView, op: Op, words: Uint32Array, base: number, at: number): void {
  const lo = words[base + op.word] ?? 0;
  const f = op.field;
  const o = at + f.offset;
  if (isBitOp(op)) {
    switch (f.type) {
      case 'u8':
      case 'bool':
        view.setUint8(o, lo & 0xff);
        return;
      case 'u16':
        view.setUint16(o, lo & 0xffff, true);
        return;
      case 'u64':
      case 'i64':
        view.setUint32(o, lo, true);
        view.setUint32(o + 4, op.kind === 'u64' ? (words[base + op.word + 1] ?? 0) : 0, true);
        return;
      default:
        // u32, i32, f32: the word as it is.
        view.setUint32(o, lo, true);
        return;
    }
  }
  let v: number;
  switch (op.kind) {
    case 'f32':
      f32u[0] = lo;
      v = f32[0]!;
      break;
    case 'u64':
      v = lo + (words[base + op.word + 1] ?? 0) * 4294967296;
      break;
    case 'flag':
      v = lo !== 0 ? 1 : 0;
      break;
    case 'u32':
      v = lo;
      break;
  }
  writeNum(view, f, v, at);
}

/** Kernel output words -> the config payload of the output's type. */
export class OutputConverter {
  private readonly ops: Op[];
  /**
   * The bit-copy ops as (kernel word, destination word in the row, shift, mask) quadruples: the
   * masked low bits of the kernel word, shifted into place, OR-ed into the zeroed row.
   */
  private readonly bitOps: Int32Array;
  /** The numeric ops as (kernel word, kind, field type, field offset) quadruples. */
  private readonly opCodes: Int32Array;
  /** Whether a field is f64 (its store needs 8-byte alignment). */
  private readonly needs8: boolean;
  private readonly bytes: Uint8Array;
  private readonly rawWords: Uint32Array;
  private readonly view: DataView;

  constructor(
    readonly layout: PayloadLayout | null,
    behavior: KernelBehavior,
  ) {
    this.ops = layout ? compile(layout, OUTPUT[behavior]) : [];
    const bit: number[] = [];
    const num: number[] = [];
    for (const op of this.ops) {
      const f = op.field;
      if (!isBitOp(op)) {
        num.push(op.word, KIND_CODE[op.kind], TYPE_CODE[f.type], f.offset);
        continue;
      }
      const w = f.offset >> 2;
      const shift = (f.offset & 3) * 8;
      const mask = f.type === 'u8' || f.type === 'bool' ? 0xff : f.type === 'u16' ? 0xffff : -1;
      bit.push(op.word, w, shift, mask);
      if ((f.type === 'u64' || f.type === 'i64') && op.kind === 'u64') {
        bit.push(op.word + 1, w + 1, 0, -1);
      }
    }
    this.bitOps = Int32Array.from(bit);
    this.opCodes = Int32Array.from(num);
    this.needs8 = this.ops.some((op) => op.field.type === 'f64');
    const size = layout ? layout.size : 32;
    const buffer = new ArrayBuffer(Math.ceil(Math.max(size, 32) / 4) * 4);
    this.bytes = new Uint8Array(buffer, 0, size);
    this.rawWords = new Uint32Array(buffer);
    this.view = new DataView(buffer);
  }

  /**
   * Writes the payload straight into 8-word message columns (`dst` at word `dstBase`) when it
   * fits in 32 bytes, and returns its length; returns -1 for a longer payload (use `convert`).
   * Gives the same bytes as `convert`: bit copies as word operations, numeric conversions through
   * typed-array views of `dst` instead of a DataView.
   */
  convertInto(words: Uint32Array, base: number, dst: Uint32Array, dstBase: number): number {
    const layout = this.layout;
    if (!layout) {
      for (let w = 0; w < 8; w++) dst[dstBase + w] = words[base + w]!;
      return 32;
    }
    if (layout.size > 32) return -1;
    clearRow8(dst, dstBase);
    // Keyed by the array: reading `dst.buffer` or `dst.byteOffset` per call would cost more than
    // the conversion (a typed array's offset never changes).
    if (this.viewsFor !== dst) this.bindViews(dst);
    const at = this.viewsAt + dstBase * 4;
    if (!LITTLE_ENDIAN || (this.needs8 && (at & 7) !== 0)) {
      // A big-endian host, or an f64 field that would not be aligned: the DataView way.
      let view = this.dstView;
      if (view === null || this.dstViewOf !== dst) {
        view = this.dstView = new DataView(dst.buffer);
        this.dstViewOf = dst;
      }
      for (const op of this.ops) writeOp(view, op, words, base, at);
      return layout.size;
    }
    const b = this.bitOps;
    for (let i = 0; i < b.length; i += 4) {
      const w = dstBase + b[i + 1]!;
      dst[w] = dst[w]! | ((words[base + b[i]!]! & b[i + 3]!) << b[i + 2]!);
    }
    const q = this.opCodes;
    if (q.length === 0) return layout.size;
    const v = this.views!;
    for (let i = 0; i < q.length; i += 4) {
      const lo = words[base + q[i]!]!;
      let num: number;
      switch (q[i + 1]!) {
        case K_U32:
          num = lo;
          break;
        case K_U64:
          num = lo + words[base + q[i]! + 1]! * 4294967296;
          break;
        case K_F32:
          f32u[0] = lo;
          num = f32[0]!;
          break;
        default:
          num = lo !== 0 ? 1 : 0;
      }
      const o = at + q[i + 3]!;
      switch (q[i + 2]!) {
        case T_U8:
          v.u8[o] = num & 0xff;
          break;
        case T_U16:
          v.u16[o >> 1] = num & 0xffff;
          break;
        case T_U32:
          v.u32[o >> 2] = num >>> 0;
          break;
        case T_I32:
          v.u32[o >> 2] = num | 0;
          break;
        case T_U64:
          v.u32[o >> 2] = num >>> 0;
          v.u32[(o >> 2) + 1] = Math.floor(num / 4294967296) >>> 0;
          break;
        case T_F32:
          v.f32[o >> 2] = num;
          break;
        case T_F64:
          v.f64[o >> 3] = num;
          break;
      }
    }
    return layout.size;
  }

  /** Views of `dst`'s whole buffer (byte offsets from its start index them), per `dst` array. */
  private bindViews(dst: Uint32Array): void {
    const b = dst.buffer;
    this.views = {
      u8: new Uint8Array(b),
      u16: new Uint16Array(b, 0, b.byteLength >> 1),
      u32: new Uint32Array(b, 0, b.byteLength >> 2),
      f32: new Float32Array(b, 0, b.byteLength >> 2),
      f64: new Float64Array(b, 0, b.byteLength >> 3),
    };
    this.viewsFor = dst;
    this.viewsAt = dst.byteOffset;
  }

  private dstView: DataView | null = null;
  private dstViewOf: Uint32Array | null = null;
  private views: {
    u8: Uint8Array;
    u16: Uint16Array;
    u32: Uint32Array;
    f32: Float32Array;
    f64: Float64Array;
  } | null = null;
  private viewsFor: Uint32Array | null = null;
  /** `viewsFor.byteOffset`. */
  private viewsAt = 0;

  /**
   * Returns the payload bytes in a buffer owned by the converter and overwritten by the next call
   * (the caller copies them into the message store), so the output path allocates nothing.
   */
  convert(words: Uint32Array, base: number): Uint8Array {
    if (!this.layout) {
      for (let w = 0; w < 8; w++) this.rawWords[w] = words[base + w] ?? 0;
      return this.bytes;
    }
    this.bytes.fill(0);
    for (const op of this.ops) writeOp(this.view, op, words, base, 0);
    return this.bytes;
  }
}
