/**
 * Ten minutes of metrics at 10 samples a second, in preallocated typed arrays (no allocation per
 * sample).
 *
 * The dispatcher's rates are counter deltas over the last second of engine time
 * (`RATE_WINDOW_SECONDS`), not over the gap between two arrivals at the page: snapshots reach the
 * page with the main thread's and the worker's jitter, and the engine works in slices, so a rate
 * over one 100 ms gap read between 0.4x and 2x of a steady 2 M/s generator's (5th and 95th
 * percentiles; 0.03x to 2.7x at the extremes). Once the counters stand still the rate reaches 0
 * a second later.
 */
import type { EngineSnapshot } from '../engine/protocol';

export const HISTORY_SECONDS = 600;
export const SAMPLES_PER_SECOND = 10;
const CAP = HISTORY_SECONDS * SAMPLES_PER_SECOND;
/** Dispatcher rates are averaged over this much engine time (the engine's own rates use 0.5 s). */
export const RATE_WINDOW_SECONDS = 1;
/** Samples the rate window keeps: a second's worth and room for a late sample. */
const WINDOW = SAMPLES_PER_SECOND * RATE_WINDOW_SECONDS + 6;

/** The rates chart's lines, in the order drawn. */
export const RATE_SERIES = ['dispatched/s', 'delivered/s', 'failed/s', 'dead-lettered/s'] as const;

export interface Series {
  name: string;
  values: Float64Array;
}

export interface MetricsHistory {
  ingest(s: EngineSnapshot, wallMs: number): void;
  /**
   * Aligned arrays for uPlot: [timeSeconds, ...series] (copies of the live window). A kernel's
   * series with no value in the last `windowSec` (a kernel gone since: deleted, or its config
   * replaced) is left out, so the key names only the lines the chart can show.
   */
  view(
    kind: 'rates' | 'kernels' | 'depths' | 'latency',
    windowSec?: number,
  ): { names: string[]; data: Float64Array[] };
  length(): number;
  reset(): void;
}

