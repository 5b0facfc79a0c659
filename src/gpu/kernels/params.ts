/**
 * Tunables shared by every twin and its WGSL kernel. The WGSL files receive them as `override`
 * constants (see each wrapper), so the two sides can never drift apart.
 *
 * @packageDocumentation
 */

/** Per-account state slots: accounts are reduced modulo this (accounts that collide share state). */
export const ACCOUNT_SLOTS = 65_536;
/** Per-type counter slots of the generic kernel (type ids are hashed; colliding types share a counter). */
export const TYPE_SLOTS = 1024;

/** Fraud processor thresholds. Amounts are f32 and compared as f32 on both backends. */
export const FRAUD = {
  /** Alert `LargeAmount` when amount > this (10,000 itself does not fire). */
  largeAmount: 10_000,
  /** Alert `Structuring` when structuringMin <= amount < largeAmount (90 % of the threshold). */
  structuringMin: 9_000,
  /**
   * Alert `Velocity` on the (limit + 1)-th transaction of an account slot whose timestamp is at
   * most `velocityWindowUs` after the timestamp of the transaction `limit` places earlier:
   * i.e. more than `limit` transactions within the window. A time window (not a message count)
   * because the window must mean the same thing whatever the batch sizes are.
   */
  velocityLimit: 10,
  velocityWindowUs: 60_000_000,
  /** Score weights: score = sum of the weights of the reasons that fired (integers, so f32-exact). */
  scoreLarge: 50,
  scoreVelocity: 30,
  scoreStructuring: 20,
} as const;

/** Pattern detector window: a repeat or a reversal counts when it follows the pair's last transfer within it. */
export const PATTERN = { windowUs: 60_000_000 } as const;

/** u32 words of state per account slot, per kernel. */
export const FRAUD_SLOT_WORDS = 2 + 2 * FRAUD.velocityLimit;
export const AGGREGATOR_SLOT_WORDS = 4;
export const PATTERN_SLOT_WORDS = 6;
