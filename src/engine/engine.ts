/**
 * The engine: the core's `KernelDispatcher` over one `K2KBroker` (routing, K2K next hops,
 * tenants, overflow policies, dead letters), plus what the core leaves to its owner, in parts:
 *
 * - `context.ts`: shared state, clock, message types, accounting counters;
 * - `send.ts`: the send path (dispatch in batches, receipts, edges, traces);
 * - `kernel-host.ts`, `kernel-run.ts`, `placement.ts`: kernels, where they run, running them;
 * - `dead-letters.ts`: dead letters, redrive, purge;
 * - `hand-send.ts`: messages sent by hand (`inject`);
 * - `traffic.ts`, `gen-remote.ts`: the generator (on a worker of its own when
 *   the engine's owner gives one);
 * - `snapshot.ts`: the snapshot builder;
 * - `commands.ts`: the typed command table.
 *
 * Driven by injected time (`now`) and explicit `tick`s. No timers, no DOM, no WebGPU: the worker
 * plugs in timers and, through `makeKernel`, GPU runtimes.
 */
import { DispatcherBuilder, HOST_KERNEL, K2KBroker, type KernelDispatcher } from '../core';
import type { RouteConfig } from '../core/config';
import { createCommandTable, type CommandTable } from './commands';
import { EngineCore, EngineFailure, normU64 } from './context';
import { validateConfig } from './config-check';
import { zeroCounts } from './removed-kernels';
import type { GeneratorLink } from './gen-remote';
import { DeadLetters } from './dead-letters';
import { KernelHost, type KernelContext, type MakeKernel, type MakeTwin } from './kernel-host';
import { KernelRunner, MAX_IN_FLIGHT } from './kernel-run';
import { blocked, type KernelImpl } from './kernel-state';
import { createTwin } from '../gpu/kernels/twins.ts';
import type {
  EngineCommand,
  EngineError,
  EngineEvent,
  EngineReply,
  EngineSnapshot,
  GpuInfo,
  KernelConfig,
} from './protocol';
import { SendPath } from './send';
import { SnapshotBuilder } from './snapshot';
import { DrainCadence } from './cadence';
import { HandSend } from './hand-send';
import { GEN_CHUNK, Traffic } from './traffic';

export type { KernelContext, KernelImpl };
export { normU64 };

export interface EngineOptions {
  config: RouteConfig;
  /** Simulated or wall time in microseconds; read once per tick and per command. */
  now: () => number;
  /**
   * A high-resolution wall clock in ms (default `performance.now`): times the kernels' batches
   * for the `auto` backend and bounds each tick's time slice.
   */
  clock?: () => number;
  onEvent?: (event: EngineEvent) => void;
  /**
   * Called every 1,024 messages of a command that sends many, with every message sent so far
   * settled and engine time moved on to `now()`: the worker says it is alive and posts a snapshot
   * when one is due. Why: an inject of 1,000,000 into a full queue held the engine's thread for
   * 1.6 s, and the panels and the graph froze on the snapshot before it while it ran.
   */
  midCommand?: () => void;
  /**
   * Builds a kernel's implementation; default: the CPU twin of its behaviour. A promise (a GPU
   * runtime being created) is awaited while the CPU twin runs; then the kernel's placement
   * decides where it runs (`webgpu`: there at once; `auto`: where it measures faster), and the
   * kernel's state moves with it.
   */
  makeKernel?: (
    kernel: KernelConfig,
    ctx: KernelContext,
  ) => KernelImpl | Promise<KernelImpl | null>;
  /**
   * Builds the CPU twin every kernel keeps (it runs the kernel on the CPU, and `auto` measures
   * it); default `createTwin`.
   */
  makeTwin?: MakeTwin;
  /** What the worker found about WebGPU (reported by `gpuInfo`, and as kernels' fallback reason). */
  gpu?: () => GpuInfo;
  /** Rows per CPU-twin `process` call. Default 1024. */
  batchSize?: number;
  /** Dead letters held before the oldest are evicted. Default 10,000. */
  maxDeadLetters?: number;
  /** Upper bound on generated messages per tick, so one tick cannot stall the worker. Default 4 M. */
  maxGeneratedPerTick?: number;
  /** Messages held by the trace store. Default 50,000. */
  traceCapacity?: number;
  /**
   * Spawns a worker for the seeded generator (`gen-remote.ts`), asked at the first start; without
   * it, or when it returns null, the generator runs on the engine's thread. The stream is the same.
   */
  spawnGenerator?: () => GeneratorLink | null;
}

export interface Engine {
  /** Applies one command atomically; errors are values. */
  command<C extends EngineCommand>(cmd: C): EngineReply<C['type']>;
  /**
   * Advances: generators emit what is due by `now()`, kernels drain their queues. With
   * `sliceMs`, work that can wait (generation behind schedule, draining) stops once the slice
   * is used up and goes on at the next tick.
   */
  tick(sliceMs?: number): void;
  /** A snapshot; receipts/dead letters in `recent` are those new since the previous snapshot. */
  snapshot(): EngineSnapshot;
  /** Lets kernels drain until every queue is empty (or `maxRounds` batches per kernel). */
  drain(maxRounds?: number): void;
  /** True while a generator runs. */
  snapshotGeneratorRunning(): boolean;
  /**
   * True while there is work for the next tick: the worker then ticks again at once, or after a
   * millisecond when the last tick found almost nothing due.
   */
  busy(): boolean;
  /** The core dispatcher (for tests and tools; commands are the way to change it). */
  readonly dispatcher: KernelDispatcher;
  destroy(): void;
}

