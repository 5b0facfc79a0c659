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
} = { followsFit: true, reveal: null };

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

/**
 * Fitting the graph keeps `GRAPH_ROOM`. The demo's graph is wider than the graph pane is tall at
 * 1280x720 and 1440x900, so the fit is set by the width and the band costs no zoom there.
 */
export const FIT_VIEW_OPTIONS = {
  padding: {
    top: `${GRAPH_ROOM.top}px`,
    bottom: `${GRAPH_ROOM.edge}px`,
    left: '5%',
    right: '5%',
  },
} as const;
