import { describe, expect, it } from 'vitest';
import {
  PANEL_IDS,
  defaultDockModel,
  everyPaneCollapsible,
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

describe('panes made by a split', () => {
  it('are made collapsible, like the default panes, and a saved one is read so', () => {
    const model = readDockModel(defaultDockModel())!;
    expect(everyPaneCollapsible(model)).toBeNull();
    const root = model.root;
    if (root.type !== 'split') throw new Error('the default is a split');
    const [left, right] = root.children;
    if (right?.type !== 'tabset' || left?.type !== 'tabset') throw new Error('two panes');
    // What a split leaves: a third pane with Metrics, without the flag.
    const split = {
      ...model,
      root: {
        ...root,
        children: [
          left,
          { ...right, tabs: right.tabs.filter((t) => t.id !== 'metrics') },
          {
            type: 'tabset' as const,
            id: 'ts-3',
            selectedId: 'metrics' as const,
            tabs: right.tabs.filter((t) => t.id === 'metrics'),
          },
        ],
      },
    };
    const fixed = everyPaneCollapsible(split)!;
    expect(fixed).not.toBeNull();
    const panes = fixed.root.type === 'split' ? fixed.root.children : [];
    expect(panes.map((p) => p.type === 'tabset' && p.collapsible)).toEqual([true, true, true]);
    expect(split.root.children[2]).not.toHaveProperty('collapsible');
    const read = readDockModel(JSON.parse(JSON.stringify(split)))!;
    const readPanes = read.root.type === 'split' ? read.root.children : [];
    expect(readPanes.map((p) => p.type === 'tabset' && p.collapsible)).toEqual([true, true, true]);
  });
});
