import { describe, expect, it } from 'vitest';
import {
  PANEL_IDS,
  defaultDockModel,
  layoutKey,
  loadLayout,
  readDockModel,
  saveLayout,
} from './dockLayout';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    m,
  };
}

describe('dock layout', () => {
  it('the default puts Inject and Receipts side by side, every panel exactly once', () => {
    const model = readDockModel(defaultDockModel());
    expect(model).not.toBeNull();
    const root = model!.root;
    expect(root.type).toBe('split');
    if (root.type !== 'split') return;
    const [left, right] = root.children;
    expect(left?.type === 'tabset' && left.selectedId).toBe('inject');
    expect(right?.type === 'tabset' && right.selectedId).toBe('receipts');
    const ids = root.children.flatMap((c) => (c.type === 'tabset' ? c.tabs.map((t) => t.id) : []));
    expect([...ids].sort()).toEqual([...PANEL_IDS].sort());
  });

  it('refuses a saved model that lost or duplicated a panel, or is not a model', () => {
    const model = readDockModel(defaultDockModel())!;
    const lost = structuredClone(model);
    if (lost.root.type === 'split' && lost.root.children[0]?.type === 'tabset')
      lost.root.children[0].tabs.pop();
    expect(readDockModel(lost)).toBeNull();
    expect(readDockModel({ version: 1, root: 'nope' })).toBeNull();
    expect(readDockModel(null)).toBeNull();
  });

  it('saves per workspace and reads back; garbage falls back to the default', () => {
    const storage = memoryStorage();
    const dock = readDockModel(defaultDockModel())!;
    saveLayout('demo', { outer: { 'layout-work': 70, 'layout-dock': 30 } }, storage);
    saveLayout('demo', { dock }, storage);
    const back = loadLayout('demo', storage);
    expect(back.outer).toEqual({ 'layout-work': 70, 'layout-dock': 30 });
    expect(back.dock?.root).toEqual(dock.root);
    expect(loadLayout('other', storage)).toEqual({});
    storage.m.set(layoutKey('bad'), '{not json');
    expect(loadLayout('bad', storage)).toEqual({});
    storage.m.set(layoutKey('bad'), JSON.stringify({ outer: { a: 'x' }, dock: 5 }));
    expect(loadLayout('bad', storage)).toEqual({
      outer: undefined,
      main: undefined,
      dock: undefined,
    });
  });

  it('storage that throws leaves the default layout and never throws itself', () => {
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadLayout('demo', throwing)).toEqual({});
    expect(() => saveLayout('demo', { outer: {} }, throwing)).not.toThrow();
  });
});
