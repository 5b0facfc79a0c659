/**
 * Where a key moves the active row of a list of `count` rows from `at`, a page being `page` rows;
 * null for a key the list does not take (it then does what it does elsewhere: Tab leaves). The
 * receipt tail and the dead-letter table move their one tab stop with it.
 */
export function rowForKey(key: string, at: number, count: number, page: number): number | null {
  const to: Record<string, number> = {
    ArrowDown: at + 1,
    ArrowUp: at - 1,
    PageDown: at + page,
    PageUp: at - page,
    Home: 0,
    End: count - 1,
  };
  const i = Object.hasOwn(to, key) ? to[key] : undefined;
  return i === undefined ? null : Math.max(0, Math.min(count - 1, i));
}
