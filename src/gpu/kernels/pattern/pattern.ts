import wgsl from './pattern.wgsl?raw';
import { GpuKernel, type GpuKernelSpec } from '../gpu-kernel.ts';
import { ACCOUNT_SLOTS, PATTERN } from '../params.ts';
import { DemoTypes } from '../types.ts';
import { PATTERN_STATE_WORDS, patternSlot } from './pattern.reference.ts';

/** The pattern detector's GPU spec: one invocation per unordered account-pair slot. */
export const patternSpec: GpuKernelSpec = {
  behavior: 'pattern',
  wgsl,
  stateWords: PATTERN_STATE_WORDS,
  sharding: { kind: 'per-slot', slots: ACCOUNT_SLOTS, slotOf: patternSlot },
  constants: { PATTERN_WINDOW_US: PATTERN.windowUs, PATTERN_RESULT_TYPE: DemoTypes.PatternResult },
};

/** A pattern detector on `device`, its pair table resident on the GPU. */
export function createPatternKernel(device: GPUDevice, timestampQuery = false): Promise<GpuKernel> {
  return new GpuKernel(device, patternSpec, timestampQuery).validate();
}
