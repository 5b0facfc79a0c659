/**
 * Skip links before the graph: the graph's nodes and edges are each a tab stop (the demo has 26),
 * so a keyboard user who wants the panels or the inspector would otherwise tab through all of
 * them. Hidden until focused.
 */
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

export function SkipGraph() {
  return (
    <nav className="skip-links" aria-label="Skip the graph">
      <button
        type="button"
        className="skip-link sr-only-focusable"
        onClick={() =>
          focusIn(
            ['#dock-workspace [role="tab"][aria-selected="true"]', '#dock-workspace [role="tab"]'],
            '#dock-workspace',
          )
        }
      >
        Skip the graph: to the panels
      </button>
      <button
        type="button"
        className="skip-link sr-only-focusable"
        onClick={() =>
          focusIn(
            [
              FOCUSABLE.split(', ')
                .map((s) => `#layout-inspector ${s}`)
                .join(', '),
            ],
            '#layout-inspector aside',
          )
        }
      >
        Skip the graph: to the inspector
      </button>
    </nav>
  );
}
