import type { FieldChange } from '../../core/config';

/** Longest value the import preview quotes whole, in characters. */
const MAX_VALUE = 40;

/** A value as the preview quotes it, or null for a structure (named, not spelled out). */
function quoted(v: unknown): string | null {
  if (v === undefined) return '(none)';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return null;
  // By code points, so a cut never splits one; quoted, so spaces and empty names show.
  const chars = Array.from(v);
  return chars.length > MAX_VALUE
    ? JSON.stringify(`${chars.slice(0, MAX_VALUE - 1).join('')}…`)
    : JSON.stringify(v);
}

/**
 * One changed property for the import preview, with its value before and after: "queueCapacity
 * 1024 → 2048" (the name alone told the user that something changed, not what); a list by its
 * length when that changed ("fields (4 → 5 items)"); any other structure by its name.
 */
export function describeFieldChange(f: FieldChange): string {
  const before = quoted(f.before);
  const after = quoted(f.after);
  if (before !== null && after !== null) return `${f.field} ${before} → ${after}`;
  if (Array.isArray(f.before) && Array.isArray(f.after) && f.before.length !== f.after.length)
    return `${f.field} (${f.before.length} → ${f.after.length} items)`;
  return f.field;
}