const DEFAULT_BATCH = 1024;
const defaultClock = (): number => performance.now();

/**
 * Creates an engine for a config.
 *
 * @example
 * let t = 0;
 * const engine = createEngine({ config: demoConfig(), now: () => t });
 * engine.command({ type: 'inject', typeId: 1001, payload: { amount: 15_000 } });
 * t += 1000; engine.tick();
 * engine.snapshot().receipts.byStatus.Delivered; // 2 (the transaction and its alert)
 */
export function createEngine(options: EngineOptions): Engine {
  return new EngineImpl(options);
}

class EngineImpl implements Engine {
  private readonly c: EngineCore;
  private readonly send: SendPath;
  private readonly letters: DeadLetters;
  private readonly host: KernelHost;
  private readonly runner: KernelRunner;
  private readonly traffic: Traffic;
  private readonly hand: HandSend;
  private readonly cadence = new DrainCadence();
  private readonly snapshots: SnapshotBuilder;
  private readonly table: CommandTable;
  readonly dispatcher: KernelDispatcher;

  constructor(o: EngineOptions) {
    const batchSize = o.batchSize ?? DEFAULT_BATCH;
    const c = new EngineCore({
      now: o.now,
      clock: o.clock ?? defaultClock,
      onEvent: o.onEvent,
      midCommand: o.midCommand,
      gpuInfo:
        o.gpu ??
        (() => ({ available: false, adapter: null, reason: 'No WebGPU in a headless engine.' })),
      batchSize,
      maxGeneratedPerTick: o.maxGeneratedPerTick ?? 4_000_000,
      traceCapacity: o.traceCapacity,
    });
    this.c = c;
    validateConfig(o.config);
    const cfg = o.config;
    c.broker = new K2KBroker({
      now: () => c.nowUs,
      maxHops: cfg.broker.maxHops,
      maxPendingMessages: cfg.broker.maxPendingMessages,
      deliveryTimeoutMs: cfg.broker.deliveryTimeoutMs,
      deadLetterMaxSize: o.maxDeadLetters ?? 10_000,
      // Simulated time may jump; letters leave by eviction, purge or redrive, not by age.
      deadLetterMaxAgeMs: Number.MAX_SAFE_INTEGER / 1000,
      // Injected traffic may reach every tenant; kernels of different tenants stay apart.
      trustedSources: [HOST_KERNEL],
    });
    c.hostNum = c.broker.kernelNumber(HOST_KERNEL);
    this.send = new SendPath(c, Math.max(GEN_CHUNK, batchSize));
    this.letters = new DeadLetters(c, this.send);
    this.send.letters = this.letters;
    this.letters.attach();
    const make: MakeKernel = o.makeKernel ?? ((k) => createTwin(k.behavior));
    this.host = new KernelHost(c, make, o.makeTwin);
    this.runner = new KernelRunner(c, this.send, this.host);
    this.traffic = new Traffic(c, this.send, this.runner.drainAll, o.spawnGenerator);
    this.hand = new HandSend(c, this.send);
    this.snapshots = new SnapshotBuilder(c, this.host, this.letters, this.traffic, this.hand);
    this.dispatcher = this.buildDispatcher(cfg);
    c.dispatcher = this.dispatcher;
    this.applyConfig(cfg, false);
    this.table = createCommandTable({
      c,
      host: this.host,
      letters: this.letters,
      traffic: this.traffic,
      hand: this.hand,
      cadence: this.cadence,
      applyConfig: (config) => this.applyConfig(config),
      resetMetrics: () => this.resetMetrics(),
      publishSnapshot: () => c.opts.onEvent?.({ type: 'snapshot', snapshot: this.snapshot() }),
    });
  }

  private buildDispatcher(cfg: RouteConfig): KernelDispatcher {
    const builder = new DispatcherBuilder()
      .withPriority(cfg.broker.defaultPriority)
      .withK2KConfig({ maxHops: cfg.broker.maxHops });
    const defs = new Map(cfg.messageTypes.map((t) => [normU64(t.typeId), t]));
    for (const r of cfg.routes) {
      const id = normU64(r.typeId);
      const def = defs.get(id);
      if (def?.handlerId !== undefined) {
        const type = {
          typeId: id,
          name: def.name,
          handlerId: def.handlerId,
          ...(def.requiresResponse === undefined ? {} : { requiresResponse: def.requiresResponse }),
          ...(def.responseTypeId === undefined
            ? {}
            : { responseTypeId: normU64(def.responseTypeId) }),
        };
        builder.routeNamed(type, r.kernelId, r.handlerName ?? def.name);
      } else builder.routeRaw(id, r.kernelId);
    }
    return builder.buildWithBroker(this.c.broker);
  }

