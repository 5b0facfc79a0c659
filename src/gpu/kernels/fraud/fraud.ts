import { accountSlot } from '../emit.ts';
import wgsl from './fraud.wgsl?raw';
import { GpuKernel, type GpuKernelSpec } from '../gpu-kernel.ts';
import { ACCOUNT_SLOTS, FRAUD } from '../params.ts';
import { DemoTypes } from '../types.ts';
import { FRAUD_STATE_WORDS } from './fraud.reference.ts';

/** The fraud processor's GPU spec: one invocation per account slot, thresholds from `params.ts`. */
export const fraudSpec: GpuKernelSpec = {
  behavior: 'fraud',
  wgsl,
  stateWords: FRAUD_STATE_WORDS,
  sharding: { kind: 'per-slot', slots: ACCOUNT_SLOTS, slotOf: accountSlot },
  constants: {
    ACCOUNT_SLOTS,
    LARGE_AMOUNT: FRAUD.largeAmount,
    STRUCTURING_MIN: FRAUD.structuringMin,
    VELOCITY_LIMIT: FRAUD.velocityLimit,
    VELOCITY_WINDOW_US: FRAUD.velocityWindowUs,
    SCORE_LARGE: FRAUD.scoreLarge,
    SCORE_VELOCITY: FRAUD.scoreVelocity,
    SCORE_STRUCTURING: FRAUD.scoreStructuring,
    FRAUD_ALERT_TYPE: DemoTypes.FraudAlert,
  },
};

/** A fraud processor on `device`, its state (zeroed) resident on the GPU. */
export function createFraudKernel(device: GPUDevice, timestampQuery = false): Promise<GpuKernel> {
  return new GpuKernel(device, fraudSpec, timestampQuery).validate();
}
