import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../engine/protocol';
import { createMetricsHistory } from './metricsHistory';

const snap = (kernels: { id: string; depth: number }[], dispatched: number) =>
  ({
    metrics: {
      messagesDispatched: dispatched,
      messagesDelivered: dispatched,
      unknownTypeErrors: 0,
      deliveryErrors: 0,
    },
    latency: { p50Us: 1, p99Us: 2, samples: 1 },
    kernels: kernels.map((k) => ({ id: k.id, ratePerSec: 10, queueDepth: k.depth })),
  }) as unknown as EngineSnapshot;

describe('metrics history', () => {
  it('derives rates from counter deltas at most ten times a second', () => {
    const h = createMetricsHistory();
    h.ingest(snap([{ id: 'a', depth: 1 }], 0), 0);
    h.ingest(snap([{ id: 'a', depth: 1 }], 50), 50); // too soon: skipped
    h.ingest(snap([{ id: 'a', depth: 1 }], 100), 1000);
    expect(h.length()).toBe(2);
    const v = h.view('rates');
    expect(v.names).toEqual(['dispatched/s', 'delivered/s', 'failed/s']);
    expect(v.data[1]?.[1]).toBe(100);
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

  it('ends the charts at 0 once idle snapshots arrive after traffic (issue 13, point 1)', () => {
    const h = createMetricsHistory();
    const at = (dispatched: number, rate: number) =>
      ({
        ...snap([{ id: 'a', depth: 0 }], dispatched),
        kernels: [{ id: 'a', ratePerSec: rate, queueDepth: 0 }],
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
});