  /** Applies a config; `routes` false when the dispatcher was just built from it. */
  private applyConfig(config: RouteConfig, routes = true): void {
    const c = this.c;
    validateConfig(config);
    c.config = config;
    const ids = new Set(config.kernels.map((k) => k.id));
    for (const id of [...c.kernels.keys()]) if (!ids.has(id)) this.host.remove(id);
    for (const k of config.kernels) this.host.upsert(k);
    c.orderKernels(config.kernels.map((k) => k.id));
    for (const rec of c.types) c.clearTypeDef(rec);
    for (const t of config.messageTypes) c.setTypeDef(t);
    if (routes) {
      for (const [typeId] of this.dispatcher.routes()) this.dispatcher.unregister(typeId);
      for (const r of config.routes) this.dispatcher.registerRoute(normU64(r.typeId), r.kernelId);
      c.flowsChanged();
    }
    for (const r of config.routes) c.typeRec(normU64(r.typeId));
    for (const [dest] of c.broker.routeTable()) c.broker.removeRoute(dest);
    c.k2k.clear();
    for (const r of config.k2kRoutes) {
      c.broker.addRoute(r.dest, r.nextHop);
      c.k2k.set(r.dest, r.nextHop);
    }
    c.broker.setMaxHops(config.broker.maxHops);
    this.dispatcher.setDefaultPriority(config.broker.defaultPriority);
  }

  private resetMetrics(): void {
    const c = this.c;
    this.dispatcher.resetMetrics();
    c.receipts.reset();
    c.latency.reset();
    // Messages still held keep the equation exact after the counters restart.
    c.carriedOver = c.queuedNow() + c.inFlightTotal + c.broker.deadLetters.size;
    c.countersSinceUs = c.nowUs;
    c.removedKernels.reset();
    c.injected = 0;
    c.emitted = 0;
    c.processed = 0;
    c.toHost = 0;
    c.lettered = 0;
    c.failed.clear();
    this.letters.resetCounters();
    for (const k of c.kernels.values()) {
      zeroCounts(k);
      k.lastDropped = 0;
      k.lastDropUs = Number.NEGATIVE_INFINITY;
      k.ep.resetQueuePeak();
      // Every counter reads 0 now: the next snapshot measures what came since.
      k.meter.restart(c.nowUs);
      for (const e of [...k.edges.values(), ...k.emits.values()]) {
        e.total = 0;
        e.meter.restart(c.nowUs);
      }
    }
    for (const t of c.types) {
      for (const e of t.edges.values()) {
        e.total = 0;
        e.meter.restart(c.nowUs);
      }
    }
    this.snapshots.resetRates(c.nowUs);
    c.restartRates(c.nowUs);
  }

  drain(maxRounds = 1_000_000): void {
    this.c.advance();
    this.runner.drainRounds(maxRounds, true, true);
  }

  tick(sliceMs?: number): void {
    const c = this.c;
    c.advance();
    this.cadence.tick(c.nowUs, this.traffic.running);
    c.deadline =
      sliceMs === undefined ? Number.POSITIVE_INFINITY : c.opts.clock() + Math.max(0, sliceMs);
    try {
      this.letters.step();
      this.traffic.run();
      this.drain(64);
    } finally {
      c.deadline = Number.POSITIVE_INFINITY;
    }
  }

  command<C extends EngineCommand>(cmd: C): EngineReply<C['type']> {
    const requestId = cmd.requestId;
    const base = requestId === undefined ? {} : { requestId };
    const type: unknown = typeof cmd === 'object' && cmd !== null ? cmd.type : undefined;
    try {
      this.c.advance();
      const handler = (this.table as Record<string, ((c: EngineCommand) => object) | undefined>)[
        String(type)
      ];
      if (typeof type !== 'string' || !Object.hasOwn(this.table, type) || !handler) {
        throw new EngineFailure('InvalidCommand', `Unknown command "${String(type)}".`);
      }
      const result = handler(cmd);
      return { ok: true, ...base, command: cmd.type, ...result } as EngineReply<C['type']>;
    } catch (e) {
      const error: EngineError =
        e instanceof EngineFailure
          ? { code: e.code, message: e.message }
          : { code: 'Internal', message: e instanceof Error ? e.message : String(e) };
      const command = typeof type === 'string' ? (type as C['type']) : 'unknown';
      return { ok: false, ...base, command, error };
    }
  }

  snapshot(): EngineSnapshot {
    return this.snapshots.build();
  }

  snapshotGeneratorRunning(): boolean {
    return this.traffic.running;
  }

  busy(): boolean {
    if (this.traffic.running || this.letters.pacing) return true;
    // Work the next tick can do: a queue a kernel can take from now. A kernel waiting for its
    // GPU batches is not work: the worker idles (and the batches' promises wake it).
    for (const k of this.c.kernels.values()) {
      if (k.ep.pendingCount() > 0 && !blocked(k, MAX_IN_FLIGHT)) return true;
    }
    return false;
  }

  destroy(): void {
    this.host.destroyAll();
    this.traffic.close();
  }
}
