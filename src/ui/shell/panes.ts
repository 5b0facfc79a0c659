/**
 * The layout's hidden panes, for code outside it (the skip links): `show` expands the dock
 * (`'dock'`) or the Inspector as their status-bar buttons do, when hidden, and says whether it came
 * out (false when it was shown already, or had no room to expand into). Set while the layout is
 * mounted; one layout per page, so one handle.
 */
export const panes: { show: ((which: 'dock' | 'inspector') => boolean) | null } = {
  show: null,
};
