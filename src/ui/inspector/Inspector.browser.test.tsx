import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StrictMode } from 'react';
import { page, userEvent } from 'vitest/browser';
import { Inspector } from './Inspector';
import { cleanup, freshStore, inPane, kernelRow, render, snapshot } from '../testing/browser';
import type { EngineSnapshot } from '../../engine/protocol';

type KernelRow = EngineSnapshot['kernels'][number];
import '../design/tokens.css';
import '../design/controls.css';
import './inspector.css';
import type { WorkbenchStore } from '../../state/store';
import { demoConfig } from '../../core/config';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
  store.getState().setSelection(['kernel:aggregator']);
});
afterEach(cleanup);

const capacityOf = (id: string) =>
  store.getState().config.kernels.find((k) => k.id === id)?.queueCapacity;

function Page() {
  return (
    <div>
      <Inspector />
      <button type="button">elsewhere</button>
    </div>
  );
}

describe('Inspector (issue 13, point 9)', () => {
  it('shows what the selected kernel is doing now above its settings, and follows the snapshots', async () => {
    render(inPane(300, <Page />));
    // No snapshot yet: no figures to show.
    await expect.element(page.getByRole('form', { name: 'Kernel aggregator' })).toBeVisible();
    expect(page.getByTestId('kernel-now').elements()).toHaveLength(0);
    const at = (k: Partial<KernelRow>, wall: number) =>
      store
        .getState()
        .ingestSnapshot(
          snapshot({ kernels: [kernelRow({ id: 'aggregator', capacity: 4096, ...k })] }),
          wall,
        );
    at(
      { ratePerSec: 1_100_000, queued: 12, peakQueued: 300, processed: 5_000_000, dropped: 0 },
      Date.now(),
    );
    // Named in its heading: the Kernel id field is below the figures.
    await expect
      .element(page.getByRole('heading', { level: 2 }))
      .toHaveTextContent('Kernel aggregator');
    const now = page.getByRole('region', { name: 'aggregator now' });
    await expect.element(now).toHaveTextContent(/Rate1\.10\sM\/s/);
    await expect.element(now).toHaveTextContent(/Queue≤300 \/ 4,096/);
    await expect.element(now).toHaveTextContent(/Processed5,000,000/);
    await expect.element(now).toHaveTextContent(/Refused or evicted0/);
    await expect.element(now).toHaveTextContent(/Runs onCPU twin/);
    // Why, in words (it had been on hover only).
    await expect
      .element(page.getByTestId('kernel-now-why'))
      .toHaveTextContent('WhyBackend set to cpu. (never switched)');
    // Above the settings: read before the capacity it explains.
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' }).element();
    expect(
      now.element().compareDocumentPosition(capacity) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    // The next snapshot: the figures move with it.
    at(
      {
        ratePerSec: 0,
        queued: 0,
        peakQueued: 0,
        processed: 5_100_000,
        dropped: 5_904,
        lettersHeld: 5_904,
      },
      Date.now() + 600,
    );
    await expect.element(now).toHaveTextContent(/Rate0\/s/);
    await expect.element(now).toHaveTextContent(/Refused or evicted5,904/);
    await expect.element(now).toHaveTextContent(/Dead letters held5,904/);
  });

  // Forced onto WebGPU at 1 M/s asked on a software adapter, a queue filled and 1.6 M letters
  // were lost within seconds; the edit's notice had said only "backend auto → webgpu".
  it('deletes the kernel or type it edits, with its routes, as one undoable step (QA)', async () => {
    render(inPane(300, <Page />));
    // Something typed and not applied goes with the kernel, without a word about it.
    await userEvent.fill(page.getByRole('textbox', { name: 'Queue capacity' }), '512');
    await userEvent.click(page.getByRole('button', { name: 'Delete kernel' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(
      store
        .getState()
        .notices.map((n) => n.text)
        .join(' '),
    ).not.toMatch(/not applied/);
    const cfg = () => store.getState().config;
    expect(cfg().kernels.map((k) => k.id)).not.toContain('aggregator');
    expect(cfg().routes.some((r) => r.kernelId === 'aggregator')).toBe(false);
    expect(store.getState().selection).toEqual([]);
    store.getState().undo();
    expect(cfg()).toEqual(demoConfig());

    store.getState().setSelection(['type:1002']);
    await userEvent.click(page.getByRole('button', { name: 'Delete type' }));
    expect(cfg().messageTypes.some((t) => String(t.typeId) === '1002')).toBe(false);
    expect(cfg().routes.some((r) => String(r.typeId) === '1002')).toBe(false);
  });

  it('keeps its height as the bottleneck badge comes and goes', async () => {
    render(inPane(300, <Page />));
    const at = (backpressure: boolean) =>
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [kernelRow({ id: 'aggregator', capacity: 4096, dropped: 5_904, backpressure })],
        }),
        Date.now(),
      );
    at(false);
    const now = page.getByTestId('kernel-now');
    await expect.element(now).toBeVisible();
    const before = now.element().getBoundingClientRect().height;
    at(true);
    await expect.element(now.getByText('bottleneck')).toBeVisible();
    expect(now.element().getBoundingClientRect().height).toBe(before);
  });

  it('warns, with an Undo, when a kernel is forced onto a WebGPU measured slower than its traffic', async () => {
    render(<Page />);
    const row = kernelRow({ id: 'aggregator', ratePerSec: 187_000 });
    row.placement = { ...row.placement, mode: 'auto', gpuRate: 35 };
    store.getState().ingestSnapshot(snapshot({ kernels: [row] }), Date.now());
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Backend' }), 'webgpu');
    const backend = () =>
      store.getState().config.kernels.find((k) => k.id === 'aggregator')?.backend;
    await expect.poll(backend).toBe('webgpu');
    const warning = store.getState().notices.find((n) => n.kind === 'warning');
    expect(warning?.text).toMatch(/measured 35\/s .* dropOldest policy applies/);
    expect(warning?.action?.label).toBe('Undo');
    warning!.action!.run();
    expect(backend()).toBe('auto');
  });

  it('applies an edit when focus leaves the form, as one undoable step', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '2048');
    expect(capacityOf('aggregator')).not.toBe(2048);
    await userEvent.click(page.getByRole('button', { name: 'elsewhere' }));
    expect(capacityOf('aggregator')).toBe(2048);
    store.getState().undo();
    expect(capacityOf('aggregator')).not.toBe(2048);
    expect(store.getState().notices.at(-1)?.text).toMatch(/^Undid: /);
  });

  // After an edit applied with Enter, Ctrl+Z in the field did nothing: the app's shortcuts stand
  // aside in a field, for its own text undo.
  it('undoes and redoes with Ctrl+Z and Ctrl+Shift+Z in a field with nothing typed since it applied', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '100{Enter}');
    await expect.poll(() => capacityOf('aggregator')).toBe(100);
    await expect
      .poll(
        () =>
          document.activeElement?.getAttribute('aria-label') ??
          document.activeElement?.closest('label')?.textContent,
      )
      .toMatch(/Queue capacity/);
    await userEvent.keyboard('{Control>}z{/Control}');
    await expect.poll(() => capacityOf('aggregator')).toBe(4096);
    // Still in the field, which reads the capacity undone.
    await expect.element(page.getByRole('textbox', { name: 'Queue capacity' })).toHaveFocus();
    await expect.element(page.getByRole('textbox', { name: 'Queue capacity' })).toHaveValue('4096');
    await userEvent.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await expect.poll(() => capacityOf('aggregator')).toBe(100);
    // Typing since: Ctrl+Z is the field's own, the workspace untouched.
    await userEvent.type(page.getByRole('textbox', { name: 'Queue capacity' }), '0');
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(capacityOf('aggregator')).toBe(100);
  });

  it('says what a capacity that is no power of two runs as', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '100');
    await expect
      .element(capacity)
      .toHaveAccessibleDescription('Runs as 128: queues hold a power of two.');
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '256');
    await expect.element(capacity).not.toHaveAttribute('aria-describedby');
    await expect.element(page.getByText(/Runs as/)).not.toBeInTheDocument();
  });

  // QA: "2,048" refused in Queue capacity then held back every list choice made after it (the
  // lists showed reject, webgpu, generic; the kernel stayed deadLetter, auto, fraud).
  it('takes digit groups, and applies a list choice while a typed value is wrong, the typed value kept', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '2,048{Enter}');
    await expect.poll(() => capacityOf('aggregator')).toBe(2048);
    await userEvent.clear(page.getByRole('textbox', { name: 'Queue capacity' }));
    await userEvent.type(page.getByRole('textbox', { name: 'Queue capacity' }), 'lots{Enter}');
    await expect
      .element(page.getByRole('textbox', { name: 'Queue capacity' }))
      .toHaveAttribute('aria-invalid', 'true');
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Overflow policy' }),
      'reject',
    );
    const kernel = () => store.getState().config.kernels.find((k) => k.id === 'aggregator')!;
    await expect.poll(() => kernel().overflowPolicy).toBe('reject');
    expect(kernel().queueCapacity).toBe(2048);
    // The typed value stays in its box, with its error, still to fix.
    const box = page.getByRole('textbox', { name: 'Queue capacity' });
    await expect.element(box).toHaveValue('lots');
    await expect.element(box).toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(page.getByRole('combobox', { name: 'Overflow policy' }))
      .toHaveValue('reject');
    // The next choice applies too, and a notice (a new one) says the typed edit is not applied.
    const earlier = store.getState().notices.at(-1)?.id;
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Behaviour' }), 'generic');
    await expect.poll(() => kernel().behavior).toBe('generic');
    const last = store.getState().notices.at(-1);
    expect(last?.id).not.toBe(earlier);
    expect(last?.text).toMatch(
      /^Your edit to kernel aggregator is not applied yet: Queue capacity/,
    );
    // Fixed, it applies; each step undoes on its own.
    await userEvent.clear(page.getByRole('textbox', { name: 'Queue capacity' }));
    await userEvent.type(page.getByRole('textbox', { name: 'Queue capacity' }), '512{Enter}');
    await expect.poll(() => kernel().queueCapacity).toBe(512);
    expect(kernel().behavior).toBe('generic');
    store.getState().undo();
    expect(kernel().queueCapacity).toBe(2048);
    expect(kernel().behavior).toBe('generic');
  });

  // Under StrictMode (the dev server) React mounts a form's effects twice: the form that opens
  // with the carried value had said at once that the edit "was not applied and is discarded".
  it('keeps a carried typed value without calling it discarded under StrictMode', async () => {
    render(
      <StrictMode>
        <Page />
      </StrictMode>,
    );
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, 'lots{Enter}');
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Overflow policy' }),
      'reject',
    );
    await expect
      .poll(
        () => store.getState().config.kernels.find((k) => k.id === 'aggregator')?.overflowPolicy,
      )
      .toBe('reject');
    await expect.element(page.getByRole('textbox', { name: 'Queue capacity' })).toHaveValue('lots');
    await new Promise((r) => setTimeout(r, 50));
    const texts = store.getState().notices.map((n) => n.text);
    expect(texts.filter((t) => t.includes('discarded'))).toEqual([]);
    expect(
      texts.some((t) => t.startsWith('Your edit to kernel aggregator is not applied yet')),
    ).toBe(true);
    // Leaving the form for another node: now it is said.
    store.getState().setSelection(['kernel:fraud_processor']);
    await expect
      .poll(() =>
        store
          .getState()
          .notices.map((n) => n.text)
          .some((t) => t.includes('discarded')),
      )
      .toBe(true);
  });

  it('applies on Enter', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '512{Enter}');
    expect(capacityOf('aggregator')).toBe(512);
  });

  it('makes no undo step and says nothing for Enter in a field left as it was', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.click(capacity);
    await userEvent.keyboard('{Enter}');
    // Then a real edit, so the check below is not merely early.
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '512{Enter}');
    expect(capacityOf('aggregator')).toBe(512);
    // One step, the real one: "Updated kernel" with nothing in it had been a step of its own.
    expect(store.getState().past).toHaveLength(1);
    expect(store.getState().notices.map((n) => n.text)).not.toContain(
      'Updated kernel "aggregator".',
    );
  });

  it('makes no undo step for Enter in a message type left as it was', async () => {
    store.getState().setSelection(['type:1001']);
    render(<Page />);
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await expect.element(name).toHaveValue('Transaction');
    await userEvent.click(name);
    await userEvent.keyboard('{Enter}');
    await userEvent.click(page.getByRole('button', { name: 'elsewhere' }));
    expect(store.getState().past).toHaveLength(0);
  });

  it('applies a pending edit when another node is selected instead of dropping it', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, '777');
    // Selecting another node in the graph (or from Problems) closes the form.
    store.getState().setSelection(['kernel:fraud_processor']);
    await expect.element(page.getByRole('form', { name: 'Kernel fraud_processor' })).toBeVisible();
    expect(capacityOf('aggregator')).toBe(777);
  });

  it('says so when an edit that cannot apply is left', async () => {
    render(<Page />);
    const capacity = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(capacity);
    await userEvent.type(capacity, 'lots');
    await userEvent.click(page.getByRole('button', { name: 'elsewhere' }));
    expect(store.getState().notices.at(-1)).toMatchObject({
      kind: 'error',
      text: expect.stringMatching(/edit to kernel aggregator is not applied/),
    });
    // Then the form closes (another node selected): one notice for the edit, its last word.
    store.getState().setSelection(['kernel:fraud_processor']);
    await expect.element(page.getByRole('form', { name: 'Kernel fraud_processor' })).toBeVisible();
    const about = store
      .getState()
      .notices.filter((n) => n.text.includes('edit to kernel aggregator'))
      .map((n) => n.text);
    expect(about).toEqual([expect.stringMatching(/was not applied and is discarded/)]);
  });

  it('applies a choice from a list at once, each as one undoable step', async () => {
    render(<Page />);
    const kernelOf = () => store.getState().config.kernels.find((k) => k.id === 'aggregator')!;
    const before = kernelOf().backend;
    const backend = page.getByRole('combobox', { name: 'Backend' });
    await expect.element(backend).toBeVisible();
    // Chosen from the keyboard: focus on the list, its value changed.
    (backend.element() as HTMLSelectElement).focus();
    await userEvent.selectOptions(backend, 'cpu');
    // No Enter, no click elsewhere: the choice is in the config.
    expect(kernelOf().backend).toBe('cpu');
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Overflow policy' }),
      'reject',
    );
    expect(kernelOf().overflowPolicy).toBe('reject');
    // The chosen policy says what it does, in the words Receipts and Dead letters use.
    await expect
      .element(page.getByRole('combobox', { name: 'Overflow policy' }))
      .toHaveAccessibleDescription('Full: refuses the new one, held as Rejected.');
    store.getState().undo();
    expect(kernelOf().overflowPolicy).not.toBe('reject');
    store.getState().undo();
    expect(kernelOf().backend).toBe(before);
  });

  // At 100 K/s the fraud processor alerted on 93 % of transactions, and nothing said why.
  it("says what the chosen behaviour does, with the kernels' own thresholds", async () => {
    render(<Page />);
    const behaviour = page.getByRole('combobox', { name: 'Behaviour' });
    await expect.element(behaviour).toHaveAccessibleDescription(/^Adds each amount to its account/);
    await userEvent.selectOptions(behaviour, 'fraud');
    await expect
      .element(behaviour)
      .toHaveAccessibleDescription(
        /amount over 10,000 \(large\).*after 10 others within 60 s \(velocity\)\. At high rates nearly every account trips velocity/,
      );
  });

  it('shows the route again in the route list once the route changes (undo included)', async () => {
    store.getState().setSelection(['type:1003']);
    render(<Page />);
    const list = page.getByRole('combobox', { name: 'Route to kernel' });
    await expect.element(list).toHaveValue('pattern_detector');
    await userEvent.selectOptions(list, 'aggregator');
    await userEvent.click(page.getByRole('button', { name: 'Set route' }));
    await expect.element(page.getByText('Routed to "aggregator".')).toBeInTheDocument();
    await expect.element(list).toHaveValue('aggregator');
    // Undone, the route is pattern_detector again, and so is the list (it stayed on aggregator).
    store.getState().undo();
    await expect.element(page.getByText('Routed to "pattern_detector".')).toBeInTheDocument();
    await expect.element(list).toHaveValue('pattern_detector');
    // A pick not yet set holds while the route stands.
    await userEvent.selectOptions(list, 'alert_sink');
    await expect.element(list).toHaveValue('alert_sink');
  });

  it('lists the workspace while nothing is selected, each node a button that selects it', async () => {
    // A capacity the core rounds up says what it runs as ("queue 100" above "0 / 128", QA).
    const cfg = structuredClone(store.getState().config);
    for (const k of cfg.kernels) if (k.id === 'alert_sink') k.queueCapacity = 100;
    store.getState().replace(cfg, 'alert_sink at 100');
    store.getState().setSelection([]);
    render(<Page />);
    const outline = page.getByRole('navigation', { name: 'Workspace outline' });
    await expect.element(outline).toBeVisible();
    const config = store.getState().config;
    const buttons = outline.getByRole('button').elements();
    // Kernels first: what they do now is what a watcher reads here.
    expect(buttons.map((b) => b.textContent)).toEqual([
      ...config.kernels.map((k) => k.id),
      ...config.messageTypes.map((t) => t.name),
    ]);
    // A type says where it is routed; a kernel its handler, backend and queue.
    await expect.element(outline).toHaveTextContent(/PatternCheck 1003 → pattern_detector/);
    await expect
      .element(outline)
      .toHaveTextContent(/aggregator aggregator · auto · queue 4,096, dropOldest/);
    await expect
      .element(outline)
      .toHaveTextContent(/alert_sink generic · cpu · queue 100 \(runs as 128\), deadLetter/);
    await userEvent.click(outline.getByRole('button', { name: 'aggregator' }));
    expect(store.getState().selection).toEqual(['kernel:aggregator']);
    await expect.element(page.getByRole('form', { name: 'Kernel aggregator' })).toBeVisible();
    await expect.element(outline).not.toBeInTheDocument();
  });

  // Enter on an outline name selected the node, and focus fell to the page with the outline.
  it('takes focus into the form of a node picked from the outline with the keyboard', async () => {
    store.getState().setSelection([]);
    render(<Page />);
    const outline = page.getByRole('navigation', { name: 'Workspace outline' });
    const button = outline.getByRole('button', { name: 'pattern_detector' });
    await expect.element(button).toBeVisible();
    button.element().focus();
    await userEvent.keyboard('{Enter}');
    const form = page.getByRole('form', { name: 'Kernel pattern_detector' });
    await expect.element(form).toBeVisible();
    await expect.poll(() => form.element().contains(document.activeElement)).toBe(true);
    expect(document.activeElement).toBe(form.getByRole('textbox', { name: 'Kernel id' }).element());
  });

  it('gives each kernel in the outline a live line: rate, queue and what it refused or evicted', async () => {
    store.getState().setSelection([]);
    render(inPane(300, <Page />));
    const outline = page.getByRole('navigation', { name: 'Workspace outline' });
    await expect.element(outline).toBeVisible();
    expect(page.getByTestId('kernel-line-aggregator').elements()).toHaveLength(0);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({
            id: 'aggregator',
            capacity: 4096,
            ratePerSec: 1_100_000,
            queued: 10,
            peakQueued: 300,
            dropped: 16_173,
            lettersByReason: { DroppedOldest: 16_173 },
            lettersHeld: 16_173,
          }),
          kernelRow({
            id: 'pattern_detector',
            capacity: 1024,
            ratePerSec: 500_000,
            queued: 0,
            peakQueued: 0,
            dropped: 392_000,
            lettersByReason: { Rejected: 392_000 },
            lettersHeld: 0,
          }),
          // Its policy changed under load: refusals and evictions both, each said (QA: the
          // policy's word had named them all).
          kernelRow({
            id: 'fraud_processor',
            capacity: 4096,
            ratePerSec: 0,
            dropped: 349_000,
            lettersByReason: { Rejected: 182_000, QueueFull: 80_000, DroppedOldest: 87_000 },
            lettersHeld: 10,
          }),
          kernelRow({ id: 'alert_sink', capacity: 1024, ratePerSec: 0 }),
        ],
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('kernel-line-aggregator'))
      .toHaveTextContent(/^1\.10\sM\/s · ≤300 \/ 4,096 · 16\.2\sK evicted$/);
    // Under reject, refused.
    await expect
      .element(page.getByTestId('kernel-line-pattern_detector'))
      .toHaveTextContent(/^500\sK\/s · 0 \/ 1,024 · 392\sK refused$/);
    await expect
      .element(page.getByTestId('kernel-line-fraud_processor'))
      .toHaveTextContent(/^0\/s · 0 \/ 4,096 · 262\sK refused · 87\.0\sK evicted$/);
    await expect
      .element(page.getByTestId('kernel-line-alert_sink'))
      .toHaveTextContent(/^0\/s · 0 \/ 1,024$/);
    // As on the graph: a loss with letters still held in red, one whose letters are all redriven
    // or purged in grey (it had stayed red here beside the graph's grey).
    const lost = (id: string) =>
      getComputedStyle(page.getByTestId(`kernel-line-${id}`).element().querySelector('.lost')!)
        .color;
    expect(lost('aggregator')).not.toBe(lost('pattern_detector'));
    expect(
      page.getByTestId('kernel-line-pattern_detector').element().querySelector('.lost.settled'),
    ).not.toBeNull();
  });

  // At 1280x720 the Inspector is about 300 x 350 px: the kernel form's Apply was below the fold,
  // and nothing said the form went on.
  it.each([
    ['kernel:fraud_processor', 'Kernel fraud_processor'],
    ['type:1001', 'Message type Transaction'],
  ])('keeps Apply in view in a short Inspector (%s)', async (node, form) => {
    store.getState().setSelection([node]);
    render(inPane(300, <Inspector />, 350));
    await expect.element(page.getByRole('form', { name: form })).toBeVisible();
    const pane = page.getByTestId('pane').element();
    const aside = page.getByRole('complementary', { name: 'Inspector' }).element();
    // The form is taller than the Inspector, which scrolls (the pane does not).
    expect(aside.scrollHeight).toBeGreaterThan(aside.clientHeight);
    expect(pane.scrollHeight).toBeLessThanOrEqual(pane.clientHeight);
    const inView = (el: Element) => {
      const r = el.getBoundingClientRect();
      const box = aside.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom + 0.5;
    };
    const apply = page.getByRole('button', { name: 'Apply', exact: true }).element();
    expect(inView(apply)).toBe(true);
    // Scrolled to the end, Apply is still there, and the last control is in view, clear of it.
    aside.scrollTop = aside.scrollHeight;
    await new Promise((r) => requestAnimationFrame(r));
    expect(inView(apply)).toBe(true);
    // The form's own last control (Delete sits in the bar beside Apply).
    const last = [...aside.querySelectorAll('input, select, button:not([type="submit"])')]
      .filter((el) => !el.closest('.form-actions'))
      .at(-1)!;
    expect(inView(last)).toBe(true);
    const bar = apply.parentElement!.getBoundingClientRect();
    const r = last.getBoundingClientRect();
    expect(r.bottom <= bar.top + 0.5 || r.top >= bar.bottom - 0.5).toBe(true);
  });

  it('keeps focus on a list whose choice applied, in the form that replaces it', async () => {
    store.getState().setSelection(['kernel:pattern_detector']);
    render(<Inspector />);
    const backend = page.getByRole('combobox', { name: 'Backend' });
    await expect.element(backend).toBeVisible();
    // Chosen from the keyboard: focus on the list, its value changed.
    (backend.element() as HTMLSelectElement).focus();
    await userEvent.selectOptions(backend, 'cpu');
    await expect
      .poll(() => store.getState().config.kernels.find((k) => k.id === 'pattern_detector')?.backend)
      .toBe('cpu');
    // It had fallen to the page: a keyboard user forcing a backend lost their place.
    await expect.element(page.getByRole('combobox', { name: 'Backend' })).toHaveFocus();
  });

  // WCAG 2.4.11: a field reached with Tab is not hidden under the bar that sticks over the form.
  it('scrolls a field reached with Tab clear of the Apply bar', async () => {
    store.getState().setSelection(['kernel:fraud_processor']);
    render(inPane(300, <Inspector />, 350));
    await userEvent.click(page.getByRole('textbox', { name: 'Tenant' }));
    await userEvent.tab();
    await userEvent.tab();
    const behaviour = page.getByRole('combobox', { name: 'Behaviour' });
    await expect.element(behaviour).toHaveFocus();
    const bar = page.getByRole('button', { name: 'Apply', exact: true }).element().parentElement!;
    expect(behaviour.element().getBoundingClientRect().bottom).toBeLessThanOrEqual(
      bar.getBoundingClientRect().top + 0.5,
    );
  });

  // At 1280x720 "Type id 1001 is already used by Transaction." sat under the fields, below the
  // fold and behind the Apply bar, and the field still looked fine.
  it('shows a refused edit in view, in the Apply bar, its field marked and described by it', async () => {
    store.getState().setSelection(['type:1002']);
    render(inPane(300, <Inspector />, 350));
    const typeId = page.getByRole('textbox', { name: 'Type id' });
    await userEvent.clear(typeId);
    await userEvent.type(typeId, '1001{Enter}');
    const alert = page.getByRole('alert');
    await expect.element(alert).toHaveTextContent('Type id 1001 is already used by Transaction.');
    const aside = page.getByRole('complementary', { name: 'Inspector' }).element();
    const r = alert.element().getBoundingClientRect();
    const box = aside.getBoundingClientRect();
    expect(r.top).toBeGreaterThanOrEqual(box.top);
    expect(r.bottom).toBeLessThanOrEqual(box.bottom + 0.5);
    await expect.element(typeId).toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(typeId)
      .toHaveAccessibleDescription('Type id 1001 is already used by Transaction.');
    await expect
      .element(page.getByRole('textbox', { name: 'Name', exact: true }))
      .not.toHaveAttribute('aria-invalid');
    // Put right, the mark and the error go.
    await userEvent.clear(typeId);
    await userEvent.type(typeId, '1777{Enter}');
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    await expect
      .element(page.getByRole('textbox', { name: 'Type id' }))
      .not.toHaveAttribute('aria-invalid');
  });

  // QA: Tab went Name → … → Apply → Delete type → Route to kernel → Set route.
  it("puts a type's route before Apply and Delete type in the tab order", async () => {
    store.getState().setSelection(['type:1002']);
    render(inPane(300, <Inspector />, 350));
    await expect.element(page.getByRole('button', { name: 'Delete type' })).toBeInTheDocument();
    const route = page.getByRole('combobox', { name: 'Route to kernel' }).element();
    const setRoute = page.getByRole('button', { name: 'Set route' }).element();
    const apply = page.getByRole('button', { name: 'Apply' }).element();
    const del = page.getByRole('button', { name: 'Delete type' }).element();
    const before = (a: Element, b: Element) =>
      (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    expect(before(route, setRoute) && before(setRoute, apply) && before(apply, del)).toBe(true);
  });

  // QA: "the workspace refused it (see the notice)" at the box, and over the graph "Change
  // refused: the workspace could not be saved and loaded back (messageTypes[5].name: …)".
  it('refuses a name with a bidi control at its box, in words, and keeps the workspace', async () => {
    store.getState().setSelection(['type:1002']);
    render(inPane(300, <Inspector />, 350));
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await userEvent.fill(name, 'abc\u202Edef');
    await userEvent.keyboard('{Enter}');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        /^The name must not contain control characters, bidirectional text controls/,
      );
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    expect(
      store
        .getState()
        .notices.map((n) => n.text)
        .join(' '),
    ).not.toMatch(/saved and loaded back/);
    expect(store.getState().config.messageTypes.map((t) => t.name)).toContain('AccountUpdate');
  });

  // QA: a field name used twice and a name another type has were taken (the Rust export then
  // renamed the second field account_2, FIELD_NAMES listing "account" twice); a bytes size of
  // "abc" read back as NaN, its error only under the form and the box unmarked.
  it('refuses a field name used twice, a taken type name and a bad bytes size, each at its box', async () => {
    store.getState().setSelection(['type:1002']);
    render(inPane(300, <Inspector />, 350));
    const typeOf = () => store.getState().config.messageTypes.find((t) => t.typeId === 1002)!;
    const before = JSON.stringify(typeOf());
    const alert = page.getByRole('alert');
    const second = page.getByRole('textbox', { name: 'Field 2 name' });
    await expect.element(second).toBeInTheDocument();
    const firstName = (
      page.getByRole('textbox', { name: 'Field 1 name' }).element() as HTMLInputElement
    ).value;
    await userEvent.clear(second);
    await userEvent.type(second, `${firstName}{Enter}`);
    await expect
      .element(alert)
      .toHaveTextContent(
        `Field 2 is named "${firstName}", as field 1 is: each field of a type needs a name of its own.`,
      );
    await expect.element(second).toHaveAttribute('aria-invalid', 'true');
    await expect.element(second).toHaveAccessibleDescription(/^Field 2 is named/);
    expect(JSON.stringify(typeOf())).toBe(before);
    // Put right: applies.
    await userEvent.clear(second);
    await userEvent.type(second, 'second{Enter}');
    await expect.poll(() => typeOf().fields[1]?.name).toBe('second');
    // A name another type has.
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    await userEvent.clear(name);
    await userEvent.type(name, 'Transaction{Enter}');
    await expect
      .element(alert)
      .toHaveTextContent(/^Name "Transaction" is already the name of type 1001/);
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    expect(typeOf().name).not.toBe('Transaction');
    await userEvent.clear(name);
    await userEvent.type(name, 'AccountUpdate{Enter}');
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    // A bytes field: its size kept as typed, refused at its box.
    await userEvent.click(page.getByRole('button', { name: 'Add field' }));
    const n = typeOf().fields.length + 1;
    await userEvent.selectOptions(page.getByRole('combobox', { name: `Field ${n} type` }), 'bytes');
    const size = page.getByRole('textbox', { name: `Field ${n} size` });
    await expect.element(size).toHaveValue('1');
    await userEvent.clear(size);
    await userEvent.type(size, 'abc');
    await expect.element(size).toHaveValue('abc');
    await userEvent.click(page.getByRole('button', { name: 'Apply', exact: true }));
    await expect
      .element(alert)
      .toHaveTextContent(
        /^Field \d+ \("field\d+", bytes\) needs a size, a whole number from 1 to 65,536\.$/,
      );
    await expect.element(size).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(size);
    await userEvent.type(size, '16{Enter}');
    await expect
      .poll(() => typeOf().fields.at(-1))
      .toEqual({ name: `field${n}`, type: 'bytes', size: 16 });
  });

  // QA: Transaction's id changed to 1005 at 200 K/s; the generator went on sending 1001, NoRoute
  // passed 108 K in 2 s, and the notice said only "Updated type 1005.".
  // A run without a mix sent the types routed when it started: a type routed since carries none.
  it('takes a run without a mix to send the types that carried traffic a moment ago', async () => {
    render(<Page />);
    store.getState().ingestSnapshot(
      snapshot({
        generator: {
          running: true,
          emitted: 5,
          lagMs: 0,
          onWorker: true,
          spec: { ratePerSec: 1_000 },
          startedUs: 1,
        },
        edges: [{ source: 'type:1002', target: 'aggregator', ratePerSec: 500, total: 900 }],
      }),
      Date.now(),
    );
    const warnings = () => store.getState().notices.filter((n) => n.kind === 'warning');
    for (const [node, form, to] of [
      ['type:1003', 'Message type PatternCheck', '1333'],
      ['type:1002', 'Message type AccountUpdate', '1222'],
    ] as const) {
      store.getState().setSelection([node]);
      await expect.element(page.getByRole('form', { name: form })).toBeVisible();
      const id = page.getByRole('textbox', { name: 'Type id', exact: true });
      await userEvent.clear(id);
      await userEvent.type(id, `${to}{Enter}`);
      await expect
        .poll(() => store.getState().config.routes.some((r) => String(r.typeId) === to))
        .toBe(true);
      expect(warnings().map((n) => n.text.slice(0, 40))).toEqual(
        to === '1333' ? [] : ['The generator still sends type 1002, whi'],
      );
    }
  });

  it("says the running generator still sends a type's old id, until that is no longer true", async () => {
    render(<Page />);
    store.getState().setSelection(['type:1001']);
    const spec = {
      ratePerSec: 200_000,
      mix: [
        { typeId: 1001, weight: 2 },
        { typeId: 1002, weight: 1 },
      ],
    };
    const running = {
      generator: { running: true, emitted: 5, lagMs: 0, onWorker: true, spec, startedUs: 1 },
    };
    store.getState().ingestSnapshot(snapshot(running), Date.now());
    const typeId = page.getByRole('textbox', { name: 'Type id', exact: true });
    await userEvent.clear(typeId);
    await userEvent.type(typeId, '1005{Enter}');
    await expect
      .poll(() => store.getState().config.routes.some((r) => r.typeId === 1005))
      .toBe(true);
    const stale = () => store.getState().notices.filter((n) => n.kind === 'warning');
    expect(stale().map((n) => n.text)).toEqual([
      'The generator still sends type 1001, which is now routed nowhere: its messages get NoRoute and a dead letter each until it is restarted (Inject → Generator).',
    ]);
    // Undone, 1001 is routed again: the notice goes.
    store.getState().undo();
    await expect.poll(() => stale()).toEqual([]);
    // Redone, it comes back only with a new edit; a stop takes it away too.
    await expect
      .element(page.getByRole('form', { name: 'Message type Transaction' }))
      .toBeVisible();
    await userEvent.clear(page.getByRole('textbox', { name: 'Type id', exact: true }));
    await userEvent.type(
      page.getByRole('textbox', { name: 'Type id', exact: true }),
      '1006{Enter}',
    );
    await expect.poll(() => stale().length).toBe(1);
    store
      .getState()
      .ingestSnapshot(
        snapshot({ generator: { ...running.generator, running: false } }),
        Date.now() + 100,
      );
    await expect.poll(() => stale()).toEqual([]);
    store.getState().ingestSnapshot(snapshot(running), Date.now() + 200);
    // A type the run does not send: nothing said.
    store.getState().setSelection(['type:1003']);
    await expect
      .element(page.getByRole('form', { name: 'Message type PatternCheck' }))
      .toBeVisible();
    const id = page.getByRole('textbox', { name: 'Type id', exact: true });
    await userEvent.clear(id);
    await userEvent.type(id, '1333{Enter}');
    await expect
      .poll(() => store.getState().config.routes.some((r) => r.typeId === 1333))
      .toBe(true);
    expect(store.getState().notices.filter((n) => n.kind === 'warning')).toEqual([]);
  });

  // Under load a Queue capacity of 0, refused, left its field half under the error's two lines in
  // the Apply bar (the bar grew over it).
  it('scrolls the field a refused edit is about clear of the Apply bar it made taller', async () => {
    store.getState().setSelection(['kernel:pattern_detector']);
    render(inPane(300, <Inspector />, 350));
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'pattern_detector', capacity: 64, dropped: 77_050, lettersHeld: 10_000 }),
        ],
      }),
      Date.now(),
    );
    const field = page.getByRole('textbox', { name: 'Queue capacity' });
    await userEvent.clear(field);
    await userEvent.type(field, '0{Enter}');
    await expect.element(page.getByRole('alert')).toHaveTextContent(/Queue capacity/);
    await expect.element(field).toHaveAttribute('aria-invalid', 'true');
    const bar = page.getByRole('button', { name: 'Apply', exact: true }).element().parentElement!;
    expect(field.element().getBoundingClientRect().bottom).toBeLessThanOrEqual(
      bar.getBoundingClientRect().top + 0.5,
    );
  });

  // Each definition has a form of its own, so an applied edit brings a new form: focus had fallen
  // to the page, and the next Tab started from the top.
  it.each([
    ['kernel:aggregator', 'Queue capacity', '2048'],
    ['type:1002', 'Name', 'Accounts'],
  ])('keeps focus in the field Enter was pressed in (%s)', async (node, field, value) => {
    store.getState().setSelection([node]);
    render(<Page />);
    const input = page.getByRole('textbox', { name: field, exact: true });
    await userEvent.clear(input);
    await userEvent.type(input, `${value}{Enter}`);
    await expect.poll(() => (document.activeElement as HTMLInputElement | null)?.value).toBe(value);
    const active = document.activeElement as HTMLInputElement;
    expect(active.labels?.[0]?.textContent).toBe(field);
    expect(active.isConnected).toBe(true);
    // A form opened later (another node selected) does not take focus.
    await userEvent.click(page.getByRole('button', { name: 'elsewhere' }));
    store.getState().setSelection(['kernel:fraud_processor']);
    await expect.element(page.getByRole('form', { name: 'Kernel fraud_processor' })).toBeVisible();
    expect(document.activeElement?.textContent).toBe('elsewhere');
  });
});

