/**
 * The one store, sliced by concern: workspace (the config and its history), ui (selection,
 * theme, notices), live (the latest engine snapshot and the sinks it feeds: receipt ring, metrics
 * history, queue predictor) and trace (the open trace). High-frequency data lands in the live
 * slice's mutable sinks; components subscribe to its snapshot and version numbers with selectors.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { parseConfig, type GeneratorPreset, type RouteConfig } from '../core/config';
import { findType, parseNodeId, typeIdOfText, type EditResult } from './edits';
import { createLiveSlice, type LiveSlice } from './live';
import { createTraceSlice, type TraceSlice } from './trace';
import { createInjectFormSlice, type InjectFormSlice, type PublishFormState } from './injectForm';
import { createRecordingSlice, type RecordingSlice } from './recording';

const HISTORY_LIMIT = 200;

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Notice {
  id: number;
  kind: 'info' | 'error' | 'warning';
  text: string;
  /** A button in the notice ("Trace"), and what it says to a screen reader. */
  action?: NoticeAction;
  /** A notice of the same key replaces this one (a second send from the graph, its first's). */
  key?: string;
}

export interface NoticeAction {
  label: string;
  altText: string;
  run(): void;
}

export interface WorkspaceSlice {
  workspaceName: string;
  config: RouteConfig;
  past: RouteConfig[];
  future: RouteConfig[];
  /**
   * Counts undos and redos across a step that replaced the whole config (an import, a load, an
   * auto-layout, restore demo): the graph fits itself again when it moves (`GraphCanvas`), as
   * it did for the step itself. Undone, an import had left the demo's nodes as specks at the
   * imported graph's zoom.
   */
  wholeSteps: number;
  /** Apply an edit; a failed edit changes nothing and shows its error. */
  apply(result: EditResult): boolean;
  /**
   * Replace the config as one undoable step (imports, auto-layout, restore demo). Refused, with a
   * notice, when the result would not load back (so autosave never writes a "corrupt" workspace).
   */
  replace(config: RouteConfig, note: string): boolean;
  /** Positions while dragging: not a history step until the drag ends. */
  setTransient(config: RouteConfig): void;
  /**
   * The current step, finished: `config` takes the place of the current config within its
   * history step (its undo note kept), so one undo still goes back past both (an import laid out
   * once ELK is done, `placeOnLoad.ts`).
   */
  amend(config: RouteConfig): void;
  /** Record `before` as a history step (drag end). */
  pushHistory(before: RouteConfig): void;
  /** Steps back; says what it undid (status line) and selects what was selected before it. */
  undo(): void;
  /** Steps forward again; says what it redid. */
  redo(): void;
  openWorkspace(name: string, config: RouteConfig): void;
}

export type Dialog =
  | { kind: 'export' }
  | { kind: 'import'; text?: string; source?: string; preset?: GeneratorPreset | undefined };

export interface UiSlice {
  dialog: Dialog | null;
  openDialog(dialog: Dialog | null): void;
  selection: string[];
  selectedEdges: string[];
  theme: ThemeChoice;
  notices: Notice[];
  bottomTab: string;
  search: string;
  setSelection(nodes: string[], edges?: string[]): void;
  setTheme(theme: ThemeChoice): void;
  notify(
    kind: Notice['kind'],
    text: string,
    options?: { action?: NoticeAction; key?: string },
  ): void;
  dismiss(id: number): void;
  setBottomTab(tab: string): void;
  setSearch(text: string): void;
  /**
   * A panel's own state kept while the panel is away (its tab switched, its pane collapsed: the
   * dock unmounts it), by key (`whatif.pasted`); `ui/design/useKept.ts` reads and writes it as a
   * typed `useState`. Not stored across reloads.
   */
  kept: Readonly<Record<string, unknown>>;
  keep(key: string, value: unknown): void;
}

export type WorkbenchState = WorkspaceSlice &
  UiSlice &
  LiveSlice &
  TraceSlice &
  InjectFormSlice &
  RecordingSlice;

