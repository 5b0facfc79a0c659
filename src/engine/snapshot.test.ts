/** The snapshot's truth: queued apart from in flight, rates that settle to 0, idle. */
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import type { KernelRuntime, MessageBatch, OutputBatch } from '../gpu/kernels/types.ts';
import { createEngine } from './engine';
import { asyncFill } from './async-batch';
import { ok, setupEngine } from './test-util';
import { DEFAULT_PER_SNAPSHOT_CAP, DEFAULT_ROWS_PER_SEC } from './receipts';

/** A runtime whose batches finish only when the test says so. */
class HeldRuntime implements KernelRuntime {
  readonly behavior = 'fraud' as const;
  readonly backend = 'webgpu' as const;
  constructor(readonly pipelined = false) {}
  private readonly twin = createTwin('fraud');
  private waiting: (() => void)[] = [];
  /** Rows of each batch handed over, in order. */
  readonly sizes: number[] = [];
  process(batch: MessageBatch): Promise<OutputBatch> {
    this.sizes.push(batch.count);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.twin.process(batch))));
  }
  release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }
  /** Finishes the batch handed over last, leaving the others out. */
  releaseLast(): void {
    this.waiting.pop()?.();
  }
  exportState(): Promise<Uint32Array> {
    return Promise.resolve(this.twin.exportState());
  }
  importState(s: Uint32Array): void {
    this.twin.importState(s);
  }
  reset(): void {}
  destroy(): void {}
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** The demo with fraud_processor forced onto a `HeldRuntime`; `step` moves the clock 1 ms and ticks. */
async function heldFraud(pipelined = false) {
  let t = 1_000_000;
  const rt = new HeldRuntime(pipelined);
  const config = demoConfig();
  config.kernels = config.kernels.map((k) =>
    k.id === 'fraud_processor' ? { ...k, backend: 'webgpu' as const } : k,
  );
  const engine = createEngine({
    config,
    now: () => t,
    makeKernel: (k) => (k.id === 'fraud_processor' ? Promise.resolve(rt) : createTwin(k.behavior)),
    gpu: () => ({ available: true, adapter: null }),
  });
  await flush();
  const step = (): void => {
    t += 1000;
    engine.tick();
  };
  return { engine, rt, step };
}

/** The demo on a clock the test moves: `advance(us)` moves it and runs one tick. */
function clockedDemo() {
  let t = 1_000_000;
  const engine = createEngine({ config: demoConfig(), now: () => t });
  const advance = (us: number): void => {
    t += us;
    engine.tick();
  };
  return { engine, advance };
}

