import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../design/tokens.css';
import { ConfigDialogs } from './ConfigDialogs';
import { layOutIfUnplaced, unplacedShare } from '../graph/placeOnLoad';
import { cleanup, freshStore, render } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';
import { demoConfig, serializeConfig } from '../../core/config';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const openImport = () => store.getState().openDialog({ kind: 'import' });

/** The demo with `n` more types (5000, 5001, …), each routed to the aggregator. */
function withExtraTypes(n: number) {
  const demo = demoConfig();
  return {
    ...demo,
    messageTypes: [
      ...demo.messageTypes,
      ...Array.from({ length: n }, (_, i) => ({
        typeId: 5000 + i,
        name: `Extra${i}`,
        handlerId: 100 + i,
        fields: [{ name: 'id', type: 'u64' as const }],
      })),
    ],
    routes: [
      ...demo.routes,
      ...Array.from({ length: n }, (_, i) => ({ typeId: 5000 + i, kernelId: 'aggregator' })),
    ],
  };
}
const dialog = () => page.getByRole('dialog', { name: 'Import config' });
const box = () => dialog().getByRole('textbox', { name: 'Config text' });

describe('Import dialog', () => {
  it('keeps text closed with Escape or ✕ for the next Import…, and Cancel drops it', async () => {
    render(<ConfigDialogs />);
    openImport();
    await userEvent.fill(box(), '{"version": 1, "name": "half typed"');
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog()).not.toBeInTheDocument();
    expect(store.getState().dialog).toBeNull();

    openImport();
    await expect.element(box()).toHaveValue('{"version": 1, "name": "half typed"');
    await expect
      .element(dialog().getByTestId('import-origin'))
      .toHaveTextContent('from paste (kept from when Import was last closed; Cancel drops it)');
    // Its problems are listed again, as for any text in the box.
    await expect.element(dialog().getByTestId('import-errors')).toBeInTheDocument();

    // ✕ keeps it too.
    await userEvent.click(dialog().getByRole('button', { name: 'Close import' }));
    openImport();
    await expect.element(box()).toHaveValue('{"version": 1, "name": "half typed"');

    // Cancel is the way to let it go.
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
    openImport();
    await expect.element(box()).toHaveValue('');
  });

  // A file whose text is the kept draft's, byte for byte, is still a file: the note read "from
  // file same.json (kept from when Import was last closed; Cancel drops it)".
  it("names a file opened over a kept draft as the text's origin, even with the same text", async () => {
    render(<ConfigDialogs />);
    openImport();
    const draft = '{"version": 1, "name": "same"}';
    await userEvent.fill(box(), draft);
    await userEvent.keyboard('{Escape}');
    openImport();
    const origin = dialog().getByTestId('import-origin');
    await expect.element(origin).toHaveTextContent(/kept from when Import was last closed/);
    await userEvent.upload(
      dialog().getByLabelText('Config file'),
      new File([draft], 'same.json', { type: 'application/json' }),
    );
    await expect.element(origin).toHaveTextContent(/^from file same\.json$/);
    await expect.element(box()).toHaveValue(draft);
    // A draft that came from that very file, the file opened again: the file, not the draft.
    await userEvent.keyboard('{Escape}');
    openImport();
    await expect
      .element(origin)
      .toHaveTextContent(
        'from file same.json (kept from when Import was last closed; Cancel drops it)',
      );
    await userEvent.upload(
      dialog().getByLabelText('Config file'),
      new File([draft], 'same.json', { type: 'application/json' }),
    );
    await expect.element(origin).toHaveTextContent(/^from file same\.json$/);
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
  });

  // QA: 163 problems, 50 listed, and nothing said the rest were left off.
  it('says how many problems it left off the list', async () => {
    render(<ConfigDialogs />);
    const demo = demoConfig();
    const bad = {
      ...demo,
      routes: Array.from({ length: 60 }, (_, i) => ({ typeId: -1 - i, kernelId: 'nope' })),
    };
    store.getState().openDialog({ kind: 'import', text: JSON.stringify(bad), source: 'paste' });
    const errors = dialog().getByTestId('import-errors');
    await expect.element(errors).toBeInTheDocument();
    const total = Number(/(\d+) problems:/.exec(errors.element().textContent ?? '')![1]);
    expect(total).toBeGreaterThan(50);
    expect(errors.getByRole('listitem').elements()).toHaveLength(50);
    await expect
      .element(dialog().getByTestId('import-errors-more'))
      .toHaveTextContent(`… and ${total - 50} more problems (the first 50 are listed).`);
  });

  it('opens with the text it is given (a dropped file) over a kept draft', async () => {
    render(<ConfigDialogs />);
    openImport();
    await userEvent.fill(box(), 'draft');
    await userEvent.keyboard('{Escape}');
    store.getState().openDialog({ kind: 'import', text: '{"version": 1}', source: 'file a.json' });
    await expect.element(box()).toHaveValue('{"version": 1}');
    await expect
      .element(dialog().getByTestId('import-origin'))
      .toHaveTextContent(/^from file a\.json$/);
    // The file's preview, cancelled or closed, leaves the draft it never showed as it was.
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
    store.getState().openDialog({ kind: 'import', text: '{"version": 2}', source: 'file b.json' });
    await expect.element(box()).toHaveValue('{"version": 2}');
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog()).not.toBeInTheDocument();
    openImport();
    await expect.element(box()).toHaveValue('draft');
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
  });

  it('says where the text is from only when there is text: a refused file names itself', async () => {
    render(<ConfigDialogs />);
    openImport();
    await expect.element(box()).toHaveValue('');
    expect(dialog().getByTestId('import-origin').query()).toBeNull();
    await userEvent.upload(
      dialog().getByLabelText('Config file'),
      new File([new Uint8Array([0x7b, 0, 0x7d])], 'bin.json', { type: 'application/json' }),
    );
    await expect
      .element(dialog().getByRole('alert'))
      .toHaveTextContent(/^bin\.json is not a text file/);
    // No "from paste" beside a file's refusal with nothing in the box.
    expect(dialog().getByTestId('import-origin').query()).toBeNull();
    await userEvent.click(dialog().getByRole('button', { name: 'Cancel' }));
  });

  it("says the workbench's own WGSL export cannot be read back, not 20 Rust syntax errors (QA)", async () => {
    render(<ConfigDialogs />);
    openImport();
    await userEvent.upload(
      dialog().getByLabelText('Config file'),
      new File([serializeConfig(demoConfig(), 'wgsl')], 'demo.dispatch.wgsl', {
        type: 'text/wgsl',
      }),
    );
    const errors = dialog().getByTestId('import-errors');
    await expect.element(errors).toHaveTextContent(/this is WGSL, a shader/);
    await expect.element(errors).toHaveTextContent(/JSON, TOML or RingKernel Rust instead/);
    expect(errors.getByRole('listitem').elements()).toHaveLength(1);
    expect(dialog().element().textContent).not.toMatch(/Read as RingKernel Rust|syntax error/);
    await expect.element(dialog().getByRole('button', { name: /Apply/ })).toBeDisabled();
  });

  it('names a K2K route in the diff by both kernels (QA)', async () => {
    render(<ConfigDialogs />);
    const demo = demoConfig();
    const next = { ...demo, k2kRoutes: [{ dest: 'aggregator', nextHop: 'alert_sink' }] };
    store
      .getState()
      .openDialog({ kind: 'import', text: JSON.stringify(next), source: 'file k2k.json' });
    await expect
      .element(dialog().getByTestId('import-diff'))
      .toHaveTextContent('+ aggregator via alert_sink');
  });

  it('opens with the text box focused, so a paste lands in it (QA)', async () => {
    render(<ConfigDialogs />);
    openImport();
    await expect.element(box()).toHaveFocus();
  });

  it('keeps Apply import in view under a long diff (QA)', async () => {
    render(<ConfigDialogs />);
    // 60 new types: a diff of 120 lines above the buttons.
    const big = withExtraTypes(60);
    store
      .getState()
      .openDialog({ kind: 'import', text: JSON.stringify(big), source: 'file big.json' });
    const apply = dialog().getByRole('button', { name: 'Apply import' });
    await expect.element(apply).toBeEnabled();
    const r = apply.element().getBoundingClientRect();
    expect(r.bottom).toBeLessThanOrEqual(window.innerHeight);
    expect(r.top).toBeGreaterThanOrEqual(0);
    // The dialog does scroll: the diff is taller than the room it has.
    const modal = dialog().element();
    expect(modal.scrollHeight).toBeGreaterThan(modal.clientHeight);
  });
});

