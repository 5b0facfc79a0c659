import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.ts';
import { HeaderPriority, priorityFromU8 } from '../message/header.ts';
import { compareHlc, formatHlc, HlcClock, packHlc, unpackHlc, type HlcTimestamp } from './hlc.ts';

function manualClock(start: number) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v), advance: (d: number) => (t += d) };
}

describe('HlcClock', () => {
  it('ticks (wall, 0) when the wall clock moved, else logical + 1', () => {
    const w = manualClock(1000);
    const c = new HlcClock(1, { now: w.now });
    expect(c.tick()).toEqual({ physical: 1000, logical: 1, nodeId: 1 });
    expect(c.tick()).toEqual({ physical: 1000, logical: 2, nodeId: 1 });
    w.set(2000);
    expect(c.tick()).toEqual({ physical: 2000, logical: 0, nodeId: 1 });
    w.set(500); // wall clock went backwards: physical holds
    expect(c.tick()).toEqual({ physical: 2000, logical: 1, nodeId: 1 });
  });

  it('now() reads without advancing', () => {
    const w = manualClock(1000);
    const c = new HlcClock(2, { now: w.now });
    const a = c.tick();
    expect(c.now()).toEqual(a);
    expect(c.now()).toEqual(a);
    w.set(3000);
    expect(c.now()).toEqual({ physical: 3000, logical: 0, nodeId: 2 });
    expect(c.tick()).toEqual({ physical: 3000, logical: 0, nodeId: 2 });
  });

  it('update follows the seed rules', () => {
    const w = manualClock(1000);
    const c = new HlcClock(1, { now: w.now });
    c.tick(); // (1000, 1)
    // received ahead: takes its physical, logical = received + 1
    expect(c.update({ physical: 1500, logical: 4, nodeId: 9 })).toEqual({
      physical: 1500,
      logical: 5,
      nodeId: 1,
    });
    // same physical on both sides: max(local, received) + 1
    expect(c.update({ physical: 1500, logical: 9, nodeId: 9 })).toEqual({
      physical: 1500,
      logical: 10,
      nodeId: 1,
    });
    // local ahead of received and wall: local + 1
    expect(c.update({ physical: 1200, logical: 50, nodeId: 9 })).toEqual({
      physical: 1500,
      logical: 11,
      nodeId: 1,
    });
    // wall strictly ahead of both: (wall, 0)
    w.set(5000);
    expect(c.update({ physical: 1200, logical: 50, nodeId: 9 })).toEqual({
      physical: 5000,
      logical: 0,
      nodeId: 1,
    });
  });

  it('refuses a timestamp beyond the max drift and changes nothing', () => {
    const w = manualClock(1_000_000);
    const c = new HlcClock(1, { now: w.now, maxDriftMs: 10 });
    const before = c.now();
    let err: unknown;
    try {
      c.update({ physical: 1_000_000 + 10_001, logical: 0, nodeId: 2 });
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'CLOCK_SKEW')).toBe(true);
    expect(c.now()).toEqual(before);
    expect(c.update({ physical: 1_010_000, logical: 0, nodeId: 2 }).physical).toBe(1_010_000);
  });

  it('compareHlc orders physical, logical, node', () => {
    const t = (p: number, l: number, n: number): HlcTimestamp => ({
      physical: p,
      logical: l,
      nodeId: n,
    });
    expect(compareHlc(t(1, 9, 9), t(2, 0, 0))).toBe(-1);
    expect(compareHlc(t(2, 1, 0), t(2, 0, 9))).toBe(1);
    expect(compareHlc(t(2, 1, 3), t(2, 1, 4))).toBe(-1);
    expect(compareHlc(t(2, 1, 3), t(2, 1, 3))).toBe(0);
  });

  type Op = { kind: 'tick' } | { kind: 'recv'; from: number } | { kind: 'wall'; delta: number };

  it('is monotonic and causal across ticks, updates and a jumpy wall clock (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant<Op>({ kind: 'tick' }),
            fc.integer({ min: 0, max: 2 }).map<Op>((from) => ({ kind: 'recv', from })),
            fc.integer({ min: -2000, max: 2000 }).map<Op>((delta) => ({ kind: 'wall', delta })),
          ),
          { maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 2 }),
        (ops, self) => {
          // Three nodes sharing one (jumpy) wall clock; node `self` is checked.
          const w = manualClock(1_000_000);
          const clocks = [0, 1, 2].map((n) => new HlcClock(n, { now: w.now }));
          const me = clocks[self]!;
          let last = me.now();
          for (const op of ops) {
            if (op.kind === 'wall') {
              w.advance(op.delta);
              continue;
            }
            const got =
              op.kind === 'tick'
                ? me.tick()
                : (() => {
                    const sent = clocks[op.from]!.tick();
                    const r = me.update(sent);
                    // causality: the receive is after the send
                    expect(compareHlc(sent, r) < 0 || op.from === self).toBe(true);
                    return r;
                  })();
            expect(compareHlc(last, got)).toBe(-1);
            last = got;
          }
        },
      ),
    );
  });
});

