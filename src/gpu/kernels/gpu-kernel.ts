import commonWgsl from './common.wgsl?raw';
import { createTrackedBuffer, destroyTrackedBuffer } from '../resources.ts';
import {
  PAYLOAD_WORDS,
  createOutputBatch,
  type KernelBehavior,
  type MessageBatch,
  type OutputBatch,
} from './types.ts';

const OUT_WORDS = 17;
/**
 * Batches of at least this many rows upload through a mapped staging buffer; smaller ones with
 * `writeBuffer`. Settable (e.g. Infinity) so benchmarks can compare the two on a given GPU.
 */
export const uploadTuning = { stagedMinRows: 65_536 };
const WORKGROUP = 64;
const MAX_GROUPS_X = 65_535;

/** How a kernel maps rows to invocations. */
export type KernelSharding =
  /** One invocation per message; state updates must commute (atomics). */
  | { kind: 'per-row' }
  /** One invocation per state slot present in the batch, replaying that slot's rows in batch order. */
  | { kind: 'per-slot'; slots: number; slotOf: (batch: MessageBatch, row: number) => number };

/** What a concrete kernel (fraud, aggregator, ...) hands to {@link GpuKernel}. */
export interface GpuKernelSpec {
  behavior: KernelBehavior;
  wgsl: string;
  stateWords: number;
  sharding: KernelSharding;
  /** `override` constants of the WGSL, taken from `params.ts` so both backends share them. */
  constants: Record<string, number>;
}

/** Timing of the last dispatch. */
export interface GpuDispatchTiming {
  /** GPU execution time of the compute pass from timestamp queries, or null when not offered. */
  gpuNs: number | null;
  /**
   * Host-side wall time of the round trip's phases, in milliseconds: `upload` (writeBuffer of
   * the batch and the schedule, encode, submit), `wait` (until the output count is readable:
   * the GPU work and one map), `readback` (copy and map of the output records) and `unpack`
   * (outputs back into input order). Absent for an empty batch.
   */
  phases?: { upload: number; wait: number; readback: number; unpack: number };
}

/** Error raised when the device is lost or a GPU operation fails; the runtime falls back on it. */
export class GpuKernelError extends Error {
  readonly code: 'device-lost' | 'gpu-failure' | 'busy' | 'destroyed';
  constructor(code: GpuKernelError['code'], message: string) {
    super(message);
    this.name = 'GpuKernelError';
    this.code = code;
  }
}

/**
 * A compute kernel whose state lives in a GPU buffer across dispatches.
 *
 * Per batch: the input is uploaded as one structure-of-arrays storage buffer; for per-slot kernels
 * the host first groups row indices by state slot with a stable counting sort (O(rows + slots)),
 * which is what makes sequential per-account semantics deterministic on the GPU; the shader appends
 * outputs with an atomic counter and the host puts them back in input-row order, so the result is
 * byte-identical to the CPU twin's. One batch at a time: `process` rejects while one is in flight.
 */
export class GpuKernel {
  readonly behavior: KernelBehavior;
  /** Timing of the last completed dispatch. */
  lastTiming: GpuDispatchTiming = { gpuNs: null };
  private readonly device: GPUDevice;
  private readonly spec: GpuKernelSpec;
  /**
   * The pipeline, compiled (on the GPU process's own threads) from construction on: awaited by
   * {@link validate}, and by each batch (at once, after the first).
   */
  private readonly pipeline: Promise<GPUComputePipeline>;
  private readonly layout: GPUBindGroupLayout;
  private readonly state: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly outCount: GPUBuffer;
  private readonly meta: GPUBuffer;
  private readonly querySet: GPUQuerySet | null;
  private readonly resolve: GPUBuffer | null;
  private msgs: GPUBuffer | null = null;
  private sched: GPUBuffer | null = null;
  private outRecs: GPUBuffer | null = null;
  private outStaging: GPUBuffer | null = null;
  /** Mapped for writing to upload large batches (see `uploadTuning`). */
  private upStaging: GPUBuffer | null = null;
  private capacity = 0;
  private schedHost = new Uint32Array(0);
  private slotOfRow = new Uint32Array(0);
  private slotCounts: Uint32Array;
  private out: OutputBatch = createOutputBatch(1);
  private busy = false;
  private destroyed = false;
  private lostReason: string | null = null;
  private readonly setupErrors: Promise<GPUError | null>;

