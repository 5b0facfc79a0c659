/** First index where two word arrays differ, or -1 (vitest's deep equality is slow on megabyte arrays). */
export function firstDiff(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
