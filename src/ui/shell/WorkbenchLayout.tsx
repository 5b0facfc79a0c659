/**
 * The window below the toolbar: the graph and the inspector side by side, the dock of panels
 * under them, a status bar at the bottom. Every split is resizable (drag, or focus a separator and
 * use the arrow keys); the inspector and the dock collapse; sizes and the dock's panes are
 * remembered per workspace.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Group, Panel, Separator, usePanelRef } from 'react-resizable-panels';
import { useWorkbench } from '../../state/store';
import { Dock } from './Dock';
import { panes } from './panes';
import { cycleRegion } from './regions';
import {
  loadLayout,
  saveLayout,
  type DockModel,
  type PanelId,
  type SavedLayout,
} from './dockLayout';

/** localStorage, reached lazily: some browsers throw on the property itself. */
const storage = {
  getItem: (k: string) => window.localStorage.getItem(k),
  setItem: (k: string, v: string) => window.localStorage.setItem(k, v),
};

/**
 * The dock's first height: on a short window (1280x720) a little less, so the demo graph still
 * fits above it at a zoom where its nodes show their text and ▶ buttons (the graph's level of
 * detail switches below 0.55). The user's own size is remembered per workspace.
 */
const DOCK_DEFAULT = typeof window !== 'undefined' && window.innerHeight < 800 ? '46%' : '42%';

export interface WorkbenchLayoutProps {
  graph: ReactNode;
  inspector: ReactNode;
  status: ReactNode;
  renderPanel(id: PanelId): ReactNode;
  /** A count beside a dock tab's title (see `Dock`). */
  renderBadge?(id: PanelId): ReactNode;
}

export function WorkbenchLayout(props: WorkbenchLayoutProps) {
  const workspace = useWorkbench((s) => s.workspaceName);
  useRegionKeys();
  // A workspace brings its own layout: remount with it rather than patching the live one.
  return <LayoutFor key={workspace} workspace={workspace} {...props} />;
}

