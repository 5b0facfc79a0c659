/**
 * The window's layout, remembered per workspace: the split between the graph and the dock, the
 * inspector's width, and the dock's panes (which panel sits in which pane, which tab is selected,
 * pane sizes, collapsed panes). Stored under its own localStorage key per workspace name, beside
 * the workspace itself, so the route config format does not change. Anything unreadable falls
 * back to the default layout.
 */
import {
  normalizeWorkspaceModel,
  type Layout,
  type TabNode,
  type WorkspaceModel,
  type WorkspaceModelInput,
} from 'react-resizable-panels';

export const PANEL_IDS = [
  'inject',
  'queues',
  'predict',
  'whatif',
  'record',
  'gpu',
  'receipts',
  'deadletters',
  'metrics',
  'trace',
  'problems',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export const PANEL_TITLES: Record<PanelId, string> = {
  inject: 'Inject',
  queues: 'Queues',
  predict: 'Predict',
  whatif: 'What-if',
  record: 'Record',
  gpu: 'GPU',
  receipts: 'Receipts',
  deadletters: 'Dead letters',
  metrics: 'Metrics',
  trace: 'Trace',
  problems: 'Problems',
};

export function isPanelId(id: string): id is PanelId {
  return (PANEL_IDS as readonly string[]).includes(id);
}

/** Tab data is the panel id; a tab's id is the panel id too. */
export type DockModel = WorkspaceModel<PanelId>;

const tab = (id: PanelId): TabNode<PanelId> => ({
  id,
  title: PANEL_TITLES[id],
  data: id,
  disableClose: true,
});

/** What you act with on the left, what comes back on the right. */
export const LEFT_PANE: PanelId[] = ['inject', 'queues', 'predict', 'whatif', 'record', 'gpu'];
export const RIGHT_PANE: PanelId[] = ['receipts', 'deadletters', 'metrics', 'trace', 'problems'];

export function defaultDockModel(): WorkspaceModelInput<PanelId> {
  return {
    version: 1,
    root: {
      type: 'split',
      id: 'dock-root',
      orientation: 'horizontal',
      children: [
        {
          type: 'tabset',
          id: 'left',
          size: 46,
          collapsible: true,
          selectedId: 'inject',
          tabs: LEFT_PANE.map(tab),
        },
        {
          type: 'tabset',
          id: 'right',
          size: 54,
          collapsible: true,
          selectedId: 'receipts',
          tabs: RIGHT_PANE.map(tab),
        },
      ],
    },
  };
}

export interface SavedLayout {
  /** Sizes of the graph area and the dock (percent of the window below the toolbar). */
  outer?: Layout | undefined;
  /** Sizes of the graph and the inspector. */
  main?: Layout | undefined;
  dock?: DockModel | undefined;
  /**
   * The size, px, a collapsed dock (`outer`) or Inspector (`main`) comes back at when shown: the
   * library keeps it in memory only, and after a reload they came back at their least sizes
   * (150 px of the 395 the dock had, 240 of the Inspector's 576).
   */
  expandTo?: { outer?: number; main?: number } | undefined;
}

const KEY_PREFIX = 'rdw:v1:layout:';
export const layoutKey = (workspace: string) => `${KEY_PREFIX}${workspace}`;

function isLayout(v: unknown): v is Layout {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)
  );
}

function tabIds(model: DockModel): string[] {
  const out: string[] = [];
  const walk = (n: DockModel['root']) => {
    if (n.type === 'tabset') out.push(...n.tabs.map((t) => t.id));
    else n.children.forEach(walk);
  };
  walk(model.root);
  for (const f of model.floating ?? []) out.push(...f.tabs.map((t) => t.id));
  return out;
}

/**
 * The model with every pane collapsible, or null when each already is. The library gives the flag
 * only to the panes the default model names: a pane made by a split had no collapse button, and
 * its menu's Collapse was disabled.
 */
export function everyPaneCollapsible(model: DockModel): DockModel | null {
  let changed = false;
  const walk = (n: DockModel['root']): DockModel['root'] => {
    if (n.type === 'split') return { ...n, children: n.children.map(walk) };
    if (n.collapsible) return n;
    changed = true;
    return { ...n, collapsible: true };
  };
  const root = walk(model.root);
  return changed ? { ...model, root } : null;
}

/**
 * A saved dock model is used only when it holds every panel exactly once (panels cannot be
 * closed, and a build that adds a panel must not lose it); titles come from the code.
 */
export function readDockModel(value: unknown): DockModel | null {
  const model = normalizeWorkspaceModel<PanelId>(value, {
    mapTab: (t) => (isPanelId(t.id) ? tab(t.id) : null),
  });
  if (!model) return null;
  const ids = tabIds(model);
  if (ids.length !== PANEL_IDS.length || new Set(ids).size !== ids.length) return null;
  return everyPaneCollapsible(model) ?? model;
}

function readExpandTo(v: unknown): SavedLayout['expandTo'] {
  if (typeof v !== 'object' || v === null) return undefined;
  const out: { outer?: number; main?: number } = {};
  for (const k of ['outer', 'main'] as const) {
    const px = (v as Record<string, unknown>)[k];
    if (typeof px === 'number' && Number.isFinite(px) && px > 0 && px < 100_000) out[k] = px;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function loadLayout(workspace: string, storage: Pick<Storage, 'getItem'>): SavedLayout {
  try {
    const raw = storage.getItem(layoutKey(workspace));
    if (!raw) return {};
    const v = JSON.parse(raw) as Record<string, unknown>;
    return {
      outer: isLayout(v.outer) ? v.outer : undefined,
      main: isLayout(v.main) ? v.main : undefined,
      dock: readDockModel(v.dock) ?? undefined,
      expandTo: readExpandTo(v.expandTo),
    };
  } catch {
    // Unreadable storage or a mangled value: the default layout is a fine answer.
    return {};
  }
}

export function saveLayout(
  workspace: string,
  patch: SavedLayout,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): void {
  try {
    const next = { ...loadLayout(workspace, storage), ...patch };
    storage.setItem(layoutKey(workspace), JSON.stringify(next));
  } catch {
    // The layout is a convenience: a full or refusing storage keeps it for this session only.
  }
}
