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
});
