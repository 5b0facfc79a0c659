import { useEffect, useMemo } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { GraphCanvas } from '../ui/graph/GraphCanvas';
import { GraphActionsContext, type GraphActions } from '../ui/graph/actions';
import { Inspector } from '../ui/inspector/Inspector';
import { PanelBoundary } from '../ui/shell/ErrorBoundary';
import { Notices } from '../ui/shell/Notices';
import { ProblemsPanel } from '../ui/shell/ProblemsPanel';
import { Toolbar } from '../ui/shell/Toolbar';
import { useWorkbench, workbenchStore } from '../state/store';
import { copyNodes, pasteFragment, type Fragment } from '../state/edits';
import type { EngineClient } from '../engine/client';
import { ReceiptsPanel } from '../ui/live/ReceiptsPanel';
import { AccountingBar, QueuesPanel } from '../ui/live/QueuesPanel';
import { DeadLettersPanel } from '../ui/live/DeadLettersPanel';
import { MetricsPanel } from '../ui/metrics/MetricsPanel';
import { InjectPanel } from '../ui/inject/InjectPanel';
import { GpuPanel } from '../ui/gpu/GpuPanel';
import { PanelFault } from './faults';
import {
  PredictPanel,
  RecordPanel,
  TracePanel,
  WhatIfPanel,
  useTraceHighlight,
} from '../ui/analysis';
import { ConfigDialogs, readFileChecked } from '../ui/export/ConfigDialogs';

let clipboard: Fragment | null = null;

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' ||
      el.tagName === 'TEXTAREA' ||
      el.tagName === 'SELECT' ||
      el.isContentEditable)
  );
}

/** Undo/redo and copy/paste from the keyboard, anywhere but in a form field. */
function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isEditable(e.target) || !(e.ctrlKey || e.metaKey)) return;
      const s = workbenchStore().getState();
      if (s.dialog) return; // an open dialog owns the keyboard
      const key = e.key.toLowerCase();
      // Selected text (payload hex, a receipt) copies as text, not as graph nodes.
      if (key === 'c' && window.getSelection()?.isCollapsed === false) return;
      if (key === 'z' && !e.shiftKey) s.undo();
      else if ((key === 'z' && e.shiftKey) || key === 'y') s.redo();
      else if (key === 'c' && s.selection.length) {
        clipboard = copyNodes(s.config, s.selection);
        void navigator.clipboard?.writeText(JSON.stringify(clipboard)).catch(() => undefined);
        s.notify('info', `Copied ${s.selection.length} node(s).`);
      } else if (key === 'v' && clipboard) {
        const r = pasteFragment(s.config, clipboard);
        if (s.apply(r) && r.ok && r.nodeIds) s.setSelection(r.nodeIds);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function useTheme() {
  const theme = useWorkbench((s) => s.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', theme);
  }, [theme]);
}

const TABS = [
  { id: 'inject', label: 'Inject', Panel: InjectPanel },
  { id: 'receipts', label: 'Receipts', Panel: ReceiptsPanel },
  { id: 'queues', label: 'Queues', Panel: QueuesPanel },
  { id: 'metrics', label: 'Metrics', Panel: MetricsPanel },
  { id: 'deadletters', label: 'Dead letters', Panel: DeadLettersPanel },
  { id: 'trace', label: 'Trace', Panel: TracePanel },
  { id: 'whatif', label: 'What-if', Panel: WhatIfPanel },
  { id: 'predict', label: 'Predict', Panel: PredictPanel },
  { id: 'record', label: 'Record', Panel: RecordPanel },
  { id: 'gpu', label: 'GPU', Panel: GpuPanel },
  { id: 'problems', label: 'Problems', Panel: ProblemsPanel },
] as const;

export function App({ engine }: { engine: EngineClient }) {
  useShortcuts();
  useTheme();
  const highlighted = useTraceHighlight();
  const tab = useWorkbench((s) => s.bottomTab);
  const actions = useMemo<GraphActions>(
    () => ({
      inject: (typeId) =>
        engine.send({
          type: 'inject',
          typeId: typeof typeId === 'string' ? typeId : typeId,
          count: 1,
        }),
    }),
    [engine],
  );
  return (
    <GraphActionsContext.Provider value={actions}>
      <ReactFlowProvider>
        <div
          className="app"
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes('Files')) e.preventDefault();
          }}
          onDrop={async (e) => {
            const file = e.dataTransfer.files[0];
            if (!file) return;
            e.preventDefault();
            const s = workbenchStore().getState();
            const r = await readFileChecked(file);
            if (r.ok)
              s.openDialog({ kind: 'import', text: r.text, source: `dropped file ${file.name}` });
            else s.notify('error', r.error);
          }}
        >
          <Toolbar />
          <main className="main">
            <PanelBoundary name="graph">
              <GraphCanvas highlightedEdges={highlighted} />
            </PanelBoundary>
            <PanelBoundary name="inspector">
              <Inspector />
            </PanelBoundary>
          </main>
          <section className="dock" aria-label="Panels">
            <AccountingBar />
            <div role="tablist" aria-label="Panels">
              {TABS.map((t) => (
                <button
                  key={t.id}
                  role="tab"
                  id={`tab-${t.id}`}
                  aria-controls="dock-panel"
                  type="button"
                  aria-selected={tab === t.id}
                  onClick={() => workbenchStore().getState().setBottomTab(t.id)}
                >
                  {t.label}
                </button>
              ))}
            </div>
            <div
              role="tabpanel"
              id="dock-panel"
              aria-labelledby={`tab-${tab}`}
              className="dock-body"
            >
              {TABS.filter((t) => t.id === tab).map(({ id, Panel }) => (
                <PanelBoundary key={id} name={id}>
                  <PanelFault name={id} />
                  <Panel />
                </PanelBoundary>
              ))}
            </div>
          </section>
          <Notices />
          <PanelBoundary name="dialogs">
            <ConfigDialogs />
          </PanelBoundary>
        </div>
      </ReactFlowProvider>
    </GraphActionsContext.Provider>
  );
}
