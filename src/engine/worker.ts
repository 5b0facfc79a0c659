/**
 * Module worker entry: owns one engine and drives it with real time. The only place in the engine
 * with raw timers. Loaded by client.ts as
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */
import { createEngine, type Engine } from './engine';
import type { EngineCommand, EngineEvent, EngineSnapshot } from './protocol';

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((ev: MessageEvent) => void) | null;
  navigator?: { gpu?: { requestAdapter(): Promise<unknown> } };
}

const scope = globalThis as unknown as WorkerScope;

/** Snapshots are posted at most this often (about one per animation frame). */
const SNAPSHOT_MS = 16;
const HEARTBEAT_MS = 1000;
/** Idle pace; while a generator runs the loop yields through a MessageChannel instead. */
const IDLE_TICK_MS = 4;

const nowUs = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

let engine: Engine | null = null;
let lastSnapshotAt = 0;
let lastHeartbeatAt = 0;
let heartbeatSeq = 0;
let lastKey = '';
let busy = false;
const channel = new MessageChannel();

function post(event: EngineEvent): void {
  scope.postMessage(event);
}

/** Cheap change detector: a snapshot is only posted when one of these moved. */
function keyOf(s: EngineSnapshot): string {
  return [
    s.receipts.total,
    s.injected,
    s.accounting.processed,
    s.accounting.queued,
    s.deadLetters.count,
    s.generator.emitted,
    s.generator.running,
    s.kernels.length,
    s.edges.length,
    s.configName,
  ].join('|');
}

function loop(): void {
  const t = performance.now();
  if (engine) {
    engine.tick();
    if (t - lastSnapshotAt >= SNAPSHOT_MS) {
      lastSnapshotAt = t;
      const s = engine.snapshot();
      const key = keyOf(s);
      if (key !== lastKey || s.receipts.recent.length > 0 || s.deadLetters.recent.length > 0) {
        lastKey = key;
        post({ type: 'snapshot', snapshot: s });
      }
    }
    busy = engine.snapshotGeneratorRunning();
  }
  if (t - lastHeartbeatAt >= HEARTBEAT_MS) {
    lastHeartbeatAt = t;
    post({ type: 'heartbeat', seq: ++heartbeatSeq });
  }
  if (busy) channel.port2.postMessage(0);
  else setTimeout(loop, IDLE_TICK_MS);
}

channel.port1.onmessage = loop;

scope.onmessage = (ev: MessageEvent) => {
  const cmd = ev.data as EngineCommand;
  if (cmd.type === 'loadConfig' && !engine) {
    try {
      engine = createEngine({ config: cmd.config, now: nowUs, onEvent: post });
      post({
        type: 'reply',
        reply: {
          ok: true,
          command: 'loadConfig',
          ...(cmd.requestId === undefined ? {} : { requestId: cmd.requestId }),
        },
      });
    } catch (e) {
      post({
        type: 'reply',
        reply: {
          ok: false,
          command: 'loadConfig',
          ...(cmd.requestId === undefined ? {} : { requestId: cmd.requestId }),
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
        ...(cmd.requestId === undefined ? {} : { requestId: cmd.requestId }),
        error: { code: 'InvalidCommand', message: 'Load a config first (loadConfig).' },
      },
    });
    return;
  }
  const reply = engine.command(cmd);
  post({ type: 'reply', reply });
  if (cmd.type === 'startGenerator' && reply.ok && !busy) {
    busy = true;
    channel.port2.postMessage(0);
  }
  lastKey = '';
};

async function detectGpu(): Promise<boolean> {
  try {
    return (await scope.navigator?.gpu?.requestAdapter()) != null;
  } catch {
    return false;
  }
}

void detectGpu().then((gpu) => post({ type: 'ready', gpu }));
setTimeout(loop, 0);
