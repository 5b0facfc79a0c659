/** Config payload bytes -> the kernels' input words (the Transaction layout, `INPUT`). */
import { PAYLOAD_WORDS } from '../gpu/kernels/types.ts';
import { compile, f32, f32u, INPUT, type Op } from './kernel-io';
import type { FieldSlot, PayloadLayout } from './payload';
import { clearRow8, INLINE_WORDS } from './store';

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
