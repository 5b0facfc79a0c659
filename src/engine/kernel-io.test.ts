import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { InputConverter } from './kernel-input';
import { OutputConverter } from './kernel-output';
import type { KernelBehavior } from '../gpu/kernels/types.ts';
import { layoutOf, type FieldType } from './payload';
import { createRng } from './random';

const TYPES: FieldType[] = ['u8', 'u16', 'u32', 'u64', 'i32', 'i64', 'f32', 'f64', 'bool'];
const NAMES = ['id', 'amount', 'account', 'counterparty', 'country', 'timestampUs', 'other'];

describe('InputConverter', () => {
  it('converts inline payloads through its word ops exactly as through a DataView', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 400; trial++) {
      // A random field list of kernel-input names and scalar types, within 32 bytes.
      const fields: { name: string; type: FieldType }[] = [];
      const used = new Set<string>();
      for (let i = 0; i < 1 + rng.int(6); i++) {
        const name = NAMES[rng.int(NAMES.length)]!;
        if (used.has(name)) continue;
        used.add(name);
        fields.push({ name, type: TYPES[rng.int(TYPES.length)]! });
      }
      const layout = layoutOf(fields);
      if (layout.size > 32) continue;
      const conv = new InputConverter(layout);
      const words = new Uint32Array(8);
      // Integer bits below 2^53 for u64 fields, finite floats, so both paths are exact.
      for (let w = 0; w < 8; w++) words[w] = rng.nextU32() & (w % 2 === 1 ? 0x001fffff : -1);
      const view = new DataView(words.buffer);
      for (const f of layout.fields) {
        if (f.type === 'f32') view.setFloat32(f.offset, rng.next() * 1000, true);
        if (f.type === 'f64') view.setFloat64(f.offset, rng.next() * 1000, true);
        if (f.type === 'u64' || f.type === 'i64')
          view.setUint32(f.offset + 4, rng.int(1 << 21), true);
      }
      const big = new Uint8Array(words.buffer.slice(0));
      const fast = new Uint32Array(8);
      const slow = new Uint32Array(8);
      conv.convert(words, 0, undefined, fast, 0, 77, 1234.5);
      conv.convert(new Uint32Array(8), 0, big, slow, 0, 77, 1234.5);
      expect(Array.from(fast), JSON.stringify(fields)).toEqual(Array.from(slow));
    }
  });
});

describe('InputConverter.convertRows', () => {
  it('gives every row what convert gives it, for inline and large payloads alike', () => {
    const rng = createRng(12);
    const demo = demoConfig().messageTypes;
    const layouts = [
      // The demo's Transaction (the identity layout), AccountUpdate and PatternCheck.
      ...[1001, 1002, 1003].map((id) => layoutOf(demo.find((t) => t.typeId === id)!.fields)),
      // A numeric conversion (no word ops): f64 amount; and no layout at all.
      layoutOf([
        { name: 'amount', type: 'f64' },
        { name: 'account', type: 'u32' },
      ]),
      null,
    ];
    const refs = 64;
    for (const layout of layouts) {
      const conv = new InputConverter(layout);
      const words = new Uint32Array(refs * 8);
      for (let w = 0; w < words.length; w++) words[w] = rng.nextU32() & 0x7fffffff;
      const big: (Uint8Array | undefined)[] = [];
      const entered = new Float64Array(refs);
      for (let ref = 0; ref < refs; ref++) {
        entered[ref] = rng.int(1 << 30) * 8192 + rng.next();
        // Every fifth entry holds its payload out of line (here its 32 bytes, then 8 more).
        if (ref % 5 === 0) {
          const bytes = new Uint8Array(40);
          bytes.set(new Uint8Array(words.buffer, ref * 32, 32));
          big[ref] = bytes;
        }
      }
      const n = 40;
      const rowRef = new Int32Array(n).map(() => rng.int(refs));
      // Ids past 2^32 too, so both id words are written.
      const rowId = new Float64Array(n).map(() => rng.int(1 << 30) * 16 + 1);
      const rows = new Uint32Array(n * 8).fill(0xdeadbeef);
      conv.convertRows(words, big, entered, rowRef, rowId, 3, 37, rows);
      const one = new Uint32Array(n * 8).fill(0xdeadbeef);
      for (let r = 3; r < 37; r++) {
        const ref = rowRef[r]!;
        conv.convert(words, ref * 8, big[ref], one, r * 8, rowId[r]!, entered[ref]!);
      }
      // Rows outside from..to are left alone.
      expect(Array.from(rows), JSON.stringify(layout?.fields)).toEqual(Array.from(one));
      expect(rows[0]).toBe(0xdeadbeef);
    }
  });
});

