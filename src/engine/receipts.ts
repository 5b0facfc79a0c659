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

/**
 * Default number of rows materialised per snapshot, and the most the budget holds after a quiet
 * spell: a hand burst of up to 10,000 receipts comes out whole. At 2,000 a burst of 5,000 kept
 * its first 2,000 rows and counted the rest, so the tail's top row was not the newest.
 */
export const DEFAULT_PER_SNAPSHOT_CAP = 10_000;
/**
 * Rows materialised per second of engine time, sustained. A burst up to the per-snapshot cap is
 * shown whole (the budget refills while traffic is light); under sustained load the tail shows
 * this many rows a second and counts the rest (materialising every row of millions a second
 * would cost the engine more than routing them).
 */
export const DEFAULT_ROWS_PER_SEC = 5000;
/** Seconds of the sustained rate a generator's run starts with (see `ReceiptLog.startRun`). */
export const RUN_START_BUDGET_SEC = 0.1;

export class ReceiptLog {
  total = 0;
  sampledOut = 0;
  /** Delivered receipts whose message then failed in its queue or kernel (see the snapshot's). */
  failedLater = 0;
  readonly byStatus = new Float64Array(RECEIPT_STATUSES.length);
  perSnapshotCap = DEFAULT_PER_SNAPSHOT_CAP;
  rowsPerSec = DEFAULT_ROWS_PER_SEC;
  /** Rows the budget allows now (a token bucket of `perSnapshotCap`, refilled at `rowsPerSec`). */
  private tokens = DEFAULT_PER_SNAPSHOT_CAP;
  /**
   * A budget of its own for receipts that are not Delivered (half the other's size and rate):
   * under load the deliveries spend the shared budget as it refills, and a burst of 3,000
   * QueueFull at 200 K/s got 40 rows, so a click on its status chip listed next to none of them.
   * Such a receipt takes from this budget first, then from the shared one as any other.
   */
  private failTokens = DEFAULT_PER_SNAPSHOT_CAP / 2;
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
   * Whether a receipt with these properties should be materialised (a reservation is taken), else
   * it is counted as sampled out. The filter ranks, it does not exclude: a receipt it matches may
   * use the whole budget, any other only while at least half the budget is left. So a rare status
   * among millions is still captured row by row under load, and a filter the user clears shows
   * what arrived meanwhile as far as the budget allowed (a filter that threw the rest away lost
   * them for good, and the tail after it read "16 receipts · 7 rows shown").
   */
  wants(status: ReceiptStatus, typeId: U64, source: string, destination: string): boolean {
    // A failure takes its own budget first, skipped or not: a skip keeps the shared budget for a
    // burst's newest receipts, and this one spends none of it.
    const skipped = this.skip > 0;
    if (skipped) this.skip--;
    const failSkipped = this.failSkip > 0;
    if (failSkipped) this.failSkip--;
    if (status !== 'Delivered' && !failSkipped && this.failTokens >= 1 && this.failRowsLeft() > 0) {
      this.reserved++;
      this.failTokens--;
      return true;
    }
    if (skipped) {
      this.sampledOut++;
      return false;
    }
    const f = this.filter;
    const pass =
      (f.statuses === null || f.statuses.has(status)) &&
      (f.typeIds === null || f.typeIds.has(typeId)) &&
      (f.kernels === null || f.kernels.has(source) || f.kernels.has(destination));
    const need = pass ? 1 : Math.max(1, this.perSnapshotCap / 2);
    if (this.tokens >= need && this.rows.length + this.reserved < this.perSnapshotCap) {
      this.reserved++;
      this.tokens--;
      return true;
    }
    this.sampledOut++;
    return false;
  }

  /**
   * Counts `n` receipts of one status that get no row (the caller found no room: {@link hasRoom}
   * false), as {@link wants} would have counted them: sampled out.
   */
  countUnsampled(status: ReceiptStatus, n = 1): void {
    this.skip = Math.max(0, this.skip - n);
    this.failSkip = Math.max(0, this.failSkip - n);
    this.byStatus[STATUS_INDEX[status]]! += n;
    this.total += n;
    this.sampledOut += n;
  }

