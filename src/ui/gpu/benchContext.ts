/**
 * The GPU-versus-CPU throughput measurement the GPU panel offers. The measuring code lives with
 * the self-check page (`src/gpu/check`), which the UI must not import; the composition root
 * (`src/app/main.tsx`) provides it here, and without a provider the button says it is unavailable.
 */
import { createContext, useContext } from 'react';

/** One row: messages per second of each backend for a kernel behaviour and batch size. */
export interface ThroughputRow {
  behavior: string;
  batchSize: number;
  webgpuMsgsPerSec: number;
  cpuMsgsPerSec: number;
  /** Mean compute-pass time from timestamp queries, when offered. */
  gpuKernelNs: number | null;
}

export type MeasureThroughput = (opts: {
  sizes: number[];
  reps: (size: number) => number;
}) => Promise<ThroughputRow[]>;

export const GpuBenchContext = createContext<MeasureThroughput | null>(null);

export const useGpuBench = (): MeasureThroughput | null => useContext(GpuBenchContext);
