import { CoreError, InvalidArgumentError } from '../errors.ts';
import { systemNowMicros, type NowMicros } from './wall-clock.ts';

/** A hybrid logical clock reading. Ordered by physical, then logical, then nodeId. */
export interface HlcTimestamp {
  /** Microseconds since the Unix epoch. */
  readonly physical: number;
  /** Counter that orders events within one physical microsecond. */
  readonly logical: number;
  /** The clock that issued it. */
  readonly nodeId: number;
}

/** Options of {@link HlcClock}. */
export interface HlcClockOptions {
  /** Wall clock in microseconds since the epoch (default: the system clock). */
  now?: NowMicros;
  /** Largest tolerated lead of a received timestamp over the wall clock (default 60,000 ms). */
  maxDriftMs?: number;
}

/** A received timestamp is further ahead of the wall clock than the allowed drift. */
export class ClockSkewError extends CoreError {
  constructor(
    readonly receivedPhysical: number,
    readonly wallPhysical: number,
    readonly maxDriftMs: number,
  ) {
    super(
      'CLOCK_SKEW',
      `clock skew: received timestamp is ${((receivedPhysical - wallPhysical) / 1000).toFixed(3)} ms ahead of the wall clock (max drift ${maxDriftMs} ms); check the sender's clock or raise maxDriftMs`,
    );
  }
}

/**
 * Compare two HLC timestamps: -1 when `a` is earlier, 1 when later, 0 when equal.
 * Order: physical, then logical, then nodeId.
 */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): -1 | 0 | 1 {
  if (a.physical !== b.physical) return a.physical < b.physical ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.nodeId !== b.nodeId) return a.nodeId < b.nodeId ? -1 : 1;
  return 0;
}

/** The all-zero timestamp (used for "no deadline"). */
export const ZERO_HLC: HlcTimestamp = Object.freeze({ physical: 0, logical: 0, nodeId: 0 });

/**
 * Hybrid logical clock with RingKernel's rules: `tick()` for local/send events, `update()` for
 * receive events; both return strictly increasing timestamps.
 *
 * @example
 * const clock = new HlcClock(1, { now: () => 1_000_000 });
 * clock.tick(); // { physical: 1000000, logical: 0, nodeId: 1 }
 * clock.tick(); // { physical: 1000000, logical: 1, nodeId: 1 }
 */
export class HlcClock {
  /** This clock's node id, written into every timestamp it issues. */
  readonly nodeId: number;
  /** The tolerated drift in milliseconds. */
  readonly maxDriftMs: number;
  private readonly wall: NowMicros;
  private readonly maxDriftUs: number;
  private physical: number;
  private logical: number;

  constructor(nodeId: number, options: HlcClockOptions = {}) {
    if (!Number.isSafeInteger(nodeId) || nodeId < 0) {
      throw new InvalidArgumentError(`HLC nodeId must be a non-negative integer, got ${nodeId}`);
    }
    this.nodeId = nodeId;
    this.wall = options.now ?? systemNowMicros;
    const drift = options.maxDriftMs ?? 60_000;
    if (!Number.isFinite(drift) || drift < 0) {
      throw new InvalidArgumentError(`HLC maxDriftMs must be a finite number >= 0, got ${drift}`);
    }
    this.maxDriftMs = drift;
    this.maxDriftUs = this.maxDriftMs * 1000;
    this.physical = this.wall();
    this.logical = 0;
  }

  /**
   * Read without advancing: `(wall, 0)` when the wall clock is ahead of the last issued
   * timestamp, otherwise the last issued timestamp itself.
   */
  now(): HlcTimestamp {
    const wall = this.wall();
    if (wall > this.physical) return { physical: wall, logical: 0, nodeId: this.nodeId };
    return { physical: this.physical, logical: this.logical, nodeId: this.nodeId };
  }

  /** Local or send event: a timestamp strictly greater than every one issued before. */
  tick(): HlcTimestamp {
    const wall = this.wall();
    if (wall > this.physical) {
      this.physical = wall;
      this.logical = 0;
    } else {
      this.logical++;
    }
    return { physical: this.physical, logical: this.logical, nodeId: this.nodeId };
  }

  /**
   * Receive event: merge a remote timestamp. The result is greater than both the local state and
   * `received`. Throws {@link ClockSkewError} (and changes nothing) when `received` is more than
   * `maxDriftMs` ahead of the wall clock.
   */
  update(received: HlcTimestamp): HlcTimestamp {
    // A NaN or fractional stamp would poison the clock for good through Math.max.
    if (
      !Number.isSafeInteger(received.physical) ||
      received.physical < 0 ||
      !Number.isSafeInteger(received.logical) ||
      received.logical < 0
    ) {
      throw new InvalidArgumentError(
        `received HLC timestamp must have non-negative integer physical and logical parts, got ${received.physical}.${received.logical}`,
      );
    }
    const wall = this.wall();
    if (received.physical > wall + this.maxDriftUs) {
      throw new ClockSkewError(received.physical, wall, this.maxDriftMs);
    }
    const local = this.physical;
    const max = Math.max(wall, local, received.physical);
    let logical: number;
    if (max === local && max === received.physical) {
      logical = Math.max(this.logical, received.logical) + 1;
    } else if (max === local) {
      logical = this.logical + 1;
    } else if (max === received.physical) {
      logical = received.logical + 1;
    } else {
      logical = 0;
    }
    this.physical = max;
    this.logical = logical;
    return { physical: max, logical, nodeId: this.nodeId };
  }
}

const MASK16 = 0xffffn;
const MASK48 = 0xffff_ffff_ffffn;
const MASK128 = (1n << 128n) - 1n;

/**
 * RingKernel's `HlcTimestamp::pack`: one u128 `[physical:64][logical:48][nodeId:16]` for atomic
 * comparison. As there, nodeId keeps its low 16 bits, and a logical counter of 2^48 or more is
 * not masked (its high bits overlap physical), so the result is bit-identical to RingKernel's.
 */
export function packHlc(ts: HlcTimestamp): bigint {
  for (const [part, v] of [
    ['physical', ts.physical],
    ['logical', ts.logical],
    ['nodeId', ts.nodeId],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new InvalidArgumentError(`HLC ${part} must be a non-negative integer, got ${v}`);
    }
  }
  return (
    ((BigInt(ts.physical) << 64n) | (BigInt(ts.logical) << 16n) | (BigInt(ts.nodeId) & MASK16)) &
    MASK128
  );
}

/**
 * RingKernel's `HlcTimestamp::unpack`: physical from the high 64 bits, logical from the next 48,
 * nodeId from the low 16. Throws when physical exceeds 2^53 - 1 (it would be rounded here).
 */
export function unpackHlc(packed: bigint): HlcTimestamp {
  if (packed < 0n || packed > MASK128) {
    throw new InvalidArgumentError(`packed HLC must be a u128, got ${packed}`);
  }
  const physical = packed >> 64n;
  if (physical > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(
      `packed HLC physical part ${physical} is beyond 2^53 - 1 and cannot be held exactly`,
    );
  }
  return {
    physical: Number(physical),
    logical: Number((packed >> 16n) & MASK48),
    nodeId: Number(packed & MASK16),
  };
}

/** RingKernel's display form of a timestamp: `HLC(physical.logical.nodeId)`. */
export function formatHlc(ts: HlcTimestamp): string {
  return `HLC(${ts.physical}.${ts.logical}.${ts.nodeId})`;
}
