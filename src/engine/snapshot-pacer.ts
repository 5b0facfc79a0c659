/**
 * How many snapshots the worker posts ahead of the page. Each snapshot the page has taken is
 * acknowledged (`SnapshotAck`, by its `seq`); the worker posts the next only while fewer than
 * `ahead` are unacknowledged. Why: a busy page (a laptop under load, the CPU throttled 8x in
 * Chromium's devtools) took snapshots more slowly than the worker's 16 ms, and they queued in its
 * event loop without bound: panels showed numbers 1.5–4.7 s old as live (their age counted from
 * when the page got to them), and a Stop waited behind the queue for 2 s while the generator went
 * on. What happens while one is held back goes out with the next (rows and counts accumulate in
 * the engine until then).
 *
 * Sixteen, about 250 ms of snapshots: a page that stalls for a frame or two (the first Start's
 * 150–230 ms frames on this machine) still gets every one on time. Held at two, those frames had
 * left gaps of 120–230 ms between snapshots by the engine's clock (30–50 ms unpaced), over the
 * 100 ms the live engine must keep to.
 *
 * A page that says nothing for `timeoutMs` (an acknowledgement lost) gets the next snapshot
 * anyway, so pacing can slow the snapshots down but never stop them.
 */
export class SnapshotPacer {
  /** Seqs posted and not yet acknowledged, oldest first, with when each was posted. */
  private readonly seqs: number[] = [];
  private readonly times: number[] = [];

  constructor(
    private readonly ahead = 16,
    private readonly timeoutMs = 1000,
  ) {}

  /** Whether a snapshot may go out now (ms, the worker's clock). */
  mayPost(nowMs: number): boolean {
    if (this.seqs.length < this.ahead) return true;
    if (nowMs - (this.times[0] ?? nowMs) < this.timeoutMs) return false;
    // Silent for too long: forget what is outstanding and go on.
    this.seqs.length = 0;
    this.times.length = 0;
    return true;
  }

  posted(seq: number, nowMs: number): void {
    this.seqs.push(seq);
    this.times.push(nowMs);
  }

  /** The page took snapshot `seq` (and, snapshots arriving in order, every one before it). */
  acked(seq: number): void {
    let n = 0;
    while (n < this.seqs.length && (this.seqs[n] ?? Infinity) <= seq) n++;
    this.seqs.splice(0, n);
    this.times.splice(0, n);
  }

  /** Snapshots out and not acknowledged. */
  get outstanding(): number {
    return this.seqs.length;
  }
}
