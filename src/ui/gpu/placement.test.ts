import { describe, expect, it } from 'vitest';
import { fallbackNotice } from '../../engine/gpu-host';
import { onBackend } from '../../engine/kernel-host';
import { noticeText, placementDetail } from './placement';
import { measuredRate } from '../design/format';

describe('noticeText', () => {
  it('shows a device loss in the engine words, once, with the kernel named', () => {
    const message = fallbackNotice({
      behavior: 'fraud',
      reason: 'device lost',
      replayedBatches: 2,
      rerunInFlight: true,
    });
    const text = noticeText({ kernelId: 'fraud_processor', backend: 'cpu', message });
    expect(text).toBe(
      'Kernel "fraud_processor": Moved to the CPU twin: device lost (replayed 2 batch(es), re-ran the batch in flight).',
    );
    expect(text!.match(/CPU twin/g)).toHaveLength(1);
  });

  it('shows a move off WebGPU with its reason, saying where it runs once', () => {
    const message = onBackend('Runs on its CPU twin', 'Runs on its CPU twin: no adapter');
    expect(noticeText({ kernelId: 'k', backend: 'cpu', message })).toBe(
      'Kernel "k": Runs on its CPU twin: no adapter',
    );
  });

  it('shows what went wrong on the twin as it is, not as a move', () => {
    const text = noticeText({
      kernelId: 'k',
      backend: 'cpu',
      message: "Could not carry the kernel's state: boom",
    });
    expect(text).toBe('Kernel "k": Could not carry the kernel\'s state: boom');
    expect(text).not.toContain('now runs');
  });

  it('leaves a kernel that runs on WebGPU to the badge', () => {
    expect(
      noticeText({ kernelId: 'k', backend: 'webgpu', message: 'Runs on WebGPU: faster' }),
    ).toBe(null);
  });
});

describe('placementDetail', () => {
  const placement = {
    mode: 'auto' as const,
    cpuRate: 8_020_000,
    gpuRate: 13_500,
    crossoverBatch: null,
    batchSize: 107,
    lastSwitchUs: null,
    switches: 0,
    gpuReady: true,
  };
  it('says the rates once, with one full stop between the parts', () => {
    const reason = `CPU twin ${measuredRate(8_020_000)} vs WebGPU ${measuredRate(13_500)} at ~107 rows per batch: stays on the CPU.`;
    const text = placementDetail({ backend: 'cpu', placement: { ...placement, reason } }, 0);
    expect(text).not.toContain('..');
    expect(text.match(/CPU twin/g)).toHaveLength(1);
    expect(text).toBe(
      `${reason} WebGPU faster at no measured batch size. Never switched (0 switches).`,
    );
  });
  it('adds the rates when the reason does not give them', () => {
    const text = placementDetail(
      { backend: 'cpu', placement: { ...placement, reason: 'Measuring both backends.' } },
      0,
    );
    expect(text).toBe(
      `Measuring both backends. CPU twin ${measuredRate(8_020_000)}, WebGPU ${measuredRate(13_500)} at ~107 rows per batch. WebGPU faster at no measured batch size. Never switched (0 switches).`,
    );
  });
  it('gives no rates nor batch size before anything was measured ("at ~0 rows" said nothing)', () => {
    const text = placementDetail(
      {
        backend: 'cpu',
        placement: {
          ...placement,
          cpuRate: null,
          gpuRate: null,
          batchSize: 0,
          reason: 'Waiting for traffic.',
        },
      },
      0,
    );
    expect(text).toBe('Waiting for traffic. WebGPU not measured. Never switched (0 switches).');
  });
});
