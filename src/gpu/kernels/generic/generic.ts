import wgsl from './generic.wgsl?raw';
import { GpuKernel, type GpuKernelSpec } from '../gpu-kernel.ts';
import { TYPE_SLOTS } from '../params.ts';
import { GENERIC_STATE_WORDS } from './generic.reference.ts';

/** The generic kernel's GPU spec: one invocation per message, atomic per-type counters. */
export const genericSpec: GpuKernelSpec = {
  behavior: 'generic',
  wgsl,
  stateWords: GENERIC_STATE_WORDS,
  sharding: { kind: 'per-row' },
  constants: { TYPE_SLOTS },
};

/** A generic counting/echo kernel on `device`. */
export function createGenericKernel(device: GPUDevice, timestampQuery = false): Promise<GpuKernel> {
  return new GpuKernel(device, genericSpec, timestampQuery).validate();
}
