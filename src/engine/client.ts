/**
 * Page side of the engine: owns the worker, sends commands, keeps the latest snapshot, and restarts
 * the worker with the last loaded config when it crashes or stops sending heartbeats.
 */
import type { RouteConfig } from '../core/config';
import type {
  EngineCommand,
  EngineError,
  GpuNotice,
  EngineEvent,
  EngineReply,
  EngineSnapshot,
  SnapshotAck,
} from './protocol';
import { fromWire, type WireEvent } from './wire';

/** The part of `Worker` the client uses, so tests can drive it with a fake. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** Replaceable timers (tests pass a manual clock). */
export interface ClientTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export interface EngineClientOptions {
  onSnapshot?: (snapshot: EngineSnapshot) => void;
  onError?: (error: EngineError) => void;
  /** A kernel changed backend (GPU device lost, fallback to its CPU twin). */
  onNotice?: (notice: GpuNotice) => void;
  /** Default: the module worker `./worker.ts`. */
  createWorker?: () => WorkerLike;
  /** A worker silent for this long is considered hung and restarted. Default 5,000 ms. */
  heartbeatTimeoutMs?: number;
  timers?: ClientTimers;
}

export interface EngineClient {
  /** Fire and forget; errors arrive through `onError`. */
  send(cmd: EngineCommand): void;
  /**
   * Resolves with the engine's reply (errors are values: `reply.ok === false`), typed by the
   * command: `request({ type: 'trace', ... })` resolves to a reply whose `trace` is known.
   */
  request<C extends EngineCommand>(cmd: C): Promise<EngineReply<C['type']>>;
  latest(): EngineSnapshot | null;
  subscribe(fn: (snapshot: EngineSnapshot) => void): () => void;
  /** Replaces the worker with a fresh one running `config`. */
  restart(config: RouteConfig): void;
  terminate(): void;
  /** How many times the worker was restarted after a crash or hang. */
  crashCount(): number;
}

function defaultWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  }) as unknown as WorkerLike;
}

const defaultTimers: ClientTimers = {
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
  now: () => Date.now(),
};

/**
 * Starts the engine worker.
 *
 * @example
 * const client = createEngineClient({ onSnapshot: (s) => store.setSnapshot(s) });
 * client.send({ type: 'loadConfig', config: demoConfig() });
 * const reply = await client.request({ type: 'inject', typeId: 1001, count: 10 });
 */
export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  const createWorker = options.createWorker ?? defaultWorker;
  const timers = options.timers ?? defaultTimers;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 5_000;
  const listeners = new Set<(s: EngineSnapshot) => void>();
  if (options.onSnapshot) listeners.add(options.onSnapshot);
  // Replies are matched to their command by request id; the map cannot keep each one's type.
  const pending = new Map<number, (reply: EngineReply) => void>();
  let nextRequestId = 1;
  let latest: EngineSnapshot | null = null;
  let lastConfig: RouteConfig | null = null;
  let lastHeard = timers.now();
  let crashes = 0;
  let terminated = false;
  let worker: WorkerLike = start();

  const watchEveryMs = Math.max(50, Math.floor(heartbeatTimeoutMs / 4));
  let lastWatch = timers.now();
  const watchdog = timers.setInterval(() => {
    const now = timers.now();
    // This check ran late: the page itself was stalled, and what the worker sent meanwhile is
    // still queued behind it. Hear that first; a worker that is really silent is caught one
    // timeout later.
    if (now - lastWatch > 2 * watchEveryMs) lastHeard = now;
    lastWatch = now;
    if (!terminated && now - lastHeard > heartbeatTimeoutMs) {
      crashed('the engine worker stopped responding');
    }
  }, watchEveryMs);

  function start(): WorkerLike {
    const w = createWorker();
    lastHeard = timers.now();
    w.onmessage = (ev) => {
      if (w !== worker) return;
      lastHeard = timers.now();
      handle(fromWire(ev.data as WireEvent), w);
    };
    w.onerror = (ev) => {
      if (w !== worker) return;
      const detail =
        typeof ev === 'object' && ev !== null && 'message' in ev ? String(ev.message) : '';
      crashed(`the engine worker crashed${detail ? `: ${detail}` : ''}`);
    };
    if (lastConfig) w.postMessage({ type: 'loadConfig', config: lastConfig });
    return w;
  }

  /** An event of worker `from` (the current one: the others' are dropped before this). */
  function handle(event: EngineEvent, from: WorkerLike): void {
    switch (event.type) {
      case 'snapshot': {
        latest = event.snapshot;
        try {
          for (const fn of listeners) fn(event.snapshot);
        } finally {
          // Taken: the worker may post the next (snapshot-pacer.ts). After the listeners, so a
          // page slow to take them gets them no faster than it can.
          // To the worker that sent it: a listener may have restarted the engine meanwhile, and
          // the new worker's seqs start again at 1.
          const ack: SnapshotAck = { type: 'snapshotAck', seq: event.snapshot.seq };
          if (from === worker) from.postMessage(ack);
        }
        return;
      }
      case 'reply': {
        const id = event.reply.requestId;
        if (id !== undefined) {
          const resolve = pending.get(id);
          pending.delete(id);
          resolve?.(event.reply);
        }
        if (!event.reply.ok && id === undefined) options.onError?.(event.reply.error);
        return;
      }
      case 'error':
        options.onError?.(event.error);
        return;
      case 'notice':
        options.onNotice?.(event.notice);
        return;
      case 'ready':
      case 'heartbeat':
        return;
    }
  }

  /** Answers every request still waiting: the worker that would have answered is gone. */
  function failPending(error: EngineError): void {
    for (const [id, resolve] of pending) {
      resolve({ ok: false, requestId: id, command: 'unknown', error });
    }
    pending.clear();
  }

  function crashed(message: string): void {
    crashes++;
    const error: EngineError = {
      code: 'WorkerCrashed',
      message: `${message}; restarted it${lastConfig ? ` with config "${lastConfig.name}"` : ''} (queued messages and counters were lost).`,
    };
    failPending(error);
    worker.onmessage = null;
    worker.onerror = null;
    worker.terminate();
    worker = start();
    options.onError?.(error);
  }

  function post(cmd: EngineCommand): void {
    if (terminated) return;
    if (cmd.type === 'loadConfig') lastConfig = cmd.config;
    worker.postMessage(cmd);
  }

  return {
    send: post,
    request<C extends EngineCommand>(cmd: C): Promise<EngineReply<C['type']>> {
      if (terminated) {
        return Promise.resolve({
          ok: false,
          command: cmd.type,
          error: { code: 'WorkerCrashed', message: 'The engine client was terminated.' },
        });
      }
      const requestId = nextRequestId++;
      return new Promise<EngineReply<C['type']>>((resolve) => {
        // The worker answers a command of type C with EngineReply<C> (the engine's table).
        pending.set(requestId, resolve as (reply: EngineReply) => void);
        post({ ...cmd, requestId });
      });
    },
    latest: () => latest,
    subscribe(fn) {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
      };
    },
    restart(config) {
      if (terminated) return;
      lastConfig = config;
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
      // A request the old worker had not answered would wait for good (Inject's buttons stay
      // off while a send waits for its answer).
      failPending({
        code: 'WorkerCrashed',
        message: 'The engine was restarted before it answered.',
      });
      worker = start();
    },
    terminate() {
      terminated = true;
      timers.clearInterval(watchdog);
      worker.terminate();
      failPending({ code: 'WorkerCrashed', message: 'The engine client was terminated.' });
    },
    crashCount: () => crashes,
  };
}
