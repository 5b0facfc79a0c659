/**
 * The kernels' runtimes behind the GPU worker's link (`gpu-remote.ts`), with the link carried by
 * `structuredClone` as `postMessage` carries it (transfers included) and delivered a task later:
 * the same outputs and state as running the runtime in place, operations in the order sent, the
 * engine's own buffers never handed over, a device loss and a broken worker reported.
 */
import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import {
  PAYLOAD_WORDS,
  createMessageBatch,
  type KernelBehavior,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { createEngine } from './engine';
import { GpuHost, type GpuHostDeps } from './gpu-host';
import { RemoteGpu, type GpuLink, type GpuReply, type GpuRequest } from './gpu-remote';
import type { GpuInfo } from './protocol';
import { TwinRuntime, expectBalanced } from './test-util';

/** What the fake GPU worker's probe finds. */
const FAKE_GPU: GpuInfo = {
  available: true,
  adapter: { vendor: 'test', architecture: 'fake', description: '', isFallbackAdapter: false },
};

const later = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A "GPU" runtime: a twin a task away, that can be lost (it then runs the twin, as the real one). */
class FakeGpuRuntime extends TwinRuntime {
  fallbackReason: string | null = null;
  adapter = { vendor: 'test', architecture: 'fake' };
  constructor(
    behavior: KernelBehavior,
    private readonly onFallback: (m: string) => void,
  ) {
    super(behavior);
  }
  override async process(batch: MessageBatch): Promise<OutputBatch> {
    await later();
    return super.process(batch);
  }
  override async exportState(): Promise<Uint32Array> {
    await later();
    return super.exportState();
  }
  lose(): void {
    this.backend = 'cpu';
    this.fallbackReason = 'device lost (test)';
    this.onFallback('Moved to the CPU twin: device lost (test).');
  }
}

/** Both ends joined by a link that clones (and transfers) like `postMessage`. */
function joined(opts: { failCreate?: string } = {}) {
  const runtimes: FakeGpuRuntime[] = [];
  const deps: GpuHostDeps = {
    probe: () => Promise.resolve(FAKE_GPU),
    create: (behavior, _backend, onFallback) => {
      if (opts.failCreate) return Promise.reject(new Error(opts.failCreate));
      const rt = new FakeGpuRuntime(behavior, onFallback);
      runtimes.push(rt);
      return Promise.resolve(rt);
    },
    lose: () => {
      for (const rt of runtimes) rt.lose();
    },
  };
  const sent: GpuRequest[] = [];
  /** Bytes each message carried in buffers that were copied rather than transferred. */
  const copiedBytes: { type: string; bytes: number }[] = [];
  let closed = false;
  const link: GpuLink = {
    post: (m, transfer = []) => {
      copiedBytes.push({ type: m.type, bytes: copied(m, transfer) });
      const copy = structuredClone(m, { transfer });
      sent.push(copy);
      setTimeout(() => {
        if (!closed) host.handle(copy);
      }, 0);
    },
    onReply: null,
    onBroken: null,
    close: () => {
      closed = true;
    },
  };
  const host = new GpuHost(deps, (reply: GpuReply, transfer: ArrayBuffer[]) => {
    copiedBytes.push({ type: reply.type, bytes: copied(reply, transfer) });
    const copy = structuredClone(reply, { transfer });
    setTimeout(() => {
      if (!closed) link.onReply?.(copy);
    }, 0);
  });
  const remote = new RemoteGpu(link);
  return { remote, runtimes, sent, link, deps, copiedBytes };
}

/** Bytes of the typed arrays in `m` (two levels deep) whose buffers are not in `transfer`. */
function copied(m: object, transfer: ArrayBuffer[]): number {
  let bytes = 0;
  for (const v of Object.values(m)) {
    if (ArrayBuffer.isView(v))
      bytes += transfer.includes(v.buffer as ArrayBuffer) ? 0 : v.byteLength;
    else if (v && typeof v === 'object') bytes += copied(v as object, transfer);
  }
  return bytes;
}

/** A batch of `n` Transactions; every third over the large-amount threshold (it raises an alert). */
function transactions(n: number, seed: number): MessageBatch {
  const b = createMessageBatch(n + 7);
  b.count = n;
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let r = 0; r < n; r++) {
    b.typeLo[r] = 1001;
    b.idLo[r] = seed * 1000 + r;
    const p = r * PAYLOAD_WORDS;
    b.payload[p] = seed * 1000 + r;
    f32[0] = r % 3 === 0 ? 50_000 : 120 + r;
    b.payload[p + 2] = u32[0]!;
    b.payload[p + 3] = (r * 7 + seed) % 97;
    b.payload[p + 6] = 1_000_000 + seed * 10_000 + r * 10;
  }
  return b;
}

