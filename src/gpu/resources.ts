/**
 * Every GPU buffer the kernels create goes through here, so tests can prove that destroying a
 * kernel or a runtime releases everything (`liveBuffers` back to its earlier value).
 *
 * @packageDocumentation
 */

/** Counts of GPU buffers created and destroyed by `src/gpu` in this page. */
export interface GpuResourceStats {
  created: number;
  destroyed: number;
  live: number;
}

let created = 0;
let destroyed = 0;
const live = new Set<GPUBuffer>();

/** Create a buffer and track it. */
export function createTrackedBuffer(device: GPUDevice, desc: GPUBufferDescriptor): GPUBuffer {
  const b = device.createBuffer(desc);
  created++;
  live.add(b);
  return b;
}

/** Destroy a tracked buffer (idempotent). */
export function destroyTrackedBuffer(b: GPUBuffer | null | undefined): void {
  if (!b || !live.has(b)) return;
  live.delete(b);
  destroyed++;
  b.destroy();
}

/** Current buffer counts. */
export function gpuResourceStats(): GpuResourceStats {
  return { created, destroyed, live: live.size };
}
