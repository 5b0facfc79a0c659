import { accountSlot } from '../emit.ts';
import wgsl from './aggregator.wgsl?raw';
import { GpuKernel, type GpuKernelSpec } from '../gpu-kernel.ts';
import { ACCOUNT_SLOTS } from '../params.ts';
import { AGGREGATOR_STATE_WORDS } from './aggregator.reference.ts';

/** The aggregator's GPU spec: one invocation per account slot. */
export const aggregatorSpec: GpuKernelSpec = {
  behavior: 'aggregator',
  wgsl,
  stateWords: AGGREGATOR_STATE_WORDS,
  sharding: { kind: 'per-slot', slots: ACCOUNT_SLOTS, slotOf: accountSlot },
  constants: {},
};

/** An aggregator on `device`, its running totals resident on the GPU. */
export function createAggregatorKernel(
  device: GPUDevice,
  timestampQuery = false,
): Promise<GpuKernel> {
  return new GpuKernel(device, aggregatorSpec, timestampQuery).validate();
}
