import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  useReactFlow,
  useStore as useFlowStore,
  useStoreApi,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  getConnectedEdges,
  type OnConnectEnd,
  type OnDelete,
  type ReactFlowState,
  type Viewport,
} from '@xyflow/react';
import {
  connectK2k,
  connectRoute,
  deleteNodes,
  parseNodeId,
  removeK2k,
  removeRoute,
  canonicalTypeId,
  type EditResult,
} from '../../state/edits';
import { useWorkbench, workbenchStore } from '../../state/store';
import { createFlowBuilder, parseEdgeId, type FlowEdge, type FlowNode } from './flow';
import { edgeTypes, nodeTypes } from './nodes';
import { fitViewOptions, graphRoom, graphView } from './view';
import { configProblems, problemNodeIds } from '../shell/problems';

function isValidConnection(c: Connection | FlowEdge): boolean {
  const s = parseNodeId(c.source);
  const t = parseNodeId(c.target);
  if (!s || !t || t.kind !== 'kernel') return false;
  if (s.kind === 'type') return (c.targetHandle ?? 'in') === 'in';
  return c.sourceHandle === 'k2k-out' && c.targetHandle === 'k2k-in' && s.key !== t.key;
}

/**
 * Whether some node lies (partly) outside the graph's pane at the current pan and zoom. A node
 * not measured yet counts by its position alone.
 */
function partOutOfView(s: ReactFlowState): boolean {
  const [x, y, zoom] = s.transform;
  if (s.width === 0 || s.height === 0) return false;
  for (const n of s.nodeLookup.values()) {
    const p = n.internals.positionAbsolute;
    const left = p.x * zoom + x;
    const top = p.y * zoom + y;
    const right = left + (n.measured.width ?? 0) * zoom;
    const bottom = top + (n.measured.height ?? 0) * zoom;
    // Half a pixel of slack: a fit lands nodes on the pane's edge in fractions.
    if (left < -0.5 || top < -0.5 || right > s.width + 0.5 || bottom > s.height + 0.5) return true;
  }
  return false;
}

/**
 * Below this zoom a large graph's nodes draw only their frame and title: text you cannot read
 * costs raster time (a thousand nodes panned at 67–100 ms a frame on a software rasteriser).
 */
const LOD_ZOOM = 0.55;
/**
 * A graph of at most this many nodes keeps its figures down to `LOD_ZOOM_SMALL`: a few nodes cost
 * no raster time, and the demo's eight, under a dock raised 150 px at 1280x720 (zoom 0.47), had
 * lost every rate, queue and refused count the user was watching.
 */
const LOD_MAX_NODES = 100;
const LOD_ZOOM_SMALL = 0.3;
const zoomedOut = (s: { transform: [number, number, number]; nodeLookup: { size: number } }) =>
  s.transform[2] < (s.nodeLookup.size > LOD_MAX_NODES ? LOD_ZOOM : LOD_ZOOM_SMALL);