// QA: Apply pressed from the keyboard applied the edit and dropped focus to the page; the next Tab
// started over at the form's first field.
it.each([
  ['kernel:aggregator', 'Queue capacity', '2048'],
  ['type:1002', 'Name', 'Accounts'],
])('keeps focus on Apply pressed from the keyboard (%s)', async (node, field, value) => {
  store.getState().setSelection([node]);
  render(<Page />);
  const input = page.getByRole('textbox', { name: field, exact: true });
  await userEvent.clear(input);
  await userEvent.type(input, value);
  (page.getByRole('button', { name: 'Apply' }).element() as HTMLButtonElement).focus();
  await userEvent.keyboard('{Enter}');
  await expect.element(page.getByRole('textbox', { name: field, exact: true })).toHaveValue(value);
  await expect.poll(() => document.activeElement?.textContent).toBe('Apply');
  expect(document.activeElement?.isConnected).toBe(true);
});

// QA: ✕ on a field moved focus to the next field's ✕, but on the last field it fell to the page.
it('moves focus on to Add field when the last field is removed', async () => {
  store.getState().setSelection(['type:1004']);
  render(<Page />);
  const fields = store.getState().config.messageTypes.find((t) => t.typeId === 1004)!.fields;
  const last = fields[fields.length - 1]!.name;
  const remove = page.getByRole('button', { name: `Remove field ${last}` });
  await expect.element(remove).toBeVisible();
  (remove.element() as HTMLButtonElement).focus();
  await userEvent.keyboard('{Enter}');
  await expect.element(remove).not.toBeInTheDocument();
  expect(document.activeElement?.textContent).toBe('Add field');
});

