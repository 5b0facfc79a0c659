import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createTwin } from '../gpu/kernels/twins.ts';
import type { KernelTwin } from '../gpu/kernels/types.ts';
import { createEngine, type Engine, type KernelImpl } from './engine';
import type { EngineCommand } from './protocol';
import { TwinRuntime } from './test-util';

function ok<C extends EngineCommand>(engine: Engine, cmd: C) {
  const reply = engine.command(cmd);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply;
}

const stateOf = (impl: KernelImpl): Promise<Uint32Array> | Uint32Array => impl.exportState();
const nonZero = (s: Uint32Array): number => s.reduce((a, w) => a + (w !== 0 ? 1 : 0), 0);

describe('upsertKernel changing only the backend', () => {
  it('carries a twin kernel state into the new implementation', () => {
    let t = 1_000_000;
    const made: KernelImpl[] = [];
    const cfg = demoConfig();
    const e = createEngine({
      config: cfg,
      now: () => t,
      makeKernel: (k) => {
        const twin = createTwin(k.behavior);
        if (k.id === 'aggregator') made.push(twin);
        return twin;
      },
    });
    ok(e, { type: 'inject', typeId: 1002, count: 5 });
    t += 1000;
    e.tick();
    const before = stateOf(made.at(-1)!) as Uint32Array;
    expect(nonZero(before)).toBeGreaterThan(0);
    const agg = cfg.kernels.find((k) => k.id === 'aggregator')!;
    ok(e, { type: 'upsertKernel', kernel: { ...agg, backend: 'cpu' } });
    expect(made).toHaveLength(2);
    expect(stateOf(made[1]!)).toEqual(before);
  });

  it('reads an asynchronous runtime state back before the new one processes anything', async () => {
    let t = 1_000_000;
    const runtimes: TwinRuntime[] = [];
    const twins: KernelTwin[] = [];
    const cfg = demoConfig();
    // Forced to WebGPU, so the runtime runs the aggregator (and holds its state) at once.
    cfg.kernels = cfg.kernels.map((k) =>
      k.id === 'aggregator' ? { ...k, backend: 'webgpu' as const } : k,
    );
    const e = createEngine({
      config: cfg,
      now: () => t,
      makeKernel: (k) => {
        if (k.id !== 'aggregator') return createTwin(k.behavior);
        if (k.backend === 'cpu') {
          const twin = createTwin(k.behavior);
          twins.push(twin);
          return twin;
        }
        const rt = new TwinRuntime(k.behavior);
        runtimes.push(rt);
        return rt;
      },
      gpu: () => ({ available: true, adapter: null }),
    });
    ok(e, { type: 'inject', typeId: 1002, count: 5 });
    t += 1000;
    e.tick();
    await new Promise((r) => setTimeout(r, 0));
    const before = runtimes[0]!.twin.exportState();
    expect(nonZero(before)).toBeGreaterThan(0);
    const agg = cfg.kernels.find((k) => k.id === 'aggregator')!;
    const processed = () => e.snapshot().kernels.find((k) => k.id === 'aggregator')!.processed;
    const n0 = processed();
    ok(e, { type: 'upsertKernel', kernel: { ...agg, backend: 'cpu' } });
    // Queued before the state lands: held, then processed on top of the carried state.
    ok(e, { type: 'inject', typeId: 1002, count: 1 });
    t += 1000;
    e.tick();
    expect(processed()).toBe(n0);
    await new Promise((r) => setTimeout(r, 0));
    expect(runtimes[0]!.destroyed).toBe(true);
    expect(twins[0]!.exportState()).toEqual(before);
    t += 1000;
    e.tick();
    expect(processed()).toBe(n0 + 1);
    expect(e.snapshot().accounting.queued).toBe(0);
  });
});
