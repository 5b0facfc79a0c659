/**
 * Whether the graph's view is still the fitted one: no pan or zoom since the last fit of the whole
 * graph, by the user or by the app zooming onto one node (the toolbar's search). While it is, a
 * pane that changes size (the Inspector hidden, a split dragged) is fitted again
 * (`RefitOnResize` in GraphCanvas.tsx). One graph per page, so one flag.
 */
export const graphView = { followsFit: true };
