import { emitRow, ensureOutput, StatefulTwin } from '../emit.ts';
import { ACCOUNT_SLOTS, AGGREGATOR_SLOT_WORDS } from '../params.ts';
import {
  FLAG_REQUIRES_RESPONSE,
  FLAG_RESPONSE,
  PAYLOAD_WORDS,
  bitsF32,
  f32Bits,
  type MessageBatch,
  type OutputBatch,
} from '../types.ts';
import { plusOne } from '../u64.ts';

/** Words of aggregator state: per account slot [count, total f32 bits, last timestamp lo, hi]. */
export const AGGREGATOR_STATE_WORDS = ACCOUNT_SLOTS * AGGREGATOR_SLOT_WORDS;

/**
 * CPU reference twin of the aggregator.
 *
 * Every input (Transaction or AccountUpdate: amount at word 2, account at word 3, timestamp at
 * words 6-7) adds its amount to its account slot's running f32 total (each addition rounded to
 * f32, in batch order) and counts it (u32, wrapping). An input flagged
 * {@link FLAG_REQUIRES_RESPONSE} gets a response of type + 1 addressed back to its source with
 * the account summary after the update; other inputs produce no output.
 */
export class AggregatorTwin extends StatefulTwin {
  readonly behavior = 'aggregator' as const;

  constructor() {
    super(AGGREGATOR_STATE_WORDS);
  }

  process(batch: MessageBatch): OutputBatch {
    const out = (this.out = ensureOutput(this.out, batch.capacity));
    const s = this.state;
    const p = batch.payload;
    for (let r = 0; r < batch.count; r++) {
      const b = r * PAYLOAD_WORDS;
      const account = p[b + 3] ?? 0;
      const base = (account & (ACCOUNT_SLOTS - 1)) * AGGREGATOR_SLOT_WORDS;
      const count = ((s[base] ?? 0) + 1) >>> 0;
      const total = f32Bits(bitsF32(s[base + 1] ?? 0) + bitsF32(p[b + 2] ?? 0));
      s[base] = count;
      s[base + 1] = total;
      s[base + 2] = p[b + 6] ?? 0;
      s[base + 3] = p[b + 7] ?? 0;
      if (((batch.flags[r] ?? 0) & FLAG_REQUIRES_RESPONSE) !== 0) {
        const [tLo, tHi] = plusOne(batch.typeLo[r] ?? 0, batch.typeHi[r] ?? 0);
        const o = emitRow(out, batch, r, tLo, tHi, batch.source[r] ?? 0, FLAG_RESPONSE);
        out.payload[o] = p[b] ?? 0;
        out.payload[o + 1] = p[b + 1] ?? 0;
        out.payload[o + 2] = total;
        out.payload[o + 3] = account;
        out.payload[o + 4] = count;
        out.payload[o + 5] = 0;
        out.payload[o + 6] = p[b + 6] ?? 0;
        out.payload[o + 7] = p[b + 7] ?? 0;
      }
    }
    return out;
  }
}
