/**
 * Receipt bookkeeping: exact counts per status for every receipt, and rows materialised only for
 * a sample (every receipt until the per-snapshot cap, then counted as sampled out).
 */
import {
  RECEIPT_STATUSES,
  type ReceiptFilter,
  type ReceiptRow,
  type ReceiptStatus,
  type U64,
} from './protocol';

export const STATUS_INDEX: Record<ReceiptStatus, number> = Object.fromEntries(
  RECEIPT_STATUSES.map((s, i) => [s, i]),
) as Record<ReceiptStatus, number>;

/** Default number of rows materialised per snapshot. */
export const DEFAULT_PER_SNAPSHOT_CAP = 2000;
/**
 * Rows materialised per second of engine time, sustained. A burst up to the per-snapshot cap is
 * shown whole (the budget refills while traffic is light); under sustained load the tail shows
 * this many rows a second and counts the rest (materialising every row of millions a second
 * would cost the engine more than routing them).
 */
export const DEFAULT_ROWS_PER_SEC = 5000;

export class ReceiptLog {
  total = 0;
  sampledOut = 0;
  readonly byStatus = new Float64Array(RECEIPT_STATUSES.length);
  perSnapshotCap = DEFAULT_PER_SNAPSHOT_CAP;
  rowsPerSec = DEFAULT_ROWS_PER_SEC;
  /** Rows the budget allows now (a token bucket of `perSnapshotCap`, refilled at `rowsPerSec`). */
  private tokens = DEFAULT_PER_SNAPSHOT_CAP;
  private refilledAtUs = -1;
  private rows: ReceiptRow[] = [];
  private filter: {
    statuses: Set<ReceiptStatus> | null;
    typeIds: Set<U64> | null;
    kernels: Set<string> | null;
  } = { statuses: null, typeIds: null, kernels: null };

  /** Counts one receipt; returns its sequence number. */
  count(status: ReceiptStatus): number {
    this.byStatus[STATUS_INDEX[status]]!++;
    return this.total++;
  }

  /**
   * Whether a receipt with these properties should be materialised: it passes the filter and the
   * cap has room (a reservation is taken). Otherwise it is counted as sampled out.
   */
  wants(status: ReceiptStatus, typeId: U64, source: string, destination: string): boolean {
    const f = this.filter;
    const pass =
      (f.statuses === null || f.statuses.has(status)) &&
      (f.typeIds === null || f.typeIds.has(typeId)) &&
      (f.kernels === null || f.kernels.has(source) || f.kernels.has(destination));
    if (pass && this.tokens >= 1 && this.rows.length + this.reserved < this.perSnapshotCap) {
      this.reserved++;
      this.tokens--;
      return true;
    }
    this.sampledOut++;
    return false;
  }

  /** Counts `n` receipts of one status at once (none materialised). */
  countMany(status: ReceiptStatus, n: number): void {
    this.byStatus[STATUS_INDEX[status]]! += n;
    this.total += n;
  }

  /** Whether {@link wants} could still materialise a row in this snapshot window. */
  hasRoom(): boolean {
    return this.tokens >= 1 && this.rows.length + this.reserved < this.perSnapshotCap;
  }

  /** Refills the row budget for the engine time passed since the last call. */
  refill(nowUs: number): void {
    if (this.refilledAtUs >= 0 && nowUs > this.refilledAtUs) {
      const add = ((nowUs - this.refilledAtUs) / 1e6) * this.rowsPerSec;
      this.tokens = Math.min(this.perSnapshotCap, this.tokens + add);
    }
    if (nowUs > this.refilledAtUs) this.refilledAtUs = nowUs;
  }

  /** Sets the burst size (rows per snapshot) and fills the budget to it. */
  setCap(perSnapshotCap: number): void {
    this.perSnapshotCap = perSnapshotCap;
    this.tokens = perSnapshotCap;
  }

  /** Rows promised by {@link wants} but not yet added (deferred until processing). */
  private reserved = 0;

  add(row: ReceiptRow): void {
    if (this.reserved > 0) this.reserved--;
    this.rows.push(row);
  }

  /** A reservation that will never be filled (its message was dropped before processing). */
  release(): void {
    if (this.reserved > 0) this.reserved--;
  }

  /**
   * Takes the rows added since the last call, in receipt order. A Delivered row is built when its
   * kernel takes the message, so rows arrive grouped by kernel (the last kernel drained last);
   * ordered by `seq` the tail reads as the messages were dispatched, types interleaved.
   */
  drain(): ReceiptRow[] {
    const out = this.rows;
    this.rows = [];
    out.sort((a, b) => a.seq - b.seq);
    // Deferred rows still count against the next window, so keep their reservations.
    return out;
  }

  byStatusRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    RECEIPT_STATUSES.forEach((s, i) => {
      out[s] = this.byStatus[i] ?? 0;
    });
    return out;
  }

  setFilter(
    filter: ReceiptFilter | null,
    norm: (x: ReceiptFilter['typeIds']) => Set<U64> | null,
  ): void {
    this.filter = {
      statuses: filter?.statuses ? new Set(filter.statuses) : null,
      typeIds: filter?.typeIds ? norm(filter.typeIds) : null,
      kernels: filter?.kernels ? new Set(filter.kernels) : null,
    };
  }

  reset(): void {
    this.total = 0;
    this.sampledOut = 0;
    this.byStatus.fill(0);
    this.rows = [];
  }
}

/** Fixed ring of latency samples (µs) for percentiles. */
export class LatencyRing {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;

  constructor(capacity = 8192) {
    this.buf = new Float64Array(capacity);
  }

  add(us: number): void {
    this.buf[this.i] = us;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }

  percentiles(): { p50Us: number; p99Us: number; samples: number } {
    if (this.n === 0) return { p50Us: 0, p99Us: 0, samples: 0 };
    const s = this.buf.slice(0, this.n).sort();
    const at = (q: number): number => s[Math.min(this.n - 1, Math.floor(q * this.n))] ?? 0;
    return { p50Us: at(0.5), p99Us: at(0.99), samples: this.n };
  }

  reset(): void {
    this.n = 0;
    this.i = 0;
  }
}
