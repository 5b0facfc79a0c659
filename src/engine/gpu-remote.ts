/**
 * The kernels' WebGPU runtimes on a worker of their own (`gpu-worker.ts`), so that the engine's
 * worker never maps a GPU buffer.
 *
 * Why: reading a batch's results back means `mapAsync`, `getMappedRange` and `unmap`, and `unmap`
 * detaches the ArrayBuffers the mapping handed out. In Chromium that invalidates a V8 protector
 * of the isolate for good (most likely the ArrayBuffer-detaching one): the V8 log
 * (`--js-flags=--log-deopt`) shows every optimised function that touches typed arrays thrown
 * away at the first `unmap`, "dependent property cell changed" (about 40 of the engine's at once;
 * a minimal worker with one typed-array loop shows the same), and compiled again more cautiously.
 * An ArrayBuffer transferred by `postMessage` does not do this (the same minimal worker, checked
 * in Chromium 156). On this project's machine it made the engine's whole hot path (taking
 * batches, routing, emitting: typed arrays throughout) 12–20 % slower from the first GPU sample
 * of the `auto` backend on, for the rest of the session, while `cpu` never paid it. On the GPU
 * worker the unmapping happens in an isolate that does nothing else.
 *
 * The engine's side (`RemoteGpu`, `RemoteKernelRuntime`) is a `KernelRuntime` like the local one.
 * Buffers travel by transfer both ways and are used again, so a batch's round trip allocates
 * nothing on the engine's worker: a batch's rows are copied into a request batch of the runtime's
 * own (never the engine's batch: the engine fills that again at once) and transferred; the reply
 * brings the request's buffers back with the outputs; and the outputs' buffers go back to the GPU
 * worker with the next request once the engine has sent them on (`recycle`), for the next
 * outputs. (With a copy each way, the 4,096-row batches of a saturated kernel made the engine's
 * worker spend about a tenth of its time in garbage collection, in pauses of up to 75 ms.) Each
 * kernel's operations run in the order they were sent (`importState` and `reset` are not
 * awaited by the engine). A runtime that falls back to its CPU twin on the GPU worker (device
 * lost) says so with each reply and at once with a `fallback` message.
 */