  /**
   * Of the next `n` receipts, how many the per-receipt path ({@link wants}) must see: those a
   * skip passes over, then those there is room for. Without a filter every receipt passes, so
   * each one past these is sampled out as {@link countUnsampled} counts it; with one, a matching
   * receipt further on may still take a row, so all `n` do.
   */
  perReceipt(n: number): number {
    const f = this.filter;
    if (f.statuses !== null || f.typeIds !== null || f.kernels !== null) return n;
    return Math.min(n, this.skip + this.room());
  }

  /** Rows {@link wants} could still materialise now (for a receipt the filter matches). */
  room(): number {
    return Math.max(
      0,
      Math.min(Math.floor(this.tokens), this.perSnapshotCap - this.rows.length - this.reserved),
    );
  }

  /** Rows the failures' own budget could still take now (see `failTokens`). */
  failRoom(): number {
    return Math.max(0, Math.min(Math.floor(this.failTokens), this.failRowsLeft()));
  }

  /** Rows a snapshot window may still hold with the failures' own: half as many again. */
  private failRowsLeft(): number {
    return this.perSnapshotCap * 1.5 - this.rows.length - this.reserved;
  }

  /**
   * The next `n` receipts get no row from the shared budget, and the next `nFail` none from the
   * failures' own (counted as sampled out when neither gives one): a burst larger than the room
   * left skips its oldest receipts, so the tail shows its newest, as the dead-letter queue keeps
   * its newest. 0 cancels what is left of a skip.
   */
  skipNext(n: number, nFail = 0): void {
    this.skip = n;
    this.failSkip = nFail;
  }

  private skip = 0;
  private failSkip = 0;

  /**
   * Whether {@link wants} could still materialise a row in this snapshot window: `room() > 0`,
   * written out, as it is asked once per response on the kernels' output path.
   */
  hasRoom(): boolean {
    return this.tokens >= 1 && this.rows.length + this.reserved < this.perSnapshotCap;
  }

  /** Refills the row budget for the engine time passed since the last call. */
  refill(nowUs: number): void {
    if (this.refilledAtUs >= 0 && nowUs > this.refilledAtUs) {
      const add = ((nowUs - this.refilledAtUs) / 1e6) * this.rowsPerSec;
      this.tokens = Math.min(this.perSnapshotCap, this.tokens + add);
      this.failTokens = Math.min(this.perSnapshotCap / 2, this.failTokens + add / 2);
    }
    if (nowUs > this.refilledAtUs) this.refilledAtUs = nowUs;
  }

  /**
   * A generator's run starts: the shared budget keeps at most {@link RUN_START_BUDGET_SEC} of
   * the sustained rate. Full after a quiet spell, it had put 10,000 rows of the run's first
   * milliseconds into one snapshot (a hand burst's allowance), and the page spent 130 ms
   * unpacking them and 170 ms collecting them while the run began at 2 M/s: the engine and the
   * generator fell 0.3-0.8 s behind, then caught up above the rate asked. The failures' own
   * budget stays whole: a run whose mix is refused still shows its refusals at once. A cap set
   * by `setCap` (`setSampling`) is the caller's to spend: a headless replay captures every row.
   */
  startRun(): void {
    if (this.capSet) return;
    this.tokens = Math.min(this.tokens, this.rowsPerSec * RUN_START_BUDGET_SEC);
  }

  /** The cap was set by `setCap` to other than its default. */
  private capSet = false;

  /** Sets the burst size (rows per snapshot) and fills the budget to it. */
  setCap(perSnapshotCap: number): void {
    // Set back to the default, it is the page's sampling again.
    this.capSet = perSnapshotCap !== DEFAULT_PER_SNAPSHOT_CAP;
    this.perSnapshotCap = perSnapshotCap;
    this.tokens = perSnapshotCap;
    this.failTokens = perSnapshotCap / 2;
  }

  /** Rows promised by {@link wants} but not yet added (deferred until processing). */
  private reserved = 0;

  /**
   * Receipts counted whose row is still to come: Delivered, their message waiting in its queue
   * (its row is made when its kernel takes it). In `total`, and in neither `sampledOut` nor the
   * rows drained so far.
   */
  get pending(): number {
    return this.reserved;
  }

  add(row: ReceiptRow): void {
    if (this.reserved > 0) this.reserved--;
    this.rows.push(row);
  }

  /**
   * A reservation that will never be filled (its message was dropped before processing): its
   * receipt is counted as not captured, so rows shown and not captured add up to the receipts
   * (after a 100,000 burst into a dropOldest queue, 5,904 receipts were in neither).
   */
  release(): void {
    if (this.reserved > 0) this.reserved--;
    this.sampledOut++;
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
    this.failedLater = 0;
    this.byStatus.fill(0);
    this.rows = [];
  }
}