/** F6 / Shift+F6 between the window's regions (regions.ts). */
function useRegionKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'F6' || e.altKey || e.ctrlKey || e.metaKey) return;
      if (cycleRegion(e.shiftKey)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function LayoutFor({
  workspace,
  graph,
  inspector,
  status,
  renderPanel,
  renderBadge,
}: WorkbenchLayoutProps & { workspace: string }) {
  const saved = useMemo(() => loadLayout(workspace, storage), [workspace]);
  const dockPanel = usePanelRef();
  const inspectorPanel = usePanelRef();
  // Whether each is shown, for the status bar's toggles: collapsed from a button, by dragging its
  // separator to the edge, or restored with the layout, the panel's size says.
  const [dockShown, setDockShown] = useState(true);
  const [inspectorShown, setInspectorShown] = useState(true);
  const save = useCallback(
    (patch: SavedLayout) => saveLayout(workspace, patch, storage),
    [workspace],
  );
  // The group a status-bar button has just collapsed or expanded: its change is the user's, to
  // keep, though made through the panel's handle (a maximised dock's height, also set through it,
  // is not kept). Hidden from the buttons, the Inspector and the panels came back on reload.
  const toggled = useRef<'outer' | 'main' | null>(null);
  // A separator dragged to the edge collapses its panel, passing through the panel's least size,
  // which is what the library's expand restores: the dock came back at 150 px of the 297 it had
  // before the drag. The size at the press is kept for the toggle to restore instead.
  const pressed = useRef<Record<'outer' | 'main', number> | null>(null);
  // Kept with the layout too (`expandTo`): a panel hidden before a reload comes back at its size.
  const collapsedFrom = useRef<Record<'outer' | 'main', number | null>>({
    outer: saved.expandTo?.outer ?? null,
    main: saved.expandTo?.main ?? null,
  });
  const expandTo = useRef({ ...saved.expandTo });
  const keepExpandTo = (group: 'outer' | 'main', px: number) => {
    expandTo.current = { ...expandTo.current, [group]: px };
    save({ expandTo: expandTo.current });
  };
  useEffect(() => {
    // In the capture phase, on the window: the library takes the separators' presses itself
    // (a grab zone wider than the separator), and a press handler on one is never called.
    const press = () => {
      pressed.current = {
        outer: dockPanel.current?.getSize().inPixels ?? 0,
        main: inspectorPanel.current?.getSize().inPixels ?? 0,
      };
    };
    // Two frames later: the panels' sizes come through a ResizeObserver, after the event, and a
    // quick drag whose last move shut the panel was released before its size arrived.
    const release = () => {
      const was = pressed.current;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          if (pressed.current === was) pressed.current = null;
        }),
      );
    };
    window.addEventListener('pointerdown', press, true);
    window.addEventListener('pointerup', release, true);
    window.addEventListener('pointercancel', release, true);
    return () => {
      window.removeEventListener('pointerdown', press, true);
      window.removeEventListener('pointerup', release, true);
      window.removeEventListener('pointercancel', release, true);
    };
  }, [dockPanel, inspectorPanel]);
  const resized = (group: 'outer' | 'main', px: number) => {
    const at = pressed.current?.[group];
    if (at === undefined) return;
    // Collapsed by this drag: restore the size it started from. Dragged open again: nothing to.
    collapsedFrom.current[group] = px === 0 && at > 0 ? at : null;
    if (px === 0 && at > 0) keepExpandTo(group, at);
  };
  const toggle = (group: 'outer' | 'main') => {
    // The dock is the outer group's collapsible panel, the Inspector the main group's.
    const panel = (group === 'outer' ? dockPanel : inspectorPanel).current;
    if (!panel) return;
    toggled.current = group;
    const collapsed = panel.isCollapsed();
    const before = panel.getSize().inPixels;
    if (collapsed) panel.expand();
    else panel.collapse();
    // Nothing changed (no room to expand into): no change to wait for, and none to keep later.
    if (panel.isCollapsed() === collapsed) {
      toggled.current = null;
      return;
    }
    if (!collapsed) {
      // Hidden: the size it had is what it comes back at, after a reload too.
      collapsedFrom.current[group] = before;
      keepExpandTo(group, before);
      return;
    }
    const from = collapsedFrom.current[group];
    collapsedFrom.current[group] = null;
    if (from !== null && from > panel.getSize().inPixels) {
      toggled.current = group;
      panel.resize(from);
    }
  };
  const ours = (group: 'outer' | 'main', userInteraction: boolean): boolean => {
    if (toggled.current !== group) return userInteraction;
    toggled.current = null;
    return true;
  };
  // A panel asked for (a receipt's Trace, a problem) shows the dock as the Panels button does.
  const onReveal = () => {
    if (dockPanel.current?.isCollapsed()) toggle('outer');
  };
  // The skip links, to a pane hidden from the status bar, show it first (they had done nothing).
  useEffect(() => {
    panes.show = (which) => {
      const group = which === 'dock' ? 'outer' : 'main';
      const panel = (group === 'outer' ? dockPanel : inspectorPanel).current;
      if (!panel?.isCollapsed()) return false;
      toggle(group);
      // Shown, unless there was no room to expand it into.
      return !panel.isCollapsed();
    };
    return () => {
      panes.show = null;
    };
  });
  // A maximised pane takes the window's height too (the graph keeps its least height) and gives
  // it back when restored: "maximise" that only widened a pane within a dock of 300 px left the
  // receipts and tables as short as before.
  const heightBeforeMaximise = useRef<number | null>(null);
  const onDockModel = (dock: DockModel) => {
    save({ dock });
    const p = dockPanel.current;
    if (!p) return;
    const maximised = dock.maximizedTabsetId != null;
    if (maximised && heightBeforeMaximise.current === null) {
      heightBeforeMaximise.current = p.getSize().inPixels;
      p.resize('100%');
    } else if (!maximised && heightBeforeMaximise.current !== null) {
      p.resize(heightBeforeMaximise.current);
      heightBeforeMaximise.current = null;
    }
  };
  // A pane maximised before a reload comes back with the window's height too (the dock's model
  // brings the maximised pane back, but no change is reported for it): it had come back as wide
  // as the dock at the dock's own height. The height it had is the saved one, for Restore.
  const maximisedAtLoad = saved.dock?.maximizedTabsetId != null;
  useEffect(() => {
    const p = dockPanel.current;
    if (!maximisedAtLoad || !p || heightBeforeMaximise.current !== null) return;
    const height = p.getSize().inPixels;
    if (height <= 0) return;
    heightBeforeMaximise.current = height;
    p.resize('100%');
  }, [maximisedAtLoad, dockPanel]);

  return (
    <div className="layout">
      <Group
        id="rdw-outer"
        // The page's main landmark: the graph, the Inspector and the dock; the toolbar is its
        // banner and the status bar its footer. On the group itself: a <main> around it took
        // the height the group fills, wherever the app's styles were not there to pass it on.
        role="main"
        orientation="vertical"
        className="layout-outer"
        defaultLayout={saved.outer}
        // Not while a pane is maximised: the dock's height then is the maximised one.
        onLayoutChanged={(outer, meta) =>
          ours('outer', meta.isUserInteraction) &&
          heightBeforeMaximise.current === null &&
          save({ outer })
        }
      >
        <Panel id="layout-work" minSize="120px">
          <Group
            id="rdw-main"
            orientation="horizontal"
            defaultLayout={saved.main}
            onLayoutChanged={(main, meta) => ours('main', meta.isUserInteraction) && save({ main })}
          >
            <Panel id="layout-graph" minSize="320px">
              {graph}
            </Panel>
            <Separator className="sep-handle" aria-label="Resize inspector" />
            <Panel
              id="layout-inspector"
              panelRef={inspectorPanel}
              defaultSize="300px"
              minSize="240px"
              maxSize="45%"
              collapsible
              collapsedSize="0px"
              // Hidden, out of the Tab and F6 order: its controls had kept taking focus off-screen.
              inert={!inspectorShown}
              onResize={(size) => {
                setInspectorShown(size.inPixels > 0);
                resized('main', size.inPixels);
              }}
            >
              {inspector}
            </Panel>
          </Group>
        </Panel>
        <Separator className="sep-handle" aria-label="Resize panels" />
        <Panel
          id="layout-dock"
          panelRef={dockPanel}
          defaultSize={DOCK_DEFAULT}
          minSize="150px"
          collapsible
          collapsedSize="0px"
          inert={!dockShown}
          onResize={(size) => {
            setDockShown(size.inPixels > 0);
            resized('outer', size.inPixels);
          }}
        >
          <Dock
            model={saved.dock}
            renderPanel={renderPanel}
            renderBadge={renderBadge}
            onModelChanged={onDockModel}
            onReveal={onReveal}
          />
        </Panel>
      </Group>
      <footer className="statusbar">
        {status}
        <span className="grow" />
        <button
          type="button"
          className="btn-ghost btn-sm"
          aria-pressed={inspectorShown}
          title={inspectorShown ? 'Hide the inspector' : 'Show the inspector'}
          onClick={() => toggle('main')}
        >
          Inspector
        </button>
        <button
          type="button"
          className="btn-ghost btn-sm"
          aria-pressed={dockShown}
          title={dockShown ? 'Hide the panels' : 'Show the panels'}
          onClick={() => toggle('outer')}
        >
          Panels
        </button>
      </footer>
    </div>
  );
}
