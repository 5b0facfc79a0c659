import { aggregatorSpec } from './aggregator/aggregator.ts';
import { fraudSpec } from './fraud/fraud.ts';
import { genericSpec } from './generic/generic.ts';
import { GpuKernel, type GpuKernelSpec } from './gpu-kernel.ts';
import { patternSpec } from './pattern/pattern.ts';
import type { KernelBehavior } from './types.ts';

/** The GPU spec of a kernel behaviour. */
export function gpuSpec(behavior: KernelBehavior): GpuKernelSpec {
  switch (behavior) {
    case 'fraud':
      return fraudSpec;
    case 'aggregator':
      return aggregatorSpec;
    case 'pattern':
      return patternSpec;
    case 'generic':
      return genericSpec;
  }
}

/** A GPU kernel for a behaviour on `device`, its shader and pipeline checked and compiled. */
export function createGpuKernel(
  device: GPUDevice,
  behavior: KernelBehavior,
  timestampQuery = false,
): Promise<GpuKernel> {
  return new GpuKernel(device, gpuSpec(behavior), timestampQuery).validate();
}
