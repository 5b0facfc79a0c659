import { describe, expect, it } from 'vitest';
import { parseFieldValue } from './InjectPanel';

describe('parseFieldValue', () => {
  it('refuses an f32 past ±3.4e38 with the range, and takes the same value as an f64', () => {
    expect(parseFieldValue({ name: 'amount', type: 'f32' }, '1e40')).toEqual({
      ok: false,
      error: 'amount: f32 is within ±3.4028235e38',
    });
    expect(parseFieldValue({ name: 'amount', type: 'f32' }, '-3.5e38')).toMatchObject({
      ok: false,
    });
    expect(parseFieldValue({ name: 'amount', type: 'f32' }, '3.4e38')).toEqual({
      ok: true,
      value: 3.4e38,
    });
    expect(parseFieldValue({ name: 'big', type: 'f64' }, '1e40')).toEqual({
      ok: true,
      value: 1e40,
    });
  });

  it("says an integer field's range with its digits grouped, 64-bit bounds as powers of two", () => {
    const error = (type: 'u8' | 'u16' | 'u32' | 'u64' | 'i32' | 'i64', raw: string) => {
      const r = parseFieldValue({ name: 'x', type }, raw);
      return r.ok ? null : r.error;
    };
    // "u64 is 0..18446744073709551615": an unbroken run of digits, wrapped under its field.
    expect(error('u64', '18446744073709551616')).toBe(
      'x: a whole number from 0 to 2^64\u00a0−\u00a01',
    );
    expect(error('u64', 'abc')).toBe('x: a whole number from 0 to 2^64\u00a0−\u00a01');
    expect(error('u16', '-3')).toBe('x: a whole number from 0 to 65,535');
    expect(error('u8', '256')).toBe('x: a whole number from 0 to 255');
    expect(error('u32', '1.5')).toBe('x: a whole number from 0 to 4,294,967,295');
    expect(error('i32', '2147483648')).toBe(
      'x: a whole number from −2,147,483,648 to 2,147,483,647',
    );
    expect(error('i64', '9223372036854775808')).toBe(
      'x: a whole number from −2^63 to 2^63\u00a0−\u00a01',
    );
    expect(parseFieldValue({ name: 'x', type: 'u64' }, '18446744073709551615')).toEqual({
      ok: true,
      value: 18446744073709551615n,
    });
    expect(parseFieldValue({ name: 'x', type: 'i64' }, '-9223372036854775808')).toEqual({
      ok: true,
      value: -9223372036854775808n,
    });
  });

  // "TRUE" and "1" had been refused for a bool.
  it('takes a bool in any case, and as 1 or 0', () => {
    const f = { name: 'flag', type: 'bool' as const };
    for (const t of ['true', 'TRUE', ' True ', '1'])
      expect(parseFieldValue(f, t)).toEqual({ ok: true, value: true });
    for (const t of ['false', 'False', '0'])
      expect(parseFieldValue(f, t)).toEqual({ ok: true, value: false });
    for (const t of ['', 'yes', '2', '-1'])
      expect(parseFieldValue(f, t)).toEqual({
        ok: false,
        error: 'flag: true or false (or 1 or 0)',
      });
  });
});
