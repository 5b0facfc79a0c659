import type { RouteConfig } from '../../core/config';
import type { EditResult } from '../../state/edits';
import { workbenchStore } from '../../state/store';

/**
 * Focus into the Inspector once it shows what replaced its content: a node's form (its first
 * field) or the Inspector's heading. Used after something outside the form changed what the
 * Inspector shows (+ Type from the keyboard, a route's Edit or Remove), where focus had fallen to
 * the page with the button that did it. Not into a hidden Inspector (collapsed from the status
 * bar): focus there is lost.
 */
export function focusInspector({ select = false }: { select?: boolean } = {}): void {
  requestAnimationFrame(() => {
    const target = document.querySelector<HTMLElement>(
      'aside.inspector form input, aside.inspector h2[tabindex]',
    );
    if (!target || target.getBoundingClientRect().width === 0) return;
    target.focus();
    if (select && target instanceof HTMLInputElement) target.select();
  });
}

/**
 * Applies a removal made from the Inspector (a route's Remove, a node's Delete): what it showed is
 * gone, so the selection goes too and focus comes back into the Inspector.
 */
export function applyRemoval(make: (config: RouteConfig) => EditResult | null): void {
  const s = workbenchStore().getState();
  const r = make(s.config);
  if (r && s.apply(r)) {
    s.setSelection([], []);
    focusInspector();
  }
}