export function createMetricsHistory(): MetricsHistory {
  let time = new Float64Array(CAP);
  let n = 0;
  let start = 0;
  const fixed = new Map<string, Float64Array>();
  const kernelRate = new Map<string, Float64Array>();
  const kernelDepth = new Map<string, Float64Array>();
  // The rate window: engine time (s) and the counters of the latest samples, a ring.
  const wTime = new Float64Array(WINDOW);
  const wDispatched = new Float64Array(WINDOW);
  const wDelivered = new Float64Array(WINDOW);
  const wFailed = new Float64Array(WINDOW);
  const wLettered = new Float64Array(WINDOW);
  let wHead = 0;
  let wCount = 0;
  /** Counters or time went back (reset, new engine) and the window spans no time yet. */
  let rateUnknown = false;
  let lastSampleMs = -Infinity;
  /** Messages the kernels had processed at the last point (latency is drawn only where it moved). */
  let lastProcessed = -1;
  const lastSeen = new Map<string, number>();
  let sampleNo = 0;

  const series = (map: Map<string, Float64Array>, key: string) => {
    let a = map.get(key);
    if (!a) {
      a = new Float64Array(CAP).fill(NaN);
      map.set(key, a);
    }
    return a;
  };
  const slot = () => (start + n) % CAP;
  /** Whether `a` has a value at a sample of the last `windowSec` (newest first, stops at the edge). */
  const shownIn = (a: Float64Array, windowSec: number): boolean => {
    if (n === 0) return false;
    const newest = (start + n - 1) % CAP;
    const from = (time[newest] ?? 0) - windowSec;
    for (let j = n - 1; j >= 0; j--) {
      const i = (start + j) % CAP;
      if ((time[i] ?? 0) < from) return false;
      if (!Number.isNaN(a[i] ?? NaN)) return true;
    }
    return false;
  };

  return {
    ingest(s, wallMs) {
      if (wallMs - lastSampleMs < 1000 / SAMPLES_PER_SECOND) return;
      lastSampleMs = wallMs;
      const t = wallMs / 1000;
      const failed = s.metrics.deliveryErrors + s.metrics.unknownTypeErrors;
      const i = n < CAP ? slot() : start;
      if (n === CAP) start = (start + 1) % CAP;
      else n++;
      time[i] = t;
      const te = s.timeUs / 1e6;
      const dispatched = s.metrics.messagesDispatched;
      const delivered = s.metrics.messagesDelivered;
      // Letters of every reason: a dropOldest queue's evictions, a kernel's failures and the
      // broker's refusals are letters the dispatcher's failed/s never counts (it read 0 while the
      // aggregator's queue pushed thousands a second out). NaN from a snapshot without the count.
      const lettered = s.deadLetters.added ?? NaN;
      // A new engine or reset counters (time or a counter going back) starts the window afresh,
      // and the rate is a gap until the window spans some time: drawn as 0, Reset counters dived
      // from 1.25 M/s to 0 and back. An idle engine whose clock stands still starts it afresh too,
      // and reads 0 (nothing moved).
      if (wCount > 0) {
        const newest = (wHead + wCount - 1) % WINDOW;
        const back =
          te < wTime[newest]! ||
          dispatched < wDispatched[newest]! ||
          delivered < wDelivered[newest]! ||
          failed < wFailed[newest]! ||
          lettered < wLettered[newest]!;
        if (back) rateUnknown = true;
        if (back || !(te > wTime[newest]!)) wCount = 0;
      }
      if (wCount === WINDOW) {
        wHead = (wHead + 1) % WINDOW;
        wCount--;
      }
      const at = (wHead + wCount) % WINDOW;
      wTime[at] = te;
      wDispatched[at] = dispatched;
      wDelivered[at] = delivered;
      wFailed[at] = failed;
      wLettered[at] = lettered;
      wCount++;
      // The base: the newest sample at least a window older than this one, else the oldest.
      let base = wHead;
      for (let j = 1; j < wCount - 1; j++) {
        const k = (wHead + j) % WINDOW;
        if (te - wTime[k]! >= RATE_WINDOW_SECONDS - 1e-9) base = k;
        else break;
      }
      const dt = te - wTime[base]!;
      if (dt > 0) rateUnknown = false;
      // A counter the snapshot lacks (NaN) is a gap whatever the window, idle too.
      const rate = (now: number, prev: number) =>
        Number.isNaN(now) ? NaN : dt > 0 ? (now - prev) / dt : rateUnknown ? NaN : 0;
      series(fixed, 'dispatched/s')[i] = rate(dispatched, wDispatched[base]!);
      series(fixed, 'delivered/s')[i] = rate(delivered, wDelivered[base]!);
      series(fixed, 'failed/s')[i] = rate(failed, wFailed[base]!);
      series(fixed, 'dead-lettered/s')[i] = rate(lettered, wLettered[base]!);
      // No samples (traffic stopped a while ago): a gap, not 0 µs, which read as instant work.
      // Nothing processed since the last point: a gap too. The engine keeps its last
      // percentiles for 2 s after traffic stops, and the chart drew them on as a flat line, as if
      // messages were still taking that long.
      let processed = 0;
      for (const k of s.kernels) processed += k.processed;
      const noLatency = s.latency.samples === 0 || processed === lastProcessed;
      lastProcessed = processed;
      series(fixed, 'p50')[i] = noLatency ? NaN : s.latency.p50Us;
      series(fixed, 'p99')[i] = noLatency ? NaN : s.latency.p99Us;
      const seen = new Set<string>();
      for (const k of s.kernels) {
        series(kernelRate, k.id)[i] = k.ratePerSec;
        // How full the queue got over the last half second, not its depth at the snapshot's
        // instant: under steady load that is 0 while the queue fills to hundreds between drains.
        series(kernelDepth, k.id)[i] = k.peakQueued;
        seen.add(k.id);
        lastSeen.set(k.id, sampleNo);
      }
      // A kernel that is gone (deleted, renamed) draws a gap from now on, not its old values at
      // new times once the ring wraps; its series leaves when its last value has scrolled out.
      for (const [id, a] of kernelRate) {
        if (seen.has(id)) continue;
        a[i] = NaN;
        const d = kernelDepth.get(id);
        if (d) d[i] = NaN;
        if ((lastSeen.get(id) ?? 0) + CAP <= sampleNo) {
          kernelRate.delete(id);
          kernelDepth.delete(id);
          lastSeen.delete(id);
        }
      }
      sampleNo++;
    },
    view(kind, windowSec = HISTORY_SECONDS) {
      const order = (a: Float64Array) => {
        const out = new Float64Array(n);
        for (let j = 0; j < n; j++) out[j] = a[(start + j) % CAP] ?? NaN;
        return out;
      };
      const pick: [string, Float64Array][] =
        kind === 'rates'
          ? RATE_SERIES.map((k) => [k, series(fixed, k)])
          : kind === 'latency'
            ? ['p50', 'p99'].map((k) => [k, series(fixed, k)])
            : [...(kind === 'kernels' ? kernelRate : kernelDepth).entries()].filter(([, a]) =>
                shownIn(a, windowSec),
              );
      return { names: pick.map(([k]) => k), data: [order(time), ...pick.map(([, a]) => order(a))] };
    },
    length: () => n,
    reset() {
      lastProcessed = -1;
      time = new Float64Array(CAP);
      n = 0;
      start = 0;
      fixed.clear();
      kernelRate.clear();
      kernelDepth.clear();
      lastSeen.clear();
      sampleNo = 0;
      wCount = 0;
    },
  };
}
