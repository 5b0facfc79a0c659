/**
 * The kernels' WebGPU runtimes on a worker of their own, spawned by the engine's worker
 * (`worker.ts`): a `GpuHost` over `src/gpu` (see `gpu-remote.ts` for why the engine's worker must
 * not map GPU buffers itself).
 */
import { GpuKernelRuntime, acquireGpu } from '../gpu';
import { GpuHost, fallbackNotice, probeWith } from './gpu-host';
import type { GpuReply, GpuRequest } from './gpu-remote';
import { detachOneViewOfEachKind } from './detach-views';

interface WorkerScope {
  postMessage(message: GpuReply, transfer: ArrayBuffer[]): void;
  onmessage: ((ev: MessageEvent<GpuRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
// Before any code is optimised: see detach-views.ts.
detachOneViewOfEachKind();

const host = new GpuHost(
  {
    probe: () => probeWith(acquireGpu),
    create: (behavior, backend, onFallback) =>
      GpuKernelRuntime.create(behavior, {
        backend,
        onFallback: (e) => onFallback(fallbackNotice(e)),
      }),
    lose: () => {
      void acquireGpu().then((s) => {
        if (s.available) s.device.destroy();
      });
    },
  },
  (reply, transfer) => scope.postMessage(reply, transfer),
);
scope.onmessage = (ev) => host.handle(ev.data);
