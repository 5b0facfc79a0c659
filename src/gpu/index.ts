/**
 * Public API of the GPU layer: the kernel contract, the CPU reference twins and (in the browser)
 * the WebGPU runtime. `src/gpu` is the only code that touches `navigator.gpu`.
 *
 * @packageDocumentation
 */
export * from './kernels/types.ts';
export * from './kernels/params.ts';
export { createTwin } from './kernels/twins.ts';
export { FraudTwin, FRAUD_STATE_WORDS } from './kernels/fraud/fraud.reference.ts';
export {
  AggregatorTwin,
  AGGREGATOR_STATE_WORDS,
} from './kernels/aggregator/aggregator.reference.ts';
export { PatternTwin, PATTERN_STATE_WORDS } from './kernels/pattern/pattern.reference.ts';
export { GenericTwin, GENERIC_STATE_WORDS } from './kernels/generic/generic.reference.ts';
export { TrafficGenerator, mulberry32, type TrafficOptions } from './kernels/traffic.ts';
export {
  acquireGpu,
  onGpuLost,
  isGpuLost,
  type GpuStatus,
  type GpuAdapterSummary,
  type GpuUnavailableCode,
  type GpuLossInfo,
} from './device.ts';
export {
  GpuKernel,
  GpuKernelError,
  type GpuKernelSpec,
  type KernelSharding,
  type GpuDispatchTiming,
} from './kernels/gpu-kernel.ts';
export { createGpuKernel, gpuSpec } from './kernels/gpu-kernels.ts';
export {
  GpuKernelRuntime,
  type BackendPreference,
  type FallbackEvent,
  type RuntimeOptions,
} from './runtime.ts';
export { gpuResourceStats, type GpuResourceStats } from './resources.ts';