export function GraphCanvas({ highlightedEdges }: { highlightedEdges?: ReadonlySet<string> }) {
  const config = useWorkbench((s) => s.config);
  const selection = useWorkbench((s) => s.selection);
  const selectedEdges = useWorkbench((s) => s.selectedEdges);
  const search = useWorkbench((s) => s.search);
  const lod = useFlowStore(zoomedOut);
  const paneHeight = useFlowStore((s) => s.height);
  const fitOptions = useMemo(() => fitViewOptions(paneHeight), [paneHeight]);
  const outOfView = useFlowStore(partOutOfView);
  const locked = useFlowStore(isLocked);
  // The app panned a node into view (an add, a selection from a panel): part of the graph is out
  // of view, but the user did not go looking; the map waits for their own pan or zoom. It had
  // covered FraudAlert and alert_sink after + Kernel at 1280x720.
  const [mapHeld, setMapHeld] = useState(false);
  const holdMap = useCallback(() => setMapHeld(true), []);
  const moved = useCallback(() => {
    userMoved();
    setMapHeld(false);
  }, []);
  /** Where the user's pan or zoom under way started. */
  const moveFrom = useRef<Viewport | null>(null);
  const [builder] = useState(createFlowBuilder);
  const dragStart = useRef<typeof config | null>(null);
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(
    new Map(),
  );

  const problems = useMemo(() => problemNodeIds(configProblems(config)), [config]);
  const { nodes, edges } = useMemo(
    () =>
      builder({
        config,
        selection: new Set(selection),
        selectedEdges: new Set(selectedEdges),
        problems,
        search,
        measured,
        ...(highlightedEdges ? { highlightedEdges } : {}),
      }),
    [builder, config, selection, selectedEdges, problems, search, measured, highlightedEdges],
  );

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const store = workbenchStore();
    const state = store.getState();
    let positions: Record<string, { x: number; y: number }> | null = null;
    let dragEnded = false;
    let nextSelection: Set<string> | null = null;
    let dims: Map<string, { width: number; height: number }> | null = null;
    for (const c of changes) {
      if (c.type === 'position') {
        if (c.position)
          (positions ??= {})[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'select') {
        nextSelection ??= new Set(state.selection);
        if (c.selected) nextSelection.add(c.id);
        else nextSelection.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        (dims ??= new Map()).set(c.id, c.dimensions);
      }
    }
    if (positions) {
      if (!dragStart.current) dragStart.current = state.config;
      state.setTransient({
        ...state.config,
        layout: { ...(state.config.layout ?? {}), ...positions },
      });
    }
    if (dragEnded && dragStart.current) {
      state.pushHistory(dragStart.current);
      dragStart.current = null;
    }
    if (nextSelection) state.setSelection([...nextSelection], state.selectedEdges);
    if (dims) {
      const d = dims;
      setMeasured((prev) => {
        const next = new Map(prev);
        for (const [k, v] of d) next.set(k, v);
        return next;
      });
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    const state = workbenchStore().getState();
    let next: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        next ??= new Set(state.selectedEdges);
        if (c.selected) next.add(c.id);
        else next.delete(c.id);
      }
    }
    if (next) state.setSelection(state.selection, [...next]);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const state = workbenchStore().getState();
    const s = parseNodeId(c.source);
    const t = parseNodeId(c.target);
    if (!s || !t || t.kind !== 'kernel') return;
    if (s.kind === 'type') {
      const typeId = canonicalTypeId(s.key);
      if (typeId !== null) state.apply(connectRoute(state.config, typeId, t.key));
    } else {
      state.apply(connectK2k(state.config, s.key, t.key));
    }
  }, []);

  // A route dropped anywhere on a kernel's card, not only on its small input handle: dropped on
  // the card, it had done nothing and said nothing, while the Inspector says "drag from a type to
  // a kernel". From a type's handle it lands on the kernel's input; from a kernel's K2K handle,
  // on the other kernel's K2K input.
  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state) => {
      if (state.isValid === true || !state.fromHandle || state.fromHandle.type !== 'source') return;
      const at = 'changedTouches' in event ? event.changedTouches[0] : event;
      if (!at) return;
      const card = document.elementFromPoint(at.clientX, at.clientY)?.closest('.react-flow__node');
      const target = card?.getAttribute('data-id');
      if (!target) return;
      const k2k = state.fromHandle.id === 'k2k-out';
      const c: Connection = {
        source: state.fromHandle.nodeId,
        sourceHandle: state.fromHandle.id ?? null,
        target,
        targetHandle: k2k ? 'k2k-in' : 'in',
      };
      if (isValidConnection(c)) onConnect(c);
    },
    [onConnect],
  );

  const wrapper = useRef<HTMLDivElement>(null);
  const onDelete: OnDelete<FlowNode, FlowEdge> = useCallback(({ nodes: dn, edges: de }) => {
    const refocus = focusAfterDelete(
      wrapper.current,
      dn.map((n) => n.id),
      de,
    );
    const state = workbenchStore().getState();
    let config = state.config;
    const notes: string[] = [];
    const step = (r: EditResult) => {
      if (r.ok) {
        config = r.config;
        notes.push(r.note);
      }
    };
    if (dn.length)
      step(
        deleteNodes(
          config,
          dn.map((n) => n.id),
        ),
      );
    for (const e of de) {
      const edge = parseEdgeId(e.id);
      if (edge?.kind === 'route') step(removeRoute(config, edge.typeId));
      else if (edge?.kind === 'k2k') step(removeK2k(config, edge.dest));
    }
    if (config !== state.config) {
      if (state.replace(config, notes.join(' '))) state.setSelection([], []);
    }
    refocus();
  }, []);

  /**
   * Delete acts on what has keyboard focus, when focus came there after the selection was made. A
   * route reached with Tab is focused, not selected, and React Flow deleted the selection instead:
   * a type clicked earlier went, with its route, while the route in focus stayed. With focus on
   * the pane, on an element of the selection, or a selection made since (a paste selects the
   * copies while focus stays on the node copied), the selection goes, as before.
   */
  const order = useRef({ n: 0, focus: 0, selection: 0 });
  useEffect(
    () =>
      workbenchStore().subscribe((s, prev) => {
        if (s.selection !== prev.selection || s.selectedEdges !== prev.selectedEdges)
          order.current.selection = ++order.current.n;
      }),
    [],
  );
  // Whether the user's last press or focus move was in the graph. React Flow listens for Delete on
  // the whole document and lets it through from any control but a text field: a node clicked,
  // then Delete pressed on Inject's "Send one", deleted the node (QA). A press is counted as well
  // as the focus: a click on a part of the Inspector that takes no focus leaves it on the page's
  // body, and a selection box dragged from over a node's child leaves it where it was.
  const inGraph = useRef(false);
  useEffect(() => {
    const note = (e: Event) => {
      inGraph.current = e.target instanceof Node && wrapper.current?.contains(e.target) === true;
    };
    document.addEventListener('pointerdown', note, true);
    document.addEventListener('focusin', note, true);
    return () => {
      document.removeEventListener('pointerdown', note, true);
      document.removeEventListener('focusin', note, true);
    };
  }, []);
  const onBeforeDelete = useCallback(
    ({ nodes: dn, edges: de }: { nodes: FlowNode[]; edges: FlowEdge[] }) => {
      // The user was last in another region (the dock, the toolbar, the Inspector): not for the graph.
      if (!inGraph.current) return Promise.resolve(false);
      const active = document.activeElement;
      // The element itself, not one inside it: Backspace on a node's ▶ button is not meant for
      // the node.
      const focused = active?.matches('.react-flow__node[data-id], .react-flow__edge[data-id]')
        ? (active as HTMLElement | SVGElement)
        : null;
      const id = focused?.dataset.id;
      const { focus, selection } = order.current;
      // Keyboard focus only (its ring shows): a click focuses what it selects.
      if (!focused?.matches(':focus-visible') || id === undefined || focus < selection)
        return Promise.resolve(true);
      // What has the focus is itself selected: the selection goes. Not merely listed: React Flow
      // lists a selected node's routes with it, and Delete on a route of the kernel clicked before
      // deleted the kernel (QA).
      if (dn.some((n) => n.id === id) || de.some((e) => e.id === id && e.selected))
        return Promise.resolve(true);
      const node = focused.classList.contains('react-flow__node')
        ? nodes.find((n) => n.id === id)
        : undefined;
      const edge = focused.classList.contains('react-flow__edge')
        ? edges.find((e) => e.id === id)
        : undefined;
      if (edge?.deletable === false || node?.deletable === false) {
        // An emits edge: drawn from the kernel's behaviour, not a route. Nothing goes, and the
        // selection elsewhere stays too; say why nothing happened.
        workbenchStore()
          .getState()
          .notify(
            'info',
            'That edge shows what a kernel emits, from its behaviour; it is not a route and cannot be deleted.',
          );
        return Promise.resolve({ nodes: [], edges: [] });
      }
      return Promise.resolve({
        nodes: node ? [node] : [],
        // A node goes with its routes, as React Flow sends them for a selection.
        edges: node
          ? getConnectedEdges([node], edges).filter((e) => e.deletable !== false)
          : edge
            ? [edge]
            : [],
      });
    },
    [nodes, edges],
  );

  // React Flow's attribution link stays on screen, out of the Tab order: a keyboard user tabbing
  // through the graph met a link to reactflow.dev between its edges and the zoom controls.
  useEffect(() => {
    wrapper.current?.querySelector('.react-flow__attribution a')?.setAttribute('tabindex', '-1');
  }, []);

  return (
    <div
      ref={wrapper}
      className={lod ? 'graph graph-lod' : 'graph'}
      data-testid="graph"
      data-lod={lod}
      onFocus={() => {
        order.current.focus = ++order.current.n;
      }}
    >
      <ReactFlow<FlowNode, FlowEdge>
        ariaLabelConfig={locked ? LOCKED_LABELS : UNLOCKED_LABELS}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onDelete={onDelete}
        onBeforeDelete={onBeforeDelete}
        isValidConnection={isValidConnection}
        deleteKeyCode={['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionOnDrag={false}
        onlyRenderVisibleElements={false}
        minZoom={0.05}
        fitView
        fitViewOptions={fitOptions}
        // A move with an event is the user's (a fit by the app has none), and one that went
        // somewhere: a click on the empty pane starts and ends one in place, and had kept the view
        // from being fitted again when the dock was resized (QA).
        onMoveStart={(event, viewport) => {
          moveFrom.current = event ? viewport : null;
        }}
        onMoveEnd={(event, viewport) => {
          const from = moveFrom.current;
          moveFrom.current = null;
          if (event && from && wentSomewhere(from, viewport)) moved();
        }}
        aria-label="Route graph"
      >
        <RefitOnResize />
        <FitWhenAsked config={config} />
        <RevealNode onReveal={holdMap} />
        <Background gap={24} />
        {/* Only while part of the graph is out of view: with all of it in sight the map shows
            nothing more, and it covered the nodes in the pane's corner (alert_sink, after
            Auto-layout, at 1280x720). Types and kernels in their own colours, as on the graph: in
            the default grey the map read as an empty box. */}
        {outOfView && !mapHeld ? (
          <MiniMap
            pannable
            zoomable
            ariaLabel="Minimap of the route graph"
            nodeColor={minimapColor}
            nodeStrokeWidth={0}
            nodeBorderRadius={4}
          />
        ) : null}
        <Controls
          aria-label="Zoom controls"
          fitViewOptions={fitOptions}
          onFitView={() => {
            graphView.followsFit = true;
          }}
          onZoomIn={moved}
          onZoomOut={moved}
        />
      </ReactFlow>
    </div>
  );
}

/**
 * The padlock's name says what it does, and so whether the graph is locked (its icon's only other
 * sign): React Flow's own, "Toggle Interactivity", said nothing a person watching the graph would
 * look for, and "Lock or unlock the graph" not which it would do.
 */
const UNLOCKED_LABELS = { 'controls.interactive.ariaLabel': 'Lock the graph' } as const;
const LOCKED_LABELS = {
  'controls.interactive.ariaLabel': 'Unlock the graph (locked: no moving, selecting or connecting)',
} as const;
/** React Flow's own test for its padlock's state: nothing can be moved, selected or connected. */
const isLocked = (s: {
  nodesDraggable: boolean;
  nodesConnectable: boolean;
  elementsSelectable: boolean;
}) => !(s.nodesDraggable || s.nodesConnectable || s.elementsSelectable);

/** A node's colour on the minimap: its kind's, as the graph's left border shows it. */
function minimapColor(node: { type?: string | undefined }): string {
  return node.type === 'kernel'
    ? 'color-mix(in srgb, var(--kernel) 55%, var(--panel))'
    : 'color-mix(in srgb, var(--type) 55%, var(--panel))';
}

/** Provides `graphView.reveal` and `graphView.zoomTo` while the graph is mounted (see view.ts). */
function RevealNode({ onReveal }: { onReveal: () => void }) {
  const flow = useReactFlow();
  const storeApi = useStoreApi();
  useEffect(() => {
    graphView.reveal = (id) => {
      const n = flow.getInternalNode(id);
      if (!n) return;
      const { transform, width, height } = storeApi.getState();
      const [x, y, zoom] = transform;
      const p = n.internals.positionAbsolute;
      const w = n.measured.width ?? 0;
      const h = n.measured.height ?? 0;
      const left = p.x * zoom + x;
      const top = p.y * zoom + y;
      const right = left + w * zoom;
      const bottom = top + h * zoom;
      const { top: padTop, edge: side } = graphRoom(height);
      if (left >= side && top >= padTop && right <= width - side && bottom <= height - side) return;
      // The least pan that shows it (below the notices' band), not a centring: the rest of the
      // graph moves as little as it can.
      const dx = left < side ? side - left : right > width - side ? width - side - right : 0;
      const dy = top < padTop ? padTop - top : bottom > height - side ? height - side - bottom : 0;
      graphView.followsFit = false;
      onReveal();
      void flow.setViewport({ x: x + dx, y: y + dy, zoom }, { duration: 200 });
    };
    graphView.zoomTo = (id) => {
      // Zoomed onto one node: a later pane resize keeps this view rather than fitting the whole
      // graph.
      graphView.followsFit = false;
      onReveal();
      void flow.fitView({ nodes: [{ id }], duration: 200, maxZoom: 1.2 });
    };
    return () => {
      graphView.reveal = null;
      graphView.zoomTo = null;
    };
  }, [flow, storeApi, onReveal]);
  return null;
}

/**
 * Where keyboard focus goes when Delete removed the node or edge that had it (it fell to the
 * page, and a keyboard user had to Tab in from the top again, QA): a route's type node, else the
 * node before the one removed in the graph's order (or after, for the first), else the graph.
 * Returns the step to take once the edit is applied; it does nothing where focus was elsewhere.
 */
function focusAfterDelete(
  graph: HTMLElement | null,
  nodeIds: readonly string[],
  edges: readonly { id: string; source: string }[],
): () => void {
  const had = document.activeElement?.closest<HTMLElement>(
    '.react-flow__node[data-id], .react-flow__edge[data-id]',
  );
  const id = had?.dataset.id;
  if (!graph || !had || id === undefined || !graph.contains(had)) return () => {};
  const gone = new Set(nodeIds);
  const edge = edges.find((e) => e.id === id);
  if (!edge && !gone.has(id)) return () => {};
  let next: string | undefined = edge && !gone.has(edge.source) ? edge.source : undefined;
  if (next === undefined) {
    const order = [...graph.querySelectorAll<HTMLElement>('.react-flow__node[data-id]')]
      .map((n) => n.dataset.id!)
      .filter((n) => n === id || !gone.has(n));
    const at = order.indexOf(id);
    next = at >= 0 ? (order[at - 1] ?? order[at + 1]) : order[0];
  }
  // Two frames: by then React has drawn the edit. Only where the element that had focus is gone
  // (a refused delete leaves it) and focus has not gone elsewhere meanwhile.
  const later = (f: () => void) => requestAnimationFrame(() => requestAnimationFrame(f));
  return () =>
    later(() => {
      if (had.isConnected) return;
      if (document.activeElement && document.activeElement !== document.body) return;
      const node =
        next === undefined
          ? null
          : graph.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(next)}"]`);
      if (node) {
        node.focus();
        return;
      }
      const region = graph.querySelector<HTMLElement>('.react-flow');
      if (!region) return;
      if (!region.hasAttribute('tabindex')) region.setAttribute('tabindex', '-1');
      region.focus();
    });
}

