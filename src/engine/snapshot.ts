/**
 * The snapshot builder: what the live panels and `window.workbench.snapshot()` read. Rates come
 * from `RateMeter`s over the last half second, so they read 0 within a second of the last message;
 * a kernel's queued messages and its messages in flight on a backend are reported apart, so a
 * queue never reads above its capacity.
 */
import type { EdgeAcc, EngineCore } from './context';
import type { DeadLetters } from './dead-letters';
import type { KernelHost } from './kernel-host';
import type { EngineSnapshot, KernelPlacement } from './protocol';
import type { KernelState } from './kernel-state';
import { formatCount } from './format';
import { RateMeter } from './rate';
import type { HandSend } from './hand-send';
import type { Traffic } from './traffic';

/** A kernel is under back-pressure from this fill level on. */
const BACKPRESSURE_FILL = 0.75;
/** How long a kernel stays marked after its last refused or evicted message, µs. */
const BACKPRESSURE_HOLD_US = 1_000_000;
/**
 * Latency percentiles are recomputed at most this often (engine µs): the page charts them 10
 * times a second, and recomputing them for each of ~60 snapshots a second cost 2.5 % of the
 * saturated worker.
 */
const LATENCY_EVERY_US = 100_000;

export class SnapshotBuilder {
  private seq = 0;
  private readonly injected = new RateMeter();
  private readonly processed = new RateMeter();
  private readonly lettered = new RateMeter();
  private readonly generated = new RateMeter();
  private runStartedUs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly c: EngineCore,
    private readonly host: KernelHost,
    private readonly letters: DeadLetters,
    private readonly traffic: Traffic,
    private readonly hand: HandSend,
  ) {}

  /**
   * The counters Reset counters sets to 0 restart their rates from 0. Not the generator's: its
   * count goes on over runs and resets, and restarted at 0 it read everything sent before the
   * reset as sent in one snapshot (72.9 K/s for 1,000/s asked).
   */
  resetRates(nowUs: number): void {
    for (const m of [this.injected, this.processed, this.lettered]) m.restart(nowUs);
  }

  /**
   * A kernel's placement, and, while a move waits for what is out on its runtime to come back
   * (`KernelState.moving`), that too: back on `auto` from a forced WebGPU, every panel said it ran
   * on WebGPU beside a reason that said its twin was faster, for the 2–7 s its batches took to
   * land on a software adapter.
   */
  private placementOf(k: KernelState, quiet: boolean): KernelPlacement {
    const p = k.placement.snapshot(quiet);
    if (!k.moving) return p;
    const onGpu = this.host.backendOf(k) === 'webgpu';
    const rows = k.inFlight;
    const to = onGpu ? 'its CPU twin' : 'WebGPU';
    return {
      ...p,
      reason: `${p.reason} Moving to ${to} once ${rows > 0 ? `the ${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} out on ${onGpu ? 'WebGPU' : 'the twin'} come back` : 'what is out comes back'}.`,
    };
  }

  build(): EngineSnapshot {
    const c = this.c;
    const now = c.nowUs;
    c.noteSnapshot(now);
    c.receipts.refill(now);
    const kernels: EngineSnapshot['kernels'] = [];
    const edges: EngineSnapshot['edges'] = [];
    const edgeOut = (e: EdgeAcc): void => {
      e.meter.sample(now, e.total);
      edges.push({
        source: e.source,
        target: e.target,
        ratePerSec: e.meter.rate(),
        total: e.total,
      });
    };
    for (const k of c.kernels.values()) {
      k.meter.sample(now, k.processed);
      const st = k.ep.queueStats();
      const fallbackReason = this.host.fallbackReasonOf(k);
      const queued = k.ep.pendingCount();
      const capacity = k.ep.capacity;
      // Never below `queued`: the queue's window peak counts what it holds now. Never above
      // the capacity either: a full queue shrunk had read "≤1,024 / 64" for half a second.
      const peakQueued = Math.min(capacity, k.peak.add(now, k.ep.takeQueueWindowPeak()));
      // Losses mark a kernel for a second after the last: a kernel on a slow GPU loses in lumps
      // (its queue fills while a batch is out, then empties into the next), so the mark of
      // "refused since the previous snapshot" came and went, and a page sampling now and then
      // read false throughout 10 K/s of dead letters.
      if (k.dropped > k.lastDropped) k.lastDropUs = now;
      k.lastDropped = k.dropped;
      const rate = k.meter.rate();
      const backpressure =
        queued >= capacity * BACKPRESSURE_FILL || now - k.lastDropUs < BACKPRESSURE_HOLD_US;
      kernels.push({
        id: k.cfg.id,
        backend: this.host.backendOf(k),
        behavior: k.cfg.behavior,
        tenantId: k.cfg.tenantId,
        queueDepth: queued,
        queued,
        inFlight: k.inFlight,
        peakQueued,
        maxDepth: Math.max(k.maxDepthBefore, st.maxDepth),
        capacity,
        processed: k.processed,
        dropped: k.dropped,
        deadLettered: k.deadLettered,
        lettersHeld: k.lettersHeld,
        lettersByReason: { ...k.lettersByReason },
        emitted: k.emitted,
        ratePerSec: rate,
        backpressure,
        placement: this.placementOf(k, queued === 0 && k.inFlight === 0 && rate === 0),
        ...(fallbackReason === undefined ? {} : { fallbackReason }),
      });
      for (const e of k.edges.values()) edgeOut(e);
      for (const e of k.emits.values()) edgeOut(e);
    }
    for (const t of c.types) for (const e of t.edges.values()) edgeOut(e);
    const failedByStatus: Record<string, number> = {};
    let failedSum = 0;
    for (const [why, n] of c.failed) {
      failedByStatus[why] = n;
      failedSum += n;
    }
    const queued = c.queuedNow();
    const inFlight = c.inFlightTotal;
    const removedKernels = c.removedKernels.row();
    const held = c.broker.deadLetters.size;
    const entered = c.injected + c.emitted + c.carriedOver;
    const recentLetters = this.letters.takeRecent();
    const gpuEvents = c.recentNotices;
    c.recentNotices = [];
    this.injected.sample(now, c.injected);
    this.processed.sample(now, c.processed);
    this.lettered.sample(now, c.lettered);
    const ba = c.broker.accounting();
    // A new run (Start, or a new rate asked while running) is measured from its start: the
    // window's half second of the run before read as a surge, "1.44 M/s · catching up" beside
    // 200 K/s asked after a step down from 2 M/s.
    if (this.traffic.runStartedUs !== this.runStartedUs) {
      this.runStartedUs = this.traffic.runStartedUs;
      this.generated.restart(this.runStartedUs, this.traffic.emittedBefore);
    }
    this.generated.sample(now, this.traffic.totalEmitted);
    const generator = { ...this.traffic.snapshot(), ratePerSec: this.generated.rate() };
    return {
      seq: ++this.seq,
      timeUs: now,
      idle:
        !generator.running &&
        !this.letters.pacing &&
        this.hand.sending === null &&
        queued === 0 &&
        inFlight === 0,
      rates: {
        injectedPerSec: this.injected.rate(),
        processedPerSec: this.processed.rate(),
        deadLetteredPerSec: this.lettered.rate(),
      },
      injected: c.injected,
      ...(this.hand.sending ? { sending: { ...this.hand.sending } } : {}),
      metrics: c.dispatcher.metrics(),
      receipts: {
        total: c.receipts.total,
        byStatus: c.receipts.byStatusRecord(),
        sampledOut: c.receipts.sampledOut,
        pending: c.receipts.pending,
        failedLater: c.receipts.failedLater,
        recent: c.receipts.drain(),
      },
      kernels,
      edges,
      deadLetters: {
        count: held,
        added: c.lettered,
        capacity: c.broker.deadLetters.maxSize,
        evicted: this.letters.evicted,
        refusedCrossTenant: this.letters.refusedCrossTenant,
        recent: recentLetters,
        redrive: this.letters.redriveProgress(),
      },
      accounting: {
        injected: c.injected,
        emitted: c.emitted,
        carriedOver: c.carriedOver,
        ...(c.countersSinceUs === null ? {} : { sinceUs: c.countersSinceUs }),
        processed: c.processed,
        toHost: c.toHost,
        queued,
        inFlight,
        failedByStatus,
        deadLettered: held,
        ...(removedKernels ? { removedKernels } : {}),
        balanced: entered === c.processed + queued + inFlight + failedSum + held,
      },
      latency: c.latency.reading(now, LATENCY_EVERY_US),
      generator,
      configName: c.config.name,
      gpuEvents,
      broker: {
        in: ba.in,
        received: ba.received,
        queued: ba.queued,
        deadLettered: ba.deadLettered,
        balanced: ba.balanced,
      },
      traced: c.traces.count,
    };
  }
}
