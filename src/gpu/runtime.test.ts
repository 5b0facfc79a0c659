import { firstDiff } from './kernels/test-util.ts';
import { describe, expect, it } from 'vitest';
import { requestDevice } from './device.ts';
import { TrafficGenerator } from './kernels/traffic.ts';
import { createTwin } from './kernels/twins.ts';
import { cloneOutputBatch, createMessageBatch } from './kernels/types.ts';
import { GpuKernelRuntime } from './runtime.ts';

describe('device acquisition without WebGPU', () => {
  it('reports a typed, actionable reason', async () => {
    const none = await requestDevice(undefined);
    expect(none).toMatchObject({ available: false, code: 'no-webgpu' });
    const noAdapter = await requestDevice({
      requestAdapter: () => Promise.resolve(null),
    } as unknown as GPU);
    expect(noAdapter.available).toBe(false);
    if (!noAdapter.available) {
      expect(noAdapter.code).toBe('no-adapter');
      expect(noAdapter.reason).toMatch(/CPU twins/);
    }
  });
});

describe('GpuKernelRuntime in Node (no adapter)', () => {
  it('auto falls back to the CPU twin, says why, and matches the twin exactly', async () => {
    const rt = await GpuKernelRuntime.create('fraud', { backend: 'auto' });
    expect(rt.backend).toBe('cpu');
    expect(rt.fallbackReason).toMatch(/navigator\.gpu/);
    const ref = createTwin('fraud');
    const gen = new TrafficGenerator({ seed: 2 });
    const batch = createMessageBatch(500);
    for (let i = 0; i < 3; i++) {
      gen.fill(batch, 500);
      const got = cloneOutputBatch(await rt.process(batch));
      const want = ref.process(batch);
      expect(got.count).toBe(want.count);
      expect(Array.from(got.payload.subarray(0, got.count * 8))).toEqual(
        Array.from(want.payload.subarray(0, want.count * 8)),
      );
    }
    expect(firstDiff(await rt.exportState(), ref.exportState())).toBe(-1);
    rt.reset();
    expect((await rt.exportState()).every((w) => w === 0)).toBe(true);
  });

  it("'cpu' never asks for a device", async () => {
    const rt = await GpuKernelRuntime.create('generic', { backend: 'cpu' });
    expect(rt.backend).toBe('cpu');
    expect(rt.fallbackReason).toBeNull();
  });
});
