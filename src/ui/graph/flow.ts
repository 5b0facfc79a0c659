/**
 * Config -> React Flow nodes and edges. Node and edge objects are cached by identity of what they
 * show, so a change to one node re-renders one node even in a graph of a thousand.
 */
import type { Edge, Node } from '@xyflow/react';
import type { RouteConfig } from '../../core/config';
import {
  canonicalTypeId,
  kernelNodeId,
  typeNodeId,
  type KernelDef,
  type TypeDef,
} from '../../state/edits';
import { emissionsOf, type Emission } from './emissions';

/** The toolbar's search, trimmed and lower-cased, as the nodes are matched against it. */
export const searchQuery = (search: string): string => search.trim().toLowerCase();
/** A type's node matches a search query by its name or its id. */
export const typeMatches = (type: RouteConfig['messageTypes'][number], q: string): boolean =>
  type.name.toLowerCase().includes(q) || String(type.typeId).includes(q);
/** A kernel's node matches a search query by its id. */
export const kernelMatches = (kernel: RouteConfig['kernels'][number], q: string): boolean =>
  kernel.id.toLowerCase().includes(q);
/**
 * The nodes a search query matches, as node ids, in the order they stand on the graph: by column
 * (x to the nearest 100 px: nodes of a column start within a few px of each other), then down
 * each column, placed as the graph places them (`defaultPosition` where the layout has none). In
 * the config's order, types before kernels, Enter had jumped left, right, then back to the middle.
 */
export function searchMatches(config: RouteConfig, q: string): string[] {
  if (q === '') return [];
  const found: { id: string; x: number; y: number }[] = [];
  const add = (id: string, kind: 'type' | 'kernel', i: number) => {
    const p = config.layout?.[id] ?? defaultPosition(kind, i);
    found.push({ id, x: Math.round(p.x / 100), y: p.y });
  };
  config.messageTypes.forEach((t, i) => {
    if (typeMatches(t, q)) add(typeNodeId(t.typeId), 'type', i);
  });
  config.kernels.forEach((k, i) => {
    if (kernelMatches(k, q)) add(kernelNodeId(k.id), 'kernel', i);
  });
  // A stable sort: nodes at one place keep the config's order.
  return found.sort((a, b) => a.x - b.x || a.y - b.y).map((m) => m.id);
}

export type TypeNodeData = {
  type: TypeDef;
  routed: boolean;
  /** Kernels that emit or answer with this type, comma-separated; '' when none. */
  emittedBy: string;
  /**
   * Types whose response this type is, comma-separated; '' when none. A response goes back to
   * whoever sent the request, so it needs no route (validation does not ask for one either).
   */
  responseTo: string;
  problem: 'error' | 'warning' | null;
  dimmed: boolean;
};
export type KernelNodeData = {
  kernel: KernelDef;
  /** Types this kernel emits (alerts) or answers with (responses); same array while unchanged. */
  emits: readonly Emission[];
  problem: 'error' | 'warning' | null;
  dimmed: boolean;
};
export type TypeFlowNode = Node<TypeNodeData, 'messageType'>;
export type KernelFlowNode = Node<KernelNodeData, 'kernel'>;
export type FlowNode = TypeFlowNode | KernelFlowNode;
export type RouteEdgeData = {
  /** `emits`/`responds`: derived from kernel behaviours and response types, not editable. */
  kind: 'route' | 'k2k' | 'emits' | 'responds';
  problem: boolean;
  highlighted?: boolean;
};
export type FlowEdge = Edge<RouteEdgeData>;

export const routeEdgeId = (typeId: TypeDef['typeId']) => `route:${String(typeId)}`;
export const k2kEdgeId = (dest: string) => `k2k:${dest}`;
export const emitEdgeId = (kernelId: string, typeId: TypeDef['typeId']) =>
  `emit:${kernelId}:${String(typeId)}`;

