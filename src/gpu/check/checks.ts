import { acquireGpu, type GpuAdapterSummary, type GpuStatus } from '../device.ts';
import { uploadTuning } from '../kernels/gpu-kernel.ts';
import { createGpuKernel } from '../kernels/gpu-kernels.ts';
import { TrafficGenerator } from '../kernels/traffic.ts';
import { createTwin } from '../kernels/twins.ts';
import {
  cloneOutputBatch,
  createMessageBatch,
  type KernelBehavior,
  type OutputBatch,
} from '../kernels/types.ts';
import { gpuResourceStats } from '../resources.ts';
import { GpuKernelRuntime, type FallbackEvent } from '../runtime.ts';
import { compareOutputs, compareState, type Mismatch } from './compare.ts';
import { SoaRing } from './ring.ts';

/** Every kernel behaviour the self-check covers. */
export const BEHAVIORS: KernelBehavior[] = ['fraud', 'aggregator', 'pattern', 'generic'];

/** One kernel's GPU-vs-CPU verdict. */
export interface KernelCheck {
  behavior: KernelBehavior;
  equal: boolean;
  firstMismatch?: Mismatch;
  batches: number;
  inputs: number;
  outputsCompared: number;
  ringWraps: number;
  /** OR of the reason/pattern bits seen in compared outputs (fraud: 7 = every rule fired; pattern: 3). */
  coverage: number;
  adapter: GpuAdapterSummary | null;
}

/** Options of {@link runCheck}. */
export interface RunOptions {
  seed?: number;
  batches?: number;
  batchSize?: number;
  /** Upload batches of at least this many rows through the mapped staging buffer (1: all). */
  stagedUploadMinRows?: number;
}

function unavailable(status: GpuStatus): never {
  throw new Error(
    status.available ? 'unreachable' : `WebGPU unavailable (${status.code}): ${status.reason}`,
  );
}

/**
 * Seeded traffic through each kernel on both backends. Messages pass through a ring of
 * `batchSize` slots in uneven pushes and drains, so batches straddle the ring's end; after every
 * batch outputs and the full state are compared word for word.
 */
export async function runCheck(opts: RunOptions = {}): Promise<KernelCheck[]> {
  const defaultStaged = uploadTuning.stagedMinRows;
  if (opts.stagedUploadMinRows !== undefined) uploadTuning.stagedMinRows = opts.stagedUploadMinRows;
  try {
    return await checkKernels(opts);
  } finally {
    uploadTuning.stagedMinRows = defaultStaged;
  }
}

async function checkKernels(opts: RunOptions): Promise<KernelCheck[]> {
  const status = await acquireGpu();
  if (!status.available) unavailable(status);
  const seed = opts.seed ?? 1;
  const batches = opts.batches ?? 6;
  const size = opts.batchSize ?? 4096;
  const results: KernelCheck[] = [];
  for (const behavior of BEHAVIORS) {
    const gpu = await createGpuKernel(status.device, behavior, status.timestampQuery);
    const cpu = createTwin(behavior);
    const gen = new TrafficGenerator({ seed });
    const ring = new SoaRing(size);
    const fresh = createMessageBatch(size);
    const batch = createMessageBatch(size);
    let firstMismatch: Mismatch | null = null;
    let inputs = 0;
    let outputs = 0;
    let coverage = 0;
    try {
      for (let i = 0; i < batches && !firstMismatch; i++) {
        // Uneven fills and drains: the drained batch's start walks around the ring.
        ring.push(
          gen.fill(
            fresh,
            Math.min(
              size - ring.depth,
              Math.max(1, Math.floor(size * (0.55 + (0.4 * ((i * 7) % 5)) / 4))),
            ),
          ),
        );
        ring.drain(batch, i % 3 === 2 ? 1 : Math.max(1, Math.floor(size * 0.7)));
        inputs += batch.count;
        const g = cloneOutputBatch(await gpu.process(batch));
        const c = cpu.process(batch);
        outputs += c.count;
        if (behavior === 'fraud' || behavior === 'pattern') {
          const word = behavior === 'fraud' ? 3 : 4;
          for (let k = 0; k < c.count; k++) coverage |= c.payload[k * 8 + word] ?? 0;
        }
        firstMismatch =
          compareOutputs(i, g, c) ?? compareState(i, await gpu.exportState(), cpu.exportState());
      }
    } finally {
      gpu.destroy();
    }
    results.push({
      behavior,
      equal: firstMismatch === null,
      ...(firstMismatch ? { firstMismatch } : {}),
      batches,
      inputs,
      outputsCompared: outputs,
      ringWraps: ring.wraps,
      coverage,
      adapter: status.adapter,
    });
  }
  return results;
}

/** One benchmark row: messages per second of each backend for a kernel and batch size. */
export interface BenchRow {
  behavior: KernelBehavior;
  batchSize: number;
  reps: number;
  webgpuMsgsPerSec: number;
  cpuMsgsPerSec: number;
  /** Mean compute-pass time from timestamp queries, when offered. */
  gpuKernelNs: number | null;
  /** Mean host-side time of each round-trip phase, ms (see `GpuDispatchTiming.phases`). */
  phasesMs: { upload: number; wait: number; readback: number; unpack: number };
  adapter: GpuAdapterSummary;
}

