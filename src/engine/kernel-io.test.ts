import { describe, expect, it } from 'vitest';
import { InputConverter } from './kernel-io';
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
