/**
 * What the Receipts panel's type and kernel boxes mean. The engine matches exact type ids and
 * whole kernel names; a user types "FraudAlert", "fraud" or "alert". Before, a name in the type
 * box reached the engine as it was and came back as a red notice over the graph ("is not a u64
 * type id") while the list said "No captured row matches the filter yet", as if to wait; and
 * "alert" in the kernel box matched nothing, with no word of why.
 */
import { canonicalTypeId, type KernelDef, type TypeDef, type U64Json } from '../../state/edits';
import { HOST_KERNEL } from '../../core/host';

export type Resolved<T> =
  /** Nothing typed: no filter. */
  | { kind: 'none' }
  /** What the box matches, and those words for its hover ("FraudAlert (1010)"). */
  | { kind: 'match'; values: T[]; words: string }
  /** Matches nothing: the words say why, and what would. */
  | { kind: 'error'; words: string };

const listed = (names: string[]): string =>
  names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')}, …`;

/**
 * A type id (any u64: a type the config does not define still has receipts, NoRoute ones), a
 * type's whole name in any case, or a part of names ("pattern": PatternCheck and PatternResult).
 */
export function resolveTypeFilter(text: string, types: readonly TypeDef[]): Resolved<U64Json> {
  const t = text.trim();
  if (!t) return { kind: 'none' };
  const id = canonicalTypeId(t);
  if (id !== null) {
    const def = types.find((d) => String(d.typeId) === String(id));
    return { kind: 'match', values: [id], words: def ? `${def.name} (${String(id)})` : String(id) };
  }
  const lower = t.toLowerCase();
  const whole = types.filter((d) => d.name.toLowerCase() === lower);
  const hits = whole.length ? whole : types.filter((d) => d.name.toLowerCase().includes(lower));
  if (hits.length === 0)
    return {
      kind: 'error',
      words: `No message type is numbered or named "${t}": type an id or a part of a name (${listed(types.map((d) => d.name))}).`,
    };
  return {
    kind: 'match',
    values: hits.map((d) => canonicalTypeId(d.typeId) ?? d.typeId),
    words: hits.map((d) => `${d.name} (${String(d.typeId)})`).join(', '),
  };
}

/** A kernel's whole name in any case, or a part of names ("alert": alert_sink); "host" too. */
export function resolveKernelFilter(text: string, kernels: readonly KernelDef[]): Resolved<string> {
  const t = text.trim();
  if (!t) return { kind: 'none' };
  const names = [...kernels.map((k) => k.id), HOST_KERNEL];
  const lower = t.toLowerCase();
  const whole = names.filter((n) => n.toLowerCase() === lower);
  const hits = whole.length ? whole : names.filter((n) => n.toLowerCase().includes(lower));
  if (hits.length === 0)
    return {
      kind: 'error',
      words: `No kernel is named "${t}" or has it in its name (${listed(names)}).`,
    };
  return { kind: 'match', values: hits, words: hits.join(', ') };
}
