import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, formatF32, layoutOf } from './payload';
import type { PayloadValues } from './protocol';

describe('payload field names that collide with Object.prototype', () => {
  const layout = layoutOf([
    { name: '__proto__', type: 'u32' },
    { name: 'constructor', type: 'u16' },
    { name: 'toString', type: 'u8' },
  ]);

  it('round-trips __proto__, constructor and toString as own fields', () => {
    const values: PayloadValues = JSON.parse(
      '{"__proto__": 123456, "constructor": 513, "toString": 7}',
    ) as PayloadValues;
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    const bytes = encodePayload(layout, values);
    const out = decodePayload(layout, bytes);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['__proto__']).toBe(123456);
    expect(out['constructor']).toBe(513);
    expect(out['toString']).toBe(7);
    // The result's prototype is untouched.
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('does not read inherited properties as field values', () => {
    // `constructor` and `toString` exist on every object's prototype; an empty value set writes none.
    const bytes = encodePayload(layout, {});
    expect(Array.from(bytes).every((b) => b === 0)).toBe(true);
    const base = new Uint8Array(layout.size).fill(0xab);
    expect(Array.from(encodePayload(layout, {}, base))).toEqual(Array.from(base));
  });
});

describe('formatF32', () => {
  it('gives the shortest decimal that reads back as the same f32', () => {
    expect(Math.fround(524.11)).not.toBe(524.11);
    expect(formatF32(Math.fround(524.11))).toBe('524.11');
    expect(formatF32(Math.fround(0.1))).toBe('0.1');
    expect(formatF32(Math.fround(7.1))).toBe('7.1');
    expect(formatF32(16_777_216)).toBe('16777216');
    expect(formatF32(Math.fround(3.4e38))).toBe('3.4e+38');
    expect(formatF32(Number.NaN)).toBe('NaN');
    expect(formatF32(-0.5)).toBe('-0.5');
  });
  it('round-trips every value it prints (property over f32 values)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        // === so that -0 and 0 count as the same value, as they are stored alike.
        expect(Math.fround(Number(formatF32(x))) === x).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('encodePayload of floats', () => {
  const layout = layoutOf([
    { name: 'amount', type: 'f32' },
    { name: 'big', type: 'f64' },
  ]);
  it('refuses an f32 past ±3.4e38 (it would be stored as Infinity), naming the field', () => {
    expect(() => encodePayload(layout, { amount: 1e40 })).toThrow(
      /Field "amount" \(f32\): needs a number within the f32 range \(±3\.4028235e38\)/,
    );
    expect(() => encodePayload(layout, { amount: -1e39 })).toThrow(/f32 range/);
    // The largest f32 itself fits, and an f64 takes what an f32 cannot.
    const ok = encodePayload(layout, { amount: 3.4028234663852886e38, big: 1e40 });
    expect(decodePayload(layout, ok)).toMatchObject({ amount: 3.4028234663852886e38, big: 1e40 });
  });
});
