/**
 * The `auto` backend end to end: a kernel moves to the backend that measures faster on live
 * traffic and back when that one slows down, with its state and with nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import type { KernelRuntime, KernelTwin, MessageBatch, OutputBatch } from '../gpu/kernels/types.ts';
import { createEngine } from './engine';
import type { EngineSnapshot } from './protocol';
import { expectBalanced } from './test-util';

/** Wall time the fake backends "spend": advanced by each batch they process. */
const spent = { ms: 0 };
const cost = { cpuPerRow: 0.001, gpuPerRow: 0.0001 };

/** The generic twin, taking `cost.cpuPerRow` ms per row of fake wall time. */
class TimedTwin implements KernelTwin {
  readonly behavior = 'generic' as const;
  readonly inner = createTwin('generic');
  process(batch: MessageBatch): OutputBatch {
    spent.ms += batch.count * cost.cpuPerRow;
    return this.inner.process(batch);
  }
  exportState(): Uint32Array {
    return this.inner.exportState();
  }
  importState(state: Uint32Array): void {
    this.inner.importState(state);
  }
  reset(): void {
    this.inner.reset();
  }
}

/** A "GPU" runtime: the generic twin behind a promise, taking `cost.gpuPerRow` ms per row. */
class TimedRuntime implements KernelRuntime {
  readonly behavior = 'generic' as const;
  backend: 'webgpu' | 'cpu' = 'webgpu';
  readonly inner = createTwin('generic');
  destroyed = false;
  process(batch: MessageBatch): Promise<OutputBatch> {
    spent.ms += batch.count * cost.gpuPerRow;
    return Promise.resolve(this.inner.process(batch));
  }
  exportState(): Promise<Uint32Array> {
    return Promise.resolve(this.inner.exportState());
  }
  importState(state: Uint32Array): void {
    this.inner.importState(state);
  }
  reset(): void {
    this.inner.reset();
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** `steps` times: 500 alerts injected, 100 ms of engine time, a tick and what it set off. */
async function feedAlerts(
  engine: ReturnType<typeof createEngine>,
  clock: { t: number },
  steps: number,
): Promise<void> {
  for (let i = 0; i < steps; i++) {
    engine.command({ type: 'inject', typeId: 1010, count: 500 });
    clock.t += 100_000;
    engine.tick();
    await flush();
  }
}
const sum = (s: Uint32Array): number => s.reduce((a, w) => a + w, 0);

/**
 * The demo with alert_sink (generic) on `auto`, its twin and "GPU" timed by `cost`, engine time
 * in `clock.t` (µs) and the measuring clock following it plus what the backends spent.
 */
function autoEngine(
  cpuPerRow: number,
  gpuPerRow: number,
  makeRuntime: () => KernelRuntime = () => new TimedRuntime(),
) {
  const clock = { t: 1_000_000 };
  spent.ms = 0;
  cost.cpuPerRow = cpuPerRow;
  cost.gpuPerRow = gpuPerRow;
  const config = demoConfig();
  config.kernels = config.kernels.map((k) =>
    k.id === 'alert_sink' ? { ...k, backend: 'auto' as const } : k,
  );
  const twins: TimedTwin[] = [];
  const engine = createEngine({
    config,
    now: () => clock.t,
    clock: () => clock.t / 1000 + spent.ms,
    makeTwin: (b) => {
      if (b !== 'generic') return createTwin(b);
      const tw = new TimedTwin();
      twins.push(tw);
      return tw;
    },
    makeKernel: (k) =>
      k.id === 'alert_sink' && k.backend !== 'cpu'
        ? Promise.resolve(makeRuntime())
        : createTwin(k.behavior),
    gpu: () => ({ available: true, adapter: null }),
  });
  return { engine, clock, twins };
}

describe('auto backend', () => {
  it('moves a kernel to the faster backend and away from a backend that slows down, with its state and nothing lost', async () => {
    const { engine, clock, twins } = autoEngine(0.001, 0.0001);
    const sink = (s: EngineSnapshot) => s.kernels.find((k) => k.id === 'alert_sink')!;
    let sent = 0;
    const run = async (steps: number): Promise<EngineSnapshot[]> => {
      const seen: EngineSnapshot[] = [];
      for (let i = 0; i < steps; i++) {
        const r = engine.command({ type: 'inject', typeId: 1010, count: 500 });
        expect(r.ok).toBe(true);
        sent += 500;
        clock.t += 100_000;
        engine.tick();
        await flush();
        const s = engine.snapshot();
        expectBalanced(s);
        expect(sink(s).queued).toBeLessThanOrEqual(sink(s).capacity);
        seen.push(s);
      }
      return seen;
    };

    // Phase 1: "WebGPU" is 10x faster than the twin: auto learns it and moves there.
    const first = await run(30);
    expect(sink(first[0]!).backend).toBe('cpu');
    const moved = first.findIndex((s) => sink(s).backend === 'webgpu');
    expect(moved).toBeGreaterThan(0);
    const onGpu = sink(first.at(-1)!);
    expect(onGpu.backend).toBe('webgpu');
    expect(onGpu.placement).toMatchObject({ mode: 'auto', switches: 1 });
    expect(onGpu.placement.gpuRate!).toBeGreaterThan(onGpu.placement.cpuRate! * 1.25);
    expect(onGpu.placement.reason).toMatch(/WebGPU .*M\/s vs CPU twin .*M\/s/);
    expect(onGpu.placement.crossoverBatch).not.toBeNull();

    // Phase 2: the GPU slows down to 10x slower than the twin: auto moves the kernel back.
    cost.gpuPerRow = 0.01;
    const second = await run(40);
    const back = sink(second.at(-1)!);
    expect(back.backend).toBe('cpu');
    expect(back.placement.switches).toBe(2);
    expect(back.placement.lastSwitchUs).toBeGreaterThan(onGpu.placement.lastSwitchUs!);
    expect(back.placement.reason).toMatch(/CPU twin measured|stays on the CPU/);
    // A move auto chose, said as one: the page shows it as information, not as a fallback.
    const moves = second.flatMap((s) => s.gpuEvents).filter((n) => n.kernelId === 'alert_sink');
    expect(moves.find((n) => n.backend === 'cpu')).toMatchObject({ chosen: true });

    // Nothing lost: every alert processed once, no letters; the state counts every one of them
    // (carried CPU -> GPU -> CPU; the measuring samples never touched the live state).
    for (let i = 0; i < 20 && !engine.snapshot().idle; i++) {
      clock.t += 100_000;
      engine.tick();
      await flush();
    }
    const end = engine.snapshot();
    expectBalanced(end);
    expect(end.idle).toBe(true);
    expect(sink(end).processed).toBe(sent);
    expect(end.deadLetters.count).toBe(0);
    expect(twins).toHaveLength(1);
    expect(sum(twins[0]!.exportState())).toBe(sent);
  });

  it('keeps a slower backend out: a kernel on auto stays on the twin when WebGPU measures slower', async () => {
    const { engine, clock } = autoEngine(0.0001, 0.01);
    await feedAlerts(engine, clock, 40);
    const s = engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    expect(s.backend).toBe('cpu');
    expect(s.placement.switches).toBe(0);
    expect(s.placement.gpuRate).not.toBeNull();
    expect(s.placement.cpuRate!).toBeGreaterThan(s.placement.gpuRate!);
    expect(s.fallbackReason).toMatch(/stays on the CPU/);
  });
});

/** A "GPU" whose first batch costs `coldMs` more: a pipeline's first dispatch, first mappings. */
class ColdStartRuntime extends TimedRuntime {
  private cold = true;
  constructor(private readonly coldMs: number) {
    super();
  }
  override process(batch: MessageBatch): Promise<OutputBatch> {
    if (this.cold) spent.ms += this.coldMs;
    this.cold = false;
    return super.process(batch);
  }
}

describe('auto backend measuring a runtime that starts cold', () => {
  it("judges WebGPU by its warm batches, not by its runtime's first one", async () => {
    // The twin 10 M/s, "WebGPU" 3.3 M/s once warm; its first batch takes 200 ms more. Timed
    // with that first batch, one sample read 2.5 K/s: a clear loser, and every later sample only
    // diluted it. Not measured, it still costs its duty cycle: the next sample ~10 s later.
    const { engine, clock } = autoEngine(0.0001, 0.0003, () => new ColdStartRuntime(200));
    await feedAlerts(engine, clock, 200);
    const s = engine.snapshot();
    const sink = s.kernels.find((k) => k.id === 'alert_sink')!;
    expectBalanced(s);
    expect(sink.backend).toBe('cpu');
    expect(sink.placement.gpuRate).toBeGreaterThan(2_500_000);
    expect(sink.placement.gpuRate).toBeLessThan(4_500_000);
    expect(sink.placement.reason).toMatch(/stays on the CPU/);
  });

  it("a kernel forced onto WebGPU shows its warm rate, not one its runtime's first batch drags down", async () => {
    const { engine, clock } = autoEngine(0.0001, 0.0003, () => new ColdStartRuntime(2000));
    const cfg = demoConfig().kernels.find((k) => k.id === 'alert_sink')!;
    expect(engine.command({ type: 'upsertKernel', kernel: { ...cfg, backend: 'webgpu' } }).ok).toBe(
      true,
    );
    await feedAlerts(engine, clock, 40);
    const s = engine.snapshot();
    const sink = s.kernels.find((k) => k.id === 'alert_sink')!;
    expectBalanced(s);
    expect(sink.backend).toBe('webgpu');
    // Live batches: 40 of them, timed on the clock the "GPU" moves; the first alone took 2 s.
    expect(sink.placement.gpuRate).toBeGreaterThan(2_500_000);
    expect(sink.placement.gpuRate).toBeLessThan(4_500_000);
  });
});

/**
 * A "GPU" whose batches come back only when the test says so: a slow device with a backlog,
 * where each batch that lands lets the kernel take the next one at once.
 */
class HeldRuntime extends TimedRuntime {
  readonly held: ((fail: boolean) => void)[] = [];
  /** Rows handed to this runtime. */
  rows = 0;
  /** One-row batches (a failed batch re-run row by row) fail too. */
  failSingles = false;
  override process(batch: MessageBatch): Promise<OutputBatch> {
    if (batch.count === 1 && this.failSingles) return Promise.reject(new Error('row failed'));
    this.rows += batch.count;
    return new Promise((resolve, reject) =>
      this.held.push((fail) =>
        fail ? reject(new Error('batch failed')) : resolve(this.inner.process(batch)),
      ),
    );
  }
  /** Lands (or fails) the oldest batch out, then lets the engine's continuations run. */
  async landOne(fail = false): Promise<boolean> {
    const next = this.held.shift();
    if (!next) return false;
    next(fail);
    for (let i = 0; i < 3; i++) await flush();
    return true;
  }
}

describe('a move between backends with a backlog', () => {
  it('a kernel on a slow GPU with a full queue moves to its twin when set to cpu, and loses nothing', async () => {
    const clock = { t: 1_000_000 };
    const config = demoConfig();
    config.kernels = config.kernels.map((k) =>
      k.id === 'alert_sink' ? { ...k, backend: 'webgpu' as const, queueCapacity: 65_536 } : k,
    );
    let rt: HeldRuntime | null = null;
    const engine = createEngine({
      config,
      now: () => clock.t,
      makeKernel: (k) =>
        k.id === 'alert_sink' && k.backend !== 'cpu'
          ? Promise.resolve((rt = new HeldRuntime()))
          : createTwin(k.behavior),
      gpu: () => ({ available: true, adapter: null }),
    });
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    await flush();
    expect(rt).not.toBeNull();
    const gpu = rt as unknown as HeldRuntime;
    expect(engine.command({ type: 'inject', typeId: 1010, count: 30_000 }).ok).toBe(true);
    clock.t += 1000;
    engine.tick();
    await flush();
    expect(sink().backend).toBe('webgpu');
    expect(gpu.held.length).toBeGreaterThan(0);

    // The user switches the kernel to its CPU twin while batches are out and a backlog waits.
    const cfg = engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    expect(cfg.queued).toBeGreaterThan(0);
    const kernel = config.kernels.find((k) => k.id === 'alert_sink')!;
    expect(engine.command({ type: 'upsertKernel', kernel: { ...kernel, backend: 'cpu' } }).ok).toBe(
      true,
    );
    // Until then it runs on WebGPU, and its reason says it is moving and what it waits for
    // (every panel had said WebGPU beside a reason that named the twin, for seconds).
    expect(sink().backend).toBe('webgpu');
    expect(sink().placement.reason).toMatch(
      /Moving to its CPU twin once the [\d,]+ rows out on WebGPU come back\.$/,
    );
    // What is out lands; nothing new goes to the GPU; then the twin takes over.
    const outAtSwitch = cfg.inFlight;
    expect(outAtSwitch).toBeGreaterThan(0);
    for (let i = 0; i < 10 && (await gpu.landOne()); i++) {
      clock.t += 1000;
      engine.tick();
    }
    expect(gpu.held).toHaveLength(0);
    expect(gpu.rows).toBe(outAtSwitch);
    await flush();
    for (let i = 0; i < 50 && !engine.snapshot().idle; i++) {
      clock.t += 10_000;
      engine.tick();
      await flush();
    }
    const end = engine.snapshot();
    expect(sink().backend).toBe('cpu');
    expect(sink().placement.reason).not.toMatch(/Moving/);
    expect(end.idle).toBe(true);
    expectBalanced(end);
    expect(sink().processed).toBe(30_000);
    expect(end.deadLetters.count).toBe(0);
  });
});

/** The demo with alert_sink forced onto a held "GPU" (each runtime made is kept in `rts`). */
function heldSink() {
  const clock = { t: 1_000_000 };
  const config = demoConfig();
  config.kernels = config.kernels.map((k) =>
    k.id === 'alert_sink' ? { ...k, backend: 'webgpu' as const, queueCapacity: 65_536 } : k,
  );
  const rts: HeldRuntime[] = [];
  const engine = createEngine({
    config,
    now: () => clock.t,
    makeKernel: (k) => {
      if (k.id !== 'alert_sink' || k.backend === 'cpu') return createTwin(k.behavior);
      const rt = new HeldRuntime();
      rts.push(rt);
      return Promise.resolve(rt);
    },
    gpu: () => ({ available: true, adapter: null }),
  });
  const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink');
  const step = () => {
    clock.t += 1000;
    engine.tick();
  };
  return { engine, config, rts, sink, step };
}

describe('a kernel removed with batches out on its GPU', () => {
  it('gives a kernel added back before they land its counts, and theirs when they land', async () => {
    const { engine, config, rts, sink, step } = heldSink();
    await flush();
    expect(engine.command({ type: 'inject', typeId: 1010, count: 5_000 }).ok).toBe(true);
    step();
    await flush();
    await rts[0]!.landOne();
    step();
    const before = sink()!;
    expect(before.processed).toBeGreaterThan(0);
    const out = before.inFlight;
    expect(out).toBeGreaterThan(0);
    // Removed, then the undo, with its batches still out.
    const without = {
      ...config,
      kernels: config.kernels.filter((k) => k.id !== 'alert_sink'),
      routes: config.routes.filter((r) => r.kernelId !== 'alert_sink'),
    };
    expect(engine.command({ type: 'loadConfig', config: without }).ok).toBe(true);
    expect(engine.command({ type: 'loadConfig', config }).ok).toBe(true);
    await flush();
    let s = engine.snapshot();
    expect(sink()!.processed).toBe(before.processed);
    // Still out: in flight under the removed row until they land.
    expect(s.accounting.removedKernels).toMatchObject({ ids: ['alert_sink'], inFlight: out });
    expectBalanced(s);
    while (await rts[0]!.landOne()) step();
    s = engine.snapshot();
    expect(sink()!.processed).toBe(before.processed + out);
    expect(s.accounting.removedKernels).toBeUndefined();
    expect(s.accounting.inFlight).toBe(0);
    const kernels = s.kernels.reduce((n, k) => n + k.processed, 0);
    expect(kernels).toBe(s.accounting.processed - s.accounting.toHost);
    expectBalanced(s);
  });

  it('counts the letters of a batch that fails after the removal under the removed row', async () => {
    const { engine, rts, sink, step } = heldSink();
    await flush();
    expect(engine.command({ type: 'inject', typeId: 1010, count: 3_000 }).ok).toBe(true);
    step();
    await flush();
    const out = sink()!.inFlight;
    expect(out).toBeGreaterThan(0);
    expect(engine.command({ type: 'removeKernel', kernelId: 'alert_sink' }).ok).toBe(true);
    rts[0]!.failSingles = true;
    while (await rts[0]!.landOne(true)) step();
    const s = engine.snapshot();
    // Each row failed on its own: a KernelError letter, counted where the kernel's counts are.
    expect(s.accounting.removedKernels).toMatchObject({
      ids: ['alert_sink'],
      processed: 0,
      inFlight: 0,
    });
    expect(s.accounting.removedKernels!.deadLettered).toBe(out);
    expectBalanced(s);
  });

  it('keeps their rows in flight under the removed row, then counts them processed there as they land', async () => {
    const { engine, rts, step } = heldSink();
    await flush();
    const gpu = rts[0]!;
    expect(engine.command({ type: 'inject', typeId: 1010, count: 5_000 }).ok).toBe(true);
    step();
    await flush();
    const out = engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!.inFlight;
    expect(out).toBeGreaterThan(0);

    expect(engine.command({ type: 'removeKernel', kernelId: 'alert_sink' }).ok).toBe(true);
    // The status bar's "in flight" is the kernels' column plus the removed row's.
    const held = engine.snapshot();
    expect(held.accounting.inFlight).toBe(out);
    expect(held.accounting.removedKernels).toMatchObject({ ids: ['alert_sink'], inFlight: out });
    expect(held.kernels.reduce((n, k) => n + k.inFlight, 0)).toBe(0);
    expectBalanced(held);

    // Reset counters while they are still out: the row stays, counting afresh.
    expect(engine.command({ type: 'resetMetrics' }).ok).toBe(true);
    expect(engine.snapshot().accounting.removedKernels).toMatchObject({
      ids: ['alert_sink'],
      processed: 0,
      inFlight: out,
    });

    while (await gpu.landOne()) step();
    const end = engine.snapshot();
    expect(end.accounting.inFlight).toBe(0);
    expect(end.accounting.removedKernels).toEqual({
      ids: ['alert_sink'],
      processed: out,
      emitted: 0,
      dropped: 0,
      deadLettered: 0,
      inFlight: 0,
    });
    // The kernels' processed column and the removed row add up to the status bar's processed.
    const kernels = end.kernels.reduce((n, k) => n + k.processed, 0);
    expect(kernels + end.accounting.removedKernels!.processed).toBe(
      end.accounting.processed - end.accounting.toHost,
    );
    expectBalanced(end);
  });
});

describe('auto backend while WebGPU starts', () => {
  it('says the runtime is starting until it is made, then neither starting nor a fallback', async () => {
    const { engine } = autoEngine(0.001, 0.0001);
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    const forced = () => engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!;
    // The runtime is a promise not yet settled: the twin runs meanwhile, by no fallback.
    expect(sink().backend).toBe('cpu');
    expect(sink().placement.gpuStarting).toBe(true);
    expect(sink().placement.gpuReady).toBe(false);
    // A kernel whose implementation came at once (its twin) starts nothing.
    expect(forced().placement.gpuStarting).toBe(false);
    await flush();
    expect(sink().placement.gpuStarting).toBe(false);
    expect(sink().placement.gpuReady).toBe(true);
  });

  it('is not left starting when the backend changes while the runtime is being made', async () => {
    const config = demoConfig();
    let hung = 0;
    const engine = createEngine({
      config,
      now: () => 1_000_000,
      // alert_sink's first runtime never comes (a WebGPU that hangs); later it gets its twin at
      // once (as where WebGPU is found missing).
      makeKernel: (k) =>
        k.id === 'alert_sink' && k.backend !== 'cpu' && hung++ === 0
          ? new Promise<never>(() => undefined)
          : createTwin(k.behavior),
      gpu: () => ({ available: true, adapter: null }),
    });
    const sink = () => engine.snapshot().kernels.find((k) => k.id === 'alert_sink')!;
    const kernel = config.kernels.find((k) => k.id === 'alert_sink')!;
    expect(
      engine.command({ type: 'upsertKernel', kernel: { ...kernel, backend: 'auto' } }).ok,
    ).toBe(true);
    expect(sink().placement.gpuStarting).toBe(true);
    // Forced to its twin before the runtime came: nothing is being made for it any more.
    expect(engine.command({ type: 'upsertKernel', kernel: { ...kernel, backend: 'cpu' } }).ok).toBe(
      true,
    );
    // And back on auto, with nothing being made: not "starting" (it was, for good).
    expect(
      engine.command({ type: 'upsertKernel', kernel: { ...kernel, backend: 'auto' } }).ok,
    ).toBe(true);
    await flush();
    expect(sink().placement.mode).toBe('auto');
    expect(sink().placement.gpuStarting).toBe(false);
  });
});

/**
 * A fraud "GPU" runtime. Its batches land at once or, held, when the test says so; it keeps every
 * state it was handed and every state it gave back.
 */
class FraudRuntime implements KernelRuntime {
  readonly behavior = 'fraud' as const;
  backend: 'webgpu' | 'cpu' = 'webgpu';
  readonly inner = createTwin('fraud');
  readonly held: (() => void)[] = [];
  readonly imported: Uint32Array[] = [];
  readonly exported: Uint32Array[] = [];
  constructor(private readonly hold = false) {}
  process(batch: MessageBatch): Promise<OutputBatch> {
    if (!this.hold) return Promise.resolve(this.inner.process(batch));
    return new Promise((resolve) => this.held.push(() => resolve(this.inner.process(batch))));
  }
  exportState(): Promise<Uint32Array> {
    const s = this.inner.exportState();
    this.exported.push(s);
    return Promise.resolve(s);
  }
  importState(state: Uint32Array): void {
    this.imported.push(state);
    this.inner.importState(state);
    // Taken over, as the GPU worker's runtime takes it: the engine may not read it again.
    structuredClone(state, { transfer: [state.buffer] });
  }
  reset(): void {
    this.inner.reset();
  }
  destroy(): void {}
}

/** The demo with fraud_processor forced onto WebGPU, run there by `rt` (its twin once on cpu). */
function fraudOnGpu(rt: FraudRuntime) {
  const clock = { t: 1_000_000 };
  const config = demoConfig();
  config.kernels = config.kernels.map((k) =>
    k.id === 'fraud_processor' ? { ...k, backend: 'webgpu' as const } : k,
  );
  const engine = createEngine({
    config,
    now: () => clock.t,
    makeKernel: (k) =>
      k.id === 'fraud_processor' && k.backend !== 'cpu'
        ? Promise.resolve(rt)
        : createTwin(k.behavior),
    gpu: () => ({ available: true, adapter: null }),
  });
  const fraud = config.kernels.find((k) => k.id === 'fraud_processor')!;
  return { engine, clock, fraud };
}

describe('a move back to the twin under load', () => {
  it('the GPU results and the twin backlog both reach a smaller queue downstream with nothing refused', async () => {
    const gpu = new FraudRuntime(true);
    const { engine, clock, fraud } = fraudOnGpu(gpu);
    const kernel = (id: string) => engine.snapshot().kernels.find((k) => k.id === id)!;
    await flush();
    for (let i = 0; i < 4; i++) {
      expect(engine.command({ type: 'inject', typeId: 1001, count: 2048 }).ok).toBe(true);
      clock.t += 1000;
      engine.tick();
      await flush();
    }
    // A full queue waits behind a batch out on the "GPU".
    expect(kernel('fraud_processor').queued).toBe(4096);
    expect(kernel('fraud_processor').inFlight).toBeGreaterThan(0);
    expect(gpu.held.length).toBeGreaterThan(0);
    expect(engine.command({ type: 'upsertKernel', kernel: { ...fraud, backend: 'cpu' } }).ok).toBe(
      true,
    );
    for (let i = 0; i < 10 && gpu.held.length > 0; i++) {
      // The generator's alerts meet the kernel's at alert_sink.
      expect(engine.command({ type: 'inject', typeId: 1010, count: 256 }).ok).toBe(true);
      gpu.held.shift()!();
      await flush();
      clock.t += 1000;
      engine.tick();
    }
    for (let i = 0; i < 50 && !engine.snapshot().idle; i++) {
      clock.t += 10_000;
      engine.tick();
      await flush();
    }
    const end = engine.snapshot();
    expect(kernel('fraud_processor').backend).toBe('cpu');
    expectBalanced(end);
    expect(kernel('fraud_processor').processed).toBe(4 * 2048);
    expect(kernel('alert_sink').dropped).toBe(0);
    expect(end.deadLetters.count).toBe(0);
  });
});

describe('moving the state between backends', () => {
  it('hands the runtime the memory the state last came back in, and the state is the one carried', async () => {
    const rt = new FraudRuntime();
    const { engine, clock, fraud } = fraudOnGpu(rt);
    const backend = () =>
      engine.snapshot().kernels.find((k) => k.id === 'fraud_processor')!.backend;
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.t += 1000;
        engine.tick();
        await flush();
      }
    };
    await flush();
    expect(backend()).toBe('webgpu');
    expect(rt.imported).toHaveLength(1);
    expect(engine.command({ type: 'inject', typeId: 1001, count: 500 }).ok).toBe(true);
    await run(3);
    expect(engine.command({ type: 'upsertKernel', kernel: { ...fraud, backend: 'cpu' } }).ok).toBe(
      true,
    );
    await run(3);
    expect(backend()).toBe('cpu');
    expect(rt.exported).toHaveLength(1);
    const carried = rt.exported[0]!.slice();
    expect(carried.some((w) => w !== 0)).toBe(true);
    expect(
      engine.command({ type: 'upsertKernel', kernel: { ...fraud, backend: 'webgpu' } }).ok,
    ).toBe(true);
    await run(3);
    expect(backend()).toBe('webgpu');
    expect(rt.imported).toHaveLength(2);
    // The same memory, written once already: no fresh 5.8 MB on the engine's thread.
    expect(rt.imported[1]).toBe(rt.exported[0]);
    expect(Array.from(rt.inner.exportState())).toEqual(Array.from(carried));
  });
});