/** The first index where two states differ, or -1 (their length first). */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const rows = (o: OutputBatch): number[][] =>
  Array.from({ length: o.count }, (_, r) => [
    o.typeLo[r]!,
    o.idLo[r]!,
    o.parentRow[r]!,
    ...o.payload.subarray(r * PAYLOAD_WORDS, (r + 1) * PAYLOAD_WORDS),
  ]);

describe('the GPU worker link', () => {
  it('gives the outputs and state of running the runtime in place, in the order sent', async () => {
    const { remote } = joined();
    const info = await remote.probe();
    expect(info.available).toBe(true);
    const rt = await remote.create('fraud', 'auto', () => undefined);
    expect(rt.backend).toBe('webgpu');
    expect(rt.adapter?.architecture).toBe('fake');
    const twin = createTwin('fraud');
    for (let i = 0; i < 4; i++) {
      const batch = transactions(50 + i * 20, i);
      const want = rows(twin.process(batch));
      const got = await rt.process(batch);
      expect(want.length).toBeGreaterThan(0);
      expect(rows(got)).toEqual(want);
    }
    const state = await rt.exportState();
    expect(firstDifference(state, twin.exportState())).toBe(-1);
    expect(state.some((w) => w !== 0)).toBe(true);
    // reset and importState are not awaited: what follows them still sees them done.
    rt.reset();
    expect((await rt.exportState()).every((w) => w === 0)).toBe(true);
    // The state is handed over, not copied: the caller's array is the worker's now (5.8 MB for
    // the fraud kernel, copied twice on the engine's thread before).
    const handed = state.slice();
    rt.importState(handed);
    expect(handed.byteLength).toBe(0);
    expect(firstDifference(await rt.exportState(), state)).toBe(-1);
    const after = transactions(30, 9);
    expect(rows(await rt.process(after))).toEqual(rows(twin.process(after)));
  });

  it('copies a batch as it is sent: the engine reuses its buffers at once and none is detached', async () => {
    const { remote, sent } = joined();
    const rt = await remote.create('fraud', 'auto', () => undefined);
    const batch = transactions(40, 3);
    const want = rows(createTwin('fraud').process(batch));
    const bytes = batch.payload.buffer.byteLength;
    const pending = rt.process(batch);
    // The engine writes its next batch into the same columns before the result is back.
    batch.payload.fill(0);
    batch.count = 0;
    expect(rows(await pending)).toEqual(want);
    expect(batch.payload.buffer.byteLength).toBe(bytes);
    const msg = sent.find((m) => m.type === 'process');
    expect(msg?.type === 'process' && msg.batch.count).toBe(40);
  });

  it('moves batches both ways by transfer and uses their buffers again, outputs exact', async () => {
    const { remote, sent, copiedBytes } = joined();
    const rt = await remote.create('fraud', 'auto', () => undefined);
    const twin = createTwin('fraud');
    for (let i = 0; i < 8; i++) {
      // Sizes up and down: a spare too small for the next outputs is replaced, never overrun.
      const batch = transactions([40, 300, 12, 300, 64, 1, 250, 90][i]!, i);
      const want = rows(twin.process(batch));
      const out = await rt.process(batch);
      expect(rows(out)).toEqual(want);
      // The engine has sent the outputs on: their buffers go back with the next request.
      rt.recycle(out);
    }
    const processes = sent.filter((m) => m.type === 'process');
    expect(processes).toHaveLength(8);
    // From the second request on, each takes the previous outputs' buffers back to the worker.
    expect(processes.slice(1).every((m) => m.type === 'process' && m.spare !== null)).toBe(true);
    // Nothing of a batch or its outputs is copied by the messages: every buffer is transferred.
    const moved = copiedBytes.filter((c) => c.type === 'process' || c.type === 'processed');
    expect(moved).toHaveLength(16);
    expect(moved.every((c) => c.bytes === 0)).toBe(true);
  });

  it('reports a runtime that moved to its twin on the GPU worker (device lost), once', async () => {
    const { remote, deps } = joined();
    const notices: string[] = [];
    const rt = await remote.create('fraud', 'auto', (m) => notices.push(m));
    const batch = transactions(20, 1);
    await rt.process(batch);
    deps.lose();
    await later();
    await later();
    expect(rt.backend).toBe('cpu');
    expect(rt.fallbackReason).toContain('device lost');
    expect(notices).toEqual(['Moved to the CPU twin: device lost (test).']);
    // It still processes (on the twin there), and says where.
    const out = await rt.process(batch);
    expect(out.count).toBeGreaterThan(0);
    expect(rt.backend).toBe('cpu');
    expect(notices).toHaveLength(1);
  });

  it('rejects what is pending when the worker breaks, and moves every runtime to the CPU', async () => {
    const { remote, link } = joined();
    const notices: string[] = [];
    const rt = await remote.create('generic', 'webgpu', (m) => notices.push(m));
    const pending = rt.process(transactions(10, 2));
    link.onBroken?.('out of memory');
    await expect(pending).rejects.toThrow('The GPU worker stopped: out of memory');
    expect(rt.backend).toBe('cpu');
    expect(notices).toEqual(['The GPU worker stopped: out of memory']);
    await expect(remote.create('fraud', 'auto', () => undefined)).rejects.toThrow('stopped');
    await expect(remote.probe()).rejects.toThrow('stopped');
    await expect(rt.exportState()).rejects.toThrow('stopped');
  });

  it('says why a runtime could not be created', async () => {
    const { remote } = joined({ failCreate: 'shader invalid' });
    await expect(remote.create('pattern', 'auto', () => undefined)).rejects.toThrow(
      'shader invalid',
    );
  });

  it('runs an engine whose kernels are on WebGPU through the link, every message accounted for', async () => {
    const { remote } = joined();
    let t = 1_000_000;
    const config = demoConfig();
    config.kernels = config.kernels.map((k) => ({ ...k, backend: 'webgpu' as const }));
    const engine = createEngine({
      config,
      now: () => t,
      gpu: () => FAKE_GPU,
      makeKernel: (k) => remote.create(k.behavior, 'webgpu', () => undefined),
    });
    await later();
    await later();
    await later();
    engine.tick();
    expect(engine.snapshot().kernels.every((k) => k.backend === 'webgpu')).toBe(true);
    for (let i = 0; i < 30; i++) {
      engine.command({
        type: 'inject',
        typeId: 1001,
        payload: { amount: i % 2 ? 15_000 : 50, account: i },
      });
      engine.command({ type: 'inject', typeId: 1002, payload: { account: i } });
    }
    for (let i = 0; i < 40; i++) {
      t += 1000;
      engine.tick();
      await later();
    }
    const s = engine.snapshot();
    expect(s.injected).toBe(60);
    // Every transaction over the threshold raised an alert, routed on to alert_sink.
    const sink = s.kernels.find((k) => k.id === 'alert_sink');
    expect(sink?.processed).toBe(15);
    expect(s.accounting.processed).toBe(75);
    expect(s.accounting.inFlight).toBe(0);
    expectBalanced(s);
    engine.destroy();
  });

  it('pipelines batches through the link and ends exactly where the twins end', async () => {
    /** The demo, every kernel on `backend`, fed the same bursts a tick apart. */
    const run = async (viaLink: boolean) => {
      const { remote } = joined();
      let t = 1_000_000;
      const config = demoConfig();
      // Queues that hold every burst: what is compared is the order batches ran in, not overflow.
      config.kernels = config.kernels.map((k) => ({
        ...k,
        queueCapacity: 16_384,
        backend: viaLink ? ('webgpu' as const) : ('cpu' as const),
      }));
      const engine = createEngine({
        config,
        now: () => t,
        gpu: () => FAKE_GPU,
        makeKernel: (k) =>
          viaLink ? remote.create(k.behavior, 'webgpu', () => undefined) : createTwin(k.behavior),
      });
      for (let i = 0; i < 3; i++) await later();
      engine.tick();
      let most = 0;
      for (let burst = 0; burst < 6; burst++) {
        // A burst a tick, without waiting for the link: batches pile up in flight.
        engine.command({
          type: 'inject',
          typeId: 1001,
          count: 1500,
          payload: { amount: burst % 2 ? 12_000 : 700, account: burst % 3 },
        });
        t += 1000;
        engine.tick();
        most = Math.max(most, engine.snapshot().accounting.inFlight);
      }
      for (let i = 0; i < 60; i++) {
        t += 1000;
        engine.tick();
        await later();
      }
      const s = engine.snapshot();
      engine.destroy();
      return { s, most };
    };
    const twins = await run(false);
    const link = await run(true);
    // More than one batch was out at once on the link, and the twins dropped nothing.
    expect(link.most).toBeGreaterThan(1500);
    expect(twins.s.kernels.every((k) => k.dropped === 0)).toBe(true);
    expect(twins.s.kernels.find((k) => k.id === 'fraud_processor')!.emitted).toBeGreaterThan(0);
    expectBalanced(link.s);
    for (const k of twins.s.kernels) {
      const l = link.s.kernels.find((x) => x.id === k.id)!;
      expect(l.backend).toBe('webgpu');
      expect({ processed: l.processed, emitted: l.emitted, dropped: l.dropped }).toEqual({
        processed: k.processed,
        emitted: k.emitted,
        dropped: k.dropped,
      });
    }
  });
});
