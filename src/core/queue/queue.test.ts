import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundCapacity, queueHealth } from './capacity.ts';
import { RingBuffer } from './ring-buffer.ts';
import { ChunkPool } from './chunk-pool.ts';
import { PriorityQueue, SlotQueue } from './slot-queue.ts';

describe('RingBuffer', () => {
  it('rounds capacity up, uses every slot, counts drops', () => {
    const rb = new RingBuffer<number>(3);
    expect(rb.capacity).toBe(4);
    for (let i = 0; i < 4; i++) expect(rb.push(i)).toBe(true);
    expect(rb.push(99)).toBe(false);
    expect(rb.shift()).toBe(0);
    expect(rb.push(4)).toBe(true);
    expect(rb.toArray()).toEqual([1, 2, 3, 4]);
    expect(rb.takeWindowPeak()).toBe(4);
    rb.shift();
    rb.shift();
    // That window began with 4 held; the next begins with 2.
    expect(rb.takeWindowPeak()).toBe(4);
    expect(rb.takeWindowPeak()).toBe(2);
    rb.push(5);
    expect(rb.stats()).toEqual({
      enqueued: 6,
      dequeued: 3,
      dropped: 1,
      evicted: 0,
      depth: 3,
      maxDepth: 4,
    });
  });
  it('is FIFO through wrap-around (model property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(), fc.constant(-1)), { maxLength: 300 }),
        fc.integer({ min: 1, max: 9 }),
        (ops, cap) => {
          const rb = new RingBuffer<number>(cap);
          const model: number[] = [];
          for (const op of ops) {
            if (op < 0) expect(rb.shift()).toBe(model.shift());
            else if (model.length < rb.capacity) {
              expect(rb.push(op)).toBe(true);
              model.push(op);
            } else expect(rb.push(op)).toBe(false);
            expect(rb.toArray()).toEqual(model);
          }
        },
      ),
    );
  });
  it('rejects bad capacities', () => {
    expect(() => roundCapacity(0)).toThrow(/capacity/);
    expect(roundCapacity(1024)).toBe(1024);
    expect(roundCapacity(1025)).toBe(2048);
    expect(queueHealth(75, 100)).toBe('warning');
    expect(queueHealth(90, 100)).toBe('critical');
  });
});

describe('PriorityQueue', () => {
  it('delivers higher priority first, FIFO within a priority', () => {
    const q = new PriorityQueue<string>(8);
    q.enqueue('a0', 0);
    q.enqueue('b5', 5);
    q.enqueue('c0', 0);
    q.enqueue('d5', 5);
    q.enqueue('e9', 9);
    expect([q.dequeue(), q.dequeue(), q.dequeue(), q.dequeue(), q.dequeue(), q.dequeue()]).toEqual([
      'e9',
      'b5',
      'd5',
      'a0',
      'c0',
      undefined,
    ]);
  });

  it('evicts the oldest of the lowest priority', () => {
    const q = new PriorityQueue<string>(4);
    q.enqueue('h', 7);
    q.enqueue('l1', 1);
    q.enqueue('l2', 1);
    expect(q.evictOldest()).toBe('l1');
    expect(q.toArray()).toEqual(['h', 'l2']);
    expect(q.stats().evicted).toBe(1);
  });

  type Op = { kind: 'enq'; p: number } | { kind: 'deq' } | { kind: 'evict' };
  it('matches a sorted-list model through many wrap-arounds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            {
              weight: 3,
              arbitrary: fc
                .integer({ min: 0, max: 4 })
                .map<Op>((p) => ({ kind: 'enq', p: p * 60 })),
            },
            { weight: 3, arbitrary: fc.constant<Op>({ kind: 'deq' }) },
            { weight: 1, arbitrary: fc.constant<Op>({ kind: 'evict' }) },
          ),
          { maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 16 }),
        (ops, cap) => {
          const q = new PriorityQueue<number>(cap);
          let model: { v: number; p: number }[] = []; // delivery order
          let seq = 0;
          let maxDepth = 0;
          for (const op of ops) {
            if (op.kind === 'enq') {
              const v = seq++;
              const ok = q.enqueue(v, op.p);
              expect(ok).toBe(model.length < q.capacity);
              if (ok) {
                model.push({ v, p: op.p });
                model = model.sort((a, b) => b.p - a.p || a.v - b.v);
              }
            } else if (op.kind === 'deq') {
              expect(q.dequeue()).toBe(model.shift()?.v);
            } else {
              let victim = -1;
              for (let i = model.length - 1; i >= 0; i--) {
                if (model[i]!.p === model[model.length - 1]!.p) victim = i;
              }
              expect(q.evictOldest()).toBe(victim < 0 ? undefined : model.splice(victim, 1)[0]!.v);
            }
            maxDepth = Math.max(maxDepth, model.length);
            expect(q.toArray()).toEqual(model.map((m) => m.v));
            expect(q.size).toBe(model.length);
            expect(q.stats().maxDepth).toBe(maxDepth);
          }
        },
      ),
    );
  });
});

