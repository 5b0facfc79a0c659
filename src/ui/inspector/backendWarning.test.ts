import { describe, expect, it } from 'vitest';
import { forcedGpuWarning } from './backendWarning';
import { kernelRow } from '../testing/browser';

const at = (gpuRate: number | null, ratePerSec: number) =>
  kernelRow({
    id: 'fraud_processor',
    ratePerSec,
    placement: { ...kernelRow({ id: 'x' }).placement, mode: 'auto', gpuRate },
  });

describe('forcedGpuWarning', () => {
  it('warns when WebGPU measured slower than what reaches the kernel now', () => {
    expect(forcedGpuWarning(at(35, 187_000), 'deadLetter')).toBe(
      'fraud_processor now runs on WebGPU, which measured 35/s for it at its batch size, while 187\u202fK/s reach it: its queue will fill and its deadLetter policy applies (the newest are refused).',
    );
    expect(forcedGpuWarning(at(35, 187_000), 'dropOldest')).toMatch(/evict the oldest\)\.$/);
  });
  it('says nothing when WebGPU keeps up, was not measured, or no traffic runs', () => {
    expect(forcedGpuWarning(at(2e6, 187_000), 'reject')).toBeNull();
    expect(forcedGpuWarning(at(null, 187_000), 'reject')).toBeNull();
    expect(forcedGpuWarning(at(35, 0), 'reject')).toBeNull();
    expect(forcedGpuWarning(undefined, 'reject')).toBeNull();
  });
});