// QA (WCAG 2.1.1): a K2K route could only be drawn, a drag between two kernels' handles.
it("sets and removes a kernel's K2K next hop from the keyboard, at once as the form's other lists", async () => {
  store.getState().setSelection(['kernel:aggregator']);
  render(<Page />);
  const now = page.getByTestId('next-hop-now');
  await expect.element(now).toHaveTextContent('None: messages for "aggregator" go to it directly.');
  const hop = page.getByRole('combobox', { name: 'Next hop' });
  await userEvent.selectOptions(hop, 'alert_sink');
  expect(store.getState().config.k2kRoutes).toContainEqual({
    dest: 'aggregator',
    nextHop: 'alert_sink',
  });
  await expect
    .element(now)
    .toHaveTextContent(
      'Messages for "aggregator" go via "alert_sink" wherever it is not registered with the broker.',
    );
  // Back to none: the route goes, and undo brings it back, the list with it.
  await userEvent.selectOptions(page.getByRole('combobox', { name: 'Next hop' }), '');
  expect(store.getState().config.k2kRoutes.some((r) => r.dest === 'aggregator')).toBe(false);
  store.getState().undo();
  await expect.element(page.getByTestId('next-hop-now')).toHaveTextContent(/go via "alert_sink"/);
  await expect.element(page.getByRole('combobox', { name: 'Next hop' })).toHaveValue('alert_sink');
});

