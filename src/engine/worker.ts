/**
 * Module worker entry: owns one engine and drives it with real time. The only place in the engine
 * with raw timers. Loaded by client.ts as
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 *
 * WebGPU: the GPU worker (`gpu-worker.ts`, spawned here) probes once at start and holds the
 * kernels' `GpuKernelRuntime`s; kernels whose backend is `auto` or `webgpu` get one when an
 * adapter exists (their CPU twin runs until it is ready, and takes over with state carried if the
 * device is lost); otherwise they run on the twin. This worker maps no GPU buffer (see
 * `gpu-remote.ts`); only where the GPU worker cannot start do the runtimes run here.
 */
import { GpuKernelRuntime, acquireGpu, createTwin } from '../gpu';
import { createEngine, type Engine, type KernelContext, type KernelImpl } from './engine';
import type { GeneratorLink, GenReply, GenRequest } from './gen-remote';
import { fallbackNotice, probeWith } from './gpu-host';
import { RemoteGpu, type GpuLink, type GpuReply, type GpuRequest } from './gpu-remote';
import type {
  EngineCommand,
  EngineEvent,
  EngineSnapshot,
  GpuInfo,
  KernelConfig,
  SnapshotAck,
} from './protocol';
import { SnapshotPacer } from './snapshot-pacer';
import { createWarmup, type Warmup } from './warmup';
import { toWire } from './wire';
import { detachOneViewOfEachKind } from './detach-views';
import { StepLoop, type NextStep } from './step-loop';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
// Before any code is optimised: see detach-views.ts.
detachOneViewOfEachKind();

/** Snapshots are posted at most this often (about one per animation frame). */
const SNAPSHOT_MS = 16;
/**
 * And at least this often, also while idle: rates fall to 0 on screen only if snapshots keep
 * coming after the traffic stopped.
 */
const IDLE_SNAPSHOT_MS = 100;
const HEARTBEAT_MS = 1000;
/**
 * During a command that holds the thread for long (`midCommand`), snapshots go out this often,
 * not paced by the page: its acknowledgements wait behind the command, so the pacer would hold
 * them back as if the page were behind (up to 744 ms with sixteen out when the command began). A
 * slow page gets at most sixteen a second meanwhile, for as long as the command runs, and is paced
 * again after it.
 */
const MID_COMMAND_SNAPSHOT_MS = 64;
/** Whether the command being run posted snapshots as it went (then one more goes out at its end). */
let postedMidCommand = false;
/**
 * A command's first snapshot goes out once it has run this long (ms): sooner, every burst of a few
 * thousand flashed "Sending 5,000: 1,024 sent" and "sending burst · 20 %" for a frame; later, the
 * page's buttons were off with nothing said for 150-250 ms.
 */
const MID_COMMAND_FIRST_MS = 16;
let commandStartedAt = 0;
/** The loop's snapshots go out at most sixteen ahead of the page (see snapshot-pacer.ts). */
const pacer = new SnapshotPacer();
/**
 * Work per tick while busy. Between slices the worker yields to its event loop, so GPU batches
 * that finished are taken back, commands are answered and snapshots go out on time.
 */
const SLICE_MS = 8;
/** The warm-up's work per idle tick (`warmup.ts`). */
const WARMUP_SLICE_MS = 4;

const nowUs = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

let engine: Engine | null = null;
let lastSnapshotAt = 0;
let lastHeartbeatAt = 0;
let heartbeatSeq = 0;
let lastKey = '';
let busy = false;
/** Warms the engine's code up while idle after the first config; dropped when traffic starts. */
let warmup: Warmup | null = null;
const channel = new MessageChannel();

let gpuInfo: GpuInfo = { available: false, adapter: null, reason: 'WebGPU is being probed.' };

/** The end of a link to a worker just spawned: its messages, its failures, and how to close it. */
interface WorkerLink<Req, Rep> {
  post(message: Req, transfer?: ArrayBuffer[]): void;
  onReply: ((reply: Rep) => void) | null;
  onBroken: ((message: string) => void) | null;
  close(): void;
}

function linkTo<Req, Rep>(w: Worker, unreadable: string): WorkerLink<Req, Rep> {
  const link: WorkerLink<Req, Rep> = {
    post: (m, transfer) => w.postMessage(m, transfer ?? []),
    onReply: null,
    onBroken: null,
    close: () => w.terminate(),
  };
  w.onmessage = (ev: MessageEvent<Rep>) => link.onReply?.(ev.data);
  w.onerror = (ev) => {
    ev.preventDefault();
    link.onBroken?.(ev.message || 'the worker could not run');
  };
  w.onmessageerror = () => link.onBroken?.(unreadable);
  return link;
}

/**
 * The kernels' WebGPU runtimes run on a worker of their own (`gpu-worker.ts`): the first
 * `unmap()` of a GPU buffer in this worker would slow every typed-array access of the engine for
 * good (see `gpu-remote.ts`). Null where a worker cannot start one; the
 * runtimes then run here.
 */
