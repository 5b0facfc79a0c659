import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineSnapshot, ReceiptRow } from '../engine/protocol';
import { createReceiptLog, receiptsToCsv } from './receiptLog';

function row(seq: number, destination = 'k'): ReceiptRow {
  return {
    seq,
    hlc: { physical: seq, logical: 0, nodeId: 1 },
    messageId: seq,
    typeId: 1001,
    source: 'host',
    destination,
    status: 'Delivered',
    hops: 0,
    latencyUs: null,
    priority: 1,
    correlationId: 0,
    parentId: null,
    payload: new Uint8Array([seq & 255]),
  } as ReceiptRow;
}
const snap = (rows: ReceiptRow[], total = (rows.at(-1)?.seq ?? 0) + 1) =>
  ({ receipts: { recent: rows, total } }) as unknown as EngineSnapshot;

describe('receipt log', () => {
  it('keeps the newest rows up to its capacity, in order', () => {
    const log = createReceiptLog(4);
    log.ingest(snap([row(1), row(2), row(3)]));
    log.ingest(snap([row(4), row(5), row(6)]));
    expect(log.rows().map((r) => r.seq)).toEqual([3, 4, 5, 6]);
  });

  it('always shows the newest rows since the last clear, oldest first, whatever the wrap', () => {
    const op = fc.oneof(
      fc.nat({ max: 12 }).map((n) => ({ kind: 'ingest' as const, n })),
      fc.constant({ kind: 'clear' as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(op, { maxLength: 30 }), (cap, ops) => {
        const log = createReceiptLog(cap);
        let kept: number[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'clear') {
            log.clear();
            kept = [];
            continue;
          }
          const rows = Array.from({ length: o.n }, () => row(++seq));
          log.ingest(snap(rows, seq + 1));
          kept = [...kept, ...rows.map((r) => r.seq)].slice(-cap);
          const shown = log.rows();
          expect(shown.map((r) => r.seq)).toEqual(kept);
          expect(shown.every((r) => r !== undefined)).toBe(true);
          expect(shown.length).toBeLessThanOrEqual(log.engineCounts().total);
        }
      }),
    );
  });

  it('keeps failures pushed out of the ring, up to their own capacity, before its rows in order', () => {
    const kind = fc.constantFrom('Delivered', 'QueueFull', 'lost');
    const op = fc.oneof(
      fc.array(kind, { maxLength: 12 }).map((kinds) => ({ kind: 'ingest' as const, kinds })),
      fc.constant({ kind: 'clear' as const }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(op, { maxLength: 30 }),
        (cap, keptCap, ops) => {
          const log = createReceiptLog(cap, keptCap);
          let all: ReceiptRow[] = [];
          let seq = 0;
          for (const o of ops) {
            if (o.kind === 'clear') {
              log.clear();
              all = [];
              continue;
            }
            const rows = o.kinds.map((k) => {
              const r = row(++seq);
              if (k === 'QueueFull') r.status = 'QueueFull';
              if (k === 'lost') r.thenLost = 'DroppedOldest';
              return r;
            });
            log.ingest(snap(rows, seq + 1));
            all = [...all, ...rows];
            const ring = all.slice(-cap);
            const out = all.slice(0, Math.max(0, all.length - cap));
            const failures = out.filter((r) => r.status !== 'Delivered' || r.thenLost);
            const want = [...(keptCap > 0 ? failures.slice(-keptCap) : []), ...ring];
            expect(log.rows().map((r) => r.seq)).toEqual(want.map((r) => r.seq));
          }
        },
      ),
    );
  });

  it('pause freezes the view and buffers instead of dropping; resume shows everything', () => {
    const log = createReceiptLog(100);
    log.ingest(snap([row(1), row(2)]));
    log.setPaused(true);
    log.ingest(snap([row(3), row(4), row(5)]));
    expect(log.rows().map((r) => r.seq)).toEqual([1, 2]);
    expect(log.bufferedSincePause()).toBe(3);
    log.setPaused(false);
    expect(log.rows().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('paused on the rows shown, keeps those and holds the newer ones the view had not shown yet', () => {
    const log = createReceiptLog(100);
    log.ingest(snap([row(1), row(2)]));
    const shown = log.rows();
    // Rows the log took in after the view last drew (it draws a few times a second).
    log.ingest(snap([row(3), row(4)]));
    log.setPaused(true, shown);
    expect(log.rows().map((r) => r.seq)).toEqual([1, 2]);
    expect(log.bufferedSincePause()).toBe(2);
    log.ingest(snap([row(5)]));
    expect(log.bufferedSincePause()).toBe(3);
    log.setPaused(false);
    expect(log.rows().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    // A shown row no longer in the log (evicted): the log's rows now, as without `shown`.
    log.setPaused(true, [row(99)]);
    expect(log.rows().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log.bufferedSincePause()).toBe(0);
  });

  it("starts afresh when the engine's counters restart (Reset counters, a new engine)", () => {
    const log = createReceiptLog(100);
    log.ingest(snap([row(1), row(2), row(3)]));
    log.ingest(snap([], 4));
    expect(log.rows()).toHaveLength(3);
    // Counted again from 0: the three old rows are not among the two receipts now counted.
    log.ingest(snap([row(0), row(1)], 2));
    expect(log.rows().map((r) => r.messageId)).toEqual([0, 1]);
    log.ingest(snap([], 0));
    expect(log.rows()).toEqual([]);
    expect(log.engineCounts().total).toBe(0);
  });

  it('knows the receipt count its newest rows belong to', () => {
    const log = createReceiptLog(100);
    expect(log.engineCounts().total).toBe(0);
    log.ingest(snap([row(1), row(2)], 50_000));
    expect(log.engineCounts().total).toBe(50_000);
    log.ingest(snap([], 60_000));
    expect(log.engineCounts().total).toBe(60_000);
    log.clear(); // the user's Clear: the count stays
    expect(log.engineCounts().total).toBe(60_000);
    log.restart(); // a new engine
    expect(log.engineCounts().total).toBe(0);
    expect(log.rows()).toEqual([]);
  });

  it('keeps the counts of the snapshot its rows came with, and moves its version on counts alone', () => {
    const log = createReceiptLog(100);
    const counted = (
      rows: ReceiptRow[],
      total: number,
      delivered: number,
      sampledOut: number,
      failedLater = 0,
    ) =>
      ({
        receipts: {
          recent: rows,
          total,
          byStatus: { Delivered: delivered, QueueFull: total - delivered },
          sampledOut,
          failedLater,
        },
      }) as unknown as EngineSnapshot;
    log.ingest(counted([row(1), row(2)], 2, 2, 0));
    expect(log.engineCounts()).toEqual({
      total: 2,
      byStatus: { Delivered: 2, QueueFull: 0 },
      sampledOut: 0,
      pending: 0,
      failedLater: 0,
    });
    const v = log.version();
    // A snapshot whose receipts were all sampled out: no rows, but the header must move.
    log.ingest(counted([], 10, 4, 8));
    expect(log.version()).toBeGreaterThan(v);
    const c = log.engineCounts();
    expect(c).toEqual({
      total: 10,
      byStatus: { Delivered: 4, QueueFull: 6 },
      sampledOut: 8,
      pending: 0,
      failedLater: 0,
    });
    // The same counts again: nothing new to show.
    const v2 = log.version();
    log.ingest(counted([], 10, 4, 8));
    expect(log.version()).toBe(v2);
    expect(log.engineCounts()).toBe(c);
    // Delivered messages that failed later (a kernel refused them): the total stands still, the
    // header moves.
    log.ingest(counted([], 10, 4, 8, 3));
    expect(log.version()).toBeGreaterThan(v2);
    expect(log.engineCounts().failedLater).toBe(3);
    // Rows and counts together: never more rows than receipts.
    expect(log.rows().length).toBeLessThanOrEqual(log.engineCounts().total);
    log.restart();
    expect(log.engineCounts()).toEqual({
      total: 0,
      byStatus: {},
      sampledOut: 0,
      pending: 0,
      failedLater: 0,
    });
  });

  it('clear empties it; CSV quotes hostile names', () => {
    const log = createReceiptLog(10);
    log.ingest(snap([row(1, 'a,"b"\n<script>')]));
    const csv = receiptsToCsv(log.rows());
    expect(csv).toContain('"a,""b""\n<script>"');
    log.clear();
    expect(log.rows()).toEqual([]);
  });

  it('says in the CSV which delivered messages were then lost in their queue', () => {
    const csv = receiptsToCsv([
      { ...row(1, 'host'), thenLost: 'DroppedOldest' },
      row(2, 'host'),
    ]).split('\n');
    expect(csv[0]!.split(',').at(-1)).toBe('thenLost');
    expect(csv[1]!.split(',').at(-1)).toBe('"DroppedOldest"');
    expect(csv[2]!.split(',').at(-1)).toBe('""');
  });
});
