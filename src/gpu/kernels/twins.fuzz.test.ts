import { firstDiff } from './test-util.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficGenerator } from './traffic.ts';
import { createTwin } from './twins.ts';
import { PAYLOAD_WORDS, createMessageBatch, type KernelBehavior } from './types.ts';

// Batching must never change results: the engine drains queues in whatever sizes it likes, and the
// GPU relies on the same property when it replays a journal after device loss.
describe.each(['fraud', 'aggregator', 'pattern', 'generic'] as KernelBehavior[])(
  '%s twin',
  (behavior) => {
    it('gives the same outputs and state however the traffic is split into batches', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1e6 }),
          fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
          (seed, sizes) => {
            const total = sizes.reduce((a, b) => a + b, 0);
            const all = new TrafficGenerator({ seed, accounts: 16 }).fill(
              createMessageBatch(total),
              total,
            );
            const whole = createTwin(behavior);
            const o = whole.process(all);
            const want: number[] = [];
            for (let k = 0; k < o.count; k++)
              want.push(
                o.parentRow[k] ?? 0,
                ...o.payload.subarray(k * PAYLOAD_WORDS, (k + 1) * PAYLOAD_WORDS),
              );
            const split = createTwin(behavior);
            const gen = new TrafficGenerator({ seed, accounts: 16 });
            const got: number[] = [];
            let offset = 0;
            for (const n of sizes) {
              const p = split.process(gen.fill(createMessageBatch(n), n));
              for (let k = 0; k < p.count; k++)
                got.push(
                  (p.parentRow[k] ?? 0) + offset,
                  ...p.payload.subarray(k * PAYLOAD_WORDS, (k + 1) * PAYLOAD_WORDS),
                );
              offset += n;
            }
            expect(got).toEqual(want);
            expect(firstDiff(split.exportState(), whole.exportState())).toBe(-1);
          },
        ),
        { seed: 20260101, numRuns: 25 },
      );
    });
  },
);
