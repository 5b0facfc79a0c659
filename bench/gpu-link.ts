/**
 * The GPU worker's link as the engine's worker uses it (`RemoteGpu` → `GpuHost`), over a real
 * `MessageChannel` (structured clone with transfers, as `postMessage` between workers), with a
 * CPU twin behind it in place of WebGPU: what one round trip of a full GPU batch (4,096 rows)
 * costs the engine's side apart from the GPU, and the garbage collections it causes. Both ends
 * run on this thread, so the time includes the GPU worker's side of the copy.
 */
import { MessageChannel } from 'node:worker_threads';
import { GpuHost } from '../src/engine/gpu-host.ts';
import {
  RemoteGpu,
  type GpuLink,
  type GpuReply,
  type GpuRequest,
} from '../src/engine/gpu-remote.ts';
import { ASYNC_BATCH } from '../src/engine/async-batch.ts';
import { TwinRuntime } from '../src/engine/test-util.ts';
import { PAYLOAD_WORDS, createMessageBatch } from '../src/gpu/kernels/types.ts';
import { countGcs, type GcCounts } from './gc.ts';

export interface LinkFigures {
  trips: number;
  /** Outputs per batch (alerts). */
  outputs: number;
  usPerTrip: number;
  gcs: GcCounts;
}

/**
 * `trips` round trips of a 4,096-row batch of large transactions to the fraud kernel, its 4,096
 * alerts handed back after each as the engine does.
 */
export async function gpuLinkRoundTrips(trips: number): Promise<LinkFigures> {
  const { port1, port2 } = new MessageChannel();
  const host = new GpuHost(
    {
      probe: () => Promise.resolve({ available: true, adapter: null }),
      create: (behavior) => Promise.resolve(new TwinRuntime(behavior)),
      lose: () => undefined,
    },
    (reply: GpuReply, transfer: ArrayBuffer[]) => port2.postMessage(reply, transfer),
  );
  port2.on('message', (m: GpuRequest) => host.handle(m));
  const link: GpuLink = {
    post: (m, transfer) => port1.postMessage(m, transfer ?? []),
    onReply: null,
    onBroken: null,
    close: () => {
      port1.close();
      port2.close();
    },
  };
  port1.on('message', (r: GpuReply) => link.onReply?.(r));
  const remote = new RemoteGpu(link);
  const rt = await remote.create('fraud', 'webgpu', () => undefined);
  // Transactions over the large-amount threshold: every row raises an alert, 4,096 outputs.
  const batch = createMessageBatch(ASYNC_BATCH);
  batch.count = ASYNC_BATCH;
  const amount = new Float32Array([50_000]);
  const amountBits = new Uint32Array(amount.buffer)[0]!;
  for (let r = 0; r < ASYNC_BATCH; r++) {
    batch.typeLo[r] = 1001;
    batch.idLo[r] = r;
    const p = r * PAYLOAD_WORDS;
    batch.payload[p] = r;
    batch.payload[p + 2] = amountBits;
    batch.payload[p + 3] = r % 97;
  }
  let outputs = 0;
  const trip = async (): Promise<void> => {
    const out = await rt.process(batch);
    outputs = out.count;
    rt.recycle(out);
  };
  for (let i = 0; i < 200; i++) await trip();
  let ms = 0;
  const gcs = await countGcs(async () => {
    const t0 = performance.now();
    for (let i = 0; i < trips; i++) await trip();
    ms = performance.now() - t0;
  });
  link.close();
  return { trips, outputs, usPerTrip: (ms / trips) * 1000, gcs };
}
