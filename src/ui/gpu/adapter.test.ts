import { describe, expect, it } from 'vitest';
import { adapterLine } from './adapter';
import type { GpuStatus } from '../../gpu';

const withAdapter = (vendor: string, architecture: string, isFallbackAdapter: boolean) =>
  ({
    available: true,
    adapter: { vendor, architecture, description: '', isFallbackAdapter },
  }) as unknown as GpuStatus;

describe('adapterLine (the backend badge says what WebGPU is here)', () => {
  it('names a software adapter as one, on the CPU', () => {
    expect(adapterLine(withAdapter('google', 'swiftshader', true))).toBe(
      'WebGPU adapter: google / swiftshader, a software adapter on the CPU: auto keeps a kernel on its twin wherever the twin measures faster.',
    );
  });
  it('names a hardware adapter, and no adapter with its reason', () => {
    expect(adapterLine(withAdapter('nvidia', 'hopper', false))).toBe(
      'WebGPU adapter: nvidia / hopper (hardware).',
    );
    expect(
      adapterLine({ available: false, code: 'no-adapter', reason: 'no adapter' } as GpuStatus),
    ).toBe('No WebGPU adapter (no adapter): every kernel runs on its CPU twin.');
  });
});
