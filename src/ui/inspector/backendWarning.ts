/**
 * What forcing a kernel onto WebGPU will do, said when it is done: forced there at 1 M/s asked on
 * a software adapter, a queue filled and 1.6 M letters were lost within seconds, the edit's notice
 * having said only "backend auto → webgpu".
 */
import type { EngineSnapshot } from '../../engine/protocol';
import { formatRate } from '../design/format';
import { droppedWord } from '../graph/depth';

type KernelRow = EngineSnapshot['kernels'][number];

/**
 * A warning when WebGPU measured slower for this kernel than what it processes now (its arrivals,
 * as long as it keeps up), or null: not measured there, no traffic, or fast enough.
 */
export function forcedGpuWarning(k: KernelRow | undefined, policy: string): string | null {
  if (!k) return null;
  const gpu = k.placement.gpuRate;
  const now = k.ratePerSec;
  if (gpu === null || now <= 0 || gpu >= now) return null;
  return (
    `${k.id} now runs on WebGPU, which measured ${formatRate(gpu)} for it at its batch size, ` +
    `while ${formatRate(now)} reach it: its queue will fill and its ${policy} policy applies ` +
    `(the newest ${droppedWord(policy) === 'evicted' ? 'evict the oldest' : 'are refused'}).`
  );
}
