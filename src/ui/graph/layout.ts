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
  const positions: Record<string, { x: number; y: number }> = {};
  for (const c of graph.children ?? [])
    positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return positions;
}
