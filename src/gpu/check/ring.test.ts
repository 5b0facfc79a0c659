import { describe, expect, it } from 'vitest';
import { TrafficGenerator } from '../kernels/traffic.ts';
import { createMessageBatch, createOutputBatch, u64FromWords, u64Words } from '../kernels/types.ts';
import { withinWindow, plusOne } from '../kernels/u64.ts';
import { compareOutputs, compareState } from './compare.ts';
import { SoaRing } from './ring.ts';

describe('SoaRing', () => {
  it('drains in FIFO order across the end of the ring and counts the wrap', () => {
    const ring = new SoaRing(8);
    const gen = new TrafficGenerator({ seed: 4 });
    const src = gen.fill(createMessageBatch(6), 6);
    const into = createMessageBatch(8);
    ring.push(src);
    ring.drain(into, 5);
    expect(Array.from(into.idLo.subarray(0, 5))).toEqual([1, 2, 3, 4, 5]);
    ring.push(gen.fill(createMessageBatch(6), 6));
    ring.drain(into, 7);
    expect(Array.from(into.idLo.subarray(0, 7))).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(into.payload[8 * 6]).toBe(12);
    expect(ring.wraps).toBe(1);
    expect(ring.depth).toBe(0);
  });

  it('refuses rows beyond its capacity', () => {
    const ring = new SoaRing(4);
    expect(ring.push(new TrafficGenerator({ seed: 1 }).fill(createMessageBatch(6), 6))).toBe(4);
  });
});

describe('compare', () => {
  it('reports the first differing field and word', () => {
    const a = createOutputBatch(2);
    const b = createOutputBatch(2);
    a.count = b.count = 2;
    expect(compareOutputs(0, a, b)).toBeNull();
    b.payload[9] = 5;
    expect(compareOutputs(3, a, b)).toEqual({
      batch: 3,
      field: 'payload',
      index: 9,
      gpu: 0,
      cpu: 5,
    });
    b.count = 1;
    expect(compareOutputs(0, a, b)?.field).toBe('count');
    expect(compareState(1, Uint32Array.of(1, 2), Uint32Array.of(1, 3))).toMatchObject({ index: 1 });
  });
});

describe('u64 words', () => {
  it('round-trips numbers and bigints exactly', () => {
    for (const x of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1]) {
      const w = u64Words(x);
      expect(u64FromWords(w.lo, w.hi)).toBe(x);
    }
    const big = 2n ** 64n - 1n;
    const w = u64Words(big);
    expect(u64FromWords(w.lo, w.hi)).toBe(big);
  });

  it('windows and response types carry across the 32-bit boundary', () => {
    expect(withinWindow(5, 1, 0xfffffff0, 0, 0x15)).toBe(true);
    expect(withinWindow(6, 1, 0xfffffff0, 0, 0x15)).toBe(false);
    expect(plusOne(0xffffffff, 0)).toEqual([0, 1]);
  });
});
