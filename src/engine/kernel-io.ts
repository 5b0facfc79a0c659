/**
 * The kernels' fixed 8-word batch layouts (src/gpu/kernels/types.ts) as named word slots, and the
 * match of a message type's config fields (payload.ts) to them by name. The converters are
 * `kernel-input.ts` (config payload -> kernel input words) and `kernel-output.ts` (kernel output
 * words -> config payload). Fields a kernel needs but the type lacks take the message's own header
 * values (id, time); anything else is 0.
 */
import type { KernelBehavior } from '../gpu/kernels/types.ts';
import type { FieldSlot, PayloadLayout } from './payload';

export type WordKind = 'u32' | 'u64' | 'f32' | 'flag';

interface WordSlot {
  names: string[];
  word: number;
  kind: WordKind;
}

/** Every kernel reads its input with the Transaction layout. */
export const INPUT: WordSlot[] = [
  { names: ['id', 'transactionid', 'requestid', 'checkid'], word: 0, kind: 'u64' },
  { names: ['amount'], word: 2, kind: 'f32' },
  { names: ['account'], word: 3, kind: 'u32' },
  { names: ['counterparty'], word: 4, kind: 'u32' },
  { names: ['country'], word: 5, kind: 'u32' },
  { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
];

export const OUTPUT: Record<KernelBehavior, WordSlot[]> = {
  fraud: [
    { names: ['transactionid', 'id'], word: 0, kind: 'u64' },
    { names: ['account'], word: 2, kind: 'u32' },
    { names: ['reason', 'reasons'], word: 3, kind: 'u32' },
    { names: ['score'], word: 4, kind: 'f32' },
    { names: ['amount'], word: 5, kind: 'f32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  pattern: [
    { names: ['checkid', 'id', 'transactionid'], word: 0, kind: 'u64' },
    { names: ['account'], word: 2, kind: 'u32' },
    { names: ['counterparty'], word: 3, kind: 'u32' },
    { names: ['patternkind', 'patterns', 'pattern'], word: 4, kind: 'u32' },
    { names: ['matched'], word: 4, kind: 'flag' },
    { names: ['amount'], word: 5, kind: 'f32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  aggregator: [
    { names: ['requestid', 'id'], word: 0, kind: 'u64' },
    { names: ['total', 'amount'], word: 2, kind: 'f32' },
    { names: ['account'], word: 3, kind: 'u32' },
    { names: ['count'], word: 4, kind: 'u32' },
    { names: ['timestampus', 'timestamp'], word: 6, kind: 'u64' },
  ],
  generic: INPUT,
};

export interface Op {
  field: FieldSlot;
  word: number;
  kind: WordKind;
}

/** The ops converting `layout`'s fields that `schema` has a word for (`bytes` fields never). */
export function compile(layout: PayloadLayout, schema: WordSlot[]): Op[] {
  const ops: Op[] = [];
  for (const f of layout.fields) {
    const n = f.name.toLowerCase();
    const w = schema.find((s) => s.names.includes(n));
    if (w && f.type !== 'bytes') ops.push({ field: f, word: w.word, kind: w.kind });
  }
  return ops;
}

/** Scratch for f32 <-> bits. */
export const f32 = new Float32Array(1);
export const f32u = new Uint32Array(f32.buffer);
