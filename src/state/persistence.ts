/**
 * Workspaces in localStorage: an index of names plus one document per workspace, each a route
 * config as JSON export writes it. Loading validates through the config parser; a corrupt entry is
 * moved aside (never deleted) and reported, and the app opens the demo instead.
 */
import { INVISIBLE_CHARS, LIMITS, parseConfig, type RouteConfig } from '../core/config';

const PREFIX = 'rdw:v1:';
const INDEX_KEY = `${PREFIX}index`;
const CURRENT_KEY = `${PREFIX}current`;
export const workspaceKey = (name: string) => `${PREFIX}ws:${name}`;

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type LoadOutcome =
  | {
      kind: 'loaded';
      name: string;
      config: RouteConfig;
      /** What was mended to load a document saved under older rules (see `mendStored`). */
      mended?: string[];
    }
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

/**
 * Saved text as a config, touching no storage: what this browser saved, a type id used twice
 * (imported by an older build) loading, and Problems saying so, rather than the workspace going
 * aside as corrupt.
 */
const lenient = { reusedTypeIds: 'allow', reusedFieldNames: 'allow' } as const;
export function parseSaved(raw: string) {
  return parseConfig(raw, lenient);
}

export function loadWorkspace(storage: StorageLike, name: string): LoadOutcome {
  let raw: string | null;
  try {
    raw = storage.getItem(workspaceKey(name));
  } catch {
    raw = null;
  }
  if (raw === null) return { kind: 'empty' };
  const result = parseSaved(raw);
  if (result.ok) return { kind: 'loaded', name, config: result.config };
  // Saved before a rule was added (invisible characters in names, a generator preset past the
  // generator's limits): mended rather than moved aside, which had lost the workspace.
  const mend = mendStored(raw);
  if (mend !== null && mend.mended.length > 0) {
    const again = parseConfig(mend.doc, lenient);
    if (again.ok) return { kind: 'loaded', name, config: again.config, mended: mend.mended };
  }
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

/**
 * A stored document with what later rules refuse taken out: invisible characters (U+200B and the
 * like, refused in names since 6 December 2026) from every text and key alike, so an id and the
 * routes naming it still match; a generator preset's rate and accounts brought within the
 * generator's limits, and a preset whose rate is not a number above 0 dropped. Null when the
 * text is not JSON.
 */
export function mendStored(raw: string): { doc: unknown; mended: string[] } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return null;
  }
  const mended: string[] = [];
  let invisible = 0;
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = v.replace(INVISIBLE_CHARS, '');
      if (out !== v) invisible++;
      return out;
    }
    if (Array.isArray(v)) return v.map(clean);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [clean(k) as string, clean(x)] as const),
      );
    return v;
  };
  doc = clean(doc);
  if (invisible > 0)
    mended.push(
      `invisible characters taken out of ${invisible} ${invisible === 1 ? 'text' : 'texts'} (names, ids and what refers to them)`,
    );
  if (doc === null || typeof doc !== 'object') return { doc, mended };
  const presets = (doc as { generatorPresets?: unknown }).generatorPresets;
  if (Array.isArray(presets)) {
    const kept: unknown[] = [];
    for (const p of presets as Record<string, unknown>[]) {
      const rate = p?.['ratePerSec'];
      const label = `generator preset "${String(p?.['name'])}"`;
      if (typeof rate !== 'number' || !(rate > 0)) {
        mended.push(`${label} dropped (its rate was not above 0)`);
        continue;
      }
      const q = { ...p };
      if (rate > LIMITS.maxGeneratorRate) {
        q['ratePerSec'] = LIMITS.maxGeneratorRate;
        mended.push(
          `${label}: rate lowered to the generator's most, ${LIMITS.maxGeneratorRate.toLocaleString('en-US')}/s`,
        );
      }
      const accounts = p['accounts'];
      if (typeof accounts === 'number' && accounts > LIMITS.maxGeneratorAccounts) {
        q['accounts'] = LIMITS.maxGeneratorAccounts;
        mended.push(
          `${label}: accounts lowered to the generator's most, ${LIMITS.maxGeneratorAccounts.toLocaleString('en-US')}`,
        );
      }
      kept.push(q);
    }
    (doc as { generatorPresets?: unknown }).generatorPresets = kept;
  }
  return { doc, mended };
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
