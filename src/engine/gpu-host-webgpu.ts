/**
 * `GpuHost`'s dependencies over WebGPU (`src/gpu`), apart from `gpu-host.ts` so that importing the
 * host (the engine's worker, `bench:engine`'s link) does not pull in the kernels and their WGSL.
 */
import { GpuKernelRuntime, acquireGpu } from '../gpu';
import { fallbackNotice, probeWith, type GpuHostDeps } from './gpu-host';

/**
 * The probe, the kernels' runtimes, and a device loss that destroys the device (the tests' fault
 * hook): the GPU worker's (`gpu-worker.ts`) and `bench/gpu-engine-node.bench.ts`'s worker thread.
 */
export function webgpuHostDeps(): GpuHostDeps {
  return {
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
  };
}
