import { describe, expect, it } from 'vitest';
import { onBackend } from './kernel-host';

describe('onBackend', () => {
  it('says where a kernel runs once, whether or not the reason says it too', () => {
    expect(onBackend('Runs on its CPU twin', 'Backend set to cpu.')).toBe(
      'Runs on its CPU twin: Backend set to cpu.',
    );
    expect(onBackend('Runs on its CPU twin', 'Runs on its CPU twin: device lost')).toBe(
      'Runs on its CPU twin: device lost',
    );
    expect(onBackend('Runs on WebGPU', 'Runs on WebGPU: 3.1x faster at 4,096 rows')).toBe(
      'Runs on WebGPU: 3.1x faster at 4,096 rows',
    );
  });
});
