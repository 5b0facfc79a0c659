/**
 * Auto-layout with elkjs (layered, left to right). Loaded on demand: ELK is large and most sessions
 * never ask for it. Emitted and response types are laid out after the kernels that produce them
 * (Transaction → fraud_processor → FraudAlert → alert_sink; PatternCheck → pattern_detector →
 * PatternResult), so a response type never sits beside the requests as if it were injected.
 */
import type { RouteConfig } from '../../core/config';
import { kernelNodeId, typeNodeId } from '../../state/edits';
import { emissionsOf } from './emissions';

const NODE_W = 220;
const TYPE_H = 84;
const KERNEL_H = 110;

export async function autoLayout(
  config: RouteConfig,
): Promise<Record<string, { x: number; y: number }>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const children = [
    ...config.messageTypes.map((t) => ({
      id: typeNodeId(t.typeId),
      width: NODE_W,
      height: TYPE_H,
    })),
    ...config.kernels.map((k) => ({ id: kernelNodeId(k.id), width: NODE_W, height: KERNEL_H })),
  ];
  const ids = new Set(children.map((c) => c.id));
  const edges = [
    ...config.routes.map((r, i) => ({
      id: `r${i}`,
      sources: [typeNodeId(r.typeId)],
      targets: [kernelNodeId(r.kernelId)],
    })),
    ...config.k2kRoutes.map((r, i) => ({
      id: `k${i}`,
      sources: [kernelNodeId(r.dest)],
      targets: [kernelNodeId(r.nextHop)],
    })),
    ...emissionsOf(config).map((e, i) => ({
      id: `e${i}`,
      sources: [kernelNodeId(e.kernelId)],
      targets: [typeNodeId(e.typeId)],
    })),
  ].filter((e) => ids.has(e.sources[0] ?? '') && ids.has(e.targets[0] ?? ''));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '140',
    },
    children,
    edges,
  });
  const placed = (graph.children ?? []).map((c) => ({
    id: c.id,
    x: c.x ?? 0,
    y: c.y ?? 0,
    h: c.height ?? TYPE_H,
  }));
  const positions: Record<string, { x: number; y: number }> = {};
  const links = edges.map((e) => [e.sources[0]!, e.targets[0]!] as const);
  for (const c of wrapTallLayers(placed, links))
    positions[c.id] = { x: Math.round(c.x), y: Math.round(c.y) };
  return positions;
}

/** Nodes a layer holds in one column at most; a layer with more wraps into columns side by side. */
export const MAX_COLUMN = 10;
const ROW_GAP = 28;
const COLUMN_GAP = 40;
const LAYER_GAP = 140;
const COMPONENT_GAP = 60;

interface Placed {
  id: string;
  x: number;
  y: number;
  h: number;
}

/**
 * A layered layout puts every node of a layer in one column: sixty types routed to one kernel
 * made a column 6,700 px tall that the view could only fit at its least zoom, every name
 * unreadable. Within each connected part of the graph, a layer of more than `MAX_COLUMN` nodes
 * wraps into columns of equal length, in ELK's order (column by column, so its crossing
 * minimisation still orders them); the layers to its right move along, and the others keep their
 * order and spacing, scaled to the new height. The parts, resized, are then packed again in rows,
 * in ELK's order. Layouts with no such layer come back as ELK made them.
 */
export function wrapTallLayers(
  nodes: readonly Placed[],
  links: readonly (readonly [string, string])[],
): Placed[] {
  const components = componentsOf(nodes, links);
  // Tall layers are a part's own: ELK packs unconnected parts side by side, and eleven nodes of
  // different parts in one column are no layer.
  if (!components.some(hasTallLayer)) return nodes.map((n) => ({ ...n }));
  const parts = components.map(wrapPart);
  // ELK's order: top to bottom, then left to right.
  parts.sort((a, b) => a.top - b.top || a.left - b.left);
  const area = parts.reduce(
    (a, p) => a + (p.width + COMPONENT_GAP) * (p.height + COMPONENT_GAP),
    0,
  );
  const rowWidth = Math.max(...parts.map((p) => p.width), Math.sqrt(area * 2.5));
  const out: Placed[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const p of parts) {
    if (x > 0 && x + p.width > rowWidth) {
      x = 0;
      y += rowHeight + COMPONENT_GAP;
      rowHeight = 0;
    }
    for (const n of p.nodes) out.push({ ...n, x: n.x + x, y: n.y + y });
    x += p.width + COMPONENT_GAP;
    rowHeight = Math.max(rowHeight, p.height);
  }
  return out;
}

