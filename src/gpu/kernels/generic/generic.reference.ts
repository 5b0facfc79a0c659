import { emitRow, ensureOutput, StatefulTwin } from '../emit.ts';
import { TYPE_SLOTS } from '../params.ts';
import {
  FLAG_REQUIRES_RESPONSE,
  FLAG_RESPONSE,
  PAYLOAD_WORDS,
  type MessageBatch,
  type OutputBatch,
} from '../types.ts';
import { typeSlot } from '../u64.ts';

/** Words of generic state: one u32 counter (wrapping) per hashed type slot. */
export const GENERIC_STATE_WORDS = TYPE_SLOTS;

/**
 * CPU reference twin of the generic kernel, for raw routes of any type.
 *
 * Counts every input in its type's slot (u32, wrapping; types are hashed into
 * {@link TYPE_SLOTS} slots, colliding types share a count). An input flagged
 * {@link FLAG_REQUIRES_RESPONSE} is echoed back to its source as type + 1 with the same payload;
 * anything else produces no output, so a generic kernel is a sink unless asked to answer.
 * Counting commutes, so the GPU processes rows fully in parallel.
 */
export class GenericTwin extends StatefulTwin {
  readonly behavior = 'generic' as const;

  constructor() {
    super(GENERIC_STATE_WORDS);
  }

  process(batch: MessageBatch): OutputBatch {
    const out = (this.out = ensureOutput(this.out, batch.capacity));
    const s = this.state;
    const p = batch.payload;
    const op = out.payload;
    for (let r = 0; r < batch.count; r++) {
      const lo = batch.typeLo[r] ?? 0;
      const hi = batch.typeHi[r] ?? 0;
      const slot = typeSlot(lo, hi, TYPE_SLOTS);
      s[slot] = ((s[slot] ?? 0) + 1) >>> 0;
      if (((batch.flags[r] ?? 0) & FLAG_REQUIRES_RESPONSE) !== 0) {
        // plusOne(lo, hi) and a word copy, written out: no array or subarray per response.
        const tLo = (lo + 1) >>> 0;
        const tHi = tLo === 0 ? (hi + 1) >>> 0 : hi >>> 0;
        const o = emitRow(out, batch, r, tLo, tHi, batch.source[r] ?? 0, FLAG_RESPONSE);
        const from = r * PAYLOAD_WORDS;
        for (let w = 0; w < PAYLOAD_WORDS; w++) op[o + w] = p[from + w] ?? 0;
      }
    }
    return out;
  }
}
