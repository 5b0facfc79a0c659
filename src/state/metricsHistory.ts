/**
 * Ten minutes of metrics at 10 samples a second, in preallocated typed arrays (no allocation per
 * sample). Rates are derived from counter deltas between samples.
 */
import type { EngineSnapshot } from '../engine/protocol';

export const HISTORY_SECONDS = 600;
export const SAMPLES_PER_SECOND = 10;
const CAP = HISTORY_SECONDS * SAMPLES_PER_SECOND;

export interface Series {
  name: string;
  values: Float64Array;
}

export interface MetricsHistory {
  ingest(s: EngineSnapshot, wallMs: number): void;
  /** Aligned arrays for uPlot: [timeSeconds, ...series] (copies of the live window). */
  view(kind: 'rates' | 'kernels' | 'depths' | 'latency'): { names: string[]; data: Float64Array[] };
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
  let last: { t: number; dispatched: number; delivered: number; failed: number } | null = null;
  let lastSampleMs = -Infinity;
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
      const dt = last ? t - last.t : 0;
      const rate = (now: number, prev: number) => (dt > 0 ? Math.max(0, (now - prev) / dt) : 0);
      series(fixed, 'dispatched/s')[i] = last
        ? rate(s.metrics.messagesDispatched, last.dispatched)
        : 0;
      series(fixed, 'delivered/s')[i] = last
        ? rate(s.metrics.messagesDelivered, last.delivered)
        : 0;
      series(fixed, 'failed/s')[i] = last ? rate(failed, last.failed) : 0;
      series(fixed, 'p50 µs')[i] = s.latency.p50Us;
      series(fixed, 'p99 µs')[i] = s.latency.p99Us;
      const seen = new Set<string>();
      for (const k of s.kernels) {
        series(kernelRate, k.id)[i] = k.ratePerSec;
        series(kernelDepth, k.id)[i] = k.queueDepth;
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
      last = {
        t,
        dispatched: s.metrics.messagesDispatched,
        delivered: s.metrics.messagesDelivered,
        failed,
      };
    },
    view(kind) {
      const order = (a: Float64Array) => {
        const out = new Float64Array(n);
        for (let j = 0; j < n; j++) out[j] = a[(start + j) % CAP] ?? NaN;
        return out;
      };
      const pick: [string, Float64Array][] =
        kind === 'rates'
          ? ['dispatched/s', 'delivered/s', 'failed/s'].map((k) => [k, series(fixed, k)])
          : kind === 'latency'
            ? ['p50 µs', 'p99 µs'].map((k) => [k, series(fixed, k)])
            : [...(kind === 'kernels' ? kernelRate : kernelDepth).entries()];
      return { names: pick.map(([k]) => k), data: [order(time), ...pick.map(([, a]) => order(a))] };
    },
    length: () => n,
    reset() {
      time = new Float64Array(CAP);
      n = 0;
      start = 0;
      fixed.clear();
      kernelRate.clear();
      kernelDepth.clear();
      lastSeen.clear();
      sampleNo = 0;
      last = null;
    },
  };
}