/** Options of {@link runBench}. */
export interface BenchOptions {
  sizes?: number[];
  /** Repetitions per size; defaults shrink as batches grow. */
  reps?: (size: number) => number;
  behaviors?: KernelBehavior[];
  seed?: number;
}

/**
 * Throughput of every kernel on WebGPU (upload, dispatch and readback of outputs: the full
 * round trip the engine pays) and on its CPU twin, in the same page.
 */
export async function runBench(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const status = await acquireGpu();
  if (!status.available) unavailable(status);
  const sizes = opts.sizes ?? [1_000, 10_000, 100_000, 1_000_000];
  const repsFor = opts.reps ?? ((s: number) => (s >= 1_000_000 ? 2 : s >= 100_000 ? 4 : 10));
  const rows: BenchRow[] = [];
  for (const behavior of opts.behaviors ?? BEHAVIORS) {
    for (const size of sizes) {
      const batch = new TrafficGenerator({ seed: opts.seed ?? 7, accounts: 100_000 }).fill(
        createMessageBatch(size),
        size,
      );
      const reps = repsFor(size);
      const gpu = await createGpuKernel(status.device, behavior, status.timestampQuery);
      const cpu = createTwin(behavior);
      try {
        await gpu.process(batch);
        cpu.process(batch);
        let gpuNs = 0;
        const phasesMs = { upload: 0, wait: 0, readback: 0, unpack: 0 };
        let t0 = performance.now();
        for (let r = 0; r < reps; r++) {
          await gpu.process(batch);
          gpuNs += gpu.lastTiming.gpuNs ?? 0;
          const ph = gpu.lastTiming.phases;
          if (ph)
            for (const k of ['upload', 'wait', 'readback', 'unpack'] as const)
              phasesMs[k] += ph[k] / reps;
        }
        const gpuMs = performance.now() - t0;
        t0 = performance.now();
        for (let r = 0; r < reps; r++) cpu.process(batch);
        const cpuMs = performance.now() - t0;
        rows.push({
          behavior,
          batchSize: size,
          reps,
          webgpuMsgsPerSec: (size * reps) / (gpuMs / 1000),
          cpuMsgsPerSec: (size * reps) / (Math.max(cpuMs, 0.001) / 1000),
          gpuKernelNs: status.timestampQuery ? gpuNs / reps : null,
          phasesMs,
          adapter: status.adapter,
        });
      } finally {
        gpu.destroy();
      }
    }
  }
  return rows;
}

/** One kernel's device-loss verdict. */
export interface LossCheck {
  behavior: KernelBehavior;
  mode: 'between-batches' | 'in-flight';
  backendBefore: string;
  backendAfter: string;
  inputs: number;
  outputs: number;
  expectedOutputs: number;
  equal: boolean;
  firstMismatch?: Mismatch;
  fallback: FallbackEvent | null;
}

/**
 * Destroy the device mid-run (between batches for some kernels, with a batch in flight for
 * others) and verify that every output and the final state equal an uninterrupted CPU run.
 */
export async function runDeviceLossTest(
  opts: { seed?: number; batches?: number; batchSize?: number; lossAt?: number } = {},
): Promise<LossCheck[]> {
  const batches = opts.batches ?? 8;
  const size = opts.batchSize ?? 2048;
  const lossAt = opts.lossAt ?? 5;
  const results: LossCheck[] = [];
  for (const [k, behavior] of BEHAVIORS.entries()) {
    for (const mode of ['between-batches', 'in-flight'] as const) {
      const status = await acquireGpu();
      if (!status.available) unavailable(status);
      let fallback: FallbackEvent | null = null;
      const rt = await GpuKernelRuntime.create(behavior, {
        backend: 'webgpu',
        snapshotEvery: 3,
        onFallback: (e) => (fallback = e),
      });
      const backendBefore = rt.backend;
      const ref = createTwin(behavior);
      const gen = new TrafficGenerator({ seed: (opts.seed ?? 3) + k });
      const batch = createMessageBatch(size);
      let inputs = 0;
      let outputs = 0;
      let expected = 0;
      let firstMismatch: Mismatch | null = null;
      for (let i = 0; i < batches; i++) {
        gen.fill(batch, size - (i % 4) * 3);
        inputs += batch.count;
        let pending: Promise<OutputBatch>;
        if (i === lossAt && mode === 'between-batches') {
          status.device.destroy();
          pending = rt.process(batch);
        } else if (i === lossAt) {
          pending = rt.process(batch);
          status.device.destroy();
        } else {
          pending = rt.process(batch);
        }
        const got = cloneOutputBatch(await pending);
        const want = ref.process(batch);
        outputs += got.count;
        expected += want.count;
        firstMismatch ??= compareOutputs(i, got, want);
      }
      firstMismatch ??= compareState(batches, await rt.exportState(), ref.exportState());
      results.push({
        behavior,
        mode,
        backendBefore,
        backendAfter: rt.backend,
        inputs,
        outputs,
        expectedOutputs: expected,
        equal: firstMismatch === null,
        ...(firstMismatch ? { firstMismatch } : {}),
        fallback,
      });
      rt.destroy();
    }
  }
  return results;
}

export { gpuResourceStats };