import {
  copyRows,
  createMessageBatch,
  createOutputBatch,
  type KernelBackend,
  type KernelBehavior,
  type KernelRuntime,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import type { GpuInfo } from './protocol';

/** Engine → GPU worker. */
export type GpuRequest =
  | { type: 'probe' }
  | { type: 'create'; id: number; behavior: KernelBehavior; backend: 'auto' | 'webgpu' }
  /** `spare`: an output batch the engine is done with, for the worker to fill again. */
  | { type: 'process'; id: number; seq: number; batch: MessageBatch; spare: OutputBatch | null }
  | { type: 'export'; id: number; seq: number }
  | { type: 'import'; id: number; state: Uint32Array }
  | { type: 'reset'; id: number }
  | { type: 'destroy'; id: number }
  /** Test fault hook: destroy the GPU device (the runtimes move to their twins). */
  | { type: 'lose' };

/** Where a runtime stands after an operation. */
export interface RuntimeStatus {
  backend: KernelBackend;
  fallbackReason: string | null;
}

/** GPU worker → engine. */
export type GpuReply =
  | { type: 'probe'; info: GpuInfo }
  | ({
      type: 'created';
      id: number;
      adapter: { vendor: string; architecture: string } | null;
      error: string | null;
    } & RuntimeStatus)
  | ({
      type: 'processed';
      id: number;
      seq: number;
      out: OutputBatch | null;
      /** The request's batch, given back for the next request. */
      input: MessageBatch | null;
      error: string | null;
    } & RuntimeStatus)
  | ({
      type: 'exported';
      id: number;
      seq: number;
      state: Uint32Array | null;
      error: string | null;
    } & RuntimeStatus)
  | { type: 'fallback'; id: number; message: string };

/** The two ends' way of talking: a worker's `postMessage` and `onmessage`, or a direct call in tests. */
export interface GpuLink {
  /** `transfer`: the buffers that move with the message (detached on the sender's side). */
  post(message: GpuRequest, transfer?: ArrayBuffer[]): void;
  /** Set by the engine's side: called with each reply. */
  onReply: ((reply: GpuReply) => void) | null;
  /** Set by the engine's side: the link broke (the worker failed). */
  onBroken: ((message: string) => void) | null;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(e: Error): void;
}

/** The buffers of a batch's columns, to transfer (every column has a buffer of its own). */
export function buffersOf(b: MessageBatch | OutputBatch): ArrayBuffer[] {
  const list = [b.typeLo, b.typeHi, b.idLo, b.idHi, b.source, b.priority, b.flags, b.payload];
  if ('dest' in b) list.push(b.dest, b.parentRow);
  return list.map((c) => c.buffer as ArrayBuffer);
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A received output batch in an object of the same shape as the twins' (`createOutputBatch`),
 * so the engine's emit path sees one kind of batch, not two: `shell`, an object of that shape
 * whose columns went back to the GPU worker, when there is one.
 */
function adopt(r: OutputBatch, shell: OutputBatch | undefined): OutputBatch {
  const o = (shell ?? createOutputBatch(0)) as Writable<OutputBatch>;
  o.count = r.count;
  o.capacity = r.capacity;
  o.typeLo = r.typeLo;
  o.typeHi = r.typeHi;
  o.idLo = r.idLo;
  o.idHi = r.idHi;
  o.source = r.source;
  o.priority = r.priority;
  o.flags = r.flags;
  o.payload = r.payload;
  o.dest = r.dest;
  o.parentRow = r.parentRow;
  return o;
}

/** Batches of each kind a runtime keeps for reuse (one on the GPU, one filled, one spare). */
const POOL = 3;

/** The engine's side of the link: creates remote runtimes and routes the replies to them. */
export class RemoteGpu {
  private nextId = 1;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly runtimes = new Map<number, RemoteKernelRuntime>();
  private readonly created = new Map<
    number,
    { rt: RemoteKernelRuntime; resolve(rt: RemoteKernelRuntime): void; reject(e: Error): void }
  >();
  private probes: Array<{ resolve(info: GpuInfo): void; reject(e: Error): void }> = [];
  /** Why the link broke, or null. */
  broken: string | null = null;

  constructor(private readonly link: GpuLink) {
    link.onReply = (r) => this.receive(r);
    link.onBroken = (message) => this.fail(message);
  }

  /** What the GPU worker found about WebGPU; rejects when the worker is gone. */
  probe(): Promise<GpuInfo> {
    if (this.broken !== null) return Promise.reject(new Error(this.broken));
    return new Promise((resolve, reject) => {
      this.probes.push({ resolve, reject });
      this.link.post({ type: 'probe' });
    });
  }

  /**
   * A runtime for a kernel on the GPU worker, once it exists there; rejects when it could not be
   * created. `onFallback` hears when it moves to its twin there.
   */
  create(
    behavior: KernelBehavior,
    backend: 'auto' | 'webgpu',
    onFallback: (message: string) => void,
  ): Promise<RemoteKernelRuntime> {
    if (this.broken !== null) return Promise.reject(new Error(this.broken));
    const id = this.nextId++;
    const rt = new RemoteKernelRuntime(this, id, behavior, onFallback);
    return new Promise((resolve, reject) => {
      this.created.set(id, { rt, resolve, reject });
      this.link.post({ type: 'create', id, behavior, backend });
    });
  }

  /** Test fault hook: the GPU worker destroys its device. */
  lose(): void {
    if (this.broken === null) this.link.post({ type: 'lose' });
  }

  /** Sends a request that expects a reply; rejects at once when the link is broken. */
  request<T>(make: (seq: number) => GpuRequest, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.broken !== null) return Promise.reject(new Error(this.broken));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.link.post(make(seq), transfer);
    });
  }

  /** Sends a request that expects no reply (ordered with the kernel's others on the worker). */
  send(m: GpuRequest, transfer?: ArrayBuffer[]): void {
    if (this.broken === null) this.link.post(m, transfer);
  }

  forget(id: number): void {
    this.runtimes.delete(id);
  }

  close(): void {
    this.link.close();
  }

  private receive(r: GpuReply): void {
    switch (r.type) {
      case 'probe': {
        const waiting = this.probes;
        this.probes = [];
        for (const p of waiting) p.resolve(r.info);
        return;
      }
      case 'created': {
        const p = this.created.get(r.id);
        this.created.delete(r.id);
        if (!p) return;
        if (r.error !== null) {
          p.reject(new Error(r.error));
          return;
        }
        p.rt.update(r);
        p.rt.adapter = r.adapter;
        this.runtimes.set(r.id, p.rt);
        p.resolve(p.rt);
        return;
      }
      case 'processed':
      case 'exported': {
        const rt = this.runtimes.get(r.id);
        rt?.update(r);
        if (r.type === 'processed' && r.input) rt?.reclaim(r.input);
        const p = this.pending.get(r.seq);
        this.pending.delete(r.seq);
        if (!p) return;
        if (r.error !== null) p.reject(new Error(r.error));
        else p.resolve(r.type === 'processed' ? r.out : r.state);
        return;
      }
      case 'fallback': {
        this.runtimes.get(r.id)?.fellBack(r.message);
        return;
      }
    }
  }

  /** The worker failed: every pending request rejects, and every runtime is on the CPU now. */
  private fail(message: string): void {
    if (this.broken !== null) return;
    this.broken = `The GPU worker stopped: ${message}`;
    const e = new Error(this.broken);
    for (const p of this.pending.values()) p.reject(e);
    for (const p of this.created.values()) p.reject(e);
    this.pending.clear();
    this.created.clear();
    for (const p of this.probes) p.reject(e);
    this.probes = [];
    for (const rt of this.runtimes.values()) rt.fellBack(this.broken);
  }
}

