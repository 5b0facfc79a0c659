import type { validateWorkspace } from '../../core/config';

export type Problem = ReturnType<typeof validateWorkspace>[number];

/** The graph element a problem points at: a node id or an edge id. */
export function problemElementId(p: Problem): string {
  switch (p.target.kind) {
    case 'type':
      return `type:${p.target.id}`;
    case 'kernel':
      return `kernel:${p.target.id}`;
    case 'route':
      return `route:${p.target.id}`;
    case 'k2k':
      return `k2k:${p.target.id}`;
  }
}

/** Worst severity per graph element, for rings on nodes and red edges. */
export function problemNodeIds(problems: readonly Problem[]): Map<string, 'error' | 'warning'> {
  const map = new Map<string, 'error' | 'warning'>();
  for (const p of problems) {
    const id = problemElementId(p);
    if (map.get(id) !== 'error') map.set(id, p.severity);
  }
  return map;
}
