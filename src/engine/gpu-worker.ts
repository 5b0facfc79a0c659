/**
 * The kernels' WebGPU runtimes on a worker of their own, spawned by the engine's worker
 * (`worker.ts`): a `GpuHost` over `src/gpu` (see `gpu-remote.ts` for why the engine's worker must
 * not map GPU buffers itself).
 */
import { GpuHost } from './gpu-host';
import { webgpuHostDeps } from './gpu-host-webgpu';
import type { GpuReply, GpuRequest } from './gpu-remote';
import { detachOneViewOfEachKind } from './detach-views';

interface WorkerScope {
  postMessage(message: GpuReply, transfer: ArrayBuffer[]): void;
  onmessage: ((ev: MessageEvent<GpuRequest>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
// Before any code is optimised: see detach-views.ts.
detachOneViewOfEachKind();

const host = new GpuHost(webgpuHostDeps(), (reply, transfer) => scope.postMessage(reply, transfer));
scope.onmessage = (ev) => host.handle(ev.data);
