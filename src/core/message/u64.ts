import { U64RangeError } from '../errors.ts';

/**
 * An unsigned 64-bit integer. Values up to `Number.MAX_SAFE_INTEGER` are plain numbers; larger
 * ones are bigints. {@link toU64} normalises, so a given value always has one representation and
 * can be used as a `Map` key.
 */
export type U64 = number | bigint;

/** 2^64 - 1. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Normalise a u64: a safe non-negative integer stays a number, a bigint in (2^53 - 1, 2^64)
 * stays a bigint, a bigint <= `MAX_SAFE_INTEGER` becomes a number. Anything else (negative,
 * fractional, unsafe number, >= 2^64) throws {@link U64RangeError}.
 *
 * @example
 * toU64(1001) // 1001
 * toU64(1001n) // 1001
 * toU64(2n ** 60n) // 1152921504606846976n
 */
export function toU64(x: number | bigint): U64 {
  if (typeof x === 'number') {
    if (Number.isSafeInteger(x) && x >= 0) return x;
    throw new U64RangeError(
      `${x} is not a u64 the core can hold exactly: numbers must be safe non-negative integers; pass larger values as bigint`,
    );
  }
  if (typeof x === 'bigint') {
    if (x < 0n || x > U64_MAX) {
      throw new U64RangeError(`${x} is outside the u64 range [0, 2^64 - 1]`);
    }
    return x <= MAX_SAFE_BIG ? Number(x) : x;
  }
  throw new U64RangeError(`expected a number or bigint u64, got ${typeof x}`);
}

/**
 * Parse a decimal string (as JSON documents hold u64 values above 2^53 - 1) or a number/bigint
 * into a normalised {@link U64}.
 */
export function parseU64(x: string | number | bigint): U64 {
  if (typeof x !== 'string') return toU64(x);
  if (!/^\d{1,20}$/.test(x)) {
    throw new U64RangeError(`"${x}" is not a decimal u64 (digits only, at most 20 of them)`);
  }
  return toU64(BigInt(x));
}

/** A JSON-safe form of a u64: a number when safe, otherwise its decimal string. */
export function u64ToJson(x: U64): number | string {
  return typeof x === 'number' ? x : x.toString();
}

/** Widen a normalised u64 to bigint (for writing into a DataView). */
export function u64ToBigInt(x: U64): bigint {
  return typeof x === 'bigint' ? x : BigInt(x);
}