describe('engine snapshot', () => {
  it('reports a slow GPU kernel as queued plus in flight, never a queue above its capacity', async () => {
    const { engine, rt, step } = await heldFraud();
    // Two batches go to the GPU (and stay there), then more than the queue (4096) holds.
    for (const count of [4096, 4096, 10_000]) {
      engine.command({ type: 'inject', typeId: 1001, count });
      step();
    }
    const s = engine.snapshot();
    const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
    expect(fraud.backend).toBe('webgpu');
    expect(fraud.inFlight).toBe(2 * 4096);
    expect(fraud.queued).toBe(fraud.capacity);
    expect(fraud.queueDepth).toBe(fraud.queued);
    expect(fraud.maxDepth).toBeLessThanOrEqual(fraud.capacity);
    expect(fraud.backpressure).toBe(true);
    expect(s.accounting.inFlight).toBe(fraud.inFlight);
    expect(s.accounting.queued).toBe(fraud.queued);
    expect(s.idle).toBe(false);
    // The rest overflowed by policy (deadLetter): letters, and the books balance.
    expect(fraud.dropped).toBe(10_000 - 4096);
    expect(s.accounting.balanced).toBe(true);
    for (let i = 0; i < 4; i++) {
      rt.release();
      await flush();
    }
    step();
    const after = engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!;
    expect(after.processed).toBeGreaterThanOrEqual(2 * 4096);
  });

  it('keeps a kernel that lost messages marked for a second after its last loss, then clears it', () => {
    const { engine, step } = setupEngine();
    const fraud = () => engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!;
    // 20,000 into 4,096 slots: 15,904 refused at once.
    ok(engine, { type: 'inject', typeId: 1001, count: 20_000 });
    step();
    expect(fraud().backpressure).toBe(true);
    // Drained, nothing lost since: a kernel losing in lumps (a slow GPU) read false between them.
    step(200_000);
    const between = fraud();
    expect(between.queued).toBe(0);
    expect(between.backpressure).toBe(true);
    step(900_000);
    expect(fraud().backpressure).toBe(false);
  });

  it('has a GPU kernel with a batch out wait for a fuller batch, and send what is left at the end of a tick', async () => {
    const { engine, rt, step } = await heldFraud();
    const fraud = () => engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!;
    // The kernel moves onto the runtime (its state imported) at the first tick.
    step();
    await flush();
    expect(fraud().backend).toBe('webgpu');
    // Nothing out: a single message goes at once.
    engine.command({ type: 'inject', typeId: 1001, count: 100 });
    step();
    await flush();
    expect(rt.sizes).toEqual([100]);
    // 3,000 transactions in the next millisecond, entering in groups of 1,024: with a batch out,
    // the second waits until half the queue (2,048) is there instead of going with the first
    // group. It used to leave with 1,024, and the queue overflowed behind two small batches.
    ok(engine, {
      type: 'startGenerator',
      spec: {
        ratePerSec: 3_000_000,
        pattern: 'constant',
        mix: [{ typeId: 1001, weight: 1 }],
        zipfS: 1.1,
        accounts: 100,
        seed: 1,
      },
    });
    step();
    ok(engine, { type: 'stopGenerator' });
    expect(asyncFill(4096)).toBe(2048);
    const second = fraud().inFlight - 100;
    expect(second).toBeGreaterThanOrEqual(2048);
    const queued = fraud().queued;
    expect(queued).toBeGreaterThan(0);
    expect(second + queued).toBe(engine.snapshot().injected - 100);
    // Both batches land (the second goes to the runtime after the first); at the end of the next
    // tick what is queued goes, however little.
    for (let i = 0; i < 3; i++) {
      rt.release();
      await flush();
    }
    step();
    await flush();
    expect(rt.sizes).toEqual([100, second, queued]);
    rt.release();
    await flush();
    engine.command({ type: 'inject', typeId: 1001, count: 10 });
    step();
    engine.command({ type: 'inject', typeId: 1001, count: 7 });
    step();
    for (let i = 0; i < 3; i++) {
      rt.release();
      await flush();
    }
    expect(rt.sizes.slice(3)).toEqual([10, 7]);
    const s = engine.snapshot();
    expect(fraud().dropped).toBe(0);
    expect(s.accounting).toMatchObject({ queued: 0, inFlight: 0, balanced: true });
  });

  it('hands a pipelined runtime its next batch while one is out, and takes the results back in order', async () => {
    for (const pipelined of [false, true]) {
      const { engine, rt, step } = await heldFraud(pipelined);
      const fraud = () => engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!;
      step();
      await flush();
      engine.command({ type: 'inject', typeId: 1001, count: 100 });
      step();
      engine.command({ type: 'inject', typeId: 1001, count: 3000 });
      step();
      await flush();
      expect(fraud().inFlight).toBe(3100);
      // A pipelined runtime has both; any other gets the second when the first came back.
      expect(rt.sizes).toEqual(pipelined ? [100, 3000] : [100]);
      if (!pipelined) continue;
      // The second finishes first: its result waits for the first's.
      rt.releaseLast();
      await flush();
      expect(fraud()).toMatchObject({ processed: 0, inFlight: 3100 });
      rt.release();
      await flush();
      await flush();
      expect(fraud()).toMatchObject({ processed: 3100, inFlight: 0 });
      expect(engine.snapshot().accounting.balanced).toBe(true);
    }
  });

  it("sends a GPU batch's outputs on in groups its destination's queue can take", async () => {
    const { engine, rt, step } = await heldFraud();
    // One GPU batch of 4096 large transactions: 4096 alerts come back at once, for alert_sink,
    // whose queue holds 1024 and dead-letters what does not fit.
    engine.command({ type: 'inject', typeId: 1001, count: 4096, payload: { amount: 15_000 } });
    step();
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    expect(sink().capacity).toBe(1024);
    expect(engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!.inFlight).toBe(4096);
    for (let i = 0; i < 4; i++) {
      await flush();
      rt.release();
    }
    await flush();
    // The sink ran after the last group too: alerts sent now find room.
    engine.command({ type: 'inject', typeId: 1010, count: 100 });
    step();
    engine.drain();
    const s = engine.snapshot();
    const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
    expect(fraud).toMatchObject({ processed: 4096, emitted: 4096 });
    // The sink ran between the groups: every alert processed, none dead-lettered.
    expect(sink()).toMatchObject({ processed: 4196, dropped: 0 });
    expect(sink().maxDepth).toBeLessThanOrEqual(1024);
    expect(s.receipts.byStatus.QueueFull ?? 0).toBe(0);
    expect(s.accounting).toMatchObject({ deadLettered: 0, queued: 0, inFlight: 0, balanced: true });
  });

  for (const idleMs of [96, 2000])
    it(`an edge first used reads the rate its kernel reads (first burst after ${idleMs} ms idle)`, () => {
      let t = 1_000_000;
      const engine = createEngine({ config: demoConfig(), now: () => t });
      // Snapshots every 16 ms, as the worker takes them.
      for (let i = 0; i < idleMs / 16; i++) {
        t += 16_000;
        engine.tick();
        engine.snapshot();
      }
      engine.command({ type: 'inject', typeId: 1001, count: 4000 });
      engine.drain();
      for (let i = 0; i < 3; i++) {
        t += 16_000;
        engine.tick();
        const s = engine.snapshot();
        const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
        const sink = s.kernels.find((k) => k.id === 'alert_sink')!;
        const edge = (source: string, target: string) =>
          s.edges.find((e) => e.source === source && e.target === target)!;
        expect(fraud.ratePerSec).toBeGreaterThan(0);
        // The messages into the kernel, and its alerts out, at the kernel's own rates: the
        // edges were new at this burst (they read 0/s, or the second lump alone, before).
        expect(edge('type:1001', 'fraud_processor').ratePerSec).toBe(fraud.ratePerSec);
        expect(edge('fraud_processor', 'type:1010').ratePerSec).toBe(sink.ratePerSec);
        expect(edge('type:1010', 'alert_sink').ratePerSec).toBe(sink.ratePerSec);
      }
    });

  it('an edge first used after Reset counters reads the rate its kernel reads', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    for (let i = 0; i < 60; i++) {
      t += 16_000;
      engine.tick();
      engine.snapshot();
    }
    engine.command({ type: 'resetMetrics' });
    engine.command({ type: 'inject', typeId: 1001, count: 4000 });
    engine.drain();
    t += 16_000;
    engine.tick();
    const s = engine.snapshot();
    const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
    const edge = s.edges.find((e) => e.source === 'type:1001' && e.target === 'fraud_processor')!;
    expect(fraud.ratePerSec).toBeGreaterThan(0);
    expect(edge.ratePerSec).toBe(fraud.ratePerSec);
  });

  it('rates fall to 0 within a second of the last message and the engine reads idle', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({
      type: 'startGenerator',
      spec: { ratePerSec: 100_000, seed: 3, mix: [{ typeId: 1001, weight: 1 }] },
    });
    for (let i = 0; i < 20; i++) {
      t += 50_000;
      engine.tick();
      engine.snapshot();
    }
    const busy = engine.snapshot();
    expect(busy.rates.injectedPerSec).toBeGreaterThan(50_000);
    expect(busy.kernels.find((k) => k.id === 'fraud_processor')!.ratePerSec).toBeGreaterThan(0);
    expect(busy.edges.some((e) => e.ratePerSec > 0)).toBe(true);
    engine.command({ type: 'stopGenerator' });
    let s = engine.snapshot();
    for (let i = 0; i < 12; i++) {
      t += 100_000;
      engine.tick();
      s = engine.snapshot();
    }
    expect(s.idle).toBe(true);
    expect(s.rates).toEqual({ injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: 0 });
    expect(s.kernels.every((k) => k.ratePerSec === 0)).toBe(true);
    expect(s.edges.every((e) => e.ratePerSec === 0)).toBe(true);
    expect(s.generator).toMatchObject({ running: false, lagMs: 0 });
  });

  it('answers an unknown command with InvalidCommand and typed results for known ones', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1 });
    const bad = engine.command({ type: 'nope' } as unknown as { type: 'snapshot' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'InvalidCommand' } });
    const routes = engine.command({ type: 'routes' });
    if (!routes.ok) throw new Error(routes.error.message);
    expect(routes.routes.length).toBe(4);
    const inj = engine.command({ type: 'inject', typeId: 1001, count: 3 });
    expect(inj.ok && inj.count).toBe(3);
    // Inherited keys are no commands.
    const proto = engine.command({ type: 'toString' } as unknown as { type: 'snapshot' });
    expect(proto.ok).toBe(false);
  });

  it('shows a burst whole, and under sustained load a bounded number of rows a second (counts stay exact)', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: 'inject', typeId: 1002, count: 300 });
    t += 1000;
    engine.tick();
    const burst = engine.snapshot();
    expect(burst.receipts.recent).toHaveLength(300);
    expect(burst.receipts.sampledOut).toBe(0);
    engine.command({
      type: 'startGenerator',
      spec: { ratePerSec: 1_000_000, seed: 5, mix: [{ typeId: 1002, weight: 1 }] },
    });
    let rows = 0;
    for (let i = 0; i < 100; i++) {
      t += 20_000; // 2 s in all
      engine.tick();
      rows += engine.snapshot().receipts.recent.length;
    }
    const s = engine.snapshot();
    expect(s.receipts.total).toBeGreaterThan(1_900_000);
    // The budget: a full burst (the per-snapshot cap) plus 5,000 a second.
    const cap = DEFAULT_PER_SNAPSHOT_CAP;
    expect(rows).toBeGreaterThan(5_000);
    expect(rows).toBeLessThanOrEqual(cap + 2 * DEFAULT_ROWS_PER_SEC + 100);
    expect(s.receipts.sampledOut + rows + 300).toBeGreaterThanOrEqual(s.receipts.total - cap);
  });

  it('fills the receipt rows budget as engine time moves, not only when a snapshot is taken', () => {
    // Filled only at snapshots, the budget went to the first receipts after each one (the host's
    // next traffic), and alerts emitted later in the tick were undersampled: under load with the
    // wall clock (the worker's), 10 % of the rows came from fraud_processor for 42 % of the
    // receipts; filled as time moves, 45 %.
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: 'inject', typeId: 1002, count: DEFAULT_PER_SNAPSHOT_CAP + 50 });
    engine.tick();
    expect(engine.snapshot().receipts.sampledOut).toBeGreaterThanOrEqual(50);
    // The budget is spent. A second later, with no snapshot in between, a message sent now and
    // the alert its kernel emits both get rows.
    t += 1_000_000;
    engine.command({ type: 'inject', typeId: 1001, payload: { amount: 15_000 } });
    engine.tick();
    const rows = engine.snapshot().receipts.recent;
    expect(rows.map((r) => `${r.source} -> ${r.destination}`)).toEqual([
      'host -> fraud_processor',
      'fraud_processor -> alert_sink',
    ]);
  });

  it('counts responses delivered to the host apart: kernels plus host make processed', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    // PatternChecks: pattern_detector answers each with a PatternResult back to the host.
    engine.command({ type: 'inject', typeId: 1003, count: 300 });
    engine.command({ type: 'inject', typeId: 1002, count: 200 });
    t += 1000;
    engine.tick();
    const s = engine.snapshot();
    const byKernels = s.kernels.reduce((n, k) => n + k.processed, 0);
    expect(byKernels).toBe(500);
    expect(s.accounting.toHost).toBe(300);
    expect(s.accounting.processed).toBe(byKernels + s.accounting.toHost);
    expect(s.accounting.balanced).toBe(true);
    // Generated, with no room for receipt rows, the responses take the short way (no store
    // entry); they still count.
    engine.command({ type: 'setSampling', perSnapshotCap: 0 });
    engine.command({
      type: 'startGenerator',
      spec: { ratePerSec: 100_000, seed: 1, durationMs: 100, mix: [{ typeId: 1003, weight: 1 }] },
    });
    for (let i = 0; i < 20; i++) {
      t += 10_000;
      engine.tick();
    }
    const u = engine.snapshot();
    expect(u.generator.emitted).toBe(10_000);
    expect(u.receipts.sampledOut).toBe(20_000);
    expect(u.accounting.toHost).toBe(300 + 10_000);
    expect(u.accounting.processed).toBe(u.kernels.reduce((n, k) => n + k.processed, 0) + 10_300);
    engine.command({ type: 'resetMetrics' });
    expect(engine.snapshot().accounting.toHost).toBe(0);
  });

  it("says since when the counters count: absent before a reset, the reset's time after", () => {
    const { engine, advance } = clockedDemo();
    advance(10_000);
    expect(engine.snapshot().accounting.sinceUs).toBeUndefined();
    engine.command({ type: 'inject', typeId: 1001, count: 10 });
    advance(10_000);
    const at = engine.snapshot().timeUs;
    engine.command({ type: 'resetMetrics' });
    advance(10_000);
    const s = engine.snapshot();
    expect(s.accounting.sinceUs).toBeGreaterThanOrEqual(at);
    expect(s.accounting.sinceUs).toBeLessThan(s.timeUs);
    expect(s.accounting.injected).toBe(0);
  });

  it('counts every letter added since the reset, also those the queue no longer holds', () => {
    const { engine } = clockedDemo();
    // The aggregator's queue (dropOldest, 4,096) evicts 5,904; alert_sink's (deadLetter, 1,024)
    // refuses 3,976: the dispatcher counts a delivery error for the refusals only.
    engine.command({ type: 'inject', typeId: 1002, count: 10_000 });
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    const s = engine.snapshot();
    expect(s.deadLetters.added).toBe(5_904 + 3_976);
    expect(s.metrics.deliveryErrors).toBe(3_976);
    // 10,000 more evicted from the full queue: the dead-letter queue (10,000) pushes its oldest
    // out, and the count goes on.
    engine.command({ type: 'inject', typeId: 1002, count: 10_000 });
    const u = engine.snapshot();
    expect(u.deadLetters.count).toBe(10_000);
    expect(u.deadLetters.evicted).toBe(9_880);
    expect(u.deadLetters.added).toBe(19_880);
    engine.command({ type: 'resetMetrics' });
    expect(engine.snapshot().deadLetters.added).toBe(0);
  });

  it('counts the receipts whose row is still to come (queued), so rows, not captured and those add up', () => {
    const { engine } = clockedDemo();
    // Injected, not yet taken: 1,024 Delivered into alert_sink's queue, 3,976 refused.
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    const s = engine.snapshot();
    expect(s.receipts.total).toBe(5_000);
    expect(s.receipts.pending).toBe(1_024);
    expect(s.receipts.recent).toHaveLength(3_976);
    expect(s.receipts.sampledOut + (s.receipts.pending ?? 0) + s.receipts.recent.length).toBe(
      s.receipts.total,
    );
  });

  it('shows a hand burst of 5,000 whole, newest on top', () => {
    const { engine, advance } = clockedDemo();
    // FraudAlerts into alert_sink's queue of 1,024: 1,024 delivered, 3,976 refused (QueueFull).
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    advance(1000);
    const s = engine.snapshot();
    expect(s.receipts.total).toBe(5_000);
    expect(s.receipts.byStatus).toMatchObject({ Delivered: 1_024, QueueFull: 3_976 });
    expect(s.receipts.sampledOut).toBe(0);
    expect(s.receipts.recent).toHaveLength(s.receipts.total);
    const ids = s.receipts.recent.map((r) => Number(r.messageId));
    expect(Math.max(...ids)).toBe(5_000);
  });

  it('gives a burst larger than the tail its newest rows: the messages Dead letters still holds', () => {
    const { engine, advance } = clockedDemo();
    // FraudAlerts into alert_sink's queue of 1,024 under deadLetter: 48,976 refused, of which the
    // dead-letter queue (10,000) keeps the newest.
    engine.command({ type: 'inject', typeId: 1010, count: 50_000 });
    advance(1000);
    const s = engine.snapshot();
    expect(s.receipts.total).toBe(50_000);
    expect(s.receipts.sampledOut).toBe(40_000);
    const rowIds = s.receipts.recent.map((r) => r.messageId).sort((a, b) => a - b);
    expect(rowIds).toHaveLength(10_000);
    expect(rowIds[0]).toBe(40_001);
    expect(rowIds[rowIds.length - 1]).toBe(50_000);
    const held = ok(engine, { type: 'listDeadLetters', limit: 10_000 }).deadLetters!.rows;
    const heldIds = new Set(held.map((d) => d.messageId));
    expect(heldIds.size).toBe(10_000);
    for (const id of rowIds) expect(heldIds.has(id)).toBe(true);
    // The next receipts get rows again as the budget allows: the skip ended with the burst.
    advance(1_000_000);
    engine.command({ type: 'inject', typeId: 1001, count: 3 });
    advance(1000);
    const after = engine.snapshot();
    expect(after.receipts.sampledOut).toBe(40_000);
    expect(after.receipts.recent.filter((r) => r.typeId === 1001)).toHaveLength(3);
  });

  it('says how full a queue got between snapshots, and forgets it half a second later', () => {
    const { engine, advance } = clockedDemo();
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    expect(sink()).toMatchObject({ queued: 0, peakQueued: 0 });
    // 600 alerts queue up and are drained before the next snapshot: depth 0 then, peak 600.
    engine.command({ type: 'inject', typeId: 1010, count: 600 });
    advance(1000);
    expect(sink()).toMatchObject({ queued: 0, processed: 600, peakQueued: 600 });
    // Still shown a quarter second on (snapshots in between do not take it away)...
    for (let i = 0; i < 3; i++) {
      advance(100_000);
      expect(sink().peakQueued).toBe(600);
    }
    // ...and gone once half a second has passed with the queue empty.
    advance(300_000);
    expect(sink()).toMatchObject({ queued: 0, peakQueued: 0 });
    // Never above the capacity, never below what is queued now.
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    expect(sink()).toMatchObject({ queued: 1024, peakQueued: 1024 });
  });

  it('a queue shrunk while full: its depth and recent peak within the new capacity, its high-water mark kept', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    expect(sink()).toMatchObject({ queued: 1024, peakQueued: 1024, maxDepth: 1024 });
    const cfg = demoConfig().kernels.find((k) => k.id === 'alert_sink')!;
    ok(engine, { type: 'upsertKernel', kernel: { ...cfg, queueCapacity: 64 } });
    // "≤1,024 / 64" had shown for two snapshots, and Max queued had gone back to 64.
    expect(sink()).toMatchObject({ capacity: 64, queued: 64, peakQueued: 64, maxDepth: 1024 });
    engine.drain();
    engine.command({ type: 'resetMetrics' });
    expect(sink()).toMatchObject({ queued: 0, maxDepth: 0 });
  });

  it('Reset counters starts every queue column afresh, the high-water mark from the depth now', () => {
    const engine = createEngine({ config: demoConfig(), now: () => 1_000_000 });
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    engine.command({ type: 'inject', typeId: 1010, count: 5_000 });
    expect(sink()).toMatchObject({ queued: 1024, maxDepth: 1024 });
    engine.command({ type: 'resetMetrics' });
    // Still queued: the mark starts from what the queue holds, not from 0.
    expect(sink()).toMatchObject({ queued: 1024, maxDepth: 1024, processed: 0 });
    engine.drain();
    engine.command({ type: 'resetMetrics' });
    expect(sink()).toMatchObject({ queued: 0, maxDepth: 0, processed: 0, dropped: 0 });
    engine.command({ type: 'inject', typeId: 1010, count: 10 });
    expect(sink().maxDepth).toBe(10);
  });
});