/** What a route edge's id names: a type's route (`route:<typeId>`) or a K2K route (`k2k:<dest>`). */
export function parseEdgeId(
  id: string,
): { kind: 'route'; typeId: string } | { kind: 'k2k'; dest: string } | null {
  if (id.startsWith('route:')) {
    const typeId = canonicalTypeId(id.slice('route:'.length));
    return typeId === null ? null : { kind: 'route', typeId: String(typeId) };
  }
  if (id.startsWith('k2k:')) return { kind: 'k2k', dest: id.slice('k2k:'.length) };
  return null;
}
/** The id of the hidden element that names a node for assistive technology. */
export const nodeLabelId = (nodeId: string) => `node-name-${encodeURIComponent(nodeId)}`;

/** Default placement when a node has no saved position: types left, kernels right. */
function defaultPosition(kind: 'type' | 'kernel', index: number) {
  return kind === 'type' ? { x: 0, y: index * 110 } : { x: 420, y: index * 150 };
}

export interface FlowInputs {
  config: RouteConfig;
  selection: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  problems: ReadonlyMap<string, 'error' | 'warning'>;
  search: string;
  highlightedEdges?: ReadonlySet<string>;
  measured?: ReadonlyMap<string, { width: number; height: number }>;
}

export function createFlowBuilder() {
  let nodeCache = new Map<string, FlowNode>();
  let edgeCache = new Map<string, FlowEdge>();
  let emitsCache = new Map<string, { key: string; list: readonly Emission[] }>();

  function sameNode(prev: FlowNode | undefined, next: FlowNode): prev is FlowNode {
    if (!prev || prev.type !== next.type || prev.selected !== next.selected) return false;
    if (
      prev.measured?.width !== next.measured?.width ||
      prev.measured?.height !== next.measured?.height
    )
      return false;
    if (prev.position.x !== next.position.x || prev.position.y !== next.position.y) return false;
    const a = prev.data as Record<string, unknown>;
    const b = next.data as Record<string, unknown>;
    return Object.keys(b).every((k) => a[k] === b[k]);
  }

  return function build(inputs: FlowInputs): { nodes: FlowNode[]; edges: FlowEdge[] } {
    const { config, selection, problems, search } = inputs;
    const q = searchQuery(search);
    const measuredOf = (id: string) => {
      const m = inputs.measured?.get(id);
      return m ? { measured: m } : {};
    };
    const routed = new Set(config.routes.map((r) => String(r.typeId)));
    const responseTo = new Map<string, string[]>();
    for (const t of config.messageTypes) {
      if (t.responseTypeId === undefined) continue;
      const key = String(t.responseTypeId);
      responseTo.set(key, [...(responseTo.get(key) ?? []), t.name]);
    }
    const emissions = emissionsOf(config);
    const emittedBy = new Map<string, string[]>();
    const nextEmits = new Map<string, { key: string; list: readonly Emission[] }>();
    for (const e of emissions) {
      const by = emittedBy.get(e.typeId) ?? [];
      by.push(e.kernelId);
      emittedBy.set(e.typeId, by);
    }
    /** The kernel's emissions, as the same array as last time while they did not change. */
    const emitsOf = (kernelId: string): readonly Emission[] => {
      const list = emissions.filter((e) => e.kernelId === kernelId);
      const key = JSON.stringify(list);
      const prev = emitsCache.get(kernelId);
      const chosen = prev && prev.key === key ? prev : { key, list };
      nextEmits.set(kernelId, chosen);
      return chosen.list;
    };
    const nextNodes = new Map<string, FlowNode>();
    const nodes: FlowNode[] = [];
    // An unchanged node keeps its previous object, so React Flow skips it.
    const place = (node: FlowNode) => {
      const prev = nodeCache.get(node.id);
      const chosen = sameNode(prev, node) ? prev : node;
      nextNodes.set(node.id, chosen);
      nodes.push(chosen);
    };
    config.messageTypes.forEach((type, i) => {
      const id = typeNodeId(type.typeId);
      const match = !q || typeMatches(type, q);
      const node: TypeFlowNode = {
        id,
        type: 'messageType',
        position: config.layout?.[id] ?? defaultPosition('type', i),
        selected: selection.has(id),
        ...measuredOf(id),
        domAttributes: { 'aria-labelledby': nodeLabelId(id) },
        data: {
          type,
          routed: routed.has(String(type.typeId)),
          emittedBy: (emittedBy.get(String(type.typeId)) ?? []).join(', '),
          responseTo: (responseTo.get(String(type.typeId)) ?? []).join(', '),
          problem: problems.get(id) ?? null,
          dimmed: !match,
        },
      };
      place(node);
    });
    config.kernels.forEach((kernel, i) => {
      const id = kernelNodeId(kernel.id);
      const match = !q || kernelMatches(kernel, q);
      const node: KernelFlowNode = {
        id,
        type: 'kernel',
        position: config.layout?.[id] ?? defaultPosition('kernel', i),
        selected: selection.has(id),
        ...measuredOf(id),
        domAttributes: { 'aria-labelledby': nodeLabelId(id) },
        data: {
          kernel,
          emits: emitsOf(kernel.id),
          problem: problems.get(id) ?? null,
          dimmed: !match,
        },
      };
      place(node);
    });
    nodeCache = nextNodes;
    emitsCache = nextEmits;
    const typeName = new Map(config.messageTypes.map((t) => [String(t.typeId), t.name]));
    const nameOf = (typeId: TypeDef['typeId']) =>
      typeName.get(String(typeId)) ?? `type ${String(typeId)}`;

    const nextEdges = new Map<string, FlowEdge>();
    const edges: FlowEdge[] = [];
    const push = (edge: FlowEdge) => {
      const prev = edgeCache.get(edge.id);
      const same =
        prev &&
        prev.source === edge.source &&
        prev.target === edge.target &&
        prev.selected === edge.selected &&
        prev.ariaLabel === edge.ariaLabel &&
        prev.data?.problem === edge.data?.problem &&
        prev.data?.highlighted === edge.data?.highlighted;
      const chosen = same ? prev : edge;
      nextEdges.set(edge.id, chosen);
      edges.push(chosen);
    };
    for (const r of config.routes) {
      const id = routeEdgeId(r.typeId);
      push({
        id,
        source: typeNodeId(r.typeId),
        target: kernelNodeId(r.kernelId),
        type: 'route',
        selected: inputs.selectedEdges.has(id),
        ariaLabel: `Route ${nameOf(r.typeId)} to ${r.kernelId}`,
        data: {
          kind: 'route',
          problem: problems.has(id),
          highlighted: inputs.highlightedEdges?.has(id) ?? false,
        },
      });
    }
    for (const r of config.k2kRoutes) {
      const id = k2kEdgeId(r.dest);
      push({
        id,
        source: kernelNodeId(r.dest),
        sourceHandle: 'k2k-out',
        target: kernelNodeId(r.nextHop),
        targetHandle: 'k2k-in',
        type: 'route',
        selected: inputs.selectedEdges.has(id),
        ariaLabel: `K2K: messages for ${r.dest} travel via ${r.nextHop}`,
        data: {
          kind: 'k2k',
          problem: problems.has(id),
          highlighted: inputs.highlightedEdges?.has(id) ?? false,
        },
      });
    }
    const typeIds = new Set(config.messageTypes.map((t) => String(t.typeId)));
    for (const e of emissions) {
      if (!typeIds.has(e.typeId)) continue;
      const id = emitEdgeId(e.kernelId, e.typeId);
      push({
        id,
        source: kernelNodeId(e.kernelId),
        sourceHandle: 'emits',
        target: typeNodeId(e.typeId),
        targetHandle: 'emitted',
        type: 'route',
        selectable: false,
        deletable: false,
        ariaLabel: `${e.kernelId} ${e.kind} ${e.name} (${e.typeId})`,
        // A traced chain lights the kernel's emits (or responds) edge too, not only its routes.
        data: {
          kind: e.kind,
          problem: false,
          highlighted: inputs.highlightedEdges?.has(id) ?? false,
        },
      });
    }
    edgeCache = nextEdges;
    return { nodes, edges };
  };
}
