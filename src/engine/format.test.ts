import { describe, expect, it } from 'vitest';
import {
  listOf,
  countOf,
  formatCompact,
  formatCount,
  formatCounts,
  formatMicros,
  formatNumber,
  formatPercent,
  formatRate,
  routeText,
} from './format';

const nb = (s: string) => s.replace(/\u202f/g, ' ');

describe('format', () => {
  it('groups thousands and fixes decimals', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(12.345, 2)).toBe('12.35');
    expect(formatNumber(18446744073709551615n)).toBe('18,446,744,073,709,551,615');
    expect(formatNumber(NaN)).toBe('—');
    expect(formatNumber(Infinity)).toBe('—');
  });
  it('puts units after a thin space', () => {
    expect(nb(formatCount(4096, 'msgs'))).toBe('4,096 msgs');
    expect(formatCount(4096)).toBe('4,096');
    expect(formatCounts({ Delivered: 4490, QueueFull: 0, NoRoute: 3 })).toBe(
      'Delivered 4,490, NoRoute 3',
    );
    expect(formatCounts({ QueueFull: 0 })).toBe('');
  });
  it('names a count with its noun, plural unless 1', () => {
    expect(countOf(1, 'letter')).toBe('1 letter');
    expect(countOf(0, 'letter')).toBe('0 letters');
    expect(countOf(4096, 'dead letter')).toBe('4,096 dead letters');
    expect(countOf(2, 'switch', 'switches')).toBe('2 switches');
  });
  it('compacts large values', () => {
    expect(formatCompact(999)).toBe('999');
    expect(formatCompact(9999)).toBe('9,999');
    expect(nb(formatCompact(12_345))).toBe('12.3 K');
    expect(nb(formatCompact(4_560_000))).toBe('4.56 M');
    expect(nb(formatCompact(7.1e9))).toBe('7.10 G');
    expect(nb(formatCompact(-250_000))).toBe('-250 K');
    // Never "1,000 K" or "1,000 M": a value that rounds to 1,000 of a unit is in the next.
    expect(nb(formatCompact(999_400))).toBe('999 K');
    expect(nb(formatCompact(999_600))).toBe('1.00 M');
    expect(nb(formatCompact(999_700_000))).toBe('1.00 G');
    expect(nb(formatRate(999_600))).toBe('1.00 M/s');
    // Never "100.0 K" or "10.00 M": the decimals follow the value as it rounds, so a rate steady
    // about 100 K/s reads "100 K/s" or "99.9 K/s", never a third, wider form.
    expect(nb(formatRate(99_960))).toBe('100 K/s');
    expect(nb(formatRate(99_940))).toBe('99.9 K/s');
    expect(nb(formatCompact(9_996_000))).toBe('10.0 M');
    expect(nb(formatCompact(9_994_000))).toBe('9.99 M');
    expect(nb(formatCompact(99_960_000))).toBe('100 M');
    expect(nb(formatCompact(-99_960))).toBe('-100 K');
  });
  it('formats rates, durations and shares', () => {
    expect(formatRate(1234.5)).toBe('1,235/s');
    expect(nb(formatRate(12_345))).toBe('12.3 K/s');
    expect(formatRate(0)).toBe('0/s');
    // Under 10 a second the fraction is said: 2.5 asked had read "3/s", 0.4 measured "0/s".
    expect(formatRate(2.5)).toBe('2.5/s');
    expect(formatRate(0.4)).toBe('0.4/s');
    expect(formatRate(0.04)).toBe('0.04/s');
    expect(formatRate(7)).toBe('7/s');
    expect(formatRate(12.6)).toBe('13/s');
    // The decimals and the unit by the value as it rounds.
    expect(formatRate(9.96)).toBe('10/s');
    expect(formatRate(0.0996)).toBe('0.1/s');
    expect(formatRate(0.004)).toBe('<0.01/s');
    expect(formatRate(9_999.4)).toBe('9,999/s');
    expect(nb(formatRate(9_999.6))).toBe('10.0 K/s');
    expect(nb(formatMicros(850))).toBe('850 µs');
    // Never "1,000 µs" nor "1,000.00 ms": the unit follows the value as it rounds (QA).
    expect(nb(formatMicros(999.6))).toBe('1.00 ms');
    expect(nb(formatMicros(999.4))).toBe('999 µs');
    expect(nb(formatMicros(999_996))).toBe('1.00 s');
    expect(nb(formatMicros(999_994))).toBe('999.99 ms');
    expect(nb(formatMicros(12_400))).toBe('12.40 ms');
    expect(nb(formatMicros(3.2e6))).toBe('3.20 s');
    expect(formatMicros(null)).toBe('—');
    expect(nb(formatPercent(0.4567))).toBe('45.7 %');
  });
  it('words a route the same in every table, a send with no destination as (no route)', () => {
    expect(routeText('host', 'alert_sink')).toBe('host → alert_sink');
    expect(routeText('fraud_processor', '')).toBe('fraud_processor → (no route)');
  });
});

describe('listOf', () => {
  it('lists items as a sentence does', () => {
    expect(listOf([])).toBe('');
    expect(listOf(['a'])).toBe('a');
    expect(listOf(['a', 'b'])).toBe('a and b');
    expect(listOf(['a', 'b', 'c'])).toBe('a, b, and c');
  });
});
