import { describe, expect, it } from 'vitest';
import type { KernelState } from './kernel-state';
import { RemovedKernelCounts, zeroCounts } from './removed-kernels';

/** The fields of a kernel the ledger reads and writes, nothing else. */
function kernel(id: string, counts: Partial<KernelState> = {}): KernelState {
  return {
    cfg: { id },
    inFlight: 0,
    processed: 0,
    emitted: 0,
    dropped: 0,
    deadLettered: 0,
    lettersByReason: {},
    maxDepthBefore: 0,
    lastDropped: 0,
    heir: null,
    destroyed: false,
    ...counts,
  } as unknown as KernelState;
}

describe('RemovedKernelCounts', () => {
  it('keeps the counts of kernels removed, by id, oldest removal first', () => {
    const r = new RemovedKernelCounts();
    expect(r.row()).toBeNull();
    r.count(kernel('a', { processed: 5, emitted: 2, dropped: 1, deadLettered: 1 }));
    r.count(kernel('b', { processed: 7 }));
    // Removed again (added back under its id and removed once more): listed last, counts summed.
    r.count(kernel('a', { processed: 1 }));
    expect(r.row()).toEqual({
      ids: ['b', 'a'],
      processed: 13,
      emitted: 2,
      dropped: 1,
      deadLettered: 1,
      inFlight: 0,
    });
  });

  it('adds in a kernel with batches out, in flight, until its last batch lands', () => {
    const r = new RemovedKernelCounts();
    const k = kernel('gpu', { processed: 10, inFlight: 4 });
    r.count(k);
    expect(r.departing.has(k)).toBe(true);
    expect(r.row()).toMatchObject({ ids: ['gpu'], processed: 10, inFlight: 4 });
    // Its batch lands: counted under the removed kernel, no longer in flight.
    k.inFlight = 0;
    k.processed = 14;
    r.fold(k);
    expect(r.departing.size).toBe(0);
    expect(r.row()).toMatchObject({ ids: ['gpu'], processed: 14, inFlight: 0 });
  });

  it('gives a kernel added back under the id the counts of the one removed', () => {
    const r = new RemovedKernelCounts();
    r.count(kernel('k', { processed: 3, lettersByReason: { QueueFull: 2 }, maxDepthBefore: 40 }));
    const heir = kernel('k');
    const back = r.reclaim('k', heir);
    expect(back).toMatchObject({ processed: 3, lettersByReason: { QueueFull: 2 } });
    expect(back?.maxDepthBefore).toBe(40);
    expect(r.row()).toBeNull();
  });

  it('passes what a removed kernel still has out on to the kernel added back, as it lands', () => {
    const r = new RemovedKernelCounts();
    const old = kernel('k', { processed: 6, inFlight: 2 });
    r.count(old);
    const heir = kernel('k', { processed: 0 });
    expect(r.reclaim('k', heir)).toMatchObject({ processed: 6 });
    // Taken back: the old kernel starts again from 0 and lands its batch for the heir.
    expect(old.processed).toBe(0);
    old.inFlight = 0;
    old.processed = 2;
    old.dropped = 1;
    r.fold(old);
    expect(heir.processed).toBe(2);
    expect(heir.dropped).toBe(1);
    expect(heir.lastDropped).toBe(1);
    expect(r.row()).toBeNull();
  });

  it('Reset counters forgets the removed kernels and zeroes those still landing', () => {
    const r = new RemovedKernelCounts();
    r.count(kernel('gone', { processed: 9 }));
    const landing = kernel('landing', { processed: 4, inFlight: 1 });
    r.count(landing);
    r.reset();
    expect(landing.processed).toBe(0);
    expect(r.row()).toEqual({
      ids: ['landing'],
      processed: 0,
      emitted: 0,
      dropped: 0,
      deadLettered: 0,
      inFlight: 1,
    });
  });

  it('zeroCounts puts every count back at 0', () => {
    const k = kernel('z', { processed: 1, emitted: 1, dropped: 1, deadLettered: 1 });
    k.lettersByReason = { KernelError: 3 };
    k.maxDepthBefore = 9;
    zeroCounts(k);
    expect([k.processed, k.emitted, k.dropped, k.deadLettered, k.maxDepthBefore]).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(k.lettersByReason).toEqual({});
  });
});
