import { acquireGpu, type GpuAdapterSummary } from './device.ts';
import { GpuKernel, GpuKernelError } from './kernels/gpu-kernel.ts';
import { gpuSpec } from './kernels/gpu-kernels.ts';
import { createTwin } from './kernels/twins.ts';
import {
  cloneMessageBatch,
  type KernelBackend,
  type KernelBehavior,
  type KernelRuntime,
  type KernelTwin,
  type MessageBatch,
  type OutputBatch,
} from './kernels/types.ts';

/** Backend choice per kernel, as in `RouteConfig.kernels[].backend`. */
export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

/** Why a runtime moved from WebGPU to its CPU twin. */
export interface FallbackEvent {
  behavior: KernelBehavior;
  reason: string;
  /** Batches replayed on the twin from the last state snapshot (not counting the in-flight one). */
  replayedBatches: number;
  /** Whether the batch in flight at the moment of loss was re-run on the twin. */
  rerunInFlight: boolean;
}

/** Options for {@link GpuKernelRuntime.create}. */
export interface RuntimeOptions {
  backend?: BackendPreference;
  /** Read GPU state back every this many batches; fewer means less replay after a loss, more readback. */
  snapshotEvery?: number;
  onFallback?: (e: FallbackEvent) => void;
}

/**
 * A kernel that runs on WebGPU when it can and on its CPU twin otherwise.
 *
 * Loss safety: the runtime keeps the last GPU state snapshot plus a journal (copies) of the
 * batches processed since. When the device is lost, before, during or after a batch, the twin
 * imports the snapshot, replays the journal (discarding outputs already delivered) and runs the
 * in-flight batch, so state and outputs equal an uninterrupted run and nothing is lost.
 * Batches must be processed one at a time (await each `process`).
 */
export class GpuKernelRuntime implements KernelRuntime {
  readonly behavior: KernelBehavior;
  /** The adapter running this kernel, or null on the CPU. */
  adapter: GpuAdapterSummary | null;
  private gpu: GpuKernel | null;
  private readonly twin: KernelTwin;
  private snapshot: Uint32Array;
  private journal: MessageBatch[] = [];
  private readonly snapshotEvery: number;
  private readonly onFallback: ((e: FallbackEvent) => void) | undefined;
  /** Why this runtime is on the CPU although WebGPU was wanted, or null. */
  fallbackReason: string | null = null;

  private constructor(
    behavior: KernelBehavior,
    gpu: GpuKernel | null,
    adapter: GpuAdapterSummary | null,
    opts: RuntimeOptions,
  ) {
    this.behavior = behavior;
    this.gpu = gpu;
    this.adapter = adapter;
    this.twin = createTwin(behavior);
    this.snapshot = new Uint32Array(gpuSpec(behavior).stateWords);
    this.snapshotEvery = Math.max(1, opts.snapshotEvery ?? 8);
    this.onFallback = opts.onFallback;
  }

  /**
   * Create a runtime. `auto` and `webgpu` use the GPU when an adapter exists (`webgpu` without an
   * adapter still runs, on the CPU, with {@link GpuKernelRuntime.fallbackReason} saying why).
   */
  static async create(
    behavior: KernelBehavior,
    opts: RuntimeOptions = {},
  ): Promise<GpuKernelRuntime> {
    const pref = opts.backend ?? 'auto';
    if (pref === 'cpu') return new GpuKernelRuntime(behavior, null, null, opts);
    const status = await acquireGpu();
    if (!status.available) {
      const r = new GpuKernelRuntime(behavior, null, null, opts);
      r.fallbackReason = status.reason;
      return r;
    }
    try {
      const kernel = await new GpuKernel(
        status.device,
        gpuSpec(behavior),
        status.timestampQuery,
      ).validate();
      return new GpuKernelRuntime(behavior, kernel, status.adapter, opts);
    } catch (e) {
      const r = new GpuKernelRuntime(behavior, null, null, opts);
      r.fallbackReason = e instanceof Error ? e.message : String(e);
      return r;
    }
  }

  /** Which implementation runs the next batch. */
  get backend(): KernelBackend {
    return this.gpu ? 'webgpu' : 'cpu';
  }

  /** GPU time of the last dispatch (timestamp queries), or null. */
  get lastGpuNs(): number | null {
    return this.gpu?.lastTiming.gpuNs ?? null;
  }

  /** Process a batch; the result is owned by the runtime until the next call. */
  async process(batch: MessageBatch): Promise<OutputBatch> {
    const gpu = this.gpu;
    if (!gpu) return this.twin.process(batch);
    let out: OutputBatch;
    try {
      out = await gpu.process(batch);
    } catch (e) {
      // Misuse (a concurrent call) is the caller's bug, not a reason to leave the GPU.
      if (e instanceof GpuKernelError && e.code === 'busy') throw e;
      return this.fallBack(e, batch);
    }
    this.journal.push(cloneMessageBatch(batch));
    if (this.journal.length >= this.snapshotEvery) {
      try {
        this.snapshot = await gpu.exportState();
        this.journal = [];
      } catch (e) {
        // The outputs above are complete and valid; only the state must be rebuilt on the twin.
        this.fallBack(e, null);
      }
    }
    return out;
  }

  async exportState(): Promise<Uint32Array> {
    if (this.gpu) {
      try {
        return await this.gpu.exportState();
      } catch (e) {
        this.fallBack(e, null);
      }
    }
    return this.twin.exportState();
  }

  importState(state: Uint32Array): void {
    this.twin.importState(state);
    this.snapshot = state.slice();
    this.journal = [];
    try {
      this.gpu?.importState(state);
    } catch (e) {
      // Device lost: the twin already holds the state; carry on there.
      this.fallBack(e, null);
    }
  }

  reset(): void {
    this.twin.reset();
    this.snapshot.fill(0);
    this.journal = [];
    try {
      this.gpu?.reset();
    } catch (e) {
      this.fallBack(e, null);
    }
  }

  /** Release GPU resources; the runtime keeps working on the CPU twin afterwards. */
  destroy(): void {
    this.gpu?.destroy();
    this.gpu = null;
  }

  private fallBack(e: unknown, inFlight: MessageBatch | null): OutputBatch {
    const reason = e instanceof GpuKernelError ? e.message : String(e);
    this.twin.importState(this.snapshot);
    const replayed = this.journal.length;
    for (const b of this.journal) this.twin.process(b);
    this.journal = [];
    this.gpu?.destroy();
    this.gpu = null;
    this.fallbackReason = reason;
    const out = inFlight ? this.twin.process(inFlight) : this.twin.process(emptyBatch);
    this.onFallback?.({
      behavior: this.behavior,
      reason,
      replayedBatches: replayed,
      rerunInFlight: inFlight !== null,
    });
    return out;
  }
}

const emptyBatch: MessageBatch = cloneMessageBatch({
  count: 0,
  capacity: 0,
  typeLo: new Uint32Array(0),
  typeHi: new Uint32Array(0),
  idLo: new Uint32Array(0),
  idHi: new Uint32Array(0),
  source: new Uint32Array(0),
  priority: new Uint32Array(0),
  flags: new Uint32Array(0),
  payload: new Uint32Array(0),
});
