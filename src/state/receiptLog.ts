/**
 * The captured receipts behind the live tail: a bounded ring of the rows the engine materialised
 * (every receipt while the rate allows, sampled above; exact counts per status come from the
 * snapshot). Pausing freezes what the list shows while capture goes on, so nothing is dropped on
 * pause. A plain data structure: the store's live slice holds it and publishes its `version`.
 */
import type { EngineSnapshot, ReceiptRow } from '../engine/protocol';
import { toHex } from '../engine/payload';

export const RECEIPT_LOG_CAPACITY = 20_000;
/**
 * Rows that are not plain deliveries (a failure, or Delivered and then lost) kept past the ring:
 * at 5,000 rows a second a burst of 3,000 QueueFull left the ring in 4 s, and its status chip,
 * clicked then, listed none of the 2,234 it counted.
 */
export const RECEIPT_LOG_KEPT_FAILURES = 5_000;

/** A row worth keeping past the ring: anything but a delivery that stayed delivered. */
const notPlainDelivery = (r: ReceiptRow): boolean => r.status !== 'Delivered' || !!r.thenLost;

export interface ReceiptLog {
  /** Feed one snapshot's new rows. */
  ingest(snapshot: EngineSnapshot): void;
  /** Rows in arrival order (a copy, oldest first). */
  rows(): ReceiptRow[];
  /** Rows captured since the view was paused. */
  bufferedSincePause(): number;
  paused(): boolean;
  /**
   * Pauses (or resumes) the view. `shown`: the rows on screen when it pauses (the view shows a
   * new version at most a few times a second, and the log may hold newer rows already): those
   * stay, and the newer ones count as held. Without it, the log's rows now.
   */
  setPaused(paused: boolean, shown?: readonly ReceiptRow[]): void;
  clear(): void;
  /** Clear, and forget the engine's count too: a new engine counts from 0. */
  restart(): void;
  /**
   * The engine's counts (total, per status, not captured) in the newest snapshot fed in, as one
   * object: the header over the list reads them together with the rows, so "N receipts", the
   * status chips and "rows shown" come from the same snapshot (the page's live view, at most 10 a
   * second, runs a little behind the log, which takes every snapshot).
   */
  engineCounts(): ReceiptCounts;
  /**
   * Increases whenever the visible rows or the engine's counts change (or, paused, the buffered
   * count).
   */
  version(): number;
}

/** The engine's receipt counters as of one snapshot. */
export interface ReceiptCounts {
  total: number;
  byStatus: Readonly<Record<string, number>>;
  sampledOut: number;
  /** Receipts whose row is still to come, their message queued (see the snapshot's). */
  pending: number;
  /** Delivered receipts whose message failed after it reached its queue (see the snapshot's). */
  failedLater: number;
}

const NO_COUNTS: ReceiptCounts = Object.freeze({
  total: 0,
  byStatus: {},
  sampledOut: 0,
  pending: 0,
  failedLater: 0,
});

