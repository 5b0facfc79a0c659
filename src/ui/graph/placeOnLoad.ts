/**
 * A config loaded without positions for most of its nodes (written by hand, read from Rust
 * without its `LAYOUT_JSON`) is laid out by ELK as it loads. Placed by `defaultPosition`, 85
 * types stood in one column 9,350 px tall: fitted, the graph was a grey column of dots.
 */
import type { RouteConfig } from '../../core/config';
import { workbenchStore } from '../../state/store';
import { autoLayout } from './layout';
import { kernelNodeId, typeNodeId } from '../../state/edits';
import { fitGraphAfterChange } from './view';

/** The share of `config`'s nodes its layout gives no position (0 to 1; 0 for no nodes). */
export function unplacedShare(config: RouteConfig): number {
  const ids = [
    ...config.messageTypes.map((t) => typeNodeId(t.typeId)),
    ...config.kernels.map((k) => kernelNodeId(k.id)),
  ];
  if (ids.length === 0) return 0;
  const layout = config.layout ?? {};
  return ids.filter((id) => !Object.hasOwn(layout, id)).length / ids.length;
}

/**
 * Once `loaded` (just put in place, one history step) has more than half its nodes unplaced, lays
 * it out and amends that step with ELK's positions for every node (the few given would overlap
 * them), then fits the graph. Left
 * as it is where the config changed meanwhile (an edit, an undo): Auto-layout is a click away.
 * Resolves to whether it laid the graph out.
 */
export async function layOutIfUnplaced(loaded: RouteConfig): Promise<boolean> {
  if (unplacedShare(loaded) <= 0.5) return false;
  let layout: Record<string, { x: number; y: number }>;
  try {
    layout = await autoLayout(loaded);
  } catch (err) {
    workbenchStore()
      .getState()
      .notify(
        'error',
        `Auto-layout of the imported config failed (${err instanceof Error ? err.message : String(err)}): its nodes keep the default positions; Auto-layout tries again.`,
      );
    return false;
  }
  const now = workbenchStore().getState();
  if (now.config !== loaded) return false;
  now.amend({ ...loaded, layout: { ...(loaded.layout ?? {}), ...layout } });
  fitGraphAfterChange();
  return true;
}
