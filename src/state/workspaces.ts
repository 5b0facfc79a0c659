/**
 * Named workspaces: autosave of the open one, switching, save-as and corrupt-data recovery, on top
 * of the storage functions in state/persistence.
 */
import { demoConfig, type RouteConfig } from '../core/config';
import {
  browserStorage,
  listWorkspaces,
  loadCurrent,
  loadWorkspace,
  parseSaved,
  saveWorkspace,
  workspaceKey,
  type StorageLike,
} from './persistence';
import { workbenchStore } from './store';
import { sameValue } from './sameValue';

export const DEMO_NAME = 'demo';

function storage(): StorageLike {
  return browserStorage().storage;
}

/** The demo as the user last saved it, or a fresh one. */
function savedDemo(): RouteConfig {
  const saved = loadWorkspace(storage(), DEMO_NAME);
  return saved.kind === 'loaded' ? saved.config : demoConfig();
}

/** What a workspace saved under older rules needed to load, as a notice; null when nothing. */
function mendedText(outcome: { name: string; mended?: string[] }): string | null {
  return outcome.mended?.length
    ? `Workspace "${outcome.name}" was saved before rules it breaks were added, and was loaded mended: ${outcome.mended.join('; ')}.`
    : null;
}

/** Decide what opens at start-up; a corrupt save is kept aside and reported, never fatal. */
export function initialWorkspace(): { name: string; config: RouteConfig; warning: string | null } {
  let outcome;
  try {
    outcome = loadCurrent(storage());
  } catch (err) {
    return {
      name: DEMO_NAME,
      config: demoConfig(),
      warning: `Saved workspaces could not be read (${String(err)}); opened the demo.`,
    };
  }
  if (outcome.kind === 'loaded')
    return { name: outcome.name, config: outcome.config, warning: mendedText(outcome) };
  if (outcome.kind === 'corrupt')
    return {
      name: DEMO_NAME,
      config: savedDemo(),
      warning: `The saved workspace "${outcome.name}" is corrupt and was kept aside as "${outcome.keptAs}"; opened the demo instead. Problems: ${outcome.problems.join('; ')}`,
    };
  const blocked = browserStorage().persistent
    ? null
    : 'Saved workspaces could not be read: this browser refuses local storage here, so workspaces last only while this tab is open. Export them to keep them.';
  return { name: DEMO_NAME, config: savedDemo(), warning: blocked };
}

/**
 * Another tab saved the workspace open here (the `storage` event of `key`): said, with the way to
 * take that version, since the next edit here saves over it. Two tabs on one workspace had
 * overwritten each other's imports without a word, the last to save winning (QA).
 */
export function otherTabSaved(key: string | null, newValue: string | null): void {
  const s = workbenchStore().getState();
  const name = s.workspaceName;
  if (key !== workspaceKey(name) || newValue === null) return;
  // Read from the event, touching no storage (a text this build cannot read is left where it is),
  // and kept: Load it takes this version, not whatever this tab saved since.
  const theirs = parseSaved(newValue);
  if (!theirs.ok) return;
  // The same config (a tab opening saves what it loaded): nothing to say.
  if (sameValue(theirs.config, s.config)) return;
  s.notify(
    'warning',
    `Workspace "${name}" was changed in another tab. An edit here saves over that; Load it takes the other tab's version (Ctrl+Z brings this one back).`,
    {
      key: `other-tab:${name}`,
      action: {
        label: 'Load it',
        altText: `Load workspace "${name}" as the other tab saved it`,
        run: () => {
          const now = workbenchStore().getState();
          if (now.workspaceName !== name)
            return now.notify(
              'info',
              `Not loaded: workspace "${now.workspaceName}" is open now, not "${name}".`,
            );
          now.replace(theirs.config, `Loaded workspace "${name}" as the other tab saved it.`);
        },
      },
    },
  );
}

export const workspaces = {
  list(): string[] {
    const names = listWorkspaces(storage());
    return names.includes(DEMO_NAME) ? names : [DEMO_NAME, ...names];
  },
  save(): void {
    const { workspaceName, config, notify } = workbenchStore().getState();
    const err = saveWorkspace(storage(), workspaceName, config);
    if (err) notify('error', err);
  },
  saveAs(name: string): boolean {
    const clean = name.trim();
    const s = workbenchStore().getState();
    if (!clean) return false;
    const err = saveWorkspace(storage(), clean, s.config);
    if (err) {
      s.notify('error', err);
      return false;
    }
    s.openWorkspace(clean, s.config);
    s.notify('info', `Saved as workspace "${clean}".`);
    return true;
  },
  open(name: string): void {
    const s = workbenchStore().getState();
    workspaces.save();
    const outcome = loadWorkspace(storage(), name);
    if (outcome.kind === 'loaded') {
      s.openWorkspace(name, outcome.config);
      saveWorkspace(storage(), name, outcome.config);
      const mended = mendedText(outcome);
      if (mended) s.notify('warning', mended);
    } else if (outcome.kind === 'corrupt') {
      s.notify(
        'error',
        `Workspace "${name}" is corrupt; kept aside as "${outcome.keptAs}". ${outcome.problems.join('; ')}`,
      );
    } else if (name === DEMO_NAME) {
      s.openWorkspace(DEMO_NAME, demoConfig());
    } else s.notify('error', `No saved workspace named "${name}".`);
  },
};
