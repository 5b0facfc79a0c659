/**
 * F6 and Shift+F6 move keyboard focus between the window's regions, as in browsers and IDEs: the
 * toolbar, the graph, the Inspector, each dock pane, the status bar. From a route reached with Tab
 * on the graph, its Edit and Remove buttons in the Inspector had been about twenty Tabs away.
 */

/** The regions in the order F6 visits them; dock panes as many as there are. */
const REGION_SELECTORS = [
  'header.toolbar',
  '[data-testid="graph"]',
  'aside.inspector',
  '.dock-workspace [data-tabset]',
  'footer.statusbar',
] as const;

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** On screen, and not inside a part hidden from the keyboard (a collapsed pane is `inert`). */
const shown = (el: Element) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && el.closest('[inert]') === null;
};

/** The regions on screen now, in F6 order. */
export function regions(root: ParentNode = document): HTMLElement[] {
  return REGION_SELECTORS.flatMap((sel) => [...root.querySelectorAll<HTMLElement>(sel)]).filter(
    shown,
  );
}

/** Where focus goes in a region: the selected node, tab or field, else its first control. */
function entryOf(region: HTMLElement): HTMLElement | null {
  const first = (sel: string) =>
    [...region.querySelectorAll<HTMLElement>(sel)].find((e) => shown(e)) ?? null;
  if (region.matches('[data-testid="graph"]'))
    return first('.react-flow__node.selected') ?? first('.react-flow__node');
  if (region.matches('[data-tabset]'))
    return first('[role="tab"][aria-selected="true"]') ?? first('[role="tab"]');
  return first(FOCUSABLE);
}

/** Moves focus to the next region (the previous one `backwards`); true when it moved. */
export function cycleRegion(backwards: boolean): boolean {
  // A modal dialog keeps the focus (it counts as handled, so the browser does not take F6 to its
  // address bar either): F6 had moved it to the toolbar behind "Save workspace as", hidden from a
  // screen reader, with the dialog still open and Escape no longer closing it.
  if (
    document.querySelector(
      '[role="dialog"][data-state="open"], [role="alertdialog"][data-state="open"]',
    )
  )
    return true;
  const list = regions();
  if (list.length === 0) return false;
  const at = list.findIndex((r) => r.contains(document.activeElement));
  const n = list.length;
  for (let step = 1; step <= n; step++) {
    const i =
      at < 0 ? (backwards ? n - step : step - 1) : (at + (backwards ? -step : step) + n * 2) % n;
    const target = entryOf(list[i]!);
    if (target) {
      target.focus();
      return true;
    }
  }
  return false;
}
