/**
 * Dawn for Node (the `webgpu` npm package, fetched by `scripts/gpu-node-bench.mjs`) as this
 * process's WebGPU: its globals and `navigator.gpu`. Imported first by the Node GPU benches; the
 * code that reads `navigator.gpu` is imported after it, dynamically.
 */
// @ts-expect-error -- fetched on demand by scripts/gpu-node-bench.mjs (no types installed)
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu: (create as (flags: string[]) => GPU)([]) },
  configurable: true,
});