describe('Import of the config as it is', () => {
  it('says nothing was imported, and makes no undo step', async () => {
    render(<ConfigDialogs />);
    const steps = store.getState().past.length;
    const text = serializeConfig(store.getState().config, 'json');
    store.getState().openDialog({ kind: 'import', text, source: 'file demo.json' });
    await userEvent.click(dialog().getByRole('button', { name: 'Apply import' }));
    await expect.poll(() => store.getState().dialog).toBeNull();
    expect(store.getState().past.length).toBe(steps);
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Nothing imported: the config is identical to the current one.',
    );
  });
});

describe('Import of a config without positions', () => {
  // 85 types with no layout stood in one column 9,350 px tall: fitted, a grey column of dots (QA).
  it('lays the graph out as it loads, in the import step: one undo goes back past both', async () => {
    render(<ConfigDialogs />);
    const { layout: _none, ...bare } = { ...withExtraTypes(12), name: 'No positions' };
    const before = store.getState().config;
    const steps = store.getState().past.length;
    store
      .getState()
      .openDialog({ kind: 'import', text: JSON.stringify(bare), source: 'file bare.json' });
    await userEvent.click(dialog().getByRole('button', { name: 'Apply import' }));
    const ids = [
      ...bare.messageTypes.map((t) => `type:${t.typeId}`),
      ...bare.kernels.map((k) => `kernel:${k.id}`),
    ];
    await expect
      .poll(() => ids.filter((id) => store.getState().config.layout?.[id]).length, {
        timeout: 10_000,
      })
      .toBe(ids.length);
    // Spread out, not the one column `defaultPosition` gives: at least three columns.
    const xs = new Set(ids.map((id) => Math.round(store.getState().config.layout![id]!.x)));
    expect(xs.size).toBeGreaterThanOrEqual(3);
    expect(store.getState().config.name).toBe('No positions');
    expect(store.getState().past.length).toBe(steps + 1);
    store.getState().undo();
    expect(store.getState().config).toBe(before);
  });

  it('leaves a config whose nodes are placed as it came', async () => {
    const demo = demoConfig();
    expect(unplacedShare(demo)).toBe(0);
    const { layout: _none, ...bare } = demo;
    expect(unplacedShare(bare)).toBe(1);
    // Half placed: left as it is (the few missing get the default positions).
    const half = Object.fromEntries(Object.entries(demo.layout ?? {}).slice(0, 5));
    expect(unplacedShare({ ...demo, layout: half })).toBeLessThanOrEqual(0.5);
    store.getState().replace({ ...demo, name: 'Placed' }, '');
    const loaded = store.getState().config;
    await expect(layOutIfUnplaced(loaded)).resolves.toBe(false);
    expect(store.getState().config).toBe(loaded);
  });
});
