/**
 * The kernel host: kernels' lifecycle (create, reconfigure, remove), their implementations (the
 * CPU twin always, a WebGPU runtime when `makeKernel` gives one) and where each runs. Placement
 * follows the kernel's `Placement` learner; a move between backends carries the kernel's state
 * and happens only between batches, so nothing is lost or processed twice.
 */
import { createTwin } from '../gpu/kernels/twins.ts';
import { createMessageBatch } from '../gpu/kernels/types.ts';
import { checkKernelConfig } from './config-check';
import { isPromise, type EngineCore } from './context';
import { createSlot, isRuntime, type KernelImpl, type KernelState } from './kernel-state';
import { backendSet, Placement, type Backend } from './placement';
import { PeakWindow } from './rate';
import type { KernelConfig } from './protocol';
import type { KernelRuntime, KernelTwin } from '../gpu/kernels/types.ts';

/** Hooks a kernel factory may use. */
export interface KernelContext {
  /** Report a backend change (device lost, fallback) for the UI. */
  notice(message: string): void;
}

export type MakeKernel = (
  kernel: KernelConfig,
  ctx: KernelContext,
) => KernelImpl | Promise<KernelImpl | null>;

const PLACE_EVERY_US = 50_000;

export type MakeTwin = (behavior: KernelConfig['behavior']) => KernelTwin;

export class KernelHost {
  constructor(
    private readonly c: EngineCore,
    private readonly makeKernel: MakeKernel,
    private readonly makeTwin: MakeTwin = createTwin,
  ) {}

  private registerOptions(cfg: KernelConfig) {
    return {
      tenantId: cfg.tenantId,
      capacity: cfg.queueCapacity,
      overflowPolicy: cfg.overflowPolicy,
    };
  }

  add(cfg: KernelConfig): KernelState {
    const c = this.c;
    const n = c.opts.batchSize;
    const ep = c.broker.register(cfg.id, this.registerOptions(cfg));
    const twin = this.makeTwin(cfg.behavior);
    const first = createSlot(n);
    const k: KernelState = {
      num: c.broker.kernelNumber(cfg.id),
      cfg: { ...cfg },
      ep,
      impl: twin,
      twin,
      gpu: null,
      implGen: 0,
      stateHold: 0,
      stateSpare: null,
      slots: [first],
      inFlightSlots: 0,
      chain: Promise.resolve(),
      landedMs: 0,
      shadowBusy: false,
      gpuCold: true,
      moving: false,
      inFlight: 0,
      single: createMessageBatch(1),
      failCount: 0,
      failReason: '',
      cols: first.cols,
      placement: new Placement(cfg.backend),
      placedAtUs: -Infinity,
      processed: 0,
      dropped: 0,
      deadLettered: 0,
      // A kernel made again (a config change) finds its letters still held.
      lettersHeld: c.broker.deadLetters.browse({ destination: cfg.id }).length,
      lettersByReason: {},
      emitted: 0,
      meter: c.freshMeter(),
      peak: new PeakWindow(),
      maxDepthBefore: 0,
      lastDropped: 0,
      lastDropUs: Number.NEGATIVE_INFINITY,
      edges: new Map(),
      emits: new Map(),
      destroyed: false,
    };
    // Added back under its id (an undo of its removal): it counts on from what it had.
    const back = c.removedKernels.reclaim(cfg.id, k);
    if (back) {
      Object.assign(k, back);
      // Not a surge: its rate and back-pressure count from what it takes back.
      k.meter = c.freshMeter(back.processed);
      k.lastDropped = back.dropped;
    }
    c.kernels.set(cfg.id, k);
    c.byNum[k.num] = k;
    c.flowsChanged();
    this.createImpl(k);
    return k;
  }

  /**
   * Asks `makeKernel` for a new generation of the kernel's implementation. While its promise is
   * pending the placement says a runtime is being made; `settled` clears that for this generation
   * only (a newer one decides for itself: an older one's settling left the flag set for good).
   */
  private makeImpl(k: KernelState) {
    const gen = ++k.implGen;
    const made = this.makeKernel(k.cfg, { notice: (m) => this.notice(k, m) });
    k.placement.gpuStarting = isPromise<KernelImpl | null>(made);
    const settled = (): void => {
      if (k.implGen === gen) k.placement.gpuStarting = false;
    };
    return { gen, made, settled };
  }

  /** Asks `makeKernel` for the kernel's implementation: a twin now, or a runtime later. */
  private createImpl(k: KernelState): void {
    const { gen, made, settled } = this.makeImpl(k);
    if (!isPromise<KernelImpl | null>(made)) {
      if (isRuntime(made)) this.adoptRuntime(k, made);
      else {
        k.twin = made;
        k.impl = made;
      }
      return;
    }
    made.then(
      (impl) => {
        settled();
        if (impl === null) return;
        if (k.destroyed || k.implGen !== gen) {
          if (isRuntime(impl)) impl.destroy();
          return;
        }
        if (isRuntime(impl)) this.adoptRuntime(k, impl);
        else {
          // A twin resolved late: it replaces the placeholder between batches (state carried).
          impl.importState(k.twin.exportState());
          k.twin = impl;
          if (!isRuntime(k.impl)) k.impl = impl;
        }
      },
      (e: unknown) => {
        settled();
        this.notice(k, `Could not create the kernel's runtime: ${String(e)}`);
      },
    );
  }