export function createReceiptLog(
  capacity = RECEIPT_LOG_CAPACITY,
  keptCapacity = RECEIPT_LOG_KEPT_FAILURES,
): ReceiptLog {
  const ring: (ReceiptRow | undefined)[] = new Array(capacity);
  let head = 0; // next write
  let size = 0;
  // Failures pushed out of the ring, in a ring of their own: all older than the ring's rows, so
  // the list is these and then the ring's, in arrival order.
  const kept: (ReceiptRow | undefined)[] = new Array(keptCapacity);
  let keptHead = 0;
  let keptSize = 0;
  let isPaused = false;
  let frozen: ReceiptRow[] | null = null;
  let buffered = 0;
  let ver = 0;
  /** The engine's counts at the last snapshot: a smaller total means its counters restarted. */
  let counts: ReceiptCounts = NO_COUNTS;
  const emit = () => {
    ver++;
  };
  /**
   * The rows oldest first: at most two slices of the ring (the page asks 10 times a second
   * while the Receipts tab is open, and a loop over 20,000 slots cost it 2-3 ms each time).
   */
  function all(): ReceiptRow[] {
    const rows = inOrder(ring, head, size);
    return keptSize > 0 ? inOrder(kept, keptHead, keptSize).concat(rows) : rows;
  }
  function clear(): void {
    ring.fill(undefined);
    head = 0;
    size = 0;
    kept.fill(undefined);
    keptHead = 0;
    keptSize = 0;
    frozen = isPaused ? [] : null;
    buffered = 0;
    emit();
  }
  return {
    ingest(snapshot) {
      // Counters reset (Metrics' Reset counters, a replay) or a new engine: the rows captured
      // before belong to counts that are gone, and "0 receipts · 9,096 rows shown" would say
      // otherwise. Start afresh, as Clear does.
      const total = snapshot.receipts.total;
      if (total < counts.total) clear();
      // A failure after delivery (a kernel refusing a message it took) moves no other count.
      const failedLater = snapshot.receipts.failedLater ?? 0;
      const pending = snapshot.receipts.pending ?? 0;
      const counted =
        total !== counts.total ||
        failedLater !== counts.failedLater ||
        pending !== counts.pending ||
        counts === NO_COUNTS;
      if (counted) {
        // Every status count and `sampledOut` only grow with the total (until a restart).
        const r = snapshot.receipts;
        counts = {
          total,
          byStatus: { ...r.byStatus },
          sampledOut: r.sampledOut ?? 0,
          pending,
          failedLater,
        };
      }
      const rows = snapshot.receipts.recent;
      if (rows.length === 0) {
        if (counted) emit();
        return;
      }
      for (const row of rows) {
        const out = size === capacity ? ring[head] : undefined;
        if (out !== undefined && keptCapacity > 0 && notPlainDelivery(out)) {
          kept[keptHead] = out;
          keptHead = (keptHead + 1) % keptCapacity;
          if (keptSize < keptCapacity) keptSize++;
        }
        ring[head] = row;
        head = (head + 1) % capacity;
        if (size < capacity) size++;
      }
      if (isPaused) buffered += rows.length;
      emit();
    },
    rows: () => (frozen ? frozen.slice() : all()),
    bufferedSincePause: () => buffered,
    paused: () => isPaused,
    setPaused(p, shown) {
      isPaused = p;
      const now = p ? all() : null;
      const last = shown?.[shown.length - 1];
      // Rows newer than the last one shown: held, not slipped in above what is being read (they
      // moved a focused row 660 rows down at 2,000/s). A last row the log no longer holds: all.
      const at = now && last ? now.lastIndexOf(last) : -1;
      frozen = now && at >= 0 ? now.slice(0, at + 1) : now;
      buffered = now && at >= 0 ? now.length - 1 - at : 0;
      emit();
    },
    clear,
    restart() {
      counts = NO_COUNTS;
      clear();
    },
    engineCounts: () => counts,
    version: () => ver,
  };
}

/** A ring's `size` rows ending before `head`, oldest first: at most two slices. */
function inOrder(
  ring: readonly (ReceiptRow | undefined)[],
  head: number,
  size: number,
): ReceiptRow[] {
  const capacity = ring.length;
  const start = (head - size + capacity) % capacity;
  const end = start + size;
  const rows =
    end <= capacity
      ? ring.slice(start, end)
      : ring.slice(start).concat(ring.slice(0, end - capacity));
  return rows as ReceiptRow[];
}

/** CSV with a header row; every value quoted so names with commas or quotes stay intact. */
export function receiptsToCsv(rows: readonly ReceiptRow[]): string {
  const cols = [
    'seq',
    'hlcPhysical',
    'hlcLogical',
    'hlcNode',
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
    // Delivered, then lost in its queue: DroppedOldest (evicted) or Unregistered; empty otherwise.
    'thenLost',
  ] as const;
  const q = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const lines = [cols.join(',')];
  for (const r of rows)
    lines.push(
      [
        r.seq,
        r.hlc.physical,
        r.hlc.logical,
        r.hlc.nodeId,
        r.messageId,
        String(r.typeId),
        r.source,
        r.destination,
        r.status,
        r.hops,
        r.latencyUs,
        r.priority,
        r.correlationId,
        r.parentId,
        r.thenLost,
      ]
        .map(q)
        .join(','),
    );
  return lines.join('\n') + '\n';
}

/** JSON with bigints as strings and payloads as hex. */
export function receiptsToJson(rows: readonly ReceiptRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({ ...r, typeId: String(r.typeId), payload: toHex(r.payload) })),
    null,
    2,
  );
}
