import { describe, expect, it } from 'vitest';
import { detailText } from './labels';

describe("a dead letter's detail", () => {
  it('says a full queue in short where the core repeats the destination beside it', () => {
    expect(
      detailText({
        destination: 'pattern_detector',
        detail: 'queue of "pattern_detector" is full (1024)',
      }),
    ).toBe('queue full (1,024)');
  });

  it('keeps every other detail as it is', () => {
    // A next hop's queue names a kernel the row does not.
    const hop = 'queue of next hop "aggregator" is full (64)';
    expect(detailText({ destination: 'pattern_detector', detail: hop })).toBe(hop);
    // Another kernel's queue than the row's destination.
    const other = 'queue of "aggregator" is full (64)';
    expect(detailText({ destination: 'pattern_detector', detail: other })).toBe(other);
    expect(detailText({ destination: 'k', detail: 'handler threw: boom' })).toBe(
      'handler threw: boom',
    );
    expect(detailText({ destination: 'k' })).toBe('');
  });
});
