/** Largest u64, 2^64 - 1. */
export const U64_MAX = (1n << 64n) - 1n;

const DECIMAL = /^[0-9]{1,20}$/;

/**
 * Reads a u64 written as a JSON number or a decimal string and returns it as a bigint, or
 * `undefined` when it is not one. Numbers must be safe integers: anything larger has already
 * been rounded by the JSON reader, so accepting it would silently change the id.
 */
export function readU64(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  }
  if (typeof value === 'bigint') {
    return value >= 0n && value <= U64_MAX ? value : undefined;
  }
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const big = BigInt(value);
    return big <= U64_MAX ? big : undefined;
  }
  return undefined;
}

/** True when `value` is a u64 as the config document writes it (safe integer or decimal string). */
export function isU64(value: unknown): boolean {
  return readU64(value) !== undefined;
}

/**
 * The config document's canonical form of a u64 id: a JSON number when it is at most
 * `Number.MAX_SAFE_INTEGER`, else its decimal string. Throws a RangeError for non-u64 input;
 * call it only on validated values.
 */
export function canonicalU64(value: unknown): number | string {
  const big = readU64(value);
  if (big === undefined) throw new RangeError(`not a u64: ${String(value)}`);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** A stable string key for a u64 id, equal for `1001`, `'1001'` and `1001n`. */
export function u64Key(value: unknown): string {
  const big = readU64(value);
  return big === undefined ? `invalid:${String(value)}` : big.toString();
}