describe('SlotQueue.popMany', () => {
  it('pops what repeated popSlot would, in the same order, with the same state after (property)', () => {
    type Op = { kind: 'alloc'; p: number } | { kind: 'pop' } | { kind: 'many'; max: number };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 3 }).map<Op>((p) => ({ kind: 'alloc', p: p * 60 })),
            fc.constant<Op>({ kind: 'pop' }),
            fc.integer({ min: 0, max: 10 }).map<Op>((max) => ({ kind: 'many', max })),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const a = new SlotQueue(8);
          const b = new SlotQueue(8);
          const out = new Int32Array(8);
          for (const op of ops) {
            if (op.kind === 'alloc') expect(a.allocSlot(op.p)).toBe(b.allocSlot(op.p));
            else if (op.kind === 'pop') expect(a.popSlot()).toBe(b.popSlot());
            else {
              const n = a.popMany(out, op.max);
              const want: number[] = [];
              for (let i = 0; i < op.max; i++) {
                const s = b.popSlot();
                if (s < 0) break;
                want.push(s);
              }
              expect([...out.subarray(0, n)]).toEqual(want);
            }
            expect(a.stats()).toEqual(b.stats());
            expect(a.peekSlot()).toBe(b.peekSlot());
          }
        },
      ),
    );
  });
});

describe('RingBuffer.removeWhere with a throwing predicate', () => {
  it('leaves the buffer unchanged', () => {
    const rb = new RingBuffer<number>(4);
    rb.push(0);
    rb.shift();
    for (const x of [1, 2, 3, 4]) rb.push(x);
    let calls = 0;
    expect(() =>
      rb.removeWhere((x) => {
        if (++calls === 3) throw new Error('boom');
        return x === 1;
      }),
    ).toThrow('boom');
    expect(rb.toArray()).toEqual([1, 2, 3, 4]);
    expect(rb.removeWhere((x) => x % 2 === 0)).toEqual([2, 4]);
    expect(rb.toArray()).toEqual([1, 3]);
  });
});

