/**
 * Workspaces in localStorage: an index of names plus one document per workspace, each a route
 * config as JSON export writes it. Loading validates through the config parser; a corrupt entry is
 * moved aside (never deleted) and reported, and the app opens the demo instead.
 */
import { parseConfig, type RouteConfig } from '../core/config';

const PREFIX = 'rdw:v1:';
const INDEX_KEY = `${PREFIX}index`;
const CURRENT_KEY = `${PREFIX}current`;
const workspaceKey = (name: string) => `${PREFIX}ws:${name}`;

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type LoadOutcome =
  | { kind: 'loaded'; name: string; config: RouteConfig }
  | { kind: 'empty' }
  | { kind: 'corrupt'; name: string; keptAs: string; problems: string[] };

export function listWorkspaces(storage: StorageLike): string[] {
  try {
    const raw = storage.getItem(INDEX_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function currentWorkspaceName(storage: StorageLike): string | null {
  return storage.getItem(CURRENT_KEY);
}

/** Save one workspace and mark it current. Returns an error message when storage refuses. */
export function saveWorkspace(
  storage: StorageLike,
  name: string,
  config: RouteConfig,
): string | null {
  try {
    storage.setItem(workspaceKey(name), JSON.stringify(config));
    const names = listWorkspaces(storage);
    if (!names.includes(name)) storage.setItem(INDEX_KEY, JSON.stringify([...names, name]));
    storage.setItem(CURRENT_KEY, name);
    return null;
  } catch (err) {
    return `Could not save workspace "${name}" (${err instanceof Error ? err.message : String(err)}). Your work is kept in memory; export it to a file to be safe.`;
  }
}

export function deleteWorkspace(storage: StorageLike, name: string): void {
  storage.removeItem(workspaceKey(name));
  storage.setItem(INDEX_KEY, JSON.stringify(listWorkspaces(storage).filter((n) => n !== name)));
}

export function loadWorkspace(storage: StorageLike, name: string): LoadOutcome {
  let raw: string | null;
  try {
    raw = storage.getItem(workspaceKey(name));
  } catch {
    raw = null;
  }
  if (raw === null) return { kind: 'empty' };
  // What this browser saved: a type id used twice (imported by an older build) loads, and
  // Problems says so, rather than the workspace going aside as corrupt.
  const result = parseConfig(raw, { reusedTypeIds: 'allow', reusedFieldNames: 'allow' });
  if (result.ok) return { kind: 'loaded', name, config: result.config };
  const keptAs = `${PREFIX}corrupt:${name}:${Date.now()}`;
  try {
    storage.setItem(keptAs, raw);
    storage.removeItem(workspaceKey(name));
  } catch {
    // Storage full: the corrupt text stays where it was, which also keeps it.
  }
  return {
    kind: 'corrupt',
    name,
    keptAs,
    problems: result.errors.slice(0, 5).map((e) => `${e.path || '(document)'}: ${e.message}`),
  };
}

/** Open what was current last time, or report why not. */
export function loadCurrent(storage: StorageLike): LoadOutcome {
  const name = currentWorkspaceName(storage);
  return name === null ? { kind: 'empty' } : loadWorkspace(storage, name);
}

/** What the page's storage offers: the Storage calls the workbench uses, listing included. */
export type BrowserStorage = StorageLike & {
  key(index: number): string | null;
  readonly length: number;
};

const memory = new Map<string, string>();
const memoryStorage: BrowserStorage = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
  key: (i) => [...memory.keys()][i] ?? null,
  get length() {
    return memory.size;
  },
};
let chosen: { storage: BrowserStorage; persistent: boolean } | null = null;

/**
 * The page's storage: localStorage, or, where the browser refuses it (blocked site data, a
 * sandboxed frame), an in-memory stand-in so the workbench still starts. `persistent` says which.
 */
export function browserStorage(): { storage: BrowserStorage; persistent: boolean } {
  if (chosen) return chosen;
  try {
    const ls = globalThis.localStorage;
    ls.getItem(INDEX_KEY);
    chosen = { storage: ls, persistent: true };
  } catch {
    chosen = { storage: memoryStorage, persistent: false };
  }
  return chosen;
}