  private adoptRuntime(k: KernelState, rt: KernelRuntime): void {
    k.gpu = rt;
    k.gpuCold = true;
    const p = k.placement;
    p.gpuReady = rt.backend === 'webgpu';
    p.gpuUnavailable = p.gpuReady ? null : this.runtimeReason(rt);
    const adapter = (rt as { adapter?: { architecture?: string; vendor?: string } | null }).adapter;
    if (adapter) p.adapterLabel = `WebGPU (${adapter.architecture || adapter.vendor || 'adapter'})`;
    // Kept while the kernel is forced to its twin (its runtime given back), for a move to a
    // runtime made later; a behaviour of another state size drops it (`rebuild`).
    if (p.gpuReady) k.stateSpare ??= k.twin.exportState();
    this.place(k);
  }

  private runtimeReason(rt: KernelRuntime): string {
    const r = (rt as { fallbackReason?: string | null }).fallbackReason;
    return typeof r === 'string' ? r : 'the WebGPU runtime runs on the CPU';
  }

  /**
   * Moves the kernel to the backend its placement wants, when it can move now: nothing in flight
   * on the runtime (its batches and samples finish first) and no state read pending.
   */
  place(k: KernelState, throttled = false): void {
    const p = k.placement;
    // From the drain loop (thousands of times a second) a decision is due at most every 50 ms of
    // engine time; events (a runtime ready, a sample or batch back) decide at once.
    if (throttled && this.c.nowUs - k.placedAtUs < PLACE_EVERY_US) return;
    k.placedAtUs = this.c.nowUs;
    const rt = k.gpu;
    if (rt && p.gpuReady && rt.backend !== 'webgpu' && p.gpuUnavailable === null) {
      // The runtime left the GPU by itself (device lost): it runs its twin with the state.
      p.gpuUnavailable = this.runtimeReason(rt);
    }
    const to = p.decide(this.c.nowUs);
    if (to === null || !rt) {
      k.moving = false;
      return;
    }
    if (k.inFlightSlots > 0 || k.stateHold > 0 || k.shadowBusy || k.destroyed) {
      // Moves once what is out comes back; the runner sends the runtime nothing new meanwhile.
      k.moving = true;
      return;
    }
    k.moving = false;
    this.moveTo(k, rt, to);
  }

  private moveTo(k: KernelState, rt: KernelRuntime, to: Backend): void {
    const p = k.placement;
    p.switched(to, this.c.nowUs);
    if (to === 'webgpu') {
      const spare = k.stateSpare;
      k.stateSpare = null;
      rt.importState(k.twin.exportState(spare ?? undefined));
      k.impl = rt;
      this.notice(k, onBackend('Runs on WebGPU', p.snapshot().reason));
      return;
    }
    // To the twin: read the runtime's state back first; the kernel holds until it lands.
    k.impl = k.twin;
    k.stateHold++;
    const gen = k.implGen;
    rt.exportState().then(
      (state) => {
        if (!k.destroyed && k.implGen === gen) {
          try {
            k.twin.importState(state);
            k.stateSpare = state;
          } catch (e) {
            this.notice(k, `Could not carry the kernel's state: ${String(e)}`);
          }
        }
        k.stateHold--;
        this.releaseForcedCpu(k);
      },
      (e: unknown) => {
        this.notice(k, `Could not read the kernel's state to carry it: ${String(e)}`);
        k.stateHold--;
        this.releaseForcedCpu(k);
      },
    );
    // Chosen (the twin measured faster, or the config asks for it) unless WebGPU is gone.
    this.notice(
      k,
      onBackend('Runs on its CPU twin', p.snapshot().reason),
      p.gpuUnavailable === null,
    );
  }

  backendOf(k: KernelState): Backend {
    return isRuntime(k.impl) ? k.impl.backend : 'cpu';
  }

  /** Why the kernel runs on the CPU although its backend allowed WebGPU, or undefined. */
  fallbackReasonOf(k: KernelState): string | undefined {
    if (k.cfg.backend === 'cpu' || this.backendOf(k) === 'webgpu') return undefined;
    const p = k.placement;
    if (p.gpuUnavailable) return p.gpuUnavailable;
    if (k.gpu) return p.snapshot().reason;
    const gpu = this.c.opts.gpuInfo();
    if (!gpu.available) return gpu.reason ?? 'No WebGPU adapter.';
    return 'The WebGPU runtime is starting.';
  }

  private notice(k: KernelState, message: string, chosen = false): void {
    this.c.notice(k.cfg.id, this.backendOf(k), message, chosen);
  }

