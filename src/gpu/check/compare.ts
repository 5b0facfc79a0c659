import type { OutputBatch } from '../kernels/types.ts';

/** The first difference between two results, for a human to chase. */
export interface Mismatch {
  batch: number;
  field: string;
  index: number;
  gpu: number | undefined;
  cpu: number | undefined;
}

const FIELDS = [
  'typeLo',
  'typeHi',
  'idLo',
  'idHi',
  'source',
  'priority',
  'flags',
  'dest',
  'parentRow',
] as const;

/** Compare two output batches word for word over their used rows; null when equal. */
export function compareOutputs(batch: number, gpu: OutputBatch, cpu: OutputBatch): Mismatch | null {
  if (gpu.count !== cpu.count)
    return { batch, field: 'count', index: -1, gpu: gpu.count, cpu: cpu.count };
  for (const f of FIELDS) {
    const m = compareWords(gpu[f], cpu[f], gpu.count);
    if (m >= 0) return { batch, field: f, index: m, gpu: gpu[f][m], cpu: cpu[f][m] };
  }
  const m = compareWords(gpu.payload, cpu.payload, gpu.count * 8);
  return m >= 0
    ? { batch, field: 'payload', index: m, gpu: gpu.payload[m], cpu: cpu.payload[m] }
    : null;
}

/** Compare state arrays word for word; null when equal. */
export function compareState(batch: number, gpu: Uint32Array, cpu: Uint32Array): Mismatch | null {
  if (gpu.length !== cpu.length)
    return { batch, field: 'state.length', index: -1, gpu: gpu.length, cpu: cpu.length };
  const m = compareWords(gpu, cpu, gpu.length);
  return m >= 0 ? { batch, field: 'state', index: m, gpu: gpu[m], cpu: cpu[m] } : null;
}

function compareWords(a: Uint32Array, b: Uint32Array, n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
