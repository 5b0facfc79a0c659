import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../engine/protocol';
import { createRateHold, REFRESH_MS } from './steadyRates';

/** A snapshot with every rate at `r` (kernels a and b at half each, their edges likewise). */
function snap(r: number, kernels = ['a', 'b']): EngineSnapshot {
  const each = r / kernels.length;
  return {
    seq: 1,
    rates: { injectedPerSec: r, processedPerSec: r, deadLetteredPerSec: 0 },
    generator: { running: r > 0, emitted: 0, lagMs: 0, onWorker: false, ratePerSec: r },
    kernels: kernels.map((id) => ({ id, ratePerSec: each, processed: 7 })),
    edges: kernels.map((id) => ({ source: 'type:1', target: id, ratePerSec: each, total: 7 })),
  } as unknown as EngineSnapshot;
}

/** Every rate a snapshot shows, in one list. */
const shown = (s: EngineSnapshot) => [
  s.rates.injectedPerSec,
  s.rates.processedPerSec,
  s.rates.deadLetteredPerSec,
  s.generator.ratePerSec,
  ...s.kernels.map((k) => k.ratePerSec),
  ...s.edges.map((e) => e.ratePerSec),
];

describe('the rates on screen', () => {
  it('move once a second under a steady rate, not with every snapshot', () => {
    const hold = createRateHold();
    // A Poisson generator at 1,000/s read between 907 and 1,090 over half-second windows.
    const readings = [1000, 912, 1069, 945, 1090, 987, 1020, 930, 1051, 1003, 970, 1060];
    const out = readings.map((r, i) => shown(hold.hold(snap(r), i * 100)));
    // Ten snapshots a second: the first second shows the first reading throughout.
    for (let i = 0; i < 10; i++) expect(out[i]).toEqual(shown(snap(1000)));
    // At a second, the reading then is shown, all rates together.
    expect(out[10]).toEqual(shown(snap(970)));
    expect(out[11]).toEqual(shown(snap(970)));
  });

  it('show a stop at once: every rate reads 0 with the first snapshot that says so', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    const stopped = hold.hold(snap(0), 100);
    expect(shown(stopped).every((v) => v === 0)).toBe(true);
  });

  it('show a start and a step at once', () => {
    const hold = createRateHold();
    hold.hold(snap(0), 0);
    expect(hold.hold(snap(1000), 100).rates.processedPerSec).toBe(1000);
    // Within a quarter: held.
    expect(hold.hold(snap(1200), 200).rates.processedPerSec).toBe(1000);
    // More than a quarter: shown.
    expect(hold.hold(snap(2000), 300).rates.processedPerSec).toBe(2000);
  });

  it('show one kernel stepping with all the others refreshed at the same moment', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    const s = snap(1050);
    s.kernels[0]!.ratePerSec = 0;
    const out = hold.hold(s, 100);
    expect(out).toBe(s);
    expect(out.kernels.map((k) => k.ratePerSec)).toEqual([0, 525]);
    expect(out.rates.processedPerSec).toBe(1050);
  });

  it('show a new kernel at once, and keep every other field of the snapshot', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    const three = snap(1000, ['a', 'b', 'c']);
    expect(hold.hold(three, 100)).toBe(three);
    const later = { ...snap(1010, ['a', 'b', 'c']), seq: 99 };
    const held = hold.hold(later, 200);
    expect(held).not.toBe(later);
    expect(held.seq).toBe(99);
    expect(held.kernels.map((k) => k.processed)).toEqual([7, 7, 7]);
    expect(held.kernels.map((k) => k.ratePerSec)).toEqual(three.kernels.map((k) => k.ratePerSec));
  });

  it('never holds a rate longer than a second', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    expect(hold.hold(snap(1100), REFRESH_MS - 1).rates.injectedPerSec).toBe(1000);
    expect(hold.hold(snap(1100), REFRESH_MS).rates.injectedPerSec).toBe(1100);
  });

  it('starts afresh after a reset (a new engine)', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    hold.reset();
    expect(hold.hold(snap(1100), 100).rates.injectedPerSec).toBe(1100);
  });

  it('read 0 everywhere as soon as the engine is idle, not winding down over half a second', () => {
    const hold = createRateHold();
    hold.hold(snap(1000), 0);
    // Stopped: the half-second window still reads 245/s, but nothing queued, nothing flows.
    const idle = { ...snap(245), idle: true };
    expect(shown(hold.hold(idle, 100)).every((v) => v === 0)).toBe(true);
    // Traffic again: shown as it reads.
    expect(hold.hold(snap(1000), 200).rates.processedPerSec).toBe(1000);
  });

  it('are not refreshed by the noise of a slow stream: 2 dead letters a second reading 0 and 2', () => {
    const hold = createRateHold();
    const at = (rate: number, lettered: number) => {
      const s = snap(rate);
      return { ...s, rates: { ...s.rates, deadLetteredPerSec: lettered } };
    };
    hold.hold(at(1000, 2), 0);
    const out = [0, 4, 0, 2, 0, 6, 0, 2, 0].map((l, i) =>
      hold.hold(at([1069, 945, 1090, 930, 1051, 970, 1003, 1020, 987][i]!, l), (i + 1) * 100),
    );
    expect(out.map((s) => s.rates.processedPerSec)).toEqual(Array(9).fill(1000));
  });

  it("shows at once the generator's rate reaching the rate asked, however small the step", () => {
    const hold = createRateHold();
    const gen = (r: number) => {
      const s = snap(r);
      return {
        ...s,
        generator: { ...s.generator, spec: { ratePerSec: 2_000_000 } },
      } as EngineSnapshot;
    };
    // Catching up after Start: 2.55 M/s entering against 2 M/s asked.
    expect(hold.hold(gen(2_550_000), 0).generator.ratePerSec).toBe(2_550_000);
    // Within a quarter, but above the asked rate still: held.
    expect(hold.hold(gen(2_300_000), 200).generator.ratePerSec).toBe(2_550_000);
    // Back at the rate asked (a fifth down from the rate shown): at once, not a second later.
    expect(hold.hold(gen(2_000_000), 400).generator.ratePerSec).toBe(2_000_000);
  });

  it("hold a kernel's measured placement with its rates, and show a change of it at once", () => {
    const hold = createRateHold();
    const placed = (s: EngineSnapshot, cpuRate: number, batchSize: number, extra = {}) =>
      ({
        ...s,
        kernels: s.kernels.map((k) => ({
          ...k,
          backend: 'cpu',
          placement: {
            mode: 'auto',
            cpuRate,
            gpuRate: 13_000,
            batchSize,
            crossoverBatch: null,
            lastSwitchUs: null,
            reason: `CPU twin ${cpuRate / 1e6}\u202fM/s vs WebGPU 13.0\u202fK/s at ~${batchSize} rows per batch: stays on the CPU.`,
            ...extra,
          },
        })),
      }) as EngineSnapshot;
    const first = hold.hold(placed(snap(1000), 1_920_000, 79), 0);
    // 100 ms on, the twin measured at another batch size: the panels keep what they showed.
    const next = hold.hold(placed(snap(1000), 5_930_000, 252), 100);
    expect(next.kernels[0]!.placement).toEqual(first.kernels[0]!.placement);
    // A rate crossing 10,000/s changes its form ("9,366/s", "17.2 K/s"), not what it says.
    const crossing = hold.hold(
      placed(snap(1000), 5_930_000, 1, {
        reason: 'CPU twin 5.93\u202fM/s vs WebGPU 9,366/s at ~1 row per batch: stays on the CPU.',
      }),
      150,
    );
    expect(crossing.kernels[0]!.placement).toEqual(first.kernels[0]!.placement);
    // Other words (a move under way): at once.
    const moving = hold.hold(
      placed(snap(1000), 5_930_000, 252, {
        reason: 'Moving to WebGPU once what is out comes back.',
      }),
      200,
    );
    expect(moving.kernels[0]!.placement.reason).toBe(
      'Moving to WebGPU once what is out comes back.',
    );
    // A second on, with the rates: afresh.
    const later = hold.hold(placed(snap(1000), 3_000_000, 128), 1_100);
    expect(later.kernels[0]!.placement.cpuRate).toBe(3_000_000);
  });
});
