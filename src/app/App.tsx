import { useCallback, useEffect, useMemo, type ComponentType } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import * as Tooltip from '@radix-ui/react-tooltip';
import { GraphCanvas } from '../ui/graph/GraphCanvas';
import { GraphActionsContext, type GraphActions } from '../ui/graph/actions';
import { injectFromGraph } from '../ui/graph/injectFromGraph';
import { undoRedoOf } from '../ui/shell/undoKeys';
import { Inspector } from '../ui/inspector/Inspector';
import { PanelBoundary } from '../ui/shell/ErrorBoundary';
import { Notices } from '../ui/shell/Notices';
import { SkipGraph } from '../ui/shell/SkipGraph';
import { ProblemsPanel } from '../ui/shell/ProblemsPanel';
import { Toolbar } from '../ui/shell/Toolbar';
import { WorkbenchLayout } from '../ui/shell/WorkbenchLayout';
import { PanelBadge } from '../ui/shell/PanelBadge';
import type { PanelId } from '../ui/shell/dockLayout';
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
import { ConfigDialogs } from '../ui/export/ConfigDialogs';
import { readFileChecked } from '../ui/design/readFile';

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
      // Taken already by the element it was pressed in (the Inspector's form undoes on a button
      // too): one Ctrl+Z there had undone two steps (QA).
      if (e.defaultPrevented) return;
      if (isEditable(e.target) || !(e.ctrlKey || e.metaKey)) return;
      const s = workbenchStore().getState();
      if (s.dialog) return; // an open dialog owns the keyboard
      const key = e.key.toLowerCase();
      // Selected text (payload hex, a receipt) copies as text, not as graph nodes.
      if (key === 'c' && window.getSelection()?.isCollapsed === false) return;
      const asked = undoRedoOf(e);
      if (asked === 'undo') s.undo();
      else if (asked === 'redo') s.redo();
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

const PANELS: Record<PanelId, ComponentType> = {
  inject: InjectPanel,
  receipts: ReceiptsPanel,
  queues: QueuesPanel,
  metrics: MetricsPanel,
  deadletters: DeadLettersPanel,
  trace: TracePanel,
  whatif: WhatIfPanel,
  predict: PredictPanel,
  record: RecordPanel,
  gpu: GpuPanel,
  problems: ProblemsPanel,
};

export function App({ engine }: { engine: EngineClient }) {
  useShortcuts();
  useTheme();
  const highlighted = useTraceHighlight();
  const actions = useMemo<GraphActions>(
    () => ({
      inject: (typeId) => void injectFromGraph(engine, typeId),
    }),
    [engine],
  );
  const renderBadge = useCallback((id: PanelId) => <PanelBadge id={id} />, []);
  const renderPanel = useCallback((id: PanelId) => {
    const Panel = PANELS[id];
    return (
      <PanelBoundary name={id}>
        <PanelFault name={id} />
        <Panel />
      </PanelBoundary>
    );
  }, []);
  return (
    <GraphActionsContext.Provider value={actions}>
      <Tooltip.Provider delayDuration={300}>
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
            <WorkbenchLayout
              graph={
                // Notices sit in the graph's top-left corner: never over the Inspector's
                // heading or the dock's controls.
                <div className="graph-slot">
                  <SkipGraph />
                  <PanelBoundary name="graph">
                    <GraphCanvas highlightedEdges={highlighted} />
                  </PanelBoundary>
                  <Notices />
                </div>
              }
              inspector={
                <PanelBoundary name="inspector">
                  <Inspector />
                </PanelBoundary>
              }
              status={<AccountingBar />}
              renderPanel={renderPanel}
              renderBadge={renderBadge}
            />
            <PanelBoundary name="dialogs">
              <ConfigDialogs />
            </PanelBoundary>
          </div>
        </ReactFlowProvider>
      </Tooltip.Provider>
    </GraphActionsContext.Provider>
  );
}
