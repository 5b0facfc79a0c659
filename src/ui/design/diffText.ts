import type { FieldChange } from '../../core/config';
import { formatCount } from './format';

/** Longest value the import preview quotes whole, in characters. */
const MAX_VALUE = 40;

/**
 * A value as the preview quotes it, or null for a structure (named, not spelled out). A quantity
 * (a capacity, a priority) is grouped as every table writes it ("queueCapacity 1024 → 64" stood
 * beside "1,024" everywhere else, QA), its fraction kept (`zipfS 1.1`); an id (`typeId`,
 * `responseTypeId`) or a seed is not.
 */
function quoted(v: unknown, field = ''): string | null {
  if (v === undefined) return '(none)';
  if (typeof v === 'number' && Number.isFinite(v) && !/(id|seed)$/i.test(field))
    return Number.isInteger(v)
      ? formatCount(v)
      : v.toLocaleString('en-US', { maximumFractionDigits: 20 });
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  // By code points, so a cut never splits one; quoted, so spaces and empty names show.
  const chars = Array.from(v);
  return chars.length > MAX_VALUE
    ? JSON.stringify(`${chars.slice(0, MAX_VALUE - 1).join('')}…`)
    : JSON.stringify(v);
}

/** A list whose items all have a string `name` (a type's payload fields), by name; else null. */
function byName(v: unknown): Map<string, Record<string, unknown>> | null {
  if (!Array.isArray(v)) return null;
  const m = new Map<string, Record<string, unknown>>();
  for (const item of v as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const rec = item as Record<string, unknown>;
    if (typeof rec['name'] !== 'string') return null;
    m.set(rec['name'], rec);
  }
  return m.size === v.length ? m : null;
}

/**
 * A named item's type and size, as the preview shows them: `bytes 12`, `u32`. Read by name, not
 * in key order: `{ size: 12, type: 'bytes' }` read "12 bytes" and differed from the same field
 * written the other way round.
 */
const spec = (r: Record<string, unknown>): string =>
  [r['type'], r['size']]
    .filter((v) => v !== undefined)
    .map(String)
    .join(' ');

/**
 * One changed property for the import preview, with its value before and after: "queueCapacity
 * 1024 → 2048" (the name alone told the user that something changed, not what). A list of named
 * items (a type's fields) by what was added, removed or changed in it: "fields: + note (bytes
 * 12)", where "fields (1 → 2 items)" had not said which. Another list by its length when that
 * changed; any other structure by its name.
 */
export function describeFieldChange(f: FieldChange): string {
  const before = quoted(f.before, f.field);
  const after = quoted(f.after, f.field);
  if (before !== null && after !== null) return `${f.field} ${before} → ${after}`;
  const was = byName(f.before);
  const now = byName(f.after);
  if (was && now) {
    const parts: string[] = [];
    for (const [name, r] of now) {
      const old = was.get(name);
      if (!old) parts.push(`+ ${name} (${spec(r)})`);
      else if (spec(old) !== spec(r)) parts.push(`~ ${name} ${spec(old)} → ${spec(r)}`);
    }
    for (const name of was.keys()) if (!now.has(name)) parts.push(`− ${name}`);
    // The fields both have, in another order: their offsets move, whatever else changed.
    const kept = (m: Map<string, unknown>, other: Map<string, unknown>) =>
      [...m.keys()].filter((k) => other.has(k)).join();
    if (kept(now, was) !== kept(was, now)) parts.push('reordered');
    if (parts.length > 0) return `${f.field}: ${parts.join(', ')}`;
  }
  if (Array.isArray(f.before) && Array.isArray(f.after) && f.before.length !== f.after.length)
    return `${f.field} (${f.before.length} → ${f.after.length} items)`;
  return f.field;
}