function hasTallLayer(part: readonly Placed[]): boolean {
  const layers = new Map<number, number>();
  for (const n of part) layers.set(n.x, (layers.get(n.x) ?? 0) + 1);
  return [...layers.values()].some((c) => c > MAX_COLUMN);
}

/** The graph's connected parts (a node alone is one), each in ELK's coordinates. */
function componentsOf(
  nodes: readonly Placed[],
  links: readonly (readonly [string, string])[],
): Placed[][] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  for (const [a, b] of links) if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b));
  const parts = new Map<string, Placed[]>();
  for (const n of nodes) {
    const root = find(n.id);
    const part = parts.get(root);
    if (part) part.push(n);
    else parts.set(root, [n]);
  }
  return [...parts.values()];
}

/** One part with its tall layers wrapped, at (0, 0), with its size and where ELK had it. */
function wrapPart(part: readonly Placed[]): {
  nodes: Placed[];
  width: number;
  height: number;
  top: number;
  left: number;
} {
  const left = Math.min(...part.map((n) => n.x));
  const top = Math.min(...part.map((n) => n.y));
  const layers = new Map<number, Placed[]>();
  for (const n of part) {
    const m = { ...n, x: n.x - left, y: n.y - top };
    const layer = layers.get(m.x);
    if (layer) layer.push(m);
    else layers.set(m.x, [m]);
  }
  const ordered = [...layers.entries()].sort((a, b) => a[0] - b[0]);
  const oldHeight = Math.max(...part.map((n) => n.y - top + n.h));
  const wrapped = new Map<number, Placed[][]>();
  let newHeight = 0;
  for (const [x, l] of ordered) {
    if (l.length <= MAX_COLUMN) continue;
    const byY = [...l].sort((a, b) => a.y - b.y);
    const count = Math.ceil(byY.length / MAX_COLUMN);
    const rows = Math.ceil(byY.length / count);
    const columns: Placed[][] = [];
    for (let i = 0; i < byY.length; i += rows) columns.push(byY.slice(i, i + rows));
    for (const c of columns)
      newHeight = Math.max(
        newHeight,
        c.reduce((h, n) => h + n.h + ROW_GAP, -ROW_GAP),
      );
    wrapped.set(x, columns);
  }
  const scale = wrapped.size > 0 ? Math.min(1, newHeight / oldHeight) : 1;
  const nodes: Placed[] = [];
  let x = 0;
  let height = 0;
  for (const [oldX, l] of ordered) {
    const columns = wrapped.get(oldX);
    if (columns) {
      columns.forEach((column, c) => {
        let y = 0;
        for (const n of column) {
          nodes.push({ ...n, x: x + c * (NODE_W + COLUMN_GAP), y });
          y += n.h + ROW_GAP;
        }
      });
      x += columns.length * (NODE_W + COLUMN_GAP) - COLUMN_GAP + LAYER_GAP;
      continue;
    }
    let below = -Infinity;
    const layer: Placed[] = [];
    for (const n of [...l].sort((a, b) => a.y - b.y)) {
      const y = Math.max(n.y * scale, below);
      layer.push({ ...n, x, y });
      below = y + n.h + ROW_GAP;
    }
    // Beside wrapped columns, a layer's nodes sit at their middle: the kernel sixty types feed
    // had come out at their foot.
    const first = layer[0]!.y;
    const block = below - ROW_GAP - first;
    const shift = wrapped.size > 0 ? Math.max(0, (newHeight - block) / 2) - first : 0;
    for (const n of layer) nodes.push({ ...n, y: n.y + shift });
    x += NODE_W + LAYER_GAP;
  }
  for (const n of nodes) height = Math.max(height, n.y + n.h);
  return { nodes, width: x - LAYER_GAP, height, top, left };
}
