/**
 * WebGPU device acquisition: checks adapter, features and limits once and returns a typed status.
 * The only module (with the kernels it feeds) that touches `navigator.gpu`.
 *
 * @packageDocumentation
 */

/** What the UI shows about the adapter; SwiftShader reports `isFallbackAdapter: true`. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** Why WebGPU is unavailable, as a code the UI can branch on plus a message a person can act on. */
export type GpuUnavailableCode = 'no-webgpu' | 'no-adapter' | 'device-request-failed';

/** The result of {@link acquireGpu}. */
export type GpuStatus =
  | {
      available: true;
      device: GPUDevice;
      adapter: GpuAdapterSummary;
      features: string[];
      limits: {
        maxStorageBufferBindingSize: number;
        maxBufferSize: number;
        maxComputeWorkgroupsPerDimension: number;
        maxComputeInvocationsPerWorkgroup: number;
      };
      /** 'timestamp-query' was offered and enabled: kernels then report GPU time per dispatch. */
      timestampQuery: boolean;
    }
  | { available: false; code: GpuUnavailableCode; reason: string };

/** Information passed to device-loss listeners. */
export interface GpuLossInfo {
  reason: string;
  message: string;
}

type LossListener = (info: GpuLossInfo) => void;

let current: Promise<GpuStatus> | null = null;
let lost = false;
let currentDevice: GPUDevice | null = null;
const listeners = new Set<LossListener>();

/**
 * Acquire the shared WebGPU device once; later calls return the same status until the device is
 * lost, after which the next call asks for a fresh device.
 *
 * @example
 * const gpu = await acquireGpu();
 * if (gpu.available) console.log(gpu.adapter.architecture); else console.warn(gpu.reason);
 */
export function acquireGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<GpuStatus> {
  if (current && !lost) return current;
  lost = false;
  current = requestDevice(gpu);
  return current;
}

/** Register a callback for device loss (including `device.destroy()`); returns an unsubscribe function. */
export function onGpuLost(listener: LossListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the device from the last {@link acquireGpu} has been lost. */
export function isGpuLost(): boolean {
  return lost;
}

/** Uncached device request behind {@link acquireGpu}; exported so tests can pass a stand-in `GPU`. */
export async function requestDevice(gpu: GPU | undefined): Promise<GpuStatus> {
  if (!gpu) {
    return {
      available: false,
      code: 'no-webgpu',
      reason:
        'This browser exposes no navigator.gpu; start Chromium with --enable-unsafe-webgpu or use a WebGPU-capable browser. Kernels run on their CPU twins.',
    };
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    return {
      available: false,
      code: 'no-adapter',
      reason:
        'navigator.gpu.requestAdapter() returned no adapter (no usable GPU or software renderer). Kernels run on their CPU twins.',
    };
  }
  const timestampQuery = adapter.features.has('timestamp-query');
  const l = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: timestampQuery ? ['timestamp-query'] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 8),
      },
    });
  } catch (e) {
    return {
      available: false,
      code: 'device-request-failed',
      reason: `The adapter refused a device: ${String(e)}. Kernels run on their CPU twins.`,
    };
  }
  currentDevice = device;
  void device.lost.then((info) => {
    // A device replaced after an earlier loss must not mark its successor lost.
    if (device === currentDevice) lost = true;
    const detail = { reason: String(info.reason), message: info.message };
    for (const f of listeners) f(detail);
  });
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacyFallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean })
    .isFallbackAdapter;
  return {
    available: true,
    device,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      description: info.description,
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacyFallback ?? false),
    },
    features: [...device.features].sort(),
    limits: {
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
      maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
      maxComputeInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
    },
    timestampQuery,
  };
}