describe('HLC input validation', () => {
  it('refuses a bad max drift and malformed received stamps without changing the clock', () => {
    expect(() => new HlcClock(1, { maxDriftMs: -1 })).toThrow(/maxDriftMs/);
    expect(() => new HlcClock(1, { maxDriftMs: Number.NaN })).toThrow(/maxDriftMs/);
    let wall = 1_000_000;
    const c = new HlcClock(1, { now: () => wall });
    const before = c.now();
    expect(() => c.update({ physical: Number.NaN, logical: 0, nodeId: 2 })).toThrow(/received HLC/);
    expect(() => c.update({ physical: 5, logical: 0.5, nodeId: 2 })).toThrow(/received HLC/);
    expect(c.now()).toEqual(before);
    wall += 1;
    expect(c.tick().physical).toBe(wall);
  });
});

// Ported from RingKernel's hlc.rs and message.rs tests.
describe('RingKernel HLC pack / unpack / display and Priority::from_u8', () => {
  it('packs and unpacks like HlcTimestamp::pack (test_pack_unpack)', () => {
    const original = { physical: 12345678901234, logical: 42, nodeId: 7 };
    const packed = packHlc(original);
    expect(packed).toBe((12345678901234n << 64n) | (42n << 16n) | 7n);
    expect(unpackHlc(packed)).toEqual(original);
  });

  it('preserves physical, logical (< 2^48) and nodeId (< 2^16) (pack_unpack property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat(),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.integer({ min: 0, max: 0xffff }),
        (physical, logical, nodeId) => {
          expect(unpackHlc(packHlc({ physical, logical, nodeId }))).toEqual({
            physical,
            logical,
            nodeId,
          });
        },
      ),
    );
  });

  it('truncates nodeId to 16 bits and lets a huge logical overlap physical, as RingKernel does', () => {
    expect(unpackHlc(packHlc({ physical: 1, logical: 0, nodeId: 0x1_0005 })).nodeId).toBe(5);
    const packed = packHlc({ physical: 0, logical: 2 ** 48, nodeId: 0 });
    expect(packed).toBe(1n << 64n);
    expect(unpackHlc(packed)).toEqual({ physical: 1, logical: 0, nodeId: 0 });
  });

  it('orders packed values like compareHlc for nodeIds and logicals in range', () => {
    fc.assert(
      fc.property(
        fc.record({
          physical: fc.maxSafeNat(),
          logical: fc.integer({ min: 0, max: 2 ** 40 }),
          nodeId: fc.integer({ min: 0, max: 0xffff }),
        }),
        fc.record({
          physical: fc.maxSafeNat(),
          logical: fc.integer({ min: 0, max: 2 ** 40 }),
          nodeId: fc.integer({ min: 0, max: 0xffff }),
        }),
        (a, b) => {
          const pa = packHlc(a);
          const pb = packHlc(b);
          expect(pa < pb ? -1 : pa > pb ? 1 : 0).toBe(compareHlc(a, b));
        },
      ),
    );
  });

  it('displays HLC(p.l.n) (test_timestamp_display)', () => {
    expect(formatHlc({ physical: 1234567890, logical: 42, nodeId: 7 })).toBe(
      'HLC(1234567890.42.7)',
    );
  });

  it('refuses what it cannot hold exactly', () => {
    expect(() => unpackHlc(1n << 127n)).toThrow(/2\^53/);
    expect(() => packHlc({ physical: -1, logical: 0, nodeId: 0 })).toThrow();
  });

  it('Priority::from_u8 saturates at critical (test_priority_conversion)', () => {
    expect(priorityFromU8(0)).toBe(HeaderPriority.Low);
    expect(priorityFromU8(1)).toBe(HeaderPriority.Normal);
    expect(priorityFromU8(2)).toBe(HeaderPriority.High);
    expect(priorityFromU8(3)).toBe(HeaderPriority.Critical);
    expect(priorityFromU8(255)).toBe(HeaderPriority.Critical);
    expect(() => priorityFromU8(256)).toThrow(RangeError);
  });
});
