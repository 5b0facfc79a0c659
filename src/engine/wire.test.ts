/** A snapshot's rows as columns across the worker boundary: what arrives is what left. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createEngine } from './engine';
import {
  DEAD_LETTER_REASONS,
  RECEIPT_STATUSES,
  type DeadLetterRow,
  type EngineSnapshot,
  type HlcRow,
  type ReceiptRow,
} from './protocol';
import {
  fromWire,
  packLetters,
  packReceipts,
  toWire,
  unpackLetters,
  unpackReceipts,
  type WireEvent,
} from './wire';

// The engine builds plain objects; fast-check would also try null-prototype ones.
const NO_NULL_PROTO = { noNullPrototype: true } as const;
const hlcArb: fc.Arbitrary<HlcRow> = fc.record(
  {
    physical: fc.nat(),
    logical: fc.nat({ max: 65_535 }),
    nodeId: fc.nat({ max: 255 }),
  },
  NO_NULL_PROTO,
);
const u64Arb = fc.oneof(fc.nat(), fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }));
// Hostile names too: any string, empty, unicode, the same one in several fields.
const nameArb = fc.oneof(
  fc.constantFrom('host', 'fraud_processor', ''),
  fc.string({ unit: 'grapheme' }),
);
const bytesArb = fc.uint8Array({ maxLength: 64 });

const receiptArb: fc.Arbitrary<ReceiptRow> = fc.record(
  {
    seq: fc.nat(),
    hlc: hlcArb,
    messageId: fc.nat(),
    typeId: u64Arb,
    source: nameArb,
    destination: nameArb,
    status: fc.constantFrom(...RECEIPT_STATUSES),
    hops: fc.nat({ max: 16 }),
    latencyUs: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
    priority: fc.nat({ max: 3 }),
    correlationId: fc.nat(),
    parentId: fc.option(fc.nat()),
    payload: bytesArb,
    injectedAt: hlcArb,
    deliveredAt: fc.option(hlcArb),
    processedAt: fc.option(hlcArb),
    thenLost: fc.constantFrom('DroppedOldest' as const, 'Unregistered' as const),
  },
  {
    ...NO_NULL_PROTO,
    requiredKeys: [
      'seq',
      'hlc',
      'messageId',
      'typeId',
      'source',
      'destination',
      'status',
      'hops',
      'latencyUs',
      'priority',
      'correlationId',
      'parentId',
      'payload',
      'injectedAt',
      'deliveredAt',
      'processedAt',
    ],
  },
);

const letterArb: fc.Arbitrary<DeadLetterRow> = fc.record(
  {
    id: fc.nat(),
    messageId: fc.nat(),
    typeId: u64Arb,
    reason: fc.constantFrom(...DEAD_LETTER_REASONS),
    source: nameArb,
    destination: nameArb,
    tenantId: fc.nat({ max: 65_535 }),
    attempts: fc.nat({ max: 100 }),
    priority: fc.nat({ max: 3 }),
    correlationId: fc.nat(),
    parentId: fc.option(fc.nat()),
    atUs: fc.nat(),
    payload: bytesArb,
    detail: fc.string(),
  },
  {
    ...NO_NULL_PROTO,
    requiredKeys: [
      'id',
      'messageId',
      'typeId',
      'reason',
      'source',
      'destination',
      'tenantId',
      'attempts',
      'priority',
      'correlationId',
      'parentId',
      'atUs',
      'payload',
    ],
  },
);

/** As `postMessage` carries it: a structured clone with the buffers transferred. */
function post(event: WireEvent, transfer: ArrayBuffer[]): WireEvent {
  return structuredClone(event, { transfer });
}

describe('snapshot wire form', () => {
  it('gives back every receipt row field for field, nulls, bigint type ids and hostile names included', () => {
    fc.assert(
      fc.property(fc.array(receiptArb, { maxLength: 40 }), (rows) => {
        const packed = packReceipts(rows);
        const back = unpackReceipts(structuredClone(packed));
        expect(back).toStrictEqual(rows);
      }),
    );
  });

  it('gives back every dead-letter row, an absent detail staying absent', () => {
    fc.assert(
      fc.property(fc.array(letterArb, { maxLength: 40 }), (rows) => {
        const back = unpackLetters(structuredClone(packLetters(rows)));
        expect(back).toStrictEqual(rows);
        back.forEach((r, i) => expect('detail' in r).toBe('detail' in rows[i]!));
      }),
    );
  });

  it('carries a live engine snapshot through a transferring postMessage unchanged', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({
      type: 'startGenerator',
      spec: { ratePerSec: 200_000, pattern: 'poisson', seed: 7 },
    });
    // Overflow too, so dead-letter rows are in the snapshot as well as receipts.
    engine.command({ type: 'inject', typeId: 1001, count: 20_000 });
    engine.command({ type: 'inject', typeId: 4242, count: 3 });
    let seen: EngineSnapshot | null = null;
    for (let i = 0; i < 20 && seen === null; i++) {
      t += 16_000;
      engine.tick();
      const s = engine.snapshot();
      if (s.receipts.recent.length > 0 && s.deadLetters.recent.length > 0) seen = s;
    }
    expect(seen).not.toBeNull();
    const s = seen!;
    const { event, transfer } = toWire(s);
    // What crosses holds no row objects, and the columns' buffers move rather than copy.
    expect(event.snapshot.receipts.recent).toEqual([]);
    expect(event.snapshot.deadLetters.recent).toEqual([]);
    const arrived = post(event, transfer);
    expect(event.packed.receipts.nums.byteLength).toBe(0);
    const back = fromWire(arrived);
    expect(back.type).toBe('snapshot');
    expect(back).toStrictEqual({ type: 'snapshot', snapshot: s });
  });

  it('passes every other event through as it is', () => {
    const e: WireEvent = { type: 'heartbeat', seq: 3 };
    expect(fromWire(e)).toBe(e);
  });
});
