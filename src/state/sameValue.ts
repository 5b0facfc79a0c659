/**
 * Whether two config values (entries, or whole configs) hold the same values, whatever the order of
 * their keys (a type built from the form lists its fields before its handler, one loaded after it);
 * type ids may be bigints.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  const text = (x: unknown) =>
    JSON.stringify(x, (_, v: unknown) =>
      typeof v === 'bigint'
        ? `${v}n`
        : v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
          : v,
    );
  return a !== undefined && text(a) === text(b);
}