/** A latency reading is dropped after this long without a message taken (as rates fall to 0). */
export const LATENCY_IDLE_US = 2_000_000;

/** Fixed ring of latency samples (µs) for percentiles. */
export class LatencyRing {
  private readonly buf: Float64Array;
  private n = 0;
  private i = 0;

  constructor(capacity = 8192) {
    this.buf = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  /** Samples ever added: the reading sees whether any came since it last looked. */
  private added = 0;
  private seenAdded = 0;
  /** When (caller's clock) a reading last saw new samples. */
  private activeAtUs = 0;

  add(us: number): void {
    this.added++;
    this.buf[this.i] = us;
    this.i = (this.i + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }

  /** Where {@link percentiles} selects, so it allocates nothing per snapshot. */
  private readonly scratch: Float64Array;

  /**
   * The samples' p50 and p99 (the values a sort would put at floor(q n)), by selection rather
   * than a sort: the engine asks once per snapshot, ~60 times a second, and sorting the 8,192
   * samples took 2.5 % of the engine worker's time at saturation.
   */
  percentiles(): { p50Us: number; p99Us: number; samples: number } {
    const n = this.n;
    if (n === 0) return { p50Us: 0, p99Us: 0, samples: 0 };
    const a = this.scratch;
    a.set(this.buf.subarray(0, n));
    const k99 = Math.min(n - 1, Math.floor(0.99 * n));
    const k50 = Math.min(n - 1, Math.floor(0.5 * n));
    const p99 = select(a, 0, n - 1, k99);
    // Everything left of k99 is now <= it: the median is among them.
    const p50 = select(a, 0, k99, k50);
    return { p50Us: p50, p99Us: p99, samples: n };
  }

  private last: { p50Us: number; p99Us: number; samples: number } | null = null;
  private lastAtUs = 0;

  /**
   * {@link percentiles}, reused while at most `maxAgeUs` old by the caller's clock (`nowUs`): the
   * page charts them 10 times a second while the engine publishes ~60 snapshots. A reset, or a
   * clock that went back, makes the reading stale. Once no sample has come for `idleUs`, the
   * samples are dropped and the reading is empty (`samples: 0`): a latency is never shown for
   * traffic that stopped (the chart drops to 0, not the last busy second's p99 for ever).
   */
  reading(
    nowUs: number,
    maxAgeUs: number,
    idleUs = LATENCY_IDLE_US,
  ): { p50Us: number; p99Us: number; samples: number } {
    if (this.added !== this.seenAdded || nowUs < this.activeAtUs) {
      this.seenAdded = this.added;
      this.activeAtUs = nowUs;
    } else if (this.n !== 0 && nowUs - this.activeAtUs >= idleUs) {
      this.n = 0;
      this.i = 0;
      this.last = null;
    }
    if (
      this.last === null ||
      nowUs - this.lastAtUs >= maxAgeUs ||
      nowUs < this.lastAtUs ||
      // The first samples after an empty reading show at once (as after a reset).
      (this.last.samples === 0 && this.n !== 0)
    ) {
      this.last = this.percentiles();
      this.lastAtUs = nowUs;
    }
    return this.last;
  }

  reset(): void {
    this.n = 0;
    this.i = 0;
    this.last = null;
  }
}

/**
 * The k-th smallest of `a[lo..hi]` (inclusive), rearranging that range so that everything before
 * index k is <= it and everything after is >= it. Three-way partitions (less, equal, greater),
 * so runs of equal values, which latencies of one batch are, cost one pass.
 */
export function select(a: Float64Array, lo: number, hi: number, k: number): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    // Median of three as the pivot.
    const m = (l + h) >>> 1;
    const x = a[l]!;
    const y = a[m]!;
    const z = a[h]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = l;
    let gt = h;
    let i = l;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) {
        a[i] = a[lt]!;
        a[lt] = v;
        lt++;
        i++;
      } else if (v > pivot) {
        a[i] = a[gt]!;
        a[gt] = v;
        gt--;
      } else i++;
    }
    if (k < lt) h = lt - 1;
    else if (k > gt) l = gt + 1;
    else return pivot;
  }
  return a[k]!;
}
