import { workbenchStore } from '../../state/store';

/**
 * Whether the graph's view is still the fitted one: no pan or zoom since the last fit of the whole
 * graph, by the user or by the app zooming onto one node (the toolbar's search). While it is, a
 * pane that changes size (the Inspector hidden, a split dragged) is fitted again
 * (`RefitOnResize` in GraphCanvas.tsx). One graph per page, so one flag.
 */
export const graphView: {
  followsFit: boolean;
  /**
   * Pans the graph, at its zoom and as little as it takes, so node `id` is in view below the
   * notices' band, when it is not: for nodes just added and selections made outside the graph
   * (Problems, the Inspector's outline), which showed the node's form beside a graph that did not
   * show the node. The minimap then waits for the user's own pan or zoom. Set while the graph is
   * mounted.
   */
  reveal: ((id: string) => void) | null;
  /**
   * Zooms onto node `id` (the toolbar's search, Enter). The minimap waits for the user's own pan or
   * zoom, as after `reveal`: it had opened over the matches beside the one zoomed onto. Set while
   * the graph is mounted.
   */
  zoomTo: ((id: string) => void) | null;
  /** The next config the graph shows is fitted whole (`fitGraphAfterChange`). */
  fitPending: boolean;
} = { followsFit: true, reveal: null, zoomTo: null, fitPending: false };

/**
 * The graph is fitted whole once it shows the config about to be set (an import): the imported
 * types and kernels had landed below the graph's visible area, with the minimap opened over it
 * though the user never panned.
 */
export function fitGraphAfterChange(): void {
  graphView.fitPending = true;
}

/** Selects node `id` from outside the graph (Problems, the Inspector's outline) and shows it. */
export function selectNode(id: string): void {
  workbenchStore().getState().setSelection([id]);
  graphView.reveal?.(id);
}

/**
 * Room the app keeps free at the graph pane's edges (px) when it places or shows nodes: a band
 * along the top for the notices (`.notices`, in the graph's top-left corner: a notice of three
 * lines, with the edges of two older ones stacked under it, ends about 90 px down), so the one
 * that says what an edit did never covers the node just edited, and a margin elsewhere. A fit, a
 * node panned into view and a node added in view all keep it.
 */
export const GRAPH_ROOM = { top: 92, edge: 16 } as const;

/** A graph pane this much taller than the notices' band keeps all of it (see `graphRoom`). */
const BAND_KEPT_ABOVE = 228;

/**
 * `GRAPH_ROOM` in a graph pane `paneHeight` px tall. From 320 px down (the dock raised, a pane
 * maximised), the band gives way px for px, to the edge margin at 244 px: with the dock three
 * steps up at 1280x720 (a 252 px graph), its 92 px had cost the fit half its zoom (0.46, under the
 * level of detail: every kernel's rate and queue hidden). A notice then covers the graph's top
 * for the seconds it shows; the graph is seen the rest of the time.
 */
export function graphRoom(paneHeight: number): { top: number; edge: number } {
  const { top, edge } = GRAPH_ROOM;
  return { top: Math.max(edge, Math.min(top, paneHeight - BAND_KEPT_ABOVE)), edge };
}

/**
 * Fitting the graph keeps `graphRoom`. The demo's graph is wider than the graph pane is tall at
 * 1280x720 and 1440x900, so the fit is set by the width and the band costs no zoom there.
 */
export function fitViewOptions(paneHeight: number) {
  return {
    padding: {
      top: `${graphRoom(paneHeight).top}px`,
      bottom: `${GRAPH_ROOM.edge}px`,
      left: '5%',
      right: '5%',
    },
  } as const;
}
