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
    return ((vN - this.v[from]!) * 1e6) / dt;
  }

  reset(): void {
    this.size = 0;
  }
}
