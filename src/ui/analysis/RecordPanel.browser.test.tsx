import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import { RecordPanel } from './RecordPanel';
import { cleanup, freshStore, inPane, render } from '../testing/browser';

let store: ReturnType<typeof freshStore>;
beforeEach(() => {
  localStorage.clear();
  store = freshStore();
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('Record panel', () => {
  it('names the next recording afresh, says when a name replaces one, and asks before deleting', async () => {
    render(<RecordPanel />);
    const name = page.getByRole('textbox', { name: 'Recording name' });
    await expect.element(name).toHaveValue('session 1');
    // Nothing sent while recording: nothing to keep, and it says so.
    await userEvent.click(page.getByRole('button', { name: 'Start recording' }));
    await userEvent.click(page.getByRole('button', { name: /^Stop recording/ }));
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(/^Nothing was recorded: .* “session 1” was not saved\.$/);
    await expect.element(page.getByTestId('recording-session 1')).not.toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: 'Start recording' }));
    store.getState().recorder.record({ type: 'inject', typeId: 1002, count: 5 });
    await userEvent.click(page.getByRole('button', { name: /^Stop recording/ }));
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(/^Saved “session 1”/);
    // Its row says what it holds.
    await expect
      .element(page.getByTestId('recording-session 1'))
      .toHaveTextContent(/session 1 1 command · \d+\.\d s · \d{4}-\d\d-\d\d \d\d:\d\d/);
    // A second recording does not take the first's name unasked.
    await expect.element(name).toHaveValue('session 2');
    await expect.element(page.getByRole('button', { name: 'Start recording' })).toBeEnabled();
    // Given it on purpose, the button says what will happen.
    await userEvent.fill(name, 'session 1');
    await expect
      .element(page.getByRole('button', { name: 'Start recording (replaces “session 1”)' }))
      .toBeVisible();
    // Delete asks first, in a dialog that takes focus; Keep keeps it and gives focus back.
    const row = page.getByTestId('recording-session 1');
    const del = row.getByRole('button', { name: 'Delete…' });
    await userEvent.click(del);
    const ask = page.getByRole('dialog', { name: 'Delete “session 1”' });
    await expect.element(ask).toBeVisible();
    expect(ask.element().contains(document.activeElement)).toBe(true);
    await userEvent.click(ask.getByRole('button', { name: 'Keep' }));
    await expect.element(row).toBeInTheDocument();
    await expect.poll(() => document.activeElement).toBe(del.element());
    // Escape cancels too.
    await userEvent.click(del);
    await expect.element(ask).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await expect.element(ask).not.toBeInTheDocument();
    await expect.element(row).toBeInTheDocument();
    await userEvent.click(del);
    await userEvent.click(ask.getByRole('button', { name: 'Delete' }));
    await expect.element(row).not.toBeInTheDocument();
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent('Deleted “session 1”.');
  });
});

describe('Record panel replaying headless', () => {
  it('counts its seconds while it replays, and cancels the replay on request', async () => {
    render(<RecordPanel />);
    await userEvent.click(page.getByRole('button', { name: 'Start recording' }));
    // Enough traffic that two replays take far longer than this test waits.
    for (let i = 0; i < 20; i++)
      store.getState().recorder.record({ type: 'inject', typeId: 1001, count: 1_000_000 });
    await userEvent.click(page.getByRole('button', { name: /^Stop recording/ }));
    const row = page.getByTestId('recording-session 1');
    await userEvent.click(row.getByRole('button', { name: 'Replay headless' }));
    await expect.element(row.getByRole('button', { name: /^Replaying… 0 s$/ })).toBeDisabled();
    await expect
      .element(row.getByRole('button', { name: /^Replaying… [1-9]\d* s$/ }), { timeout: 5000 })
      .toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Cancel headless replay' }));
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent('Headless replay of “session 1” cancelled.');
    await expect.element(row.getByRole('button', { name: 'Replay headless' })).toBeEnabled();
    await expect
      .element(page.getByRole('button', { name: 'Cancel headless replay' }))
      .not.toBeInTheDocument();
    // And no late answer from the ended worker replaces what the panel said.
    await new Promise((r) => setTimeout(r, 1000));
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent('Headless replay of “session 1” cancelled.');
  });
});