function spawnGpu(): RemoteGpu | null {
  let w: Worker;
  try {
    w = new Worker(new URL('./gpu-worker.ts', import.meta.url), { type: 'module', name: 'gpu' });
  } catch {
    return null;
  }
  const link: GpuLink = linkTo<GpuRequest, GpuReply>(w, 'a reply could not be read');
  return new RemoteGpu(link);
}

const remoteGpu = typeof Worker === 'function' ? spawnGpu() : null;

async function probeGpu(): Promise<GpuInfo> {
  if (remoteGpu) {
    try {
      return await remoteGpu.probe();
    } catch {
      // The GPU worker is gone: probe here.
    }
  }
  return probeWith(acquireGpu);
}

const gpuReady = probeGpu().then((info) => {
  gpuInfo = info;
  return info;
});

/** Twin when the kernel asks for the CPU; else a GPU runtime once the probe says there is one. */
function makeKernel(
  cfg: KernelConfig,
  ctx: KernelContext,
): KernelImpl | Promise<KernelImpl | null> {
  if (cfg.backend === 'cpu') return createTwin(cfg.behavior);
  const backend = cfg.backend;
  return gpuReady.then(async (info) => {
    if (!info.available) return null;
    if (remoteGpu && remoteGpu.broken === null) {
      const rt = await remoteGpu.create(cfg.behavior, backend, (m) => ctx.notice(m));
      if (rt.backend === 'webgpu') return rt;
      rt.destroy();
      return null;
    }
    const rt = await GpuKernelRuntime.create(cfg.behavior, {
      backend,
      onFallback: (e) => ctx.notice(fallbackNotice(e)),
    });
    return rt.backend === 'webgpu' ? rt : null;
  });
}

/**
 * The generator's own worker (`gen-worker.ts`): it draws messages ahead of schedule while this
 * worker routes and runs kernels. Null where a worker cannot start one (the engine then generates
 * on its own thread).
 */
function spawnGenerator(): GeneratorLink | null {
  let w: Worker;
  try {
    w = new Worker(new URL('./gen-worker.ts', import.meta.url), {
      type: 'module',
      name: 'generator',
    });
  } catch {
    return null;
  }
  const link: GeneratorLink = linkTo<GenRequest, GenReply>(w, 'a chunk could not be read');
  return link;
}

function post(event: EngineEvent): void {
  scope.postMessage(event);
}

/** Cheap change detector: between idle heartbeats a snapshot is posted when one of these moved. */
function keyOf(s: EngineSnapshot): string {
  return [
    s.receipts.total,
    s.injected,
    s.accounting.processed,
    s.accounting.queued,
    s.accounting.inFlight,
    s.deadLetters.count,
    // A paced redrive cancelled or stopped changes no count: its state still goes out at once.
    s.deadLetters.redrive?.state,
    s.generator.emitted,
    s.generator.running,
    // A send's end goes out even where nothing else moved since its last snapshot.
    s.sending?.sent,
    s.kernels.length,
    s.kernels.map((k) => k.backend).join(),
    s.edges.length,
    s.configName,
  ].join('|');
}

/** Says what failed, and goes on: one failure must not stop the engine for good. */
function postFailure(what: string, e: unknown): void {
  post({
    type: 'error',
    error: { code: 'Internal', message: `${what}: ${e instanceof Error ? e.message : String(e)}` },
  });
}

/** Says the worker is alive, once a second at most (`now`: ms, `performance.now()`). */
function heartbeatIfDue(now: number): void {
  if (now - lastHeartbeatAt < HEARTBEAT_MS) return;
  lastHeartbeatAt = now;
  post({ type: 'heartbeat', seq: ++heartbeatSeq });
}

/** One step of the loop (`step-loop.ts`), with its heartbeat; true while there is work left. */
function loopStep(): boolean {
  const t = performance.now();
  try {
    step();
  } catch (e) {
    // One failing tick (a kernel runtime that threw, say) must not stop the engine for good: say
    // so and go on; the accounting keeps every message it holds.
    busy = false;
    postFailure('engine tick failed', e);
  }
  heartbeatIfDue(t);
  return busy;
}

const loop = new StepLoop(
  {
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    post: (next) => channel.port2.postMessage(next),
    now: () => performance.now(),
  },
  loopStep,
);
channel.port1.onmessage = (ev: MessageEvent<NextStep>) => loop.onPort(ev.data);

let lastPostedAt = 0;

function step(): void {
  if (!engine) return;
  engine.tick(SLICE_MS);
  const now = performance.now();
  if (now - lastSnapshotAt >= SNAPSHOT_MS) postSnapshot(engine, now);
  busy = engine.busy();
  if (warmup) {
    if (busy || warmup.step(WARMUP_SLICE_MS)) {
      warmup.cancel();
      warmup = null;
    }
  }
}

