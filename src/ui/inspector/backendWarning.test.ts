import { describe, expect, it } from 'vitest';
import { forcedGpuWarning } from './backendWarning';
import { kernelRow } from '../testing/browser';

const at = (gpuRate: number | null, ratePerSec: number, batchSize = 512, capacity = 1024) =>
  kernelRow({
    id: 'fraud_processor',
    ratePerSec,
    capacity,
    placement: { ...kernelRow({ id: 'x' }).placement, mode: 'auto', gpuRate, batchSize },
  });

describe('forcedGpuWarning', () => {
  it('warns when WebGPU measured slower than what reaches the kernel now', () => {
    expect(forcedGpuWarning(at(35, 187_000), 'deadLetter')).toBe(
      'fraud_processor now runs on WebGPU, which measured 35/s for it at ~512 rows per batch, while 187\u202fK/s reach it: its queue will fill and its deadLetter policy applies (the newest are refused).',
    );
    expect(forcedGpuWarning(at(35, 187_000), 'dropOldest')).toMatch(/evict the oldest\)\.$/);
    // Measured at small batches: what the largest batch its queue allows would take, at best.
    expect(forcedGpuWarning(at(44_000, 500_000, 505, 4096), 'reject')).toContain(
      'measured 44.0\u202fK/s for it at ~505 rows per batch (178\u202fK/s at best, in batches of 2,048), while 500\u202fK/s reach it',
    );
  });
  it('says nothing when larger batches would keep up: a round trip costs about the same for one row as for many', () => {
    // 1,000/s: batches of a row or two, WebGPU 238/s against 270/s arriving; the queue peaked at
    // 38 of 4,096.
    expect(forcedGpuWarning(at(238, 270, 1, 4096), 'deadLetter')).toBeNull();
  });
  it('on a software adapter scales a measured rate up only to a few dozen rows, and warns unmeasured', () => {
    // SwiftShader, measured at ~72 rows: its time grows with the rows (QA: 9,351/s read as
    // 266 K/s at best, and a kernel forced there at 50 K/s lost a million messages unwarned).
    expect(forcedGpuWarning(at(9_351, 50_000, 72, 4096), 'deadLetter')).toBeNull();
    expect(forcedGpuWarning(at(9_351, 50_000, 72, 4096), 'deadLetter', [], true)).toBe(
      'fraud_processor now runs on WebGPU, which measured 9,351/s for it at ~72 rows per batch, while 50.0\u202fK/s reach it: its queue will fill and its deadLetter policy applies (the newest are refused).',
    );
    // A row at a time at 1,000/s: up to a few dozen rows a batch costs about the same.
    expect(forcedGpuWarning(at(238, 270, 1, 4096), 'deadLetter', [], true)).toBeNull();
    // Not measured yet: said all the same, with the twin's rate.
    const unmeasured = at(null, 50_000, 72, 4096);
    unmeasured.placement.cpuRate = 8_750_000;
    expect(forcedGpuWarning(unmeasured, 'deadLetter', [], true)).toBe(
      'fraud_processor now runs on WebGPU, a software adapter on the CPU, not measured for it yet, while 50.0\u202fK/s reach it (its CPU twin measured 8.75\u202fM/s): a software adapter takes far fewer than a twin, and unless it keeps up its queue will fill and its deadLetter policy applies (the newest are refused).',
    );
    expect(forcedGpuWarning(at(null, 0), 'deadLetter', [], true)).toBeNull();
    // A trickle a software adapter takes a row at a time: nothing said.
    expect(forcedGpuWarning(at(null, 5_000, 1, 4096), 'deadLetter', [], true)).toBeNull();
  });

  it("reads what reaches the kernel from its types' edges, not only what it takes", () => {
    // Its dropOldest queue already full: it takes 5,057/s of the 49.9 K/s its route carries. The
    // kernel-to-kernel edge counts sends its type's edge counts already: not added.
    const edges = [
      { source: 'type:1001', target: 'fraud_processor', ratePerSec: 49_900, total: 1 },
      { source: 'aggregator', target: 'fraud_processor', ratePerSec: 20_000, total: 1 },
      { source: 'type:1002', target: 'aggregator', ratePerSec: 200_000, total: 1 },
    ];
    expect(forcedGpuWarning(at(34, 5_057, 16, 16), 'reject', edges)).toContain(
      'while 49.9\u202fK/s reach it',
    );
    // Taking nothing at all, it is still warned of.
    expect(forcedGpuWarning(at(34, 0, 16, 16), 'reject', edges)).toContain(
      'while 49.9\u202fK/s reach it',
    );
  });
  it('says nothing when WebGPU keeps up, was not measured, or no traffic runs', () => {
    expect(forcedGpuWarning(at(2e6, 187_000), 'reject')).toBeNull();
    expect(forcedGpuWarning(at(null, 187_000), 'reject')).toBeNull();
    expect(forcedGpuWarning(at(35, 0), 'reject')).toBeNull();
    expect(forcedGpuWarning(undefined, 'reject')).toBeNull();
  });
});
