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

export function useAdapterLine(): string | null {
  const [line, setLine] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void pageGpuStatus().then((s) => alive && setLine(adapterLine(s)));
    return () => {
      alive = false;
    };
  }, []);
  return line;
}
