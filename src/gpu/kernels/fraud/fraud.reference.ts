import { emitRow, ensureOutput, StatefulTwin } from '../emit.ts';
import { ACCOUNT_SLOTS, FRAUD, FRAUD_SLOT_WORDS } from '../params.ts';
import {
  DemoTypes,
  FraudReason,
  NO_DEST,
  PAYLOAD_WORDS,
  bitsF32,
  f32Bits,
  type MessageBatch,
  type OutputBatch,
} from '../types.ts';
import { withinWindow } from '../u64.ts';

/** Words of fraud state: per account slot [count, head, ring of `velocityLimit` timestamps (lo, hi)]. */
export const FRAUD_STATE_WORDS = ACCOUNT_SLOTS * FRAUD_SLOT_WORDS;

/**
 * CPU reference twin of the fraud processor.
 *
 * Reads every input with the Transaction layout and emits one FraudAlert (1010, routed by type)
 * for each transaction that trips at least one rule (see {@link FRAUD}). Velocity state is a ring
 * of the last `velocityLimit` timestamps per account slot, processed in batch order.
 */
export class FraudTwin extends StatefulTwin {
  readonly behavior = 'fraud' as const;

  constructor() {
    super(FRAUD_STATE_WORDS);
  }

  process(batch: MessageBatch): OutputBatch {
    const out = (this.out = ensureOutput(this.out, batch.capacity));
    const s = this.state;
    const p = batch.payload;
    const limit = FRAUD.velocityLimit;
    for (let r = 0; r < batch.count; r++) {
      const b = r * PAYLOAD_WORDS;
      const amountBits = p[b + 2] ?? 0;
      const amount = bitsF32(amountBits);
      const account = p[b + 3] ?? 0;
      const tsLo = p[b + 6] ?? 0;
      const tsHi = p[b + 7] ?? 0;
      const base = (account & (ACCOUNT_SLOTS - 1)) * FRAUD_SLOT_WORDS;
      let reasons = 0;
      if (amount > FRAUD.largeAmount) reasons |= FraudReason.LargeAmount;
      if (amount >= FRAUD.structuringMin && amount < FRAUD.largeAmount)
        reasons |= FraudReason.Structuring;
      const count = s[base] ?? 0;
      const head = s[base + 1] ?? 0;
      const ring = base + 2 + head * 2;
      if (
        count >= limit &&
        withinWindow(tsLo, tsHi, s[ring] ?? 0, s[ring + 1] ?? 0, FRAUD.velocityWindowUs)
      ) {
        reasons |= FraudReason.Velocity;
      }
      s[ring] = tsLo;
      s[ring + 1] = tsHi;
      s[base + 1] = head + 1 === limit ? 0 : head + 1;
      s[base] = count >= limit ? limit : count + 1;
      if (reasons !== 0) {
        const o = emitRow(out, batch, r, DemoTypes.FraudAlert, 0, NO_DEST, 0);
        const score =
          (reasons & FraudReason.LargeAmount ? FRAUD.scoreLarge : 0) +
          (reasons & FraudReason.Velocity ? FRAUD.scoreVelocity : 0) +
          (reasons & FraudReason.Structuring ? FRAUD.scoreStructuring : 0);
        out.payload[o] = p[b] ?? 0;
        out.payload[o + 1] = p[b + 1] ?? 0;
        out.payload[o + 2] = account;
        out.payload[o + 3] = reasons;
        out.payload[o + 4] = f32Bits(score);
        out.payload[o + 5] = amountBits;
        out.payload[o + 6] = tsLo;
        out.payload[o + 7] = tsHi;
      }
    }
    return out;
  }
}
