/** Queue fill levels, shared by the graph's kernel nodes and the Queues panel. */
export type DepthLevel = 'ok' | 'warning' | 'critical';

/** Green below 75 % of the real capacity, amber from 75 %, red from 90 %. */
export function depthLevel(queued: number, capacity: number): DepthLevel {
  const fill = capacity > 0 ? queued / capacity : 0;
  return fill >= 0.9 ? 'critical' : fill >= 0.75 ? 'warning' : 'ok';
}
