import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import { initStore } from '../state/store';
import { restoreGeneratorForm } from '../state/injectForm';
import { EngineContext } from '../ui/engineContext';
import { GpuBenchContext } from '../ui/gpu/benchContext';
import { noticeText } from '../ui/gpu/placement';
import { runBench } from '../gpu/check/checks';
import { syncCommands } from '../state/engineSync';
import { createEngineClient } from '../engine/client';
import { initialWorkspace, otherTabSaved, workspaces } from '../state/workspaces';
import { installTestApi } from './testApi';
import { installFaultHooks } from './faults';
import { installLastSession } from './lastSession';
import { recordingClient } from '../analysis/recording';
import { SHARE_PREFIX, decodeShareFragment, serializeConfig } from '../core/config';

/** How often the page's clock moves while no snapshot arrives, so stale values dim on time. */
const CLOCK_TICK_MS = 250;

const start = initialWorkspace();
const store = initStore({ config: start.config, workspaceName: start.name });
if (start.warning) store.getState().notify('error', start.warning);
installLastSession(store);

const THEME_KEY = 'rdw:v1:theme';
// Storage may refuse reads or writes (privacy modes, quota): the theme then lives in memory only.
let savedTheme: string | null = null;
try {
  savedTheme = localStorage.getItem(THEME_KEY);
} catch {
  savedTheme = null;
}
if (savedTheme === 'light' || savedTheme === 'dark') store.getState().setTheme(savedTheme);
store.subscribe((next, prev) => {
  if (next.theme === prev.theme) return;
  try {
    localStorage.setItem(THEME_KEY, next.theme);
  } catch {
    // Kept in memory; the workspace save reports storage trouble to the user.
  }
});

// What was typed into the generator form, kept across reloads (the route edits are, with the
// workspace; a reload had put the rate back to 1,000).
const GENERATOR_FORM_KEY = 'rdw:v1:generator-form';
try {
  const saved = localStorage.getItem(GENERATOR_FORM_KEY);
  if (saved !== null)
    store.getState().setGeneratorForm(restoreGeneratorForm(JSON.parse(saved) as unknown));
} catch {
  // Unreadable or refused: the form starts from its defaults.
}
store.subscribe((next, prev) => {
  if (next.generatorForm === prev.generatorForm) return;
  try {
    localStorage.setItem(GENERATOR_FORM_KEY, JSON.stringify(next.generatorForm));
  } catch {
    // Kept in memory for this page.
  }
});

const engine = recordingClient(
  createEngineClient({
    onSnapshot: (s) => store.getState().ingestSnapshot(s, Date.now()),
    // Where each kernel runs is the toolbar's backend badge, not a toast at every load; a kernel
    // on its CPU twin (a lost device, a move off WebGPU) is news worth a notice.
    onNotice: (n) => {
      const text = noticeText(n);
      // A move `auto` chose is information; a fallback for want of WebGPU is a warning.
      if (text !== null) store.getState().notify(n.chosen ? 'info' : 'warning', text);
    },
    onError: (e) => {
      store.getState().notify('error', `Engine: ${e.message}`);
      // The client restarts a crashed worker with the config it last loaded; edits made since went
      // as incremental commands, so hand the fresh worker the workspace as it is now.
      if (e.code === 'WorkerCrashed') {
        engine.send({ type: 'loadConfig', config: store.getState().config });
        // A fresh engine numbers receipts and messages from the start again: drop what the
        // page holds of the old one so rows and traces do not mix.
        store.getState().resetLive();
        store.getState().clearTrace();
        store.getState().clearPins();
        // Its Trace button names a message of the old engine.
        store.getState().setPublishResult(null);
      }
    },
  }),
  store.getState().recorder,
);
setInterval(() => store.getState().tickClock(Date.now()), CLOCK_TICK_MS);
engine.send({ type: 'loadConfig', config: start.config });

// Edits reach the running engine at once; the workspace autosaves shortly after.
let saveTimer: ReturnType<typeof setTimeout> | undefined;
store.subscribe((next, prev) => {
  if (next.config === prev.config) return;
  if (next.workspaceName !== prev.workspaceName)
    engine.send({ type: 'loadConfig', config: next.config });
  else
    for (const cmd of syncCommands(prev.config, next.config))
      void engine.request(cmd).then((reply) => {
        if (!reply.ok && reply.error.code !== 'WorkerCrashed') resync(reply.error.message);
      });
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flush, 250);
});
/**
 * The engine refused an incremental edit: the graph and the engine would disagree from here on,
 * so hand the engine the whole workspace again and say so.
 */
let resyncing = false;
function resync(why: string) {
  if (resyncing) return;
  resyncing = true;
  store
    .getState()
    .notify('warning', `The engine refused an edit (${why}); reloaded the workspace into it.`);
  void engine.request({ type: 'loadConfig', config: store.getState().config }).then((r) => {
    resyncing = false;
    if (!r.ok)
      store
        .getState()
        .notify(
          'error',
          `The engine refused this workspace (${r.error.message}): the graph is not what runs.`,
        );
  });
}

// Only a pending save is flushed on the way out: saving unconditionally would overwrite what
// another tab (or a person in devtools) wrote since.
function flush() {
  if (saveTimer === undefined) return;
  clearTimeout(saveTimer);
  saveTimer = undefined;
  workspaces.save();
}
window.addEventListener('pagehide', flush);
window.addEventListener('storage', (e) => otherTabSaved(e.key, e.newValue));
workspaces.save();

installTestApi({ store, engine });
installFaultHooks({ engine });

// A share link opens the import preview; it never applies or runs anything by itself.
function openShareLink() {
  const hash = location.hash.slice(1);
  if (!hash.startsWith(SHARE_PREFIX)) return;
  history.replaceState(null, '', location.pathname + location.search);
  const result = decodeShareFragment(hash);
  if (result.ok)
    store.getState().openDialog({
      kind: 'import',
      text: serializeConfig(result.config, 'json'),
      source: 'a share link',
      preset: result.preset,
    });
  else
    store.getState().notify(
      'error',
      `The share link is invalid: ${result.errors
        .map((e) => `${e.path || '(link)'}: ${e.message}`)
        .slice(0, 3)
        .join('; ')}`,
    );
}
openShareLink();
window.addEventListener('hashchange', openShareLink);

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <EngineContext.Provider value={engine}>
        <GpuBenchContext.Provider value={runBench}>
          <App engine={engine} />
        </GpuBenchContext.Provider>
      </EngineContext.Provider>
    </StrictMode>,
  );
