/**
 * Skip links before the graph: the graph's nodes and edges are each a tab stop (the demo has 26),
 * so a keyboard user who wants the panels or the inspector would otherwise tab through all of
 * them. Hidden until focused.
 */
import { panes } from './panes';

const FOCUSABLE = 'button, input, select, textarea, [tabindex="0"]';

/**
 * Focus the first visible match of the first selector that has one, else `region` itself (made
 * focusable for it).
 */
function focusIn(selectors: string[], region: string): void {
  const el = selectors
    .flatMap((sel) => [...document.querySelectorAll<HTMLElement>(sel)])
    .find((e) => e.offsetParent !== null);
  if (el) {
    el.focus();
    return;
  }
  const r = document.querySelector<HTMLElement>(region);
  if (!r) return;
  if (!r.hasAttribute('tabindex')) r.setAttribute('tabindex', '-1');
  r.focus();
}

/**
 * Shows the pane (`#layout-dock` or `#layout-inspector`) when it is hidden from the status bar,
 * then focuses in it once it is no longer inert (a frame or two later): a skip link to a hidden
 * pane had done nothing.
 */
function skipTo(which: 'dock' | 'inspector', focus: () => void): void {
  if (!panes.show?.(which)) {
    focus();
    return;
  }
  const pane = document.getElementById(`layout-${which}`);
  let frames = 0;
  const wait = () => {
    if ((pane?.inert ?? false) && ++frames < 30) requestAnimationFrame(wait);
    else focus();
  };
  requestAnimationFrame(wait);
}

export function SkipGraph() {
  return (
    <nav className="skip-links" aria-label="Skip the graph">
      <button
        type="button"
        className="skip-link sr-only-focusable"
        onClick={() =>
          skipTo('dock', () =>
            focusIn(
              [
                '#dock-workspace [role="tab"][aria-selected="true"]',
                '#dock-workspace [role="tab"]',
              ],
              '#dock-workspace',
            ),
          )
        }
      >
        Skip the graph: to the panels
      </button>
      <button
        type="button"
        className="skip-link sr-only-focusable"
        onClick={() =>
          skipTo('inspector', () =>
            focusIn(
              [
                FOCUSABLE.split(', ')
                  .map((s) => `#layout-inspector ${s}`)
                  .join(', '),
              ],
              '#layout-inspector aside',
            ),
          )
        }
      >
        Skip the graph: to the inspector
      </button>
    </nav>
  );
}
