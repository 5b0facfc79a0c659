import { useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { demoConfig } from '../../core/config';
import { addKernel, addType, kernelNodeId, typeNodeId } from '../../state/edits';
import { useWorkbench, workbenchStore, type ThemeChoice } from '../../state/store';
import { autoLayout } from '../graph/layout';
import { workspaces } from '../../state/workspaces';

export function Toolbar() {
  const name = useWorkbench((s) => s.workspaceName);
  const canUndo = useWorkbench((s) => s.past.length > 0);
  const canRedo = useWorkbench((s) => s.future.length > 0);
  const theme = useWorkbench((s) => s.theme);
  const search = useWorkbench((s) => s.search);
  const [saveAs, setSaveAs] = useState('');
  const [names, setNames] = useState(() => workspaces.list());
  const [busy, setBusy] = useState(false);
  const s = () => workbenchStore().getState();
  const flow = useReactFlow();

  /** Add a node, select it and bring it into view so the inspector edits it at once. */
  function addAndShow(result: ReturnType<typeof addType>) {
    if (!s().apply(result) || !result.ok) return;
    const before = new Set(Object.keys(s().past.at(-1)?.layout ?? {}));
    const id = Object.keys(result.config.layout ?? {}).find((k) => !before.has(k));
    if (!id) return;
    s().setSelection([id]);
    // Pan the new node into view at the zoom the user chose: the rest of the graph stays in sight.
    requestAnimationFrame(() => {
      const node = flow.getNode(id);
      if (!node) return;
      const cx = node.position.x + (node.measured?.width ?? 220) / 2;
      const cy = node.position.y + (node.measured?.height ?? 90) / 2;
      void flow.setCenter(cx, cy, { zoom: flow.getZoom(), duration: 200 });
    });
  }

  /** Enter in the search box selects the first match and brings it into view (keyboard-only flow). */
  function selectFirstMatch() {
    const q = search.trim().toLowerCase();
    if (!q) return;
    const { config } = s();
    const type = config.messageTypes.find(
      (t) => t.name.toLowerCase().includes(q) || String(t.typeId).includes(q),
    );
    const kernel = type ? undefined : config.kernels.find((k) => k.id.toLowerCase().includes(q));
    const id = type ? typeNodeId(type.typeId) : kernel ? kernelNodeId(kernel.id) : null;
    if (!id) return s().notify('warning', `Nothing matches "${search}".`);
    s().setSelection([id]);
    void flow.fitView({ nodes: [{ id }], duration: 200, maxZoom: 1.2 });
  }

  return (
    <header className="toolbar" role="toolbar" aria-label="Workbench">
      <strong className="brand">Ring Dispatcher Workbench</strong>
      <label className="inline">
        Workspace
        <select
          value={name}
          onFocus={() => setNames(workspaces.list())}
          onChange={(e) => workspaces.open(e.target.value)}
          aria-label="Open workspace"
        >
          {[...new Set([...names, name])].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (workspaces.saveAs(saveAs)) {
            setSaveAs('');
            setNames(workspaces.list());
          }
        }}
      >
        <input
          aria-label="New workspace name"
          placeholder="save as…"
          value={saveAs}
          maxLength={64}
          onChange={(e) => setSaveAs(e.target.value)}
        />
        <button type="submit" disabled={!saveAs.trim()}>
          Save as
        </button>
      </form>
      <button
        type="button"
        onClick={() =>
          s().replace(demoConfig(), 'Restored the demo workspace (undo brings your graph back).')
        }
      >
        Restore demo
      </button>
      <span className="sep" />
      <button
        type="button"
        aria-label="Undo"
        title="Undo (Ctrl+Z)"
        disabled={!canUndo}
        onClick={() => s().undo()}
      >
        ↶ Undo
      </button>
      <button
        type="button"
        aria-label="Redo"
        title="Redo (Ctrl+Shift+Z)"
        disabled={!canRedo}
        onClick={() => s().redo()}
      >
        ↷ Redo
      </button>
      <span className="sep" />
      <button type="button" onClick={() => addAndShow(addType(s().config, { x: 0, y: -140 }))}>
        + Type
      </button>
      <button type="button" onClick={() => addAndShow(addKernel(s().config, { x: 420, y: -160 }))}>
        + Kernel
      </button>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const { config: before, workspaceName } = s();
            const layout = await autoLayout(before);
            // The layout is for the graph as it was; keep positions of nodes added meanwhile,
            // and drop it if another workspace was opened while ELK worked.
            const now = s();
            if (now.workspaceName !== workspaceName) return;
            now.replace(
              { ...now.config, layout: { ...(now.config.layout ?? {}), ...layout } },
              'Laid out the graph (undo restores the old positions).',
            );
          } catch (err) {
            s().notify(
              'error',
              `Auto-layout failed: ${err instanceof Error ? err.message : String(err)}`,
            );
          } finally {
            setBusy(false);
          }
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
        aria-label="Search nodes"
        placeholder="search types and kernels"
        value={search}
        onChange={(e) => s().setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') selectFirstMatch();
        }}
      />
      <span className="grow" />
      <label className="inline">
        Theme
        <select
          value={theme}
          onChange={(e) => s().setTheme(e.target.value as ThemeChoice)}
          aria-label="Theme"
        >
          <option value="system">system</option>
          <option value="light">light</option>
          <option value="dark">dark</option>
        </select>
      </label>
    </header>
  );
}