  /** Applies a changed config to an existing kernel (or adds a new one). */
  upsert(cfg: KernelConfig): void {
    const c = this.c;
    checkKernelConfig(cfg);
    const existing = c.kernels.get(cfg.id);
    if (!existing) {
      this.add(cfg);
      return;
    }
    const old = existing.cfg;
    existing.cfg = { ...cfg };
    if (old.behavior !== cfg.behavior) this.rebuild(existing);
    else if (old.backend !== cfg.backend) this.rebackend(existing, cfg.backend);
    if (
      old.queueCapacity !== cfg.queueCapacity ||
      old.tenantId !== cfg.tenantId ||
      old.overflowPolicy !== cfg.overflowPolicy
    ) {
      // The core keeps the queued messages; what no longer fits follows the new policy. The
      // high-water mark is kept whole (the core caps the one it carries at the new capacity);
      // the recent peak is held within the capacity by the snapshot.
      existing.maxDepthBefore = Math.max(
        existing.maxDepthBefore,
        existing.ep.queueStats().maxDepth,
      );
      existing.ep = c.broker.reregister(cfg.id, this.registerOptions(cfg));
    }
  }

  /** Another behaviour: fresh implementations, no state carried (its layout differs). */
  private rebuild(k: KernelState): void {
    const rt = k.gpu;
    k.gpu = null;
    // Another behaviour, another state size: the spare goes with the old twin; other alerts,
    // another drain order.
    k.stateSpare = null;
    this.c.flowsChanged();
    k.twin = this.makeTwin(k.cfg.behavior);
    k.impl = k.twin;
    k.placement = new Placement(k.cfg.backend);
    // A batch in flight on the old runtime finishes there (its chain holds the runtime).
    if (rt) void k.chain.then(() => rt.destroy());
    this.createImpl(k);
  }

  /** Same behaviour, other backend: the kernel keeps its state wherever it runs next. */
  private rebackend(k: KernelState, mode: KernelConfig['backend']): void {
    const p = k.placement;
    p.mode = mode;
    p.explain(mode === 'auto' ? 'Measuring both backends.' : `${backendSet(mode)}.`);
    if (mode !== 'cpu' && k.gpu) {
      // The runtime it has serves `auto` and `webgpu` alike.
      this.place(k);
      return;
    }
    const { gen, made, settled } = this.makeImpl(k);
    const adopt = (impl: KernelImpl | null): void => {
      settled();
      if (impl === null) return;
      if (k.destroyed || k.implGen !== gen) {
        if (isRuntime(impl) && impl !== k.gpu) impl.destroy();
        return;
      }
      if (!isRuntime(impl)) {
        // A new twin: it takes the state where the twin holds it (a read from the runtime in
        // progress lands in it), and runs the kernel when the CPU does.
        if (k.stateHold === 0) impl.importState(k.twin.exportState());
        if (k.impl === k.twin) k.impl = impl;
        k.twin = impl;
      } else if (!k.gpu) {
        this.adoptRuntime(k, impl);
        return;
      } else if (impl !== k.gpu) impl.destroy();
      this.place(k);
      this.releaseForcedCpu(k);
    };
    if (isPromise<KernelImpl | null>(made)) made.then(adopt, settled);
    else adopt(made);
    this.place(k);
    this.releaseForcedCpu(k);
  }

  /** A kernel forced to the CPU gives its runtime back once it no longer needs it. */
  releaseForcedCpu(k: KernelState): void {
    const rt = k.gpu;
    if (!rt || k.cfg.backend !== 'cpu' || k.impl === rt) return;
    if (k.stateHold > 0 || k.shadowBusy || k.inFlightSlots > 0) return;
    k.gpu = null;
    k.placement.gpuReady = false;
    rt.destroy();
  }

  remove(id: string): boolean {
    const c = this.c;
    const k = c.kernels.get(id);
    if (!k) return false;
    // Its highest depth, kept with its counts for a kernel added back under its id.
    k.maxDepthBefore = Math.max(k.maxDepthBefore, k.ep.queueStats().maxDepth);
    // Its queue becomes `Unregistered` dead letters (the core's semantics).
    c.broker.unregister(id);
    // Its counts stay in the totals (what it processed is still processed): kept apart, so the
    // kernels' columns still add up to them. Renamed under traffic, a kernel had taken its
    // processed count with it, and the Queues panel's column fell 1,050 short of the status bar.
    c.removedKernels.count(k);
    this.dispose(k);
    c.kernels.delete(id);
    c.byNum[k.num] = undefined;
    c.flowsChanged();
    return true;
  }

  private dispose(k: KernelState): void {
    k.destroyed = true;
    k.stateSpare = null;
    const rt = k.gpu;
    if (rt) void k.chain.then(() => rt.destroy());
    if (isRuntime(k.impl) && k.impl !== rt) k.impl.destroy();
  }

  destroyAll(): void {
    for (const k of this.c.kernels.values()) this.dispose(k);
    this.c.kernels.clear();
    this.c.flowsChanged();
  }
}

/**
 * "Runs on …: <reason>", once: a placement reason may say where the kernel runs itself ("Runs
 * on its CPU twin: device lost"), and the notice read "Runs on its CPU twin: Runs on its CPU
 * twin: …".
 */
export function onBackend(where: string, reason: string): string {
  return reason.startsWith(where) ? reason : `${where}: ${reason}`;
}