/**
 * Builds and posts a snapshot when the page may take one (`paced`) and something moved (or it is
 * time).
 */
function postSnapshot(engine: Engine, now: number, paced = true): void {
  // Not built while the page is behind: a snapshot takes the rows and letters new since the last
  // one, which then go out with the next.
  if (paced && !pacer.mayPost(now)) return;
  lastSnapshotAt = now;
  const s = engine.snapshot();
  const key = keyOf(s);
  if (
    key !== lastKey ||
    now - lastPostedAt >= IDLE_SNAPSHOT_MS ||
    s.receipts.recent.length > 0 ||
    s.deadLetters.recent.length > 0 ||
    s.gpuEvents.length > 0
  ) {
    lastKey = key;
    lastPostedAt = now;
    // Its rows as columns, transferred (see wire.ts); the client puts them back.
    const { event, transfer } = toWire(s);
    scope.postMessage(event, transfer);
    pacer.posted(s.seq, now);
  }
}

/**
 * A long command's pauses (`EngineOptions.midCommand`): a heartbeat once a second, or the page's
 * watchdog took the worker for hung, and the snapshots the loop cannot post meanwhile.
 */
function midCommand(): void {
  const now = performance.now();
  heartbeatIfDue(now);
  if (!engine) return;
  if (
    postedMidCommand
      ? now - lastSnapshotAt < MID_COMMAND_SNAPSHOT_MS
      : now - commandStartedAt < MID_COMMAND_FIRST_MS
  )
    return;
  try {
    postSnapshot(engine, now, false);
    postedMidCommand = true;
  } catch (e) {
    // The command goes on: a snapshot that could not be built or posted is not worth its messages.
    lastSnapshotAt = now;
    postFailure('a snapshot during a long command failed', e);
  }
}

function reqId(cmd: EngineCommand): { requestId?: number } {
  return cmd.requestId === undefined ? {} : { requestId: cmd.requestId };
}

scope.onmessage = (ev: MessageEvent) => {
  const cmd = ev.data as EngineCommand | SnapshotAck | { type: '__crash' } | { type: '__loseGpu' };
  if (cmd.type === 'snapshotAck') {
    pacer.acked(cmd.seq);
    return;
  }
  if (cmd.type === '__loseGpu') {
    // Test-only fault hook: destroy the GPU device mid-run; the runtimes move to their twins.
    if (remoteGpu && remoteGpu.broken === null) {
      remoteGpu.lose();
      return;
    }
    void acquireGpu().then((s) => {
      if (s.available) s.device.destroy();
    });
    return;
  }
  if (cmd.type === '__crash') {
    // Test-only fault hook (src/app/faults.ts, issue 8): an uncaught error the client must detect
    // and answer with a restart. Thrown from a timer so it escapes this handler uncaught.
    setTimeout(() => {
      throw new Error('engine crash requested by a test fault hook');
    }, 0);
    return;
  }
  if (cmd.type === 'gpuInfo') {
    // Answered once the probe is done, engine or not.
    void gpuReady.then((info) =>
      post({ type: 'reply', reply: { ok: true, command: 'gpuInfo', ...reqId(cmd), gpu: info } }),
    );
    return;
  }
  if (cmd.type === 'loadConfig' && !engine) {
    try {
      engine = createEngine({
        config: cmd.config,
        now: nowUs,
        onEvent: post,
        midCommand,
        makeKernel,
        gpu: () => gpuInfo,
        spawnGenerator,
      });
      warmup = createWarmup(cmd.config, {
        afterSnapshot: (s) => void toWire(s),
      });
      post({ type: 'reply', reply: { ok: true, command: 'loadConfig', ...reqId(cmd) } });
    } catch (e) {
      post({
        type: 'reply',
        reply: {
          ok: false,
          command: 'loadConfig',
          ...reqId(cmd),
          error: { code: 'InvalidConfig', message: e instanceof Error ? e.message : String(e) },
        },
      });
    }
    lastKey = '';
    return;
  }
  if (!engine) {
    post({
      type: 'reply',
      reply: {
        ok: false,
        command: cmd.type,
        ...reqId(cmd),
        error: { code: 'InvalidCommand', message: 'Load a config first (loadConfig).' },
      },
    });
    return;
  }
  postedMidCommand = false;
  commandStartedAt = performance.now();
  const reply = engine.command(cmd);
  // Its last snapshot said it was still sending: the state it left goes out before its answer, so
  // the page's "sending" ends as its result shows (after, the toolbar still said 73-99 % for up to
  // 100 ms beside "Sent 1,000,000").
  if (postedMidCommand) postSnapshot(engine, performance.now(), false);
  post({ type: 'reply', reply });
  // A loop asleep at its idle pace steps now when the command left work (see `afterCommand`).
  loop.afterCommand(engine.busy());
  lastKey = '';
};

void gpuReady.then((info) => post({ type: 'ready', gpu: info.available, gpuInfo: info }));
loop.start();