/** A pan of more than a couple of pixels, or any zoom. */
function wentSomewhere(a: Viewport, b: Viewport): boolean {
  return a.zoom !== b.zoom || Math.hypot(a.x - b.x, a.y - b.y) > 2;
}

/** The user panned or zoomed: the view is theirs, not the fitted one (see view.ts). */
function userMoved(): void {
  graphView.followsFit = false;
}

/** Fits the whole graph once it renders a config the app asked to be fitted (`fitGraphAfterChange`), or one an undo or redo brought back across a whole-config step. */
function FitWhenAsked({ config }: { config: unknown }) {
  const { fitView } = useReactFlow();
  const height = useFlowStore((s) => s.height);
  // An undo or redo across a whole-config step (an import, say) is fitted as the step was.
  const wholeSteps = useWorkbench((s) => s.wholeSteps);
  const fittedWhole = useRef(wholeSteps);
  useEffect(() => {
    const acrossWhole = fittedWhole.current !== wholeSteps;
    fittedWhole.current = wholeSteps;
    if (!graphView.fitPending && !acrossWhole) return;
    graphView.fitPending = false;
    graphView.followsFit = true;
    // React Flow fits once the new nodes are measured.
    void fitView(fitViewOptions(height));
    // The height is read, not watched: a resize refits on its own (RefitOnResize).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config, wholeSteps, fitView]);
  return null;
}

/**
 * Fits the graph again when its pane changes size while the view is still the fitted one: with
 * the Inspector hidden at 1440x900, 350 px on the right stayed empty beside the fitted graph.
 */
function RefitOnResize() {
  const { fitView } = useReactFlow();
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  const last = useRef<readonly [number, number] | null>(null);
  useEffect(() => {
    const prev = last.current;
    last.current = [width, height];
    if (!prev || width === 0 || height === 0) return;
    if (prev[0] === width && prev[1] === height) return;
    if (graphView.followsFit) void fitView(fitViewOptions(height));
  }, [width, height, fitView]);
  return null;
}
