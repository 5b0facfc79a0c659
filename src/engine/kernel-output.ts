/** Kernel output words -> the config payload of the output's type (`OUTPUT` per behaviour). */
import type { KernelBehavior } from '../gpu/kernels/types.ts';
import { compile, f32, f32u, OUTPUT, type Op, type WordKind } from './kernel-io';
import type { FieldSlot, PayloadLayout } from './payload';
import { clearRow8 } from './store';

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
