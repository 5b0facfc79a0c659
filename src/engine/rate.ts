/**
 * A rate over the last half second of a monotonically growing counter, from the samples the
 * snapshot builder takes. It reads exactly 0 once the counter has not moved for a whole window, so
 * a rate never stays on screen after traffic stopped (an exponential average would only approach
 * 0), and within about half a second of the last message.
 *
 * @example
 * const m = new RateMeter();
 * m.sample(0, 0); m.sample(500_000, 1_000); m.rate(); // 2,000 per second
 * m.sample(1_100_000, 1_000); m.rate();               // 0: nothing in the last half second
 */
export const RATE_WINDOW_US = 500_000;
/** How far back a counter that moves in lumps is measured from lump to lump (see `lumpyRate`). */
export const LUMP_SPAN_US = 2_000_000;
/** The most lumps a lumpy counter is measured over (see `lumpyRate`). */
export const LUMP_COUNT = 16;

export class RateMeter {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private head = 0;
  private size = 0;

  /** `windowUs`: how far back the rate looks; `capacity`: samples kept (≥ snapshots per window). */
  constructor(
    readonly windowUs = RATE_WINDOW_US,
    capacity = 256,
  ) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  /** Records the counter's value at time `tUs`; the counter restarting (a reset) clears history. */
  sample(tUs: number, value: number): void {
    const cap = this.t.length;
    if (this.size > 0) {
      const last = (this.head - 1 + cap) % cap;
      if (value < this.v[last]! || tUs < this.t[last]!) this.size = 0;
      else if (tUs === this.t[last]!) {
        this.v[last] = value;
        return;
      }
    }
    this.t[this.head] = tUs;
    this.v[this.head] = value;
    this.head = (this.head + 1) % cap;
    if (this.size < cap) this.size++;
  }

  /**
   * Per second over the window ending at the newest sample: from the newest sample at least a
   * window older (or the oldest kept) to the newest. 0 with fewer than two samples.
   */
  rate(): number {
    if (this.size < 2) return 0;
    const cap = this.t.length;
    const newest = (this.head - 1 + cap) % cap;
    const tN = this.t[newest]!;
    const vN = this.v[newest]!;
    let from = (this.head - this.size + cap) % cap;
    // Walk back from the newest to the last sample at or before the window's start.
    for (let i = 1; i < this.size; i++) {
      const j = (newest - i + cap) % cap;
      if (tN - this.t[j]! >= this.windowUs) {
        from = j;
        break;
      }
    }
    const dt = tN - this.t[from]!;
    if (dt <= 0) return 0;
    return this.lumpyRate(newest) ?? ((vN - this.v[from]!) * 1e6) / dt;
  }

  /**
   * A counter that moves in lumps, at fewer than half the snapshots (a kernel on a slow GPU:
   * batches of 1–130 rows landing 16–500 ms apart, or 1,024 rows every 0.9 s), read anything from
   * 0/s to twice its throughput by turns over a half-second window. Its rate is then measured from
   * lump to lump over its last `LUMP_COUNT` lumps within `LUMP_SPAN_US`: steady, and exact for
   * even lumps. Null (the window's rate applies) for a counter that moves at half the snapshots or
   * more (smooth: and one that stops falls to 0 over the window as before), with fewer than two
   * lumps in that span, or once the next lump is overdue (the counter stopped: the window then
   * reads 0 within half a second, so a rate still falls to 0 within 2 s).
   */
  private lumpyRate(newest: number): number | null {
    const cap = this.t.length;
    const tN = this.t[newest]!;
    let changes = 0;
    let lastT = 0;
    let lastV = 0;
    let lastAt = 0;
    let firstT = 0;
    let firstV = 0;
    let firstAt = 0;
    // The run of changes at consecutive samples the walk is in, and what was counted before it.
    let run = 0;
    let prevAt = -2;
    let baseCount = 0;
    let baseT = 0;
    let baseV = 0;
    let baseAt = 0;
    for (let i = 0; i < this.size - 1; i++) {
      const j = (newest - i + cap) % cap;
      const prev = (j - 1 + cap) % cap;
      if (tN - this.t[j]! > LUMP_SPAN_US) break;
      if (this.v[j]! > this.v[prev]!) {
        if (i === prevAt + 1) run++;
        else {
          run = 1;
          baseCount = changes;
          baseT = firstT;
          baseV = firstV;
          baseAt = firstAt;
        }
        prevAt = i;
        if (changes === 0) {
          lastT = this.t[j]!;
          lastV = this.v[j]!;
          lastAt = i;
        }
        firstT = this.t[j]!;
        firstV = this.v[j]!;
        firstAt = i;
        changes++;
        // Three snapshots in a row moved: smooth traffic, before the lumps (a kernel on a slow
        // GPU landing its last batches after the traffic stopped). Lumps are measured after it
        // only, three at least: two pipelined batches landing 48 ms apart, measured with the
        // smooth tail behind them, had read 51 K/s for a kernel processing 2 K/s.
        if (run >= 3) {
          if (baseCount < 3) return null;
          changes = baseCount;
          firstT = baseT;
          firstV = baseV;
          firstAt = baseAt;
          break;
        }
        // Enough lumps to measure by; a smooth counter stops here after about as many samples.
        if (changes >= LUMP_COUNT) break;
      }
    }
    if (changes < 2) return null;
    // Moved at half the snapshots between its newest and oldest lump counted, or more: smooth.
    if (2 * (changes - 1) >= firstAt - lastAt) return null;
    const span = lastT - firstT;
    const gap = span / (changes - 1);
    if (tN - lastT > Math.min(LUMP_SPAN_US, Math.max(this.windowUs, 1.5 * gap))) return null;
    return ((lastV - firstV) * 1e6) / span;
  }

  /**
   * Forgets the history: the counter reads `value` at `tUs` (0: it was reset, or is new then; a
   * counter that goes on, such as the generator's over its runs, is measured from where it is).
   */
  restart(tUs: number, value = 0): void {
    this.size = 0;
    this.sample(tUs, value);
  }
}

/**
 * The most a queue held at once over the last half second (0.25–0.5 s), from the window peaks
 * the queue reports whenever it is read (`takeWindowPeak`). Under steady load a queue fills and
 * is drained within each engine slice, so its depth read at a snapshot is 0; this is how full it
 * got in between. Two buckets of a quarter second each, in engine time: a peak stays readable
 * for at least a quarter second whatever the snapshot rate, and once the queue stays shallow
 * the value falls back to its depth within half a second.
 *
 * @example
 * const w = new PeakWindow();
 * w.add(0, 600);        // 600
 * w.add(300_000, 0);    // 600: the last quarter second's bucket still holds it
 * w.add(600_000, 0);    // 0
 */
export class PeakWindow {
  private prev = 0;
  private cur = 0;
  private since = -Infinity;

  constructor(readonly bucketUs = RATE_WINDOW_US / 2) {}

  /** Folds in `peak` (the most held since the previous read) at engine time `tUs`; returns the window's peak. */
  add(tUs: number, peak: number): number {
    const elapsed = tUs - this.since;
    if (elapsed < 0) {
      // Engine time went back (a new engine): start afresh.
      this.prev = 0;
      this.cur = peak;
      this.since = tUs;
    } else if (elapsed >= this.bucketUs) {
      // The current bucket closes; one older than a whole window is forgotten.
      this.prev = elapsed < 2 * this.bucketUs ? this.cur : 0;
      this.cur = peak;
      this.since = tUs;
    } else if (peak > this.cur) this.cur = peak;
    return Math.max(this.prev, this.cur);
  }
}
