/** The page's WebGPU adapter, asked for once, and whether it is a software one. */
import { useEffect, useState } from 'react';
import { acquireGpu, type GpuStatus } from '../../gpu';

let statusPromise: Promise<GpuStatus> | null = null;
/** The page asks for the adapter once; the engine worker makes its own device on the same adapter. */
export function pageGpuStatus(): Promise<GpuStatus> {
  statusPromise ??= acquireGpu();
  return statusPromise;
}

export function isSoftwareAdapter(a: {
  architecture: string;
  isFallbackAdapter: boolean;
  vendor: string;
}): boolean {
  return (
    a.isFallbackAdapter || /swiftshader/i.test(a.architecture) || /swiftshader/i.test(a.vendor)
  );
}

/**
 * The adapter in a line, for the backend badge's hover: the badge had said where kernels run and
 * never that WebGPU here is SwiftShader, a software adapter on the CPU (only the GPU tab said so).
 * Null until the adapter is known.
 */
export function adapterLine(s: GpuStatus): string {
  if (!s.available) return `No WebGPU adapter (${s.reason}): every kernel runs on its CPU twin.`;
  const name = [s.adapter.vendor, s.adapter.architecture].filter(Boolean).join(' / ') || 'unknown';
  return isSoftwareAdapter(s.adapter)
    ? `WebGPU adapter: ${name}, a software adapter on the CPU: auto keeps a kernel on its twin wherever the twin measures faster.`
    : `WebGPU adapter: ${name} (hardware).`;
}

/** The page's adapter, null until known. */
export function useGpuStatus(): GpuStatus | null {
  const [status, setStatus] = useState<GpuStatus | null>(null);
  useEffect(() => {
    let alive = true;
    void pageGpuStatus().then((s) => alive && setStatus(s));
    return () => {
      alive = false;
    };
  }, []);
  return status;
}

export function useAdapterLine(): string | null {
  const status = useGpuStatus();
  return status ? adapterLine(status) : null;
}

/** Whether the page's adapter is a software one (false until known, and without one). */
export function useSoftwareAdapter(): boolean {
  const status = useGpuStatus();
  return status?.available === true && isSoftwareAdapter(status.adapter);
}
