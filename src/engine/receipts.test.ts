import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReceiptRow } from './protocol';
import { LatencyRing, ReceiptLog, select } from './receipts';

/** What a sort gives at floor(q n): the definition `percentiles` keeps. */
function sorted(xs: number[], q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

describe('LatencyRing percentiles', () => {
  // Latencies of one batch are equal: small value ranges give long runs of ties.
  const samples = fc.oneof(
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }),
    fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 300 }),
  );

  it('select finds the k-th smallest and splits the range around it', () => {
    fc.assert(
      fc.property(samples, fc.nat(), (xs, kk) => {
        const k = kk % xs.length;
        const a = Float64Array.from(xs);
        const want = Float64Array.from(xs).sort()[k]!;
        expect(select(a, 0, a.length - 1, k)).toBe(want);
        for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(want);
        for (let i = k + 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(want);
        // A permutation: nothing lost or invented.
        expect(Array.from(a).sort((x, y) => x - y)).toEqual(xs.slice().sort((x, y) => x - y));
      }),
      { numRuns: 500 },
    );
  });

  it('gives what sorting gives at p50 and p99, over a ring that has wrapped', () => {
    fc.assert(
      fc.property(samples, fc.integer({ min: 1, max: 64 }), (xs, capacity) => {
        const ring = new LatencyRing(capacity);
        for (const x of xs) ring.add(x);
        const kept = xs.slice(-capacity);
        const p = ring.percentiles();
        expect(p.samples).toBe(kept.length);
        expect(p.p50Us).toBe(sorted(kept, 0.5));
        expect(p.p99Us).toBe(sorted(kept, 0.99));
      }),
      { numRuns: 500 },
    );
  });

  it('is all zeros when empty and leaves its samples as they were', () => {
    const ring = new LatencyRing(8);
    expect(ring.percentiles()).toEqual({ p50Us: 0, p99Us: 0, samples: 0 });
    for (const x of [5, 1, 4, 2, 3]) ring.add(x);
    expect(ring.percentiles()).toEqual({ p50Us: 3, p99Us: 5, samples: 5 });
    // Asked again, the same answer: selection works on a copy.
    expect(ring.percentiles()).toEqual({ p50Us: 3, p99Us: 5, samples: 5 });
  });

  it('reads empty once no sample came for the idle span, and fills again with new traffic', () => {
    const ring = new LatencyRing(8);
    for (const x of [5, 1, 4, 2, 3]) ring.add(x);
    expect(ring.reading(1_000_000, 100_000, 2_000_000)).toEqual({ p50Us: 3, p99Us: 5, samples: 5 });
    // Quiet: the reading stays while under the idle span...
    expect(ring.reading(2_900_000, 100_000, 2_000_000).samples).toBe(5);
    // ...and is empty from 2 s after the last reading that saw samples come.
    expect(ring.reading(3_000_000, 100_000, 2_000_000)).toEqual({ p50Us: 0, p99Us: 0, samples: 0 });
    expect(ring.reading(9_000_000, 100_000, 2_000_000).samples).toBe(0);
    // New traffic: only its samples count.
    ring.add(40);
    expect(ring.reading(9_100_000, 100_000, 2_000_000)).toEqual({
      p50Us: 40,
      p99Us: 40,
      samples: 1,
    });
  });
});

