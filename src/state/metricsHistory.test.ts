import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../engine/protocol';
import { createMetricsHistory } from './metricsHistory';

const snap = (
  kernels: { id: string; depth: number }[],
  dispatched: number,
  timeUs = 0,
  lettered?: number,
) =>
  ({
    timeUs,
    deadLetters: lettered === undefined ? {} : { added: lettered },
    metrics: {
      messagesDispatched: dispatched,
      messagesDelivered: dispatched,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    },
    latency: { p50Us: 1, p99Us: 2, samples: 1 },
    // Drained at the snapshot's instant (depth 0), `depth` at most in the half second before.
    kernels: kernels.map((k) => ({ id: k.id, ratePerSec: 10, queueDepth: 0, peakQueued: k.depth })),
  }) as unknown as EngineSnapshot;

describe('metrics history', () => {
  it('derives rates from counter deltas at most ten times a second', () => {
    const h = createMetricsHistory();
    h.ingest(snap([{ id: 'a', depth: 1 }], 0, 0), 0);
    h.ingest(snap([{ id: 'a', depth: 1 }], 50, 50_000), 50); // too soon: skipped
    h.ingest(snap([{ id: 'a', depth: 1 }], 100, 1_000_000), 1000);
    expect(h.length()).toBe(2);
    const v = h.view('rates');
    expect(v.names).toEqual(['dispatched/s', 'delivered/s', 'failed/s', 'dead-lettered/s']);
    expect(v.data[1]?.[1]).toBe(100);
  });

  it('charts letters of every reason a second, which the dispatcher counts no failure for', () => {
    // A dropOldest queue evicting 2,000 a second: every send delivered, no delivery error, and
    // the letters only in the dead-letter count.
    const h = createMetricsHistory();
    for (let k = 0; k <= 20; k++) h.ingest(snap([], k * 10_000, k * 100_000, k * 200), k * 100);
    const v = h.view('rates');
    const at = (name: string) => v.data[v.names.indexOf(name) + 1]!.at(-1);
    expect(at('failed/s')).toBe(0);
    expect(at('dead-lettered/s')).toBeCloseTo(2000, 6);
    // Reset counters: the count goes back, and the rate over no time is a gap, not a dive.
    h.ingest(snap([], 210_000, 2_100_000, 0), 2100);
    expect(h.view('rates').data[4]!.at(-1)).toBeNaN();
    // A snapshot without the count (a recording made before it): a gap, not a rate of 0.
    const old = createMetricsHistory();
    for (let k = 0; k <= 20; k++) old.ingest(snap([], k * 10_000, k * 100_000), k * 100);
    expect(old.view('rates').data[4]!.at(-1)).toBeNaN();
    // Idle too (the engine's clock standing still reads the other rates 0, not this one).
    for (let k = 21; k <= 25; k++) old.ingest(snap([], 200_000, 2_000_000), k * 100);
    expect(old.view('rates').data[1]!.at(-1)).toBe(0);
    expect(old.view('rates').data[4]!.at(-1)).toBeNaN();
  });

  /** Rates of a steady 3 M/s, one snapshot per 100 ms of engine time, arriving with `arrive(k)`. */
  const steady = (arrive: (k: number) => number, counts: (k: number) => number, n = 40) => {
    const h = createMetricsHistory();
    for (let k = 0; k < n; k++) h.ingest(snap([], counts(k), k * 100_000), arrive(k));
    return Array.from(h.view('rates').data[1]!);
  };

  it('times rates by the engine clock, not by when snapshots reach the page', () => {
    // Arrivals late by 0-45 ms (a busy main thread): by arrival gaps the rate would swing.
    const late = [0, 45, 5, 30, 0, 40, 10];
    const rates = steady(
      (k) => k * 100 + late[k % late.length]!,
      (k) => k * 300_000,
    );
    const shown = rates.slice(1);
    expect(shown.length).toBeGreaterThan(20);
    for (const r of shown) expect(r).toBeCloseTo(3_000_000, 0);
  });

  it('averages a bursty engine over a second, and falls to 0 a second after traffic stops', () => {
    // The engine works in slices: 600 K in one 100 ms, nothing in the next, 3 M/s on average.
    const burst = (k: number) => Math.ceil(k / 2) * 600_000;
    const rates = steady((k) => k * 100, burst, 30);
    // From a second in, every rate covers a whole number of slice pairs: exactly 3 M/s.
    for (const r of rates.slice(10)) expect(r).toBeCloseTo(3_000_000, 0);
    // Stopped after sample 29: the counter stands still.
    const h = createMetricsHistory();
    for (let k = 0; k < 30; k++) h.ingest(snap([], burst(k), k * 100_000), k * 100);
    const stopAt = burst(29);
    for (let k = 30; k < 41; k++) h.ingest(snap([], stopAt, k * 100_000), k * 100);
    const after = Array.from(h.view('rates').data[1]!).slice(30);
    expect(after[0]).toBeGreaterThan(0);
    expect(after.at(-1)).toBe(0);
    for (let j = 1; j < after.length; j++) expect(after[j]!).toBeLessThanOrEqual(after[j - 1]!);
  });

  it('starts its rate window afresh when the counters are reset or the engine restarts', () => {
    const h = createMetricsHistory();
    for (let k = 0; k < 12; k++) h.ingest(snap([], k * 1000, k * 100_000), k * 100);
    h.ingest(snap([], 0, 1_200_000), 1200); // counters reset
    h.ingest(snap([], 500, 1_300_000), 1300);
    h.ingest(snap([], 900, 50_000), 1400); // a new engine: its clock is behind
    h.ingest(snap([], 1100, 150_000), 1500);
    const r = Array.from(h.view('rates').data[1]!);
    expect(r[11]).toBeCloseTo(10_000, 6);
    const after = r.slice(12);
    expect(after).toHaveLength(4);
    // Right after the reset and the restart: a gap, not a dive to 0 (the counters went back;
    // the rate over no time is unknown).
    expect(after[0]).toBeNaN();
    expect(after[1]).toBeCloseTo(5000, 6);
    expect(after[2]).toBeNaN();
    expect(after[3]).toBeCloseTo(2000, 6);
  });

  it('draws a gap for a kernel that is gone instead of its old values', () => {
    const h = createMetricsHistory();
    h.ingest(
      snap(
        [
          { id: 'a', depth: 7 },
          { id: 'b', depth: 9 },
        ],
        0,
      ),
      0,
    );
    h.ingest(snap([{ id: 'a', depth: 7 }], 0), 1000);
    const v = h.view('depths');
    const b = v.data[v.names.indexOf('b') + 1]!;
    expect(b[0]).toBe(9);
    expect(Number.isNaN(b[1]!)).toBe(true);
  });

  it('leaves a gone kernel out of the key once it has no value in the window shown', () => {
    // The demo's four kernels stayed in the key of a 36-kernel config loaded after them (QA).
    const h = createMetricsHistory();
    const both = [
      { id: 'a', depth: 1 },
      { id: 'gone', depth: 2 },
    ];
    h.ingest(snap(both, 0, 0), 0);
    for (let k = 1; k <= 700; k++) h.ingest(snap([{ id: 'a', depth: 1 }], 0, k * 100_000), k * 100);
    // 70 s on: the last minute has no value of it; the ten minutes kept still do.
    expect(h.view('kernels', 60).names).toEqual(['a']);
    expect(h.view('depths', 60).names).toEqual(['a']);
    expect(h.view('kernels', 600).names).toEqual(['a', 'gone']);
    expect(h.view('kernels').names).toEqual(['a', 'gone']);
  });

  it('charts how full each queue got, not its depth at the instant of the snapshot', () => {
    const h = createMetricsHistory();
    h.ingest(snap([{ id: 'a', depth: 612 }], 0), 0);
    const v = h.view('depths');
    expect(v.names).toEqual(['a']);
    expect(v.data[1]?.[0]).toBe(612);
  });

  it('ends the charts at 0 once idle snapshots arrive after traffic (issue 13, point 1)', () => {
    const h = createMetricsHistory();
    const at = (dispatched: number, rate: number) =>
      ({
        ...snap([{ id: 'a', depth: 0 }], dispatched),
        kernels: [{ id: 'a', ratePerSec: rate, queueDepth: 0, peakQueued: 0 }],
      }) as unknown as EngineSnapshot;
    h.ingest(at(0, 0), 0);
    h.ingest(at(5000, 5000), 1000);
    // Stopped: the counters stand still and the engine's rate has fallen to 0.
    h.ingest(at(5000, 0), 1100);
    h.ingest(at(5000, 0), 1200);
    const last = (kind: 'rates' | 'kernels') => {
      const d = h.view(kind).data[1]!;
      return d[d.length - 1];
    };
    expect(last('rates')).toBe(0);
    expect(last('kernels')).toBe(0);
  });

  it('draws no latency while there are no samples, instead of 0 µs', () => {
    const h = createMetricsHistory();
    const at = (samples: number, t: number) =>
      h.ingest(
        {
          ...snap([], 0),
          latency: { p50Us: samples ? 300 : 0, p99Us: samples ? 900 : 0, samples },
        } as EngineSnapshot,
        t,
      );
    at(10, 0);
    at(0, 1000);
    const [, p50, p99] = h.view('latency').data;
    expect([p50![0], p99![0]]).toEqual([300, 900]);
    expect([p50![1], p99![1]]).toEqual([NaN, NaN]);
  });

  it('draws no latency where nothing was processed since the last point', () => {
    const h = createMetricsHistory();
    // The engine keeps its last percentiles for 2 s after traffic stops: the chart drew them on
    // as a flat line, as if messages were still taking 775 µs.
    const at = (processed: number, t: number) =>
      h.ingest(
        {
          ...snap([], 0),
          kernels: [{ id: 'k', ratePerSec: 0, peakQueued: 0, processed }],
          latency: { p50Us: 775, p99Us: 2357, samples: 8192 },
        } as unknown as EngineSnapshot,
        t,
      );
    at(1000, 0);
    at(2000, 100);
    at(2000, 200);
    at(2000, 300);
    at(2500, 400);
    const [, p50, p99] = h.view('latency').data;
    expect([...p50!]).toEqual([775, 775, NaN, NaN, 775]);
    expect(p99![2]).toBeNaN();
  });
});