  constructor(device: GPUDevice, spec: GpuKernelSpec, timestampQuery: boolean) {
    this.device = device;
    this.spec = spec;
    this.behavior = spec.behavior;
    void device.lost.then((info) => {
      this.lostReason = `${String(info.reason)}: ${info.message}`;
    });
    device.pushErrorScope('validation');
    const module = device.createShaderModule({
      code: `${commonWgsl}\n${spec.wgsl}`,
      label: spec.behavior,
    });
    const storage = (type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
      binding: 0,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        { ...storage('read-only-storage'), binding: 1 },
        { ...storage('read-only-storage'), binding: 2 },
        { ...storage('storage'), binding: 3 },
        { ...storage('storage'), binding: 4 },
        { ...storage('storage'), binding: 5 },
      ],
    });
    // Compiled ahead, awaited by `validate`: a pipeline made with `createComputePipeline` is
    // compiled at its first dispatch, and that cost (47 ms of the fraud kernel's first 1-row
    // batch on SwiftShader, idle) landed in the first batch of live traffic.
    this.pipeline = device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: [this.layout] }),
      compute: { module, entryPoint: 'main', constants: { WG: WORKGROUP, ...spec.constants } },
    });
    // Handled in `validate`; a kernel dropped before it is validated must not leave an
    // unhandled rejection behind.
    this.pipeline.catch(() => undefined);
    this.setupErrors = device.popErrorScope();
    const S = GPUBufferUsage;
    this.state = createTrackedBuffer(device, {
      size: spec.stateWords * 4,
      usage: S.STORAGE | S.COPY_SRC | S.COPY_DST,
    });
    this.params = createTrackedBuffer(device, { size: 16, usage: S.UNIFORM | S.COPY_DST });
    this.outCount = createTrackedBuffer(device, {
      size: 4,
      usage: S.STORAGE | S.COPY_SRC | S.COPY_DST,
    });
    // meta staging: [outCount, pad, begin ns (u64), end ns (u64)]
    this.meta = createTrackedBuffer(device, { size: 24, usage: S.MAP_READ | S.COPY_DST });
    this.querySet = timestampQuery ? device.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    this.resolve = timestampQuery
      ? createTrackedBuffer(device, { size: 16, usage: S.QUERY_RESOLVE | S.COPY_SRC })
      : null;
    this.slotCounts = new Uint32Array(spec.sharding.kind === 'per-slot' ? spec.sharding.slots : 0);
  }

  /**
   * Resolves once shader and pipeline are known to be valid; rejects with a `gpu-failure`
   * {@link GpuKernelError} carrying the WGSL compiler's message otherwise (WebGPU reports such
   * errors asynchronously and would otherwise just produce nothing).
   */
  async validate(): Promise<this> {
    const err = await this.setupErrors;
    let pipelineError: string | null = null;
    try {
      await this.pipeline;
    } catch (e) {
      pipelineError = e instanceof Error ? e.message : String(e);
    }
    if (err || pipelineError !== null) {
      this.destroy();
      throw new GpuKernelError(
        'gpu-failure',
        `${this.behavior}: shader or pipeline invalid: ${err?.message ?? pipelineError}`,
      );
    }
    return this;
  }

  /**
   * Run one batch. The returned batch is owned by the kernel and overwritten by the next call.
   * Rejects with {@link GpuKernelError} `device-lost` when the device is gone; the state on the
   * GPU is then lost too (the runtime restores it on the CPU twin).
   */
  async process(batch: MessageBatch): Promise<OutputBatch> {
    this.assertUsable();
    if (this.busy)
      throw new GpuKernelError(
        'busy',
        `${this.behavior}: a batch is already in flight; await it before sending the next`,
      );
    this.busy = true;
    try {
      return await this.run(batch);
    } catch (e) {
      throw this.wrap(e);
    } finally {
      this.busy = false;
    }
  }

  /** Read the whole persistent state back from the GPU. */
  async exportState(): Promise<Uint32Array> {
    this.assertUsable();
    const d = this.device;
    const staging = createTrackedBuffer(d, {
      size: this.spec.stateWords * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const enc = d.createCommandEncoder();
      enc.copyBufferToBuffer(this.state, 0, staging, 0, this.spec.stateWords * 4);
      d.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const copy = new Uint32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return copy;
    } catch (e) {
      throw this.wrap(e);
    } finally {
      destroyTrackedBuffer(staging);
    }
  }

  /** Replace the GPU state (e.g. to continue from a CPU twin's state). */
  importState(state: Uint32Array): void {
    this.assertUsable();
    if (state.length !== this.spec.stateWords) {
      throw new RangeError(
        `${this.behavior}: state has ${state.length} words, expected ${this.spec.stateWords}`,
      );
    }
    this.device.queue.writeBuffer(
      this.state,
      0,
      state.buffer as ArrayBuffer,
      state.byteOffset,
      state.byteLength,
    );
  }

  /** Zero the GPU state. */
  reset(): void {
    this.assertUsable();
    const enc = this.device.createCommandEncoder();
    enc.clearBuffer(this.state);
    this.device.queue.submit([enc.finish()]);
  }

  /** Release every buffer this kernel created. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of [
      this.state,
      this.params,
      this.outCount,
      this.meta,
      this.resolve,
      this.msgs,
      this.sched,
      this.outRecs,
      this.outStaging,
      this.upStaging,
    ]) {
      destroyTrackedBuffer(b);
    }
    this.querySet?.destroy();
  }

  /** Whether the kernel's device has been lost. */
  get isLost(): boolean {
    return this.lostReason !== null;
  }

  private assertUsable(): void {
    if (this.destroyed)
      throw new GpuKernelError(
        'destroyed',
        `${this.behavior}: kernel was destroyed; create a new one`,
      );
    if (this.lostReason !== null)
      throw new GpuKernelError(
        'device-lost',
        `${this.behavior}: GPU device lost (${this.lostReason})`,
      );
  }

  private wrap(e: unknown): GpuKernelError {
    if (e instanceof GpuKernelError) return e;
    if (this.lostReason !== null)
      return new GpuKernelError(
        'device-lost',
        `${this.behavior}: GPU device lost (${this.lostReason})`,
      );
    return new GpuKernelError(
      'gpu-failure',
      `${this.behavior}: GPU operation failed: ${String(e)}`,
    );
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2, 1024);
    for (const b of [this.msgs, this.sched, this.outRecs, this.outStaging, this.upStaging])
      destroyTrackedBuffer(b);
    const d = this.device;
    const S = GPUBufferUsage;
    this.msgs = createTrackedBuffer(d, {
      size: cap * (7 + PAYLOAD_WORDS) * 4,
      usage: S.STORAGE | S.COPY_DST,
    });
    this.upStaging = createTrackedBuffer(d, {
      size: cap * (7 + PAYLOAD_WORDS) * 4,
      usage: S.MAP_WRITE | S.COPY_SRC,
    });
    const schedWords =
      this.spec.sharding.kind === 'per-slot'
        ? cap + 3 * Math.min(cap, this.spec.sharding.slots)
        : 1;
    this.sched = createTrackedBuffer(d, { size: schedWords * 4, usage: S.STORAGE | S.COPY_DST });
    this.outRecs = createTrackedBuffer(d, {
      size: cap * OUT_WORDS * 4,
      usage: S.STORAGE | S.COPY_SRC | S.COPY_DST, // COPY_DST: cleared before each dispatch
    });
    this.outStaging = createTrackedBuffer(d, {
      size: cap * OUT_WORDS * 4,
      usage: S.MAP_READ | S.COPY_DST,
    });
    this.schedHost = new Uint32Array(schedWords);
    this.slotOfRow = new Uint32Array(this.spec.sharding.kind === 'per-slot' ? cap : 0);
    this.capacity = cap;
  }

  /** Stable counting sort of rows by slot; returns the number of active slots. */
  private schedule(
    batch: MessageBatch,
    slots: number,
    slotOf: (b: MessageBatch, r: number) => number,
  ): number {
    const n = batch.count;
    const counts = this.slotCounts;
    const rowSlot = this.slotOfRow;
    const sched = this.schedHost;
    counts.fill(0);
    for (let r = 0; r < n; r++) {
      const s = slotOf(batch, r);
      rowSlot[r] = s;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    let active = 0;
    for (let s = 0; s < slots; s++) if ((counts[s] ?? 0) !== 0) active++;
    // counts becomes each slot's write cursor into `order`.
    let t = 0;
    let start = 0;
    for (let s = 0; s < slots; s++) {
      const c = counts[s] ?? 0;
      if (c === 0) continue;
      sched[n + t] = s;
      sched[n + active + t] = start;
      sched[n + 2 * active + t] = c;
      counts[s] = start;
      start += c;
      t++;
    }
    for (let r = 0; r < n; r++) {
      const s = rowSlot[r] ?? 0;
      const at = counts[s] ?? 0;
      sched[at] = r;
      counts[s] = at + 1;
    }
    return active;
  }

  private async run(batch: MessageBatch): Promise<OutputBatch> {
    const n = batch.count;
    const out = (this.out =
      this.out.capacity >= batch.capacity ? this.out : createOutputBatch(batch.capacity));
    out.count = 0;
    if (n === 0) return out;
    // unpack() packs (parentRow, record index) into one double key; 2^24 rows keeps it exact.
    if (n > 16_777_216)
      throw new GpuKernelError(
        'gpu-failure',
        `${this.behavior}: batches are limited to 16,777,216 rows; split this one of ${n}`,
      );
    // Compiled by now where `validate()` ran; a kernel used without it waits for its compile
    // here, its first batch alone.
    const pipeline = await this.pipeline;
    this.ensureCapacity(n);
    const t0 = performance.now();
    const d = this.device;
    const msgs = this.msgs as GPUBuffer;
    const sched = this.sched as GPUBuffer;
    const outRecs = this.outRecs as GPUBuffer;
    const outStaging = this.outStaging as GPUBuffer;
    const inBytes = n * (7 + PAYLOAD_WORDS) * 4;
    // Structure-of-arrays straight from the batch's columns, in the order of `msgs` (see
    // common.wgsl): no host-side packing copy. Large batches go through a buffer mapped for
    // writing (one copy into GPU-visible memory); `writeBuffer` costs an extra copy, which only
    // small batches can afford to pay.
    const sections = [
      batch.typeLo,
      batch.typeHi,
      batch.idLo,
      batch.idHi,
      batch.source,
      batch.priority,
      batch.flags,
      batch.payload,
    ];
    const staged = n >= uploadTuning.stagedMinRows;
    const up = this.upStaging as GPUBuffer;
    let mapped: Uint32Array | null = null;
    if (staged) {
      await up.mapAsync(GPUMapMode.WRITE, 0, inBytes);
      mapped = new Uint32Array(up.getMappedRange(0, inBytes));
    }
    // A command the device refuses must fail the batch, not yield "no outputs".
    d.pushErrorScope('validation');
    let word = 0;
    for (const col of sections) {
      const len = col === batch.payload ? n * PAYLOAD_WORDS : n;
      if (mapped) mapped.set(col.subarray(0, len), word);
      else d.queue.writeBuffer(msgs, word * 4, col as Uint32Array<ArrayBuffer>, 0, len);
      word += len;
    }
    if (mapped) up.unmap();
    const sh = this.spec.sharding;
    const invocations = sh.kind === 'per-slot' ? this.schedule(batch, sh.slots, sh.slotOf) : n;
    if (sh.kind === 'per-slot')
      d.queue.writeBuffer(sched, 0, this.schedHost, 0, n + 3 * invocations);
    d.queue.writeBuffer(
      this.params,
      0,
      Uint32Array.of(n, sh.kind === 'per-slot' ? invocations : 0, 0, 0),
    );

    const bind = d.createBindGroup({
      layout: this.layout,
      entries: [this.params, msgs, sched, this.state, this.outCount, outRecs].map(
        (buffer, binding) => ({ binding, resource: { buffer } }),
      ),
    });
    const enc = d.createCommandEncoder();
    if (staged) enc.copyBufferToBuffer(up, 0, msgs, 0, inBytes);
    enc.clearBuffer(this.outCount);
    // Record slots are per input row; a cleared slot says "no output for this row".
    enc.clearBuffer(outRecs, 0, n * OUT_WORDS * 4);
    const pass = enc.beginComputePass(
      this.querySet
        ? {
            timestampWrites: {
              querySet: this.querySet,
              beginningOfPassWriteIndex: 0,
              endOfPassWriteIndex: 1,
            },
          }
        : {},
    );
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    const groups = Math.ceil(invocations / WORKGROUP);
    const gx = Math.min(groups, MAX_GROUPS_X);
    pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
    pass.end();
    enc.copyBufferToBuffer(this.outCount, 0, this.meta, 0, 4);
    if (this.querySet && this.resolve) {
      enc.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
      enc.copyBufferToBuffer(this.resolve, 0, this.meta, 8, 16);
    }
    d.queue.submit([enc.finish()]);
    const refused = d.popErrorScope();
    const t1 = performance.now();
    // Both in flight at once: the check costs no extra round trip.
    const [error] = await Promise.all([refused, this.meta.mapAsync(GPUMapMode.READ)]);
    if (error) {
      this.meta.unmap();
      throw new GpuKernelError('gpu-failure', `${this.behavior}: ${error.message}`);
    }
    const metaWords = new Uint32Array(this.meta.getMappedRange().slice(0));
    this.meta.unmap();
    const k = metaWords[0] ?? 0;
    if (this.querySet) {
      const t = new BigUint64Array(metaWords.buffer, 8, 2);
      const dt = Number((t[1] ?? 0n) - (t[0] ?? 0n));
      this.lastTiming = { gpuNs: dt >= 0 ? dt : null };
    } else this.lastTiming = { gpuNs: null };
    const t2 = performance.now();
    const phases = { upload: t1 - t0, wait: t2 - t1, readback: 0, unpack: 0 };
    this.lastTiming.phases = phases;
    if (k > n)
      throw new GpuKernelError(
        'gpu-failure',
        `${this.behavior}: kernel reported ${k} outputs for ${n} inputs`,
      );
    if (k === 0) return out;
    const bytes = n * OUT_WORDS * 4; // every row's slot: outputs sit at their row
    const enc2 = d.createCommandEncoder();
    enc2.copyBufferToBuffer(outRecs, 0, outStaging, 0, bytes);
    d.queue.submit([enc2.finish()]);
    await outStaging.mapAsync(GPUMapMode.READ, 0, bytes);
    const recs = new Uint32Array(outStaging.getMappedRange(0, bytes));
    const t3 = performance.now();
    phases.readback = t3 - t2;
    try {
      this.unpack(recs, k, n, out);
    } finally {
      outStaging.unmap();
    }
    phases.unpack = performance.now() - t3;
    return out;
  }

  /**
   * Copy the `k` written records (one slot per input row, `present` word set) into `out`, in
   * input-row order: one sequential pass, no sorting, no per-record allocation.
   */
  private unpack(recs: Uint32Array, k: number, n: number, out: OutputBatch): void {
    const payload = out.payload;
    let j = 0;
    for (let row = 0; row < n; row++) {
      const o = row * OUT_WORDS;
      if (recs[o + 8] === 0) continue;
      if (j === k)
        throw new GpuKernelError(
          'gpu-failure',
          `${this.behavior}: more output records than the ${k} the kernel counted`,
        );
      out.typeLo[j] = recs[o]!;
      out.typeHi[j] = recs[o + 1]!;
      out.idLo[j] = recs[o + 2]!;
      out.idHi[j] = recs[o + 3]!;
      out.source[j] = recs[o + 4]!;
      out.priority[j] = recs[o + 5]!;
      out.flags[j] = recs[o + 6]!;
      out.dest[j] = recs[o + 7]!;
      out.parentRow[j] = row;
      const p = j * PAYLOAD_WORDS;
      for (let w = 0; w < PAYLOAD_WORDS; w++) payload[p + w] = recs[o + 9 + w]!;
      j++;
    }
    if (j !== k)
      throw new GpuKernelError(
        'gpu-failure',
        `${this.behavior}: the kernel counted ${k} outputs but wrote ${j}`,
      );
    out.count = k;
  }
}
