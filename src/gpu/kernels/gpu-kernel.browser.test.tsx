/**
 * `GpuKernel` set-up on the browser's real WebGPU (SwiftShader here): the pipeline is compiled
 * ahead with `createComputePipelineAsync`, and whatever fails on the way, module or pipeline,
 * still rejects `validate()` with a `gpu-failure` naming the kernel and the compiler's words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../check/checks.ts';
import { genericSpec } from './generic/generic.ts';
import { GpuKernel, GpuKernelError } from './gpu-kernel.ts';
import { createMessageBatch, DemoTypes } from './types.ts';

let device: GPUDevice;

beforeAll(async () => {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter: Chromium needs --enable-unsafe-webgpu');
  device = await adapter.requestDevice();
});

afterAll(() => device.destroy());

async function failure(p: Promise<unknown>): Promise<GpuKernelError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GpuKernelError) return e;
    throw e;
  }
  throw new Error('validate() resolved');
}

describe('GpuKernel.validate', () => {
  it('resolves with the pipeline compiled, and the kernel runs a batch', async () => {
    const k = await new GpuKernel(device, genericSpec, false).validate();
    const batch = createMessageBatch(16);
    batch.count = 3;
    for (let r = 0; r < 3; r++) {
      batch.typeLo[r] = DemoTypes.FraudAlert;
      batch.idLo[r] = r + 1;
    }
    await k.process(batch);
    const state = await k.exportState();
    // The generic kernel counts each message in its type's slot, from zeroed state.
    expect(state.reduce((a, b) => a + b, 0)).toBe(3);
    k.destroy();
  });

  // Compiled ahead and set by validate(), the pipeline had been missing for a kernel used
  // without it: every batch threw "used before validate()".
  it('runs a batch on a kernel used without validate()', async () => {
    const k = new GpuKernel(device, genericSpec, false);
    const batch = createMessageBatch(16);
    batch.count = 2;
    batch.typeLo[0] = DemoTypes.FraudAlert;
    batch.typeLo[1] = DemoTypes.FraudAlert;
    await k.process(batch);
    const state = await k.exportState();
    expect(state.reduce((a, b) => a + b, 0)).toBe(2);
    k.destroy();
  });

  it("the GPU check's kernels (createGpuKernel) equal their twins on a small run", async () => {
    const results = await runCheck({ seed: 3, batches: 2, batchSize: 64 });
    expect(results.map((r) => r.behavior).sort()).toEqual([
      'aggregator',
      'fraud',
      'generic',
      'pattern',
    ]);
    for (const r of results) {
      expect(r.firstMismatch, r.behavior).toBeUndefined();
      expect(r.equal, r.behavior).toBe(true);
      expect(r.inputs, r.behavior).toBeGreaterThan(0);
    }
  });

  it('rejects a shader that does not compile, with the compiler message', async () => {
    const e = await failure(
      new GpuKernel(
        device,
        { ...genericSpec, wgsl: `${genericSpec.wgsl}\nfn broken( {` },
        false,
      ).validate(),
    );
    expect(e.code).toBe('gpu-failure');
    expect(e.message).toMatch(/^generic: shader or pipeline invalid: \S/);
  });

  it('rejects a pipeline the device refuses (an override the shader does not declare)', async () => {
    const e = await failure(
      new GpuKernel(
        device,
        { ...genericSpec, constants: { ...genericSpec.constants, NOT_DECLARED: 1 } },
        false,
      ).validate(),
    );
    expect(e.code).toBe('gpu-failure');
    expect(e.message).toMatch(/^generic: shader or pipeline invalid: \S/);
    expect(e.message).not.toMatch(/undefined|null$/);
  });
});