describe('receipt tail order', () => {
  it('gives the rows of a snapshot in receipt order, types interleaved as they were dispatched', () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    engine.command({ type: 'startGenerator', spec: { ratePerSec: 100_000, seed: 3 } });
    t += 5_000;
    engine.tick();
    const rows = engine.snapshot().receipts.recent;
    expect(rows.length).toBeGreaterThan(100);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.seq).toBeGreaterThan(rows[i - 1]!.seq);
    // Each kernel builds its Delivered rows when it takes its batch: without the ordering the
    // rows would come grouped by kernel (a handful of changes of destination), not interleaved.
    let changes = 0;
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.destination !== rows[i - 1]!.destination) changes++;
    }
    expect(changes).toBeGreaterThan(50);
  });
  /** The demo engine on a clock the test moves (`step` ticks it), ten AccountUpdates taken. */
  const tenAggregated = () => {
    let t = 1_000_000;
    const engine = createEngine({ config: demoConfig(), now: () => t });
    const step = (us: number): void => {
      t += us;
      engine.tick();
    };
    engine.command({ type: 'inject', typeId: 1002, count: 10 });
    step(1_000);
    return { engine, step };
  };
  it('reads latency percentiles at most 100 ms old, and fresh after a metrics reset', () => {
    const { engine, step } = tenAggregated();
    const first = engine.snapshot().latency;
    expect(first.samples).toBe(10);
    // More deliveries within 100 ms: the reading is the cached one.
    engine.command({ type: 'inject', typeId: 1002, count: 10 });
    step(50_000);
    expect(engine.snapshot().latency).toEqual(first);
    // Past 100 ms it is recomputed over every sample.
    step(60_000);
    expect(engine.snapshot().latency.samples).toBe(20);
    // A reset empties the ring and the reading follows at once.
    engine.command({ type: 'resetMetrics' });
    expect(engine.snapshot().latency).toEqual({ p50Us: 0, p99Us: 0, samples: 0 });
  });

  it('reads no latency once nothing was taken for 2 s: a stopped system has no p99', () => {
    const { engine, step } = tenAggregated();
    expect(engine.snapshot().latency.samples).toBe(10);
    // Snapshots keep coming (10 a second) while nothing arrives.
    for (let i = 0; i < 19; i++) {
      step(100_000);
      expect(engine.snapshot().latency.samples, `${i * 100} ms`).toBe(10);
    }
    step(100_000);
    expect(engine.snapshot().latency).toEqual({ p50Us: 0, p99Us: 0, samples: 0 });
    // Traffic again: a reading of the new messages only.
    engine.command({ type: 'inject', typeId: 1002, count: 3 });
    step(1_000);
    expect(engine.snapshot().latency.samples).toBe(3);
  });
});