/** A kernel's runtime on the GPU worker, seen from the engine: a `KernelRuntime`. */
export class RemoteKernelRuntime implements KernelRuntime {
  backend: KernelBackend = 'webgpu';
  /** Each `process` copies its rows at once; the GPU worker runs a kernel's batches in order. */
  readonly pipelined = true;
  fallbackReason: string | null = null;
  adapter: { vendor: string; architecture: string } | null = null;
  private destroyed = false;
  /** Request batches the GPU worker gave back, for the next `process` to copy rows into. */
  private readonly requests: MessageBatch[] = [];
  /** Output batches the engine is done with: their buffers go back with the next request. */
  private readonly spares: OutputBatch[] = [];
  /** Output batch objects whose buffers went back, for the next results to be adopted into. */
  private readonly shells: OutputBatch[] = [];

  constructor(
    private readonly gpu: RemoteGpu,
    private readonly id: number,
    readonly behavior: KernelBehavior,
    private readonly onFallback: (message: string) => void,
  ) {}

  update(s: RuntimeStatus): void {
    this.backend = s.backend;
    this.fallbackReason = s.fallbackReason;
  }

  fellBack(message: string): void {
    const was = this.backend;
    this.backend = 'cpu';
    this.fallbackReason ??= message;
    if (was === 'webgpu' && !this.destroyed) this.onFallback(message);
  }

  async process(batch: MessageBatch): Promise<OutputBatch> {
    const id = this.id;
    const n = batch.count;
    let req = this.requests.pop();
    if (req === undefined || req.capacity < n) req = createMessageBatch(batch.capacity);
    req.count = n;
    copyRows(batch, req, n);
    const spare = this.spares.pop() ?? null;
    const transfer = buffersOf(req);
    if (spare) {
      transfer.push(...buffersOf(spare));
      // Its buffers leave with the request; the object takes the next results in.
      if (this.shells.length < POOL) this.shells.push(spare);
    }
    const out = await this.gpu.request<OutputBatch>(
      (seq) => ({ type: 'process', id, seq, batch: req, spare }),
      transfer,
    );
    return adopt(out, this.shells.pop());
  }

  /** The engine is done with `out`: its buffers go back to the GPU worker with the next batch. */
  recycle(out: OutputBatch): void {
    if (this.spares.length < POOL) this.spares.push(out);
  }

  /** A request batch back from the GPU worker. */
  reclaim(input: MessageBatch): void {
    if (this.requests.length < POOL) this.requests.push(input);
  }

  exportState(): Promise<Uint32Array> {
    const id = this.id;
    return this.gpu.request<Uint32Array>((seq) => ({ type: 'export', id, seq }));
  }

  importState(state: Uint32Array): void {
    // Transferred, not cloned: the kernel's state is megabytes (the fraud kernel's 5.8 MB), and a
    // copy here and another in `postMessage` held the engine's thread for about 120 ms of a
    // 200 ms stall at a move to WebGPU under load. The caller hands over its copy (see
    // `KernelRuntime.importState`); a view on part of a larger buffer is copied first.
    const own =
      state.byteOffset === 0 && state.byteLength === state.buffer.byteLength
        ? state
        : state.slice();
    this.gpu.send({ type: 'import', id: this.id, state: own }, [own.buffer as ArrayBuffer]);
  }

  reset(): void {
    this.gpu.send({ type: 'reset', id: this.id });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.gpu.send({ type: 'destroy', id: this.id });
    this.gpu.forget(this.id);
  }
}