describe('Record in a half-width pane (1280x720)', () => {
  // Beside the recording's name its four actions wrapped onto three lines.
  it("puts a recording's actions on one line under its name", async () => {
    render(inPane(588, <RecordPanel />));
    await userEvent.click(page.getByRole('button', { name: 'Start recording' }));
    store.getState().recorder.record({ type: 'inject', typeId: 1002, count: 5 });
    await userEvent.click(page.getByRole('button', { name: /^Stop recording/ }));
    const row = page.getByTestId('recording-session 1');
    await expect.element(row).toBeVisible();
    const tops = row
      .getByRole('button')
      .elements()
      .map((b) => Math.round(b.getBoundingClientRect().top));
    expect(tops).toHaveLength(4);
    expect(new Set(tops).size).toBe(1);
    // Under the name, not beside it.
    const name = row.element().querySelector('td')!.getBoundingClientRect();
    expect(tops[0]!).toBeGreaterThanOrEqual(Math.round(name.bottom) - 1);
    const pane = page.getByTestId('pane').element();
    expect(pane.scrollWidth).toBeLessThanOrEqual(pane.clientWidth);
  });
});

describe('Record in a pane as narrow as it goes', () => {
  // A rate of 1e15 a second had imported ("Imported “gen huge”"), and its headless replay never
  // ended.
  it('refuses to import a recording whose commands the engine would refuse, saying which', async () => {
    render(<RecordPanel />);
    const file = new File(
      [
        JSON.stringify({
          version: 1,
          name: 'gen huge',
          workspace: 'demo',
          events: [{ atUs: 0, command: { type: 'startGenerator', spec: { ratePerSec: 1e15 } } }],
        }),
      ],
      'gen huge.recording.json',
      { type: 'application/json' },
    );
    await userEvent.upload(page.getByLabelText('Import recording'), file);
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(
        /^Not imported: “gen huge\.recording\.json”: events\[0\]\.command \(startGenerator\): ratePerSec must be/,
      );
    // In a live region that was there before the message: it is announced.
    expect(page.getByTestId('record-message').element().parentElement?.getAttribute('role')).toBe(
      'status',
    );
    // A route config (Export's file) says what it is and where it goes.
    await userEvent.upload(
      page.getByLabelText('Import recording'),
      new File(
        [JSON.stringify({ version: 1, messageTypes: [], kernels: [], routes: [] })],
        'export.json',
        {
          type: 'application/json',
        },
      ),
    );
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(
        'Not imported: “export.json”: This is a route config, not a recording: open it with Import… in the toolbar.',
      );
    // Read as the config dialog reads files: an image says it is not text, an empty file empty
    // (a PNG's bytes had been shown in the parser's message).
    await userEvent.upload(
      page.getByLabelText('Import recording'),
      new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])], 's0.png', {
        type: 'image/png',
      }),
    );
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(
        "Not imported: s0.png is not a text file (a NUL byte at offset 8); a recording is JSON text, as a recording's Export writes it.",
      );
    await userEvent.upload(
      page.getByLabelText('Import recording'),
      new File([''], 'empty.json', { type: 'application/json' }),
    );
    await expect
      .element(page.getByTestId('record-message'))
      .toHaveTextContent(
        "Not imported: empty.json is empty; a recording is JSON text, as a recording's Export writes it.",
      );
    expect(Object.keys(localStorage).filter((k) => k.startsWith('rdw:v1:rec:'))).toEqual([]);
  });

  // QA: a file named as a recording held here replaced it without a word (Undo does not bring a
  // recording back).
  it('imports a recording named as one held here under a name of its own', async () => {
    render(<RecordPanel />);
    const file = (events: number) =>
      new File(
        [
          JSON.stringify({
            version: 1,
            name: 'qa run',
            workspace: 'demo',
            events: Array.from({ length: events }, (_, i) => ({
              atUs: i * 1000,
              command: { type: 'inject', typeId: 1001, count: 1 },
            })),
          }),
        ],
        'qa run.recording.json',
        { type: 'application/json' },
      );
    const input = page.getByLabelText('Import recording');
    await userEvent.upload(input, file(4));
    await expect.element(page.getByText('Imported “qa run”.')).toBeVisible();
    await userEvent.upload(input, file(1));
    await expect
      .element(
        page.getByText('Imported as “qa run (2)”: a recording named “qa run” is kept as it was.'),
      )
      .toBeVisible();
    const held = (name: string) => {
      const key = Object.keys(localStorage).find(
        (k) => k.startsWith('rdw:v1:rec:') && k.endsWith(`:${name}`),
      );
      return JSON.parse(localStorage.getItem(key ?? '') ?? 'null') as { events: unknown[] } | null;
    };
    expect(held('qa run')?.events).toHaveLength(4);
    expect(held('qa run (2)')?.events).toHaveLength(1);
  });

  it('keeps its Import control inside the pane', async () => {
    render(inPane(240, <RecordPanel />));
    const input = page.getByLabelText('Import recording');
    await expect.element(input).toBeInTheDocument();
    const pane = page.getByTestId('pane').element();
    // The file input's own width had widened the pane's content to 356 px.
    expect(pane.scrollWidth).toBeLessThanOrEqual(pane.clientWidth);
    expect(input.element().getBoundingClientRect().right).toBeLessThanOrEqual(
      pane.getBoundingClientRect().right,
    );
  });
});