describe('Inspector for a route', () => {
  // Clicking a route had left "Select a message type or a kernel to edit it" in place.
  it('says what a selected route connects and carries, where its settings live, and removes it', async () => {
    store.getState().setSelection([], ['route:1002']);
    render(<Page />);
    const route = page.getByRole('region', { name: 'Route' });
    await expect.element(route).toHaveTextContent('AccountUpdate (1002) → aggregator');
    await expect.element(route).toHaveTextContent(/priority is in its header/);
    await expect
      .element(page.getByTestId('route-traffic'))
      .toHaveTextContent('No traffic on it yet.');
    store.getState().ingestSnapshot(
      snapshot({
        edges: [{ source: 'type:1002', target: 'aggregator', ratePerSec: 231, total: 5_000 }],
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('route-traffic'))
      .toHaveTextContent('231/s now · 5,000 since the counters were reset');
    await userEvent.click(page.getByRole('button', { name: 'Remove route' }));
    expect(store.getState().config.routes.some((r) => String(r.typeId) === '1002')).toBe(false);
    expect(store.getState().selectedEdges).toEqual([]);
    await expect.element(page.getByRole('navigation', { name: 'Workspace outline' })).toBeVisible();
    await expect.element(page.getByRole('heading', { name: 'Inspector' })).toHaveFocus();
  });

  it('opens the kernel a route leads to from it', async () => {
    store.getState().setSelection([], ['route:1001']);
    render(inPane(300, <Inspector />, 200));
    // Scrolled down to reach its buttons, as at 1280x720.
    await expect.element(page.getByRole('region', { name: 'Route' })).toBeVisible();
    const aside = () => page.getByRole('complementary', { name: 'Inspector' }).element();
    aside().scrollTop = 24;
    expect(aside().scrollTop).toBe(24);
    await userEvent.click(page.getByRole('button', { name: 'Edit fraud_processor' }));
    expect(store.getState().selection).toEqual(['kernel:fraud_processor']);
    await expect.element(page.getByRole('form', { name: 'Kernel fraud_processor' })).toBeVisible();
    // The form opens at its top, and focus is in its first field, not on the page.
    expect(aside().scrollTop).toBe(0);
    await expect.element(page.getByRole('textbox', { name: 'Kernel id' })).toHaveFocus();
  });
});

describe('Inspector outline with long names', () => {
  // A 128-character kernel id without spaces ran off the Inspector's right edge: a button keeps
  // its words on one line.
  it('breaks a long kernel id and type name inside the pane', async () => {
    const config = demoConfig();
    const id = 'K'.repeat(100) + '_x';
    const old = config.kernels[0]!.id;
    store = freshStore({
      ...config,
      kernels: config.kernels.map((k, i) => (i === 0 ? { ...k, id } : k)),
      routes: config.routes.map((r) => (r.kernelId === old ? { ...r, kernelId: id } : r)),
      messageTypes: config.messageTypes.map((t, i) =>
        i === 0 ? { ...t, name: 'T'.repeat(128) } : t,
      ),
      layout: {},
    });
    render(inPane(300, <Inspector />, 900));
    const outline = page.getByRole('navigation', { name: 'Workspace outline' });
    await expect.element(outline.getByRole('button', { name: id, exact: true })).toBeVisible();
    const right = page.getByTestId('pane').element().getBoundingClientRect().right;
    const links = outline.element().querySelectorAll('button');
    expect(links.length).toBeGreaterThan(4);
    for (const b of links) expect(b.getBoundingClientRect().right).toBeLessThanOrEqual(right + 0.5);
  });
});