describe('ReceiptLog filter', () => {
  const set = (log: ReceiptLog, typeIds: string[]) =>
    log.setFilter({ typeIds }, (x) => (x ? new Set(x.map((v) => Number(v))) : null));

  it('ranks the rows it matches first and still captures the rest while the budget is half full', () => {
    const log = new ReceiptLog();
    log.setCap(100);
    set(log, ['1003']);
    // A full budget: a receipt the filter does not match is captured too.
    expect(log.wants('Delivered', 1002, 'host', 'aggregator')).toBe(true);
    // Spend the budget down to half: the others stop, the matches go on to the last token.
    for (let i = 0; i < 50; i++) expect(log.wants('Delivered', 1003, 'host', 'p')).toBe(true);
    expect(log.wants('Delivered', 1002, 'host', 'aggregator')).toBe(false);
    for (let i = 0; i < 49; i++) expect(log.wants('Delivered', 1003, 'host', 'p')).toBe(true);
    expect(log.wants('Delivered', 1003, 'host', 'p')).toBe(false);
    expect(log.sampledOut).toBe(2);
  });

  it('gives receipts that are not Delivered a budget of their own, spent by no delivery', () => {
    // 200 K/s delivered for 2 s, a snapshot every 16 ms: the shared budget is spent as it refills.
    const log = new ReceiptLog();
    let t = 0;
    let seq = 0;
    const take = (status: 'Delivered' | 'QueueFull', n: number): number => {
      let rows = 0;
      for (let i = 0; i < n; i++) {
        log.count(status);
        if (log.wants(status, 1003, 'host', 'pattern_detector')) {
          log.add({ seq: seq++ } as ReceiptRow);
          rows++;
        }
      }
      return rows;
    };
    for (; t < 2_000_000; t += 16_000) {
      log.refill(t);
      take('Delivered', 3_200);
      log.drain();
    }
    log.refill(t);
    expect(take('Delivered', 3_200)).toBeLessThan(200);
    // Then a burst of 3,000 refused: every one gets its row (it had been about 40 of them).
    expect(take('QueueFull', 3_000)).toBe(3_000);
    // Up to half the shared budget's size; what is left over goes on as before.
    expect(take('QueueFull', 3_000)).toBeLessThan(3_000);
    // A quiet spell refills both: a hand burst of 10,000 deliveries still comes out whole.
    log.drain();
    log.refill(t + 3_000_000);
    expect(take('Delivered', 10_000)).toBe(10_000);
  });

  // A run started after a quiet spell had put 10,000 rows of its first milliseconds into one
  // snapshot (a hand burst's allowance): 130 ms of unpacking and 170 ms of collection on the page
  // while the run began at 2 M/s.
  it("starts a generator's run with a tenth of a second's rows, its refusals' budget whole", () => {
    const take = (log: ReceiptLog, status: 'Delivered' | 'QueueFull', n: number): number => {
      let rows = 0;
      for (let i = 0; i < n; i++) {
        log.count(status);
        if (log.wants(status, 1001, 'host', 'fraud_processor')) {
          log.add({ seq: i } as ReceiptRow);
          rows++;
        }
      }
      return rows;
    };
    const log = new ReceiptLog();
    log.refill(0);
    log.refill(10_000_000);
    log.startRun();
    expect(take(log, 'Delivered', 10_000)).toBe(500);
    expect(take(log, 'QueueFull', 10_000)).toBe(5_000);
    // It refills at the sustained rate as before.
    log.drain();
    log.refill(10_100_000);
    expect(take(log, 'Delivered', 10_000)).toBe(500);
    // A hand burst after a quiet spell (no run started) still comes out whole.
    log.drain();
    log.refill(20_000_000);
    expect(take(log, 'Delivered', 10_000)).toBe(10_000);
    // A cap set on purpose (a headless replay's "every row") is not cut at a run's start.
    const all = new ReceiptLog();
    all.setCap(1 << 30);
    all.startRun();
    expect(take(all, 'Delivered', 100_000)).toBe(100_000);
    // Set back to the default: a run's start is cut again.
    all.drain();
    all.setCap(10_000);
    all.startRun();
    expect(take(all, 'Delivered', 10_000)).toBe(500);
  });

  it('perReceipt: the receipts past it, counted in bulk, end as the per-receipt path leaves them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 250 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (cap, skip, spent, n, filtered) => {
          const make = () => {
            const log = new ReceiptLog();
            log.setCap(cap);
            if (filtered) set(log, ['1003']);
            for (let i = 0; i < spent; i++) log.wants('Delivered', 1003, 'host', 'p');
            log.skipNext(skip);
            return log;
          };
          const one = make();
          const bulk = make();
          let rowsOne = 0;
          for (let i = 0; i < n; i++) {
            one.count('Delivered');
            if (one.wants('Delivered', 1002, 'host', 'aggregator')) rowsOne++;
          }
          const head = bulk.perReceipt(n);
          expect(head).toBeLessThanOrEqual(n);
          let rowsBulk = 0;
          for (let i = 0; i < head; i++) {
            bulk.count('Delivered');
            if (bulk.wants('Delivered', 1002, 'host', 'aggregator')) rowsBulk++;
          }
          bulk.countUnsampled('Delivered', n - head);
          expect(rowsBulk).toBe(rowsOne);
          expect(bulk.total).toBe(one.total);
          expect(bulk.sampledOut).toBe(one.sampledOut);
          expect(bulk.byStatusRecord()).toEqual(one.byStatusRecord());
          expect(bulk.room()).toBe(one.room());
          // The next receipts fare alike (the skip and the budget were left the same).
          for (let i = 0; i < 5; i++) {
            expect(bulk.wants('Delivered', 1003, 'host', 'p')).toBe(
              one.wants('Delivered', 1003, 'host', 'p'),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
