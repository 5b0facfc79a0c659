/**
 * Detaches one view of each typed-array kind, once, when a worker boots.
 *
 * Why: the first time a worker transfers a buffer under (say) a `Uint32Array`, V8 gives that
 * array kind's map a new "detached" transition. A map that gains a transition stops being stable,
 * and every optimised function that relied on it being stable is thrown away at once. In the
 * engine's worker that first transfer is the first GPU batch or generator chunk after Start: on a
 * fresh page it threw away 46 of the engine's optimised functions (`take`, `drain`, the twins,
 * the lanes) just as traffic began, and the first second injected a third of its schedule while
 * they compiled again. Detaching a view of each kind here, before any code is optimised, moves
 * that transition to boot, where it costs nothing.
 */
const KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** Returns how many views it detached (0 where `structuredClone` cannot transfer). */
export function detachOneViewOfEachKind(): number {
  let detached = 0;
  for (const Kind of KINDS) {
    const view = new Kind(1);
    try {
      structuredClone(view.buffer, { transfer: [view.buffer] });
    } catch {
      continue;
    }
    if (view.buffer.byteLength === 0) detached++;
  }
  return detached;
}
