/**
 * The GPU worker's side of `gpu-remote.ts` (run by `gpu-worker.ts`; tests run it in place), and
 * the probe and notice the engine's worker shares with it when it must run the runtimes itself.
 */
import type { GpuStatus } from '../gpu/device.ts';
import type { FallbackEvent } from '../gpu/runtime.ts';
import {
  copyOutputRows,
  createOutputBatch,
  type KernelBehavior,
  type KernelRuntime,
  type MessageBatch,
  type OutputBatch,
} from '../gpu/kernels/types.ts';
import { buffersOf, type GpuReply, type GpuRequest, type RuntimeStatus } from './gpu-remote';
import type { GpuInfo } from './protocol';

/** What a probe through `acquireGpu` found, as the engine reports it. */
export async function probeWith(acquire: () => Promise<GpuStatus>): Promise<GpuInfo> {
  try {
    const status = await acquire();
    if (status.available) return { available: true, adapter: { ...status.adapter } };
    return { available: false, adapter: null, reason: status.reason };
  } catch (e) {
    return { available: false, adapter: null, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The notice a kernel's page shows when its runtime moved to the CPU twin (device lost). */
export function fallbackNotice(e: FallbackEvent): string {
  return `Moved to the CPU twin: ${e.reason} (replayed ${e.replayedBatches} batch(es)${e.rerunInFlight ? ', re-ran the batch in flight' : ''}).`;
}

/** What the GPU worker needs from `src/gpu` (the worker passes the real ones; tests pass fakes). */
export interface GpuHostDeps {
  probe(): Promise<GpuInfo>;
  create(
    behavior: KernelBehavior,
    backend: 'auto' | 'webgpu',
    onFallback: (message: string) => void,
  ): Promise<
    KernelRuntime & {
      fallbackReason?: string | null;
      adapter?: { vendor: string; architecture: string } | null;
    }
  >;
  lose(): void;
}

type HostedRuntime = Awaited<ReturnType<GpuHostDeps['create']>>;

/**
 * An output batch's first `count` rows, copied into `spare` (a batch the engine gave back) when
 * it has room, else into a new batch (the runtime owns `out` until its next call).
 */
function copyOutput(out: OutputBatch, spare: OutputBatch | undefined): OutputBatch {
  const n = out.count;
  const batch = spare && spare.capacity >= n ? spare : createOutputBatch(Math.max(n, out.capacity));
  copyOutputRows(out, batch);
  return batch;
}

/** Output batches kept per runtime for reuse. */
const SPARES = 3;
/**
 * The GPU worker's side: one runtime per kernel id, each kernel's operations chained in the
 * order they came.
 */
export class GpuHost {
  private readonly runtimes = new Map<number, Promise<HostedRuntime | null>>();
  private readonly chains = new Map<number, Promise<unknown>>();
  /** Per runtime, output batches the engine gave back, to copy the next outputs into. */
  private readonly spares = new Map<number, OutputBatch[]>();

  constructor(
    private readonly deps: GpuHostDeps,
    private readonly reply: (r: GpuReply, transfer: ArrayBuffer[]) => void,
  ) {}

  private status(rt: HostedRuntime | null): RuntimeStatus {
    return {
      backend: rt ? rt.backend : 'cpu',
      fallbackReason: rt ? (rt.fallbackReason ?? null) : 'the runtime could not be created',
    };
  }

  /** Runs `op` after the kernel's earlier operations. */
  private then(id: number, op: (rt: HostedRuntime | null) => Promise<void> | void): void {
    const rt = this.runtimes.get(id) ?? Promise.resolve(null);
    const prev = this.chains.get(id) ?? rt;
    // A failed operation (import and reset have no reply to carry an error) must not hold up
    // the next one: the chain always resolves.
    const next = prev.then(() => rt.then(op)).catch(() => undefined);
    this.chains.set(id, next);
  }

  handle(m: GpuRequest): void {
    switch (m.type) {
      case 'probe':
        void this.deps.probe().then((info) => this.reply({ type: 'probe', info }, []));
        return;
      case 'create': {
        const made = this.deps
          .create(m.behavior, m.backend, (message) =>
            this.reply({ type: 'fallback', id: m.id, message }, []),
          )
          .then(
            (rt) => {
              this.reply(
                {
                  type: 'created',
                  id: m.id,
                  adapter: rt.adapter ?? null,
                  error: null,
                  ...this.status(rt),
                },
                [],
              );
              return rt;
            },
            (e: unknown) => {
              this.reply(
                {
                  type: 'created',
                  id: m.id,
                  adapter: null,
                  error: e instanceof Error ? e.message : String(e),
                  ...this.status(null),
                },
                [],
              );
              return null;
            },
          );
        this.runtimes.set(m.id, made);
        return;
      }
      case 'process': {
        if (m.spare) {
          let list = this.spares.get(m.id);
          if (!list) this.spares.set(m.id, (list = []));
          if (list.length < SPARES) list.push(m.spare);
        }
        // The request's batch goes back with the reply (the runtime reads it no more by then),
        // with the outputs' buffers when there are outputs.
        const input: MessageBatch = m.batch;
        const processed = (
          rt: HostedRuntime | null,
          out: OutputBatch | null,
          error: string | null,
        ) =>
          this.reply(
            { type: 'processed', id: m.id, seq: m.seq, out, input, error, ...this.status(rt) },
            out ? [...buffersOf(out), ...buffersOf(input)] : buffersOf(input),
          );
        this.then(m.id, async (rt) => {
          if (!rt) {
            processed(rt, null, 'no runtime');
            return;
          }
          try {
            processed(rt, copyOutput(await rt.process(input), this.spares.get(m.id)?.pop()), null);
          } catch (e) {
            processed(rt, null, e instanceof Error ? e.message : String(e));
          }
        });
        return;
      }
      case 'export':
        this.then(m.id, async (rt) => {
          try {
            if (!rt) throw new Error('no runtime');
            const state = await rt.exportState();
            this.reply(
              { type: 'exported', id: m.id, seq: m.seq, state, error: null, ...this.status(rt) },
              [state.buffer as ArrayBuffer],
            );
          } catch (e) {
            const error = e instanceof Error ? e.message : String(e);
            this.reply(
              { type: 'exported', id: m.id, seq: m.seq, state: null, error, ...this.status(rt) },
              [],
            );
          }
        });
        return;
      case 'import':
        this.then(m.id, (rt) => rt?.importState(m.state));
        return;
      case 'reset':
        this.then(m.id, (rt) => rt?.reset());
        return;
      case 'destroy':
        this.then(m.id, (rt) => {
          rt?.destroy();
          this.runtimes.delete(m.id);
          this.chains.delete(m.id);
          this.spares.delete(m.id);
        });
        return;
      case 'lose':
        this.deps.lose();
        return;
    }
  }
}