/** What a history step did and what was selected before it, for undo/redo's words and selection. */
interface StepMeta {
  note: string;
  selectionBefore: string[];
  /** A `replace`: the whole config at once. */
  whole?: boolean;
}

let noticeSeq = 0;

export function createWorkbenchStore(initial: { config: RouteConfig; workspaceName: string }) {
  // Keyed by the config a step produced: the step's words and the selection before it.
  const steps = new WeakMap<RouteConfig, StepMeta>();
  const existing = (config: RouteConfig, ids: readonly string[]) => {
    const known = new Set([
      ...config.messageTypes.map((t) => `type:${String(t.typeId)}`),
      ...config.kernels.map((k) => `kernel:${k.id}`),
    ]);
    return ids.filter((id) => known.has(id));
  };
  /**
   * `Imported "Fraud detection (demo)" (Ctrl+Z undoes it).` -> `Imported "Fraud detection (demo)"`
   * so it reads after "Undid: ": asides in brackets go, but not from a quoted name, whose brackets
   * had gone with them (`Undid: Imported "Fraud detection " .`).
   */
  const clause = (note: string) =>
    note
      .split(/("[^"]*")/)
      // Asides are phrases ("(Ctrl+Z undoes it)"); a bracketed id stays: "Undid: Removed the
      // route of AccountUpdate to …" had lost the "(1002)" its notice gave.
      .map((part, i) => (i % 2 ? part : part.replace(/\s*\([^)]*\s[^)]*\)/g, '')))
      .join('')
      .trim()
      .replace(/\.$/, '');
  /**
   * The publish form after undo or redo moves from config `from` to `to`: on a type that `from`
   * has and `to` has not (undoing + Type, which had put the form on the new type), it goes back to
   * its default, the first routed type; it had stayed on the type just taken away, whose sends
   * would all be dead-lettered as NoRoute. A type typed that neither has is the user's: kept.
   */
  const formAcross = (
    form: PublishFormState,
    from: RouteConfig,
    to: RouteConfig,
  ): { publishForm?: PublishFormState } => {
    const text = form.typeText;
    if (text === null || text.trim() === '') return {};
    // Read as the form reads it: an id, or a type's whole name.
    const has = (c: RouteConfig) => {
      const id = typeIdOfText(c, text);
      return id !== null && findType(c, id) !== undefined;
    };
    return has(from) && !has(to) ? { publishForm: { ...form, typeText: null } } : {};
  };
  return createStore<WorkbenchState>()((set, get, api) => ({
    ...createLiveSlice(set, get, api),
    ...createTraceSlice(set, get, api),
    ...createInjectFormSlice(set, get, api),
    ...createRecordingSlice(set, get, api),
    workspaceName: initial.workspaceName,
    config: initial.config,
    past: [],
    future: [],
    wholeSteps: 0,
    apply(result) {
      if (!result.ok) {
        get().notify('error', result.error);
        return false;
      }
      return get().replace(result.config, result.note);
    },
    replace(config, note) {
      // The workspace as it is, edited: a type id it already used twice (an older build's
      // import) does not block other edits. New input is checked strictly where it enters.
      const check = parseConfig(config, { reusedTypeIds: 'allow', reusedFieldNames: 'allow' });
      if (!check.ok) {
        const why = check.errors
          .slice(0, 3)
          .map((e) => `${e.path || '(config)'}: ${e.message}`)
          .join('; ');
        get().notify(
          'error',
          `Change refused: the workspace could not be saved and loaded back (${why}).`,
        );
        return false;
      }
      const { config: before, past, selection } = get();
      steps.set(check.config, { note: note || 'an edit', selectionBefore: selection, whole: true });
      set({ config: check.config, past: [...past, before].slice(-HISTORY_LIMIT), future: [] });
      if (note) get().notify('info', note);
      return true;
    },
    setTransient(config) {
      set({ config });
    },
    amend(config) {
      const step = steps.get(get().config);
      if (step) steps.set(config, step);
      set({ config });
    },
    pushHistory(before) {
      steps.set(get().config, { note: 'Moved nodes.', selectionBefore: get().selection });
      set({ past: [...get().past, before].slice(-HISTORY_LIMIT), future: [] });
    },
    undo() {
      const { past, config, future } = get();
      const prev = past.at(-1);
      if (!prev) return get().notify('info', 'Nothing to undo.');
      const step = steps.get(config);
      const selection = existing(prev, step?.selectionBefore ?? get().selection);
      set({
        ...formAcross(get().publishForm, config, prev),
        config: prev,
        past: past.slice(0, -1),
        future: [config, ...future],
        selection,
        selectedEdges: [],
        ...(step?.whole ? { wholeSteps: get().wholeSteps + 1 } : {}),
      });
      get().notify('info', `Undid: ${clause(step?.note ?? 'the last change')}.`);
    },
    redo() {
      const { past, config, future } = get();
      const next = future[0];
      if (!next) return get().notify('info', 'Nothing to redo.');
      set({
        ...formAcross(get().publishForm, config, next),
        config: next,
        past: [...past, config],
        future: future.slice(1),
        selection: existing(next, get().selection),
        selectedEdges: [],
        ...(steps.get(next)?.whole ? { wholeSteps: get().wholeSteps + 1 } : {}),
      });
      get().notify('info', `Redid: ${clause(steps.get(next)?.note ?? 'the change')}.`);
    },
    openWorkspace(name, config) {
      set({
        workspaceName: name,
        config,
        past: [],
        future: [],
        selection: [],
        selectedEdges: [],
        // "Sent 50,000 …" of another workspace's type, its Trace naming a message there.
        publishResult: null,
      });
    },

    dialog: null,
    openDialog(dialog) {
      set({ dialog });
    },
    selection: [],
    selectedEdges: [],
    theme: 'system',
    notices: [],
    bottomTab: 'inject',
    search: '',
    setSelection(nodes, edges = []) {
      // One message type selected: Inject's publish form takes that type, as a Node-RED inject
      // node belongs to what it feeds. Kernels, several nodes or none leave the form as it is.
      const only = nodes.length === 1 ? parseNodeId(nodes[0]!) : null;
      if (only?.kind === 'type' && only.key !== get().publishForm.typeText)
        set({
          selection: nodes,
          selectedEdges: edges,
          publishForm: { ...get().publishForm, typeText: only.key },
        });
      else set({ selection: nodes, selectedEdges: edges });
    },
    setTheme(theme) {
      set({ theme });
    },
    notify(kind, text, options) {
      // The same message again, or one of the same key, replaces the old one instead of stacking
      // up.
      const id = ++noticeSeq;
      const key = options?.key;
      const rest = get().notices.filter(
        (n) => n.text !== text && (key === undefined || n.key !== key),
      );
      const notice: Notice = {
        id,
        kind,
        text,
        ...(options?.action ? { action: options.action } : {}),
        ...(key === undefined ? {} : { key }),
      };
      set({ notices: [...rest, notice].slice(-4) });
    },
    dismiss(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
    setBottomTab(bottomTab) {
      set({ bottomTab });
    },
    setSearch(search) {
      set({ search });
    },
    kept: {},
    keep(key, value) {
      set({ kept: { ...get().kept, [key]: value } });
    },
  }));
}

export type WorkbenchStore = ReturnType<typeof createWorkbenchStore>;

let store: WorkbenchStore | null = null;

/** The app's store, created once at start-up by `initStore`. */
export function workbenchStore(): WorkbenchStore {
  if (!store) throw new Error('workbench store used before initStore()');
  return store;
}

export function initStore(initial: { config: RouteConfig; workspaceName: string }): WorkbenchStore {
  store = createWorkbenchStore(initial);
  return store;
}

export function useWorkbench<T>(selector: (s: WorkbenchState) => T): T {
  return useStore(workbenchStore(), selector);
}
