import { describe, expect, it } from 'vitest';
import { demoConfig } from '../core/config';
import { createWorkbenchStore } from './store';

describe('workbench store', () => {
  it('refuses a change that would not load back, keeps the config and says why', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const before = store.getState().config;
    const bad = {
      ...before,
      kernels: before.kernels.map((k, i) => (i === 0 ? { ...k, id: 'x\u0007y' } : k)),
    };
    expect(store.getState().replace(bad, 'nope')).toBe(false);
    expect(store.getState().config).toBe(before);
    expect(store.getState().past).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.kind).toBe('error');
  });

  it('undo and redo walk the history', () => {
    const store = createWorkbenchStore({ config: demoConfig(), workspaceName: 'demo' });
    const a = store.getState().config;
    expect(store.getState().replace({ ...a, name: 'b' }, '')).toBe(true);
    store.getState().undo();
    expect(store.getState().config.name).toBe(a.name);
    store.getState().redo();
    expect(store.getState().config.name).toBe('b');
  });
});
