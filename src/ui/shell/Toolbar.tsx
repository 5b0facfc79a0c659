import { useMemo, useRef, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import * as Menu from '@radix-ui/react-dropdown-menu';
import * as Dialog from '@radix-ui/react-dialog';
import { BackendBadge, TrafficControl } from './StatusBadges';
import { demoConfig } from '../../core/config';
import { addKernel, addType, type FlowRect } from '../../state/edits';
import { useWorkbench, workbenchStore, type ThemeChoice } from '../../state/store';
import { autoLayout } from '../graph/layout';
import { searchMatches, searchQuery } from '../graph/flow';
import { fitGraphAfterChange, graphRoom, graphView } from '../graph/view';
import { focusInspector } from '../inspector/focus';

import { workspaces } from '../../state/workspaces';

/** The graph's zoom controls along its left edge, with their margin (px). */
const ZOOM_CONTROLS_WIDTH = 60;

/** The graph pane's box on the page, or undefined while it is not laid out. */
function graphPane(): DOMRect | undefined {
  return document.querySelector('[data-testid="graph"]')?.getBoundingClientRect();
}

/**
 * One row at 1280 px and up: the frequent actions as buttons, the rare ones (save as, restore the
 * demo) in the More menu, the generator's Stop and the kernels' backend as badges on the right.
 */
/**
 * Undo or Redo pressed its last step and is disabled now: focus goes to the other one (enabled
 * now), not to the page, where a disabled button had dropped it.
 */
function keepFocusBeside(button: HTMLButtonElement, spent: boolean): void {
  if (!spent || document.activeElement !== button) return;
  const other =
    button.getAttribute('aria-label') === 'Undo'
      ? button.nextElementSibling
      : button.previousElementSibling;
  if (other instanceof HTMLButtonElement) {
    other.disabled = false;
    other.focus();
  }
}

/** What the search box's status says of its matches (some), the selected one's place among them. */
function searchStatus(matches: number, selected: number): string {
  if (selected < 0)
    return `${matches} ${matches === 1 ? 'node matches' : 'nodes match'}; Enter selects the first`;
  if (matches === 1) return '1 node matches, selected';
  return `Match ${selected + 1} of ${matches} selected; Enter selects the next, Shift+Enter the previous`;
}

export function Toolbar() {
  const name = useWorkbench((s) => s.workspaceName);
  const canUndo = useWorkbench((s) => s.past.length > 0);
  const moreRef = useRef<HTMLButtonElement>(null);
  const canRedo = useWorkbench((s) => s.future.length > 0);
  const theme = useWorkbench((s) => s.theme);
  const search = useWorkbench((s) => s.search);
  // The nodes that match what is typed (null while nothing is typed); with none every node is
  // dimmed, and the box says why.
  const searchConfig = useWorkbench((s) => s.config);
  // Worked out when the text or the config changes, not at every store update (each snapshot).
  const matchIds = useMemo(() => {
    const q = searchQuery(search);
    return q === '' ? null : searchMatches(searchConfig, q);
  }, [searchConfig, search]);
  const matches = matchIds?.length ?? null;
  // Which match is selected (one node alone), so Enter goes on to the next as a browser's find does.
  const selectedMatch = useWorkbench((s) =>
    matchIds && s.selection.length === 1 ? matchIds.indexOf(s.selection[0] ?? '') : -1,
  );
  const noMatch = matches === 0;
  const [saveAs, setSaveAs] = useState('');
  const [saveOpen, setSaveOpen] = useState(false);
  const [names, setNames] = useState(() => workspaces.list());
  const current = useWorkbench((s) => s.workspaceName);
  // The workspace a Save as would replace, if its name is taken by another than the open one
  // (whose config this is already).
  const replaces =
    saveAs.trim() !== current && names.includes(saveAs.trim()) ? saveAs.trim() : null;
  const [busy, setBusy] = useState(false);
  const s = () => workbenchStore().getState();
  const flow = useReactFlow();

  /**
   * Add a node, select it and bring it into view so the inspector edits it at once. Pressed from
   * the keyboard (a click's `detail` is 0 then), focus goes to the new node's first field: it took
   * eleven Tabs through the graph's elements to reach it.
   */
  function addAndShow(result: ReturnType<typeof addType>, fromKeyboard = false) {
    if (!s().apply(result) || !result.ok) return;
    const before = new Set(Object.keys(s().past.at(-1)?.layout ?? {}));
    const id = Object.keys(result.config.layout ?? {}).find((k) => !before.has(k));
    if (!id) return;
    s().setSelection([id]);
    // Pan the new node into view at the zoom the user chose, as little as shows it: the rest of
    // the graph stays in sight. Two frames: the node is drawn and measured by then.
    requestAnimationFrame(() => requestAnimationFrame(() => graphView.reveal?.(id)));
    if (fromKeyboard) focusInspector({ select: true });
  }

  /**
   * The part of the graph on screen, in flow units, less the room kept at its edges (`graphRoom`)
   * and the zoom controls at its left: where an added node can go without moving the view.
   */
  function viewInFlow(): FlowRect | undefined {
    const pane = graphPane();
    if (!pane || pane.width === 0 || pane.height === 0) return undefined;
    const { top, edge } = graphRoom(pane.height);
    const topLeft = flow.screenToFlowPosition({
      x: pane.left + ZOOM_CONTROLS_WIDTH,
      y: pane.top + top,
    });
    const bottomRight = flow.screenToFlowPosition({
      x: pane.right - edge,
      y: pane.bottom - edge,
    });
    return { left: topLeft.x, top: topLeft.y, right: bottomRight.x, bottom: bottomRight.y };
  }

  /**
   * Enter in the search box selects the first match and brings it into view (keyboard-only flow);
   * pressed again it goes on to the next match, Shift+Enter back, round at the ends. It had zoomed
   * to the first match each time, so the others could be reached only by typing more.
   */
  function selectMatch(back: boolean) {
    if (matchIds === null) return;
    if (matchIds.length === 0) return s().notify('warning', `Nothing matches "${search.trim()}".`);
    const n = matchIds.length;
    const at = selectedMatch < 0 ? (back ? n - 1 : 0) : (selectedMatch + (back ? n - 1 : 1)) % n;
    const id = matchIds[at];
    if (id === undefined) return;
    s().setSelection([id]);
    graphView.zoomTo?.(id);
  }

  async function layOut() {
    setBusy(true);
    try {
      const { config: before, workspaceName } = s();
      const layout = await autoLayout(before);
      // The layout is for the graph as it was; keep positions of nodes added meanwhile,
      // and drop it if another workspace was opened while ELK worked.
      const now = s();
      if (now.workspaceName !== workspaceName) return;
      // The new layout is seen whole from its first frame (fitted as the graph renders it, as an
      // import is): ELK's is larger than the hand-made one. Fitted two frames later, in a 200 ms
      // move, the nodes had stood past the pane's edge and under the minimap for 0.3–1 s under
      // load.
      const done = now.replace(
        { ...now.config, layout: { ...(now.config.layout ?? {}), ...layout } },
        'Laid out the graph (undo restores the old positions).',
      );
      // Asked before the graph renders the new config (that render comes after this code); a
      // refused change asks nothing, so no later, unrelated change is fitted in its place.
      if (done) fitGraphAfterChange();
    } catch (err) {
      s().notify(
        'error',
        `Auto-layout failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    // The page's banner, not an ARIA toolbar: a toolbar promises arrow keys between its controls,
    // and these are reached with Tab, as the form fields among them must be.
    <header className="toolbar" aria-label="Workbench">
      <h1 className="brand" title="Ring Dispatcher Workbench">
        <span className="brand-mark" aria-hidden="true">
          ◎
        </span>
        <span className="brand-text">Ring Dispatcher</span>
      </h1>
      <select
        className="workspace-select"
        value={name}
        onFocus={() => setNames(workspaces.list())}
        onChange={(e) => workspaces.open(e.target.value)}
        aria-label="Open workspace"
        title="Workspace"
      >
        {[...new Set([...names, name])].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <span className="sep" />
      <button
        type="button"
        className="icon-btn"
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
        disabled={!canUndo}
        onClick={(e) => {
          s().undo();
          keepFocusBeside(e.currentTarget, s().past.length === 0);
        }}
      >
        ↶
      </button>
      <button
        type="button"
        className="icon-btn"
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
        disabled={!canRedo}
        onClick={(e) => {
          s().redo();
          keepFocusBeside(e.currentTarget, s().future.length === 0);
        }}
      >
        ↷
      </button>
      <span className="sep" />
      <button
        type="button"
        onClick={(e) =>
          addAndShow(addType(s().config, { x: 0, y: -140 }, viewInFlow()), e.detail === 0)
        }
      >
        + Type
      </button>
      <button
        type="button"
        onClick={(e) =>
          addAndShow(addKernel(s().config, { x: 320, y: -160 }, viewInFlow()), e.detail === 0)
        }
      >
        + Kernel
      </button>
      {/* Off while ELK works, yet still focusable (aria-disabled): disabled, it had dropped the
          focus of a keyboard user who pressed it to the page (QA). */}
      <button
        type="button"
        aria-disabled={busy || undefined}
        title={busy ? 'Laying out the graph…' : undefined}
        onClick={() => {
          if (!busy) void layOut();
        }}
      >
        Auto-layout
      </button>
      <span className="sep" />
      <button type="button" onClick={() => s().openDialog({ kind: 'export' })}>
        Export…
      </button>
      <button type="button" onClick={() => s().openDialog({ kind: 'import' })}>
        Import…
      </button>
      <input
        type="search"
        className="toolbar-search"
        aria-label="Search nodes"
        // Said as it is typed: "zzz" dimmed every node and said nothing until Enter (QA).
        {...(noMatch
          ? {
              'aria-invalid': true,
              title: `Nothing matches "${search.trim()}": no type or kernel has it in its name or id`,
            }
          : {
              title:
                'Search types and kernels by name or id; Enter selects the first match, then the next (Shift+Enter the previous)',
            })}
        placeholder="Search…"
        value={search}
        onChange={(e) => s().setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            selectMatch(e.shiftKey);
          }
        }}
      />
      {/* Said to a screen reader as it is typed: aria-invalid alone is heard only on focus, so
          "zzz" told a screen-reader user nothing while every node dimmed. */}
      <span className="sr-only" role="status" aria-live="polite" data-testid="search-status">
        {matches === null
          ? ''
          : matches === 0
            ? `Nothing matches "${search.trim()}"`
            : searchStatus(matches, selectedMatch)}
      </span>
      <span className="grow" />
      <TrafficControl />
      <BackendBadge />
      <select
        className="theme-select"
        value={theme}
        onChange={(e) => s().setTheme(e.target.value as ThemeChoice)}
        aria-label="Theme"
        title="Theme"
      >
        <option value="system">◐ system</option>
        <option value="light">☀ light</option>
        <option value="dark">☾ dark</option>
      </select>
      <Menu.Root modal={false}>
        <Menu.Trigger asChild>
          <button
            type="button"
            ref={moreRef}
            className="icon-btn"
            aria-label="More actions"
            title="More actions"
          >
            ⋯
          </button>
        </Menu.Trigger>
        <Menu.Portal>
          <Menu.Content className="menu" align="end" sideOffset={4}>
            <Menu.Item
              className="menu-item"
              onSelect={() => {
                // The names as stored now, to say which one a name would replace.
                setNames(workspaces.list());
                setSaveOpen(true);
              }}
            >
              Save workspace as…
            </Menu.Item>
            <Menu.Item
              className="menu-item"
              onSelect={() =>
                // In the workspace open now, whatever its name: "Restored the demo workspace"
                // beside a selector still reading "qa-nopd" read as a switch to "demo" (QA).
                s().replace(
                  demoConfig(),
                  `Restored the demo's graph in workspace "${s().workspaceName}" (undo brings your graph back).`,
                )
              }
            >
              Restore demo
            </Menu.Item>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      <Dialog.Root open={saveOpen} onOpenChange={setSaveOpen}>
        <Dialog.Portal>
          <Dialog.Overlay className="dialog-overlay" />
          <Dialog.Content
            className="dialog small"
            aria-describedby={undefined}
            // Opened from a menu, it has no trigger to give the focus back to: closed, it had
            // left the focus on the page. Back to the menu's button.
            onCloseAutoFocus={(e) => {
              e.preventDefault();
              moreRef.current?.focus();
            }}
          >
            <Dialog.Title className="dialog-title">Save workspace as</Dialog.Title>
            <form
              className="dialog-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (workspaces.saveAs(saveAs)) {
                  setSaveAs('');
                  setNames(workspaces.list());
                  setSaveOpen(false);
                }
              }}
            >
              <label className="field">
                Name
                <input
                  aria-label="New workspace name"
                  placeholder="e.g. experiment"
                  value={saveAs}
                  maxLength={64}
                  autoFocus
                  onChange={(e) => setSaveAs(e.target.value)}
                />
              </label>
              {/* A name taken replaces that workspace's config: said before, as Record says it
                  ("replaces …"). It had been replaced without a word, an edit saved there lost. */}
              {replaces ? (
                <p className="dialog-warning" id="save-as-replaces">
                  A workspace named “{replaces}” exists: saving replaces its config with this one.
                </p>
              ) : null}
              <div className="dialog-actions">
                <Dialog.Close asChild>
                  <button type="button">Cancel</button>
                </Dialog.Close>
                <button
                  type="submit"
                  className="btn-primary"
                  disabled={!saveAs.trim()}
                  title={saveAs.trim() ? undefined : 'Type a name first (up to 64 characters).'}
                  aria-describedby={replaces ? 'save-as-replaces' : undefined}
                >
                  {replaces ? `Replace “${replaces}”` : 'Save as'}
                </button>
              </div>
            </form>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </header>
  );
}
