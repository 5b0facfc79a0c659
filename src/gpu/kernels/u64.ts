/**
 * u64 arithmetic on (lo, hi) u32 words, written exactly as the WGSL kernels do it, so the twins
 * and the shaders agree bit for bit.
 *
 * @packageDocumentation
 */

/** `t <= base + window` on u64 values, where the sum wraps at 2^64 like the shader's. */
export function withinWindow(
  tLo: number,
  tHi: number,
  baseLo: number,
  baseHi: number,
  window: number,
): boolean {
  const sumLo = (baseLo + window) >>> 0;
  const carry = sumLo < baseLo >>> 0 ? 1 : 0;
  const sumHi = (baseHi + carry) >>> 0;
  return tHi >>> 0 < sumHi || (tHi >>> 0 === sumHi && tLo >>> 0 <= sumLo);
}

/** The response type id (request + 1, with carry into the high word). */
export function plusOne(lo: number, hi: number): [number, number] {
  const l = (lo + 1) >>> 0;
  return [l, l === 0 ? (hi + 1) >>> 0 : hi >>> 0];
}

/** Hash of an unordered account pair into `slots` (a power of two): A->B and B->A share a slot. */
export function pairSlot(a: number, b: number, slots: number): number {
  const lo = Math.min(a >>> 0, b >>> 0);
  const hi = Math.max(a >>> 0, b >>> 0);
  const h = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77)) >>> 0;
  return (h ^ (h >>> 16)) & (slots - 1);
}

/** Hash of a u64 type id into `slots` (a power of two). */
export function typeSlot(lo: number, hi: number, slots: number): number {
  const h = Math.imul((lo ^ Math.imul(hi, 0x85ebca77)) >>> 0, 0x9e3779b1) >>> 0;
  return (h ^ (h >>> 16)) & (slots - 1);
}
