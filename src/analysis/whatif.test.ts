import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { runWhatIf, sharedMix } from './whatif';

const spec = { ratePerSec: 3000, pattern: 'poisson' as const, seed: 11 };

describe('runWhatIf', () => {
  // Aggregator's queue at 64, 100 K/s: "no type behaves differently" and no overflow, while the
  // live queue reached 170 in that traffic. What-if drained its queues every 1 ms of simulated
  // time; the live engine works in 8 ms slices.
  it('fills queues between drains as the live engine does: a queue of 64 at 100 K/s overflows', () => {
    const base = demoConfig();
    const other = demoConfig();
    other.kernels = other.kernels.map((k) =>
      k.id === 'aggregator' ? { ...k, queueCapacity: 64 } : k,
    );
    const r = runWhatIf({
      base,
      other,
      spec: { ratePerSec: 100_000, pattern: 'poisson', seed: 7 },
      durationMs: 500,
    });
    if (!r.ok) throw new Error(r.message);
    const agg = r.report.overflowed.find((k) => k.id === 'aggregator');
    expect(agg?.other?.overflowed).toBe(true);
    expect(agg?.base?.overflowed).toBe(false);
    expect(agg!.other!.maxDepth).toBe(64);
    expect(agg!.base!.maxDepth).toBeGreaterThan(64);
  });

  // At a capacity of 64 under 200 K/s the fixed 8 ms said 68 % of PatternChecks refused, the live
  // engine refused 17-22 %: a measured cadence (ticks about 1.5 ms apart, a longer one now and
  // then) is replayed tick by tick, and the loss follows it.
  it("replays a live engine's tick cadence: losses at a queue's limit follow its pace", () => {
    const base = demoConfig();
    const other = demoConfig();
    other.kernels = other.kernels.map((k) =>
      k.id === 'pattern_detector' ? { ...k, queueCapacity: 64 } : k,
    );
    const refused = (stepsUs?: number[]) => {
      const r = runWhatIf({
        base,
        other,
        spec: { ratePerSec: 200_000, pattern: 'poisson', seed: 42 },
        durationMs: 500,
        ...(stepsUs ? { stepsUs } : {}),
      });
      if (!r.ok) throw new Error(r.message);
      const k = r.report.other.kernels.find((x) => x.id === 'pattern_detector')!;
      return k.dropped / (k.dropped + k.processed);
    };
    const fixed = refused();
    const live = refused(Array.from({ length: 200 }, (_, i) => (i % 20 === 19 ? 8_000 : 1_200)));
    const every1ms = refused(Array.from({ length: 10 }, () => 1_000));
    expect(fixed).toBeGreaterThan(0.6);
    expect(live).toBeGreaterThan(0.02);
    expect(live).toBeLessThan(fixed / 2);
    expect(every1ms).toBeLessThan(live);
    // The same one step in turn is that step.
    expect(refused(Array.from({ length: 7 }, () => 8_000))).toBe(fixed);
  });

  it('counts the messages a smaller dropOldest queue evicted as a changed outcome of their type', () => {
    const base = demoConfig();
    const other = demoConfig();
    other.kernels = other.kernels.map((k) =>
      k.id === 'aggregator' ? { ...k, queueCapacity: 64 } : k,
    );
    const r = runWhatIf({
      base,
      other,
      spec: { ratePerSec: 100_000, pattern: 'poisson', seed: 7 },
      durationMs: 500,
    });
    if (!r.ok) throw new Error(r.message);
    // Evicted after their queue took them: "Delivered" on both sides had hidden them, and
    // AccountUpdate read as unaffected.
    const t = r.report.changed.find((c) => c.typeId === '1002');
    expect(t?.outcomeChanged).toBe(true);
    const evicted = t!.other.statuses['Delivered, then DroppedOldest'] ?? 0;
    expect(evicted).toBeGreaterThan(0);
    expect(t!.base.statuses['Delivered, then DroppedOldest']).toBeUndefined();
    expect(evicted).toBe(r.report.overflowed.find((k) => k.id === 'aggregator')!.other!.dropped);
    // The summary's receipts say so too: Delivered, of which so many failed later.
    expect(r.report.other.failedLater).toBe(evicted);
    expect(r.report.base.failedLater).toBe(0);
  });

  it('names the destination of a type whose route was removed as (no route), as the tables do', () => {
    const base = demoConfig();
    const other = demoConfig();
    other.name = 'AccountUpdate unrouted';
    other.routes = other.routes.filter((r) => r.typeId !== 1002);
    const r = runWhatIf({ base, other, spec, durationMs: 200 });
    if (!r.ok) throw new Error(r.message);
    const t = r.report.changed.find((c) => c.typeId === '1002');
    expect(t && Object.keys(t.other.destinations)).toEqual(['(no route)']);
  });

  it('reports exactly the type whose route changed, with counts moving accordingly', () => {
    const base = demoConfig();
    const other = demoConfig();
    other.name = 'AccountUpdate to the alert sink';
    other.routes = other.routes.map((r) =>
      r.typeId === 1002 ? { typeId: 1002, kernelId: 'alert_sink' } : r,
    );
    const r = runWhatIf({ base, other, spec, durationMs: 500 });
    if (!r.ok) throw new Error(r.message);
    const { report } = r;
    expect(report.changed.map((t) => t.typeId)).toEqual(['1002']);
    const t = report.changed[0]!;
    expect(t.destinationChanged).toBe(true);
    expect(Object.keys(t.base.destinations)).toEqual(['aggregator']);
    expect(Object.keys(t.other.destinations)).toEqual(['alert_sink']);
    // Same traffic on both sides: the same number of 1002s, only their destination moved.
    const n = t.base.destinations['aggregator']!;
    expect(n).toBeGreaterThan(100);
    expect(t.other.destinations['alert_sink']).toBe(n);
    expect(report.base.injected).toBe(report.other.injected);
    const aggBase = report.base.kernels.find((k) => k.id === 'aggregator')!;
    const aggOther = report.other.kernels.find((k) => k.id === 'aggregator')!;
    const sinkBase = report.base.kernels.find((k) => k.id === 'alert_sink')!;
    const sinkOther = report.other.kernels.find((k) => k.id === 'alert_sink')!;
    expect(aggBase.processed).toBe(n);
    expect(aggOther.processed).toBe(0);
    expect(sinkOther.processed - sinkBase.processed).toBe(n);
    expect(report.base.balanced && report.other.balanced).toBe(true);
    // The structural diff sits beside it and names the same route.
    expect(report.diff.routes).toEqual([expect.objectContaining({ kind: 'changed', key: '1002' })]);
    expect(report.overflowed).toEqual([]);
  });

  it('finds nothing to report for identical configs (deterministic traffic)', () => {
    const r = runWhatIf({ base: demoConfig(), other: demoConfig(), spec, durationMs: 300 });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.changed).toEqual([]);
    expect(r.report.base.byStatus).toEqual(r.report.other.byStatus);
    expect(r.report.diff.summary.identical).toBe(true);
  });

  it('shows a kernel that overflows only on one side and the outcome change it causes', () => {
    const other = demoConfig();
    other.kernels = other.kernels.map((k) =>
      k.id === 'pattern_detector' ? { ...k, queueCapacity: 4, overflowPolicy: 'deadLetter' } : k,
    );
    const r = runWhatIf({
      base: demoConfig(),
      other,
      spec: { ratePerSec: 200_000, pattern: 'bursts', burstSize: 2000, seed: 3 },
      durationMs: 50,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.overflowed.map((k) => k.id)).toEqual(['pattern_detector']);
    expect(r.report.overflowed[0]!.base!.overflowed).toBe(false);
    expect(r.report.overflowed[0]!.other!.deadLettered).toBeGreaterThan(0);
    const pc = r.report.changed.find((t) => t.typeId === '1003')!;
    expect(pc.outcomeChanged).toBe(true);
    expect(pc.other.statuses['QueueFull']).toBeGreaterThan(0);
    expect(r.report.other.byStatus['QueueFull']).toBe(pc.other.statuses['QueueFull']);
  });

  it('sends both sides the same messages when only the current config defines a type in the mix', () => {
    // A new type, defined and routed in the current config only, in the generator's mix: on the
    // other side it is unknown. Every other type must meet the same traffic on both sides.
    const base = demoConfig();
    base.messageTypes = [
      ...base.messageTypes,
      {
        typeId: 2001,
        name: 'Payment',
        fields: [
          { name: 'id', type: 'u64' },
          { name: 'amount', type: 'f32' },
          { name: 'note', type: 'bytes', size: 12 },
        ],
      },
    ];
    base.routes = [...base.routes, { typeId: 2001, kernelId: 'alert_sink' }];
    const other = demoConfig();
    const mix = [1001, 1002, 1003, 2001].map((typeId) => ({ typeId, weight: 1 }));
    const r = runWhatIf({ base, other, spec: { ...spec, mix }, durationMs: 500 });
    if (!r.ok) throw new Error(r.message);
    expect(r.report.changed.map((t) => t.typeId)).toEqual(['2001']);
    expect(r.report.base.injected).toBe(r.report.other.injected);
  });

  it('generates a type both configs define as each defines it, whichever side is the base', () => {
    // Transaction without its last field on one side: read through the other side's layout, the
    // payloads had made FraudAlert differ one way round and not the other.
    const shorter = demoConfig();
    shorter.messageTypes = shorter.messageTypes.map((t) =>
      t.typeId === 1001 ? { ...t, fields: t.fields.slice(0, -1) } : t,
    );
    const changed = (base: typeof shorter, other: typeof shorter) => {
      const r = runWhatIf({ base, other, spec, durationMs: 500 });
      if (!r.ok) throw new Error(r.message);
      return r.report.changed.map((t) => t.typeId);
    };
    expect(changed(shorter, demoConfig())).toEqual(changed(demoConfig(), shorter));
    expect(changed(shorter, demoConfig())).not.toContain('1010');
  });

  it('uses one mix for both sides and refuses bad durations as values', () => {
    const other = demoConfig();
    other.routes = other.routes.filter((r) => r.typeId !== 1003);
    expect(sharedMix({ ratePerSec: 1 }, demoConfig(), other).mix!.map((m) => m.typeId)).toEqual([
      1001, 1002, 1003, 1010,
    ]);
    const bad = runWhatIf({ base: demoConfig(), other, spec, durationMs: 0 });
    expect(bad).toMatchObject({ ok: false, code: 'InvalidInput' });
  });
});