describe('OutputConverter', () => {
  const OUT_NAMES = [
    'id',
    'transactionId',
    'checkId',
    'requestId',
    'account',
    'counterparty',
    'reason',
    'score',
    'amount',
    'total',
    'count',
    'patternKind',
    'matched',
    'timestampUs',
    'other',
  ];
  const OUT_TYPES: FieldType[] = [...TYPES, 'bytes'];
  const BEHAVIORS: KernelBehavior[] = ['fraud', 'pattern', 'aggregator', 'generic'];

  it('writes into message columns exactly the bytes convert() gives through its DataView', () => {
    const rng = createRng(12);
    // Kernel words: random, with NaN and infinity bits, and u64 high words past 2^53.
    const special = [0x7fc00000, 0x7f800001, 0xffc00001, 0x7f800000, 0xff800000, 0x80000000, 0];
    let checked = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const fields: { name: string; type: FieldType; size?: number }[] = [];
      const used = new Set<string>();
      for (let i = 0; i < 1 + rng.int(7); i++) {
        const name = OUT_NAMES[rng.int(OUT_NAMES.length)]!;
        if (used.has(name)) continue;
        used.add(name);
        const type = OUT_TYPES[rng.int(OUT_TYPES.length)]!;
        fields.push(type === 'bytes' ? { name, type, size: 1 + rng.int(5) } : { name, type });
      }
      const layout = layoutOf(fields);
      const conv = new OutputConverter(layout, BEHAVIORS[rng.int(BEHAVIORS.length)]!);
      const words = new Uint32Array(16);
      for (let w = 0; w < 16; w++) {
        const pick = rng.int(4);
        words[w] = pick === 0 ? special[rng.int(special.length)]! : rng.nextU32();
      }
      // Rows 0 and 1 of the source; odd destination rows put an f64 off 8-byte alignment.
      const row = rng.int(2);
      const dstRow = rng.int(4);
      const dst = new Uint32Array(40).fill(0xa5a5a5a5);
      const len = conv.convertInto(words, row * 8, dst, dstRow * 8 + (dstRow & 1) * 1);
      if (layout.size > 32) {
        expect(len).toBe(-1);
        continue;
      }
      const want = conv.convert(words, row * 8);
      expect(len).toBe(layout.size);
      const at = dstRow * 8 + (dstRow & 1);
      const got = new Uint8Array(dst.buffer, at * 4, 32);
      const expected = new Uint8Array(32);
      expected.set(want.subarray(0, layout.size));
      expect(Array.from(got), JSON.stringify(fields)).toEqual(Array.from(expected));
      // Nothing outside the row's 8 words is touched.
      for (let w = 0; w < 40; w++) if (w < at || w >= at + 8) expect(dst[w]).toBe(0xa5a5a5a5);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });
  it('copies integer and f32 bits exactly: a u64 past 2^53 and a NaN payload keep theirs', () => {
    const layout = layoutOf([
      { name: 'transactionId', type: 'u64' },
      { name: 'account', type: 'u32' },
      { name: 'reason', type: 'u8' },
      { name: 'score', type: 'f32' },
      { name: 'timestampUs', type: 'u64' },
    ]);
    const conv = new OutputConverter(layout, 'fraud');
    // Fraud output words: id (lo, hi), account, reasons, score, amount, time (lo, hi).
    const words = Uint32Array.from([
      0xffffffff, 0xfffff123, 7, 0x1ff, 0x7f800001, 0, 0x89abcdef, 0x01234567,
    ]);
    const dst = new Uint32Array(8).fill(0xa5a5a5a5);
    expect(conv.convertInto(words, 0, dst, 0)).toBe(32);
    const view = new DataView(dst.buffer);
    expect(view.getUint32(0, true)).toBe(0xffffffff);
    expect(view.getUint32(4, true)).toBe(0xfffff123);
    expect(view.getUint32(8, true)).toBe(7);
    // reason is a u8: the low byte, and the padding after it is zero.
    expect(view.getUint32(12, true)).toBe(0xff);
    // A signalling NaN's bits survive (a trip through a double would set the quiet bit).
    expect(view.getUint32(16, true)).toBe(0x7f800001);
    expect(view.getUint32(24, true)).toBe(0x89abcdef);
    expect(view.getUint32(28, true)).toBe(0x01234567);
    expect(Array.from(conv.convert(words, 0))).toEqual(Array.from(new Uint8Array(dst.buffer)));
  });
});