describe('SlotQueue on a shared chunk pool', () => {
  type QOp =
    | { kind: 'alloc'; q: number; p: number }
    | { kind: 'run'; q: number; p: number; want: number; use: number }
    | { kind: 'pop'; q: number }
    | { kind: 'popRun'; q: number; max: number }
    | { kind: 'evict'; q: number };
  const opArb: fc.Arbitrary<QOp> = fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), q: fc.nat(2), p: fc.nat(255) }),
    fc.record({
      kind: fc.constant('run' as const),
      q: fc.nat(2),
      p: fc.constantFrom(0, 7, 255),
      want: fc.integer({ min: 1, max: 70 }),
      use: fc.nat(70),
    }),
    fc.record({ kind: fc.constant('pop' as const), q: fc.nat(2) }),
    fc.record({
      kind: fc.constant('popRun' as const),
      q: fc.nat(2),
      max: fc.integer({ min: 1, max: 50 }),
    }),
    fc.record({ kind: fc.constant('evict' as const), q: fc.nat(2) }),
  );

  it('keeps each queue in priority-then-FIFO order through chunk turnover and pool growth (model property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 250 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 3, maxLength: 3 }),
        (ops, caps) => {
          const pool = new ChunkPool(1);
          const qs = caps.map((c) => new SlotQueue(c, pool));
          // Every slot in use holds the value of the item in it; values are unique.
          let cells = new Float64Array(pool.slotSpace).fill(-1);
          pool.onGrow((space) => {
            const next = new Float64Array(space).fill(-1);
            next.set(cells);
            cells = next;
          });
          const models: { v: number; p: number }[][] = [[], [], []];
          let seq = 0;
          let maxBound = 1;
          // Per queue, the most items held at once since its window peak was last taken.
          const windowMax = [0, 0, 0];
          const take = (slot: number) => {
            const v = cells[slot]!;
            cells[slot] = -1;
            return v;
          };
          for (const op of ops) {
            const q = qs[op.q]!;
            const m = models[op.q]!;
            if (op.kind === 'alloc') {
              const s = q.allocSlot(op.p);
              if (m.length === q.capacity) expect(s).toBe(-1);
              else {
                expect(cells[s]).toBe(-1); // never a slot that is in use
                cells[s] = seq;
                m.push({ v: seq++, p: op.p });
              }
            } else if (op.kind === 'run') {
              const s = q.reserveRun(op.p, op.want);
              if (m.length === q.capacity) {
                expect(s).toBe(-1);
                continue;
              }
              const len = q.runLength;
              expect(len).toBeGreaterThan(0);
              expect(len).toBeLessThanOrEqual(Math.min(op.want, q.capacity - m.length));
              const used = Math.max(1, Math.min(op.use, len));
              for (let k = 0; k < used; k++) {
                expect(cells[s + k]).toBe(-1);
                expect(q.priorityOf(s + k)).toBe(op.p);
                cells[s + k] = seq;
                m.push({ v: seq++, p: op.p });
              }
              q.settleRun(op.p, len, used);
            } else if (op.kind === 'pop') {
              const s = q.popSlot();
              m.sort((a, b) => b.p - a.p || a.v - b.v);
              expect(s < 0 ? undefined : take(s)).toBe(m.shift()?.v);
            } else if (op.kind === 'popRun') {
              const s = q.popRun(op.max);
              m.sort((a, b) => b.p - a.p || a.v - b.v);
              if (s < 0) expect(m.length).toBe(0);
              else {
                expect(q.runLength).toBeGreaterThan(0);
                expect(q.runLength).toBeLessThanOrEqual(op.max);
                for (let k = 0; k < q.runLength; k++) expect(take(s + k)).toBe(m.shift()!.v);
              }
            } else {
              const s = q.evictSlot();
              m.sort((a, b) => b.p - a.p || a.v - b.v);
              let victim = -1;
              for (let i = m.length - 1; i >= 0; i--)
                if (m[i]!.p === m[m.length - 1]!.p) victim = i;
              expect(s < 0 ? undefined : take(s)).toBe(
                victim < 0 ? undefined : m.splice(victim, 1)[0]!.v,
              );
            }
            for (let i = 0; i < 3; i++) windowMax[i] = Math.max(windowMax[i]!, models[i]!.length);
            // Taken after every eviction (about one op in five): the peak since the last take,
            // and the next window starts from the depth now.
            if (op.kind === 'evict') {
              expect(q.takeWindowPeak()).toBe(windowMax[op.q]);
              windowMax[op.q] = m.length;
            }
            for (let i = 0; i < 3; i++) {
              const order: number[] = [];
              qs[i]!.forEachSlot((s) => order.push(cells[s]!));
              const want = [...models[i]!].sort((a, b) => b.p - a.p || a.v - b.v).map((x) => x.v);
              expect(order).toEqual(want);
              expect(qs[i]!.size).toBe(models[i]!.length);
            }
            let bound = 0;
            for (const m of models) {
              bound += Math.ceil(m.length / 32) + 2 * new Set(m.map((x) => x.p)).size;
            }
            maxBound = Math.max(maxBound, bound + 1 + qs.length); // + a parked chunk each
          }
          // Memory stays bounded: the pool never spans more than twice the chunks the queues
          // could need at their fullest (a chunk per 32 items plus two per priority in use).
          expect(pool.slotSpace / 32).toBeLessThanOrEqual(2 * maxBound);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes the window peak of runs once they are settled, not of the slots reserved', () => {
    const q = new SlotQueue(64, new ChunkPool(2));
    q.reserveRun(0, 20);
    q.settleRun(0, q.runLength, 5);
    q.popSlot();
    expect(q.takeWindowPeak()).toBe(5);
    // The next window starts from the 4 held now.
    expect(q.takeWindowPeak()).toBe(4);
    expect(q.stats().maxDepth).toBe(5);
  });

  it('finds the metadata slot of every slot in a run', () => {
    const pool = new ChunkPool(2);
    const q = new SlotQueue(64, pool);
    const a = q.reserveRun(3, 10);
    q.settleRun(3, q.runLength, 10);
    const b = q.allocSlot(3);
    const c = q.reserveRun(3, 5);
    q.settleRun(3, q.runLength, 5);
    for (let k = 0; k < 10; k++) expect(pool.metaSlot(a + k)).toBe(a);
    expect(pool.metaSlot(b)).toBe(b);
    for (let k = 0; k < 5; k++) expect(pool.metaSlot(c + k)).toBe(c);
  });
});
