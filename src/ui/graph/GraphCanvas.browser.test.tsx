import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
// The app's global rules (border-box sizing among them), so nodes measure as they do there.
import '../design/tokens.css';
import '../design/controls.css';
import { demoConfig } from '../../core/config';
import { GraphCanvas } from './GraphCanvas';
import { emitEdgeId } from './flow';
import { graphView } from './view';
import { cleanup, freshStore, kernelRow, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  const config = demoConfig();
  // Configured 3,000: the queue rounds it up to 4,096.
  config.kernels = config.kernels.map((k) =>
    k.id === 'aggregator' ? { ...k, queueCapacity: 3000 } : k,
  );
  store = freshStore(config);
});
afterEach(cleanup);

function Graph({ highlighted }: { highlighted?: ReadonlySet<string> }) {
  return (
    <ReactFlowProvider>
      <div style={{ width: 1100, height: 700 }}>
        <GraphCanvas {...(highlighted ? { highlightedEdges: highlighted } : {})} />
      </div>
    </ReactFlowProvider>
  );
}

/** The demo's graph drawn and its first fit settled (the minimap decides after it). */
async function fitted(): Promise<void> {
  await expect
    .element(page.getByTestId('graph').getByText('alert_sink', { exact: true }))
    .toBeInTheDocument();
  await new Promise((r) => setTimeout(r, 300));
}

describe('graph live numbers (issue 13, points 1, 2 and 11)', () => {
  it('shows queued against the real capacity, colours by it, and names the node with it', async () => {
    render(<Graph />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [kernelRow({ id: 'aggregator', queued: 2800, inFlight: 512, capacity: 4096 })],
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('queue-aggregator'))
      .toHaveTextContent(/^2,800 \/ 4,096$/);
    // In flight beside the bar, whole: inside it, a long count was cut to its first digits.
    await expect.element(page.getByTestId('inflight-node-aggregator')).toHaveTextContent(/^\+512$/);
    // Its hover says they are out of the queue, so not held against its capacity (QA: "+ 4,801 in
    // flight" beside "/ 4,096" read as more held than the queue holds).
    await expect
      .element(page.getByTestId('inflight-node-aggregator'))
      .toHaveAttribute(
        'title',
        expect.stringMatching(
          /^512 in flight: taken from the queue \(no longer counted against its capacity\)/,
        ),
      );
    // 2,800 of the configured 3,000 would be red; of the real 4,096 it is green.
    await expect
      .element(page.getByTestId('node-kernel-aggregator'))
      .toHaveAttribute('data-depth-level', 'ok');
    await expect
      .element(
        page.getByRole('group', {
          name: 'Kernel aggregator, 2,800 queued of 4,096, 512 in flight, 0 processed a second',
        }),
      )
      .toBeVisible();
  });

  it('holds the recent peak on the queue bar while the queue reads 0 under load', async () => {
    render(<Graph />);
    const meter = page.getByRole('meter', { name: 'Queue of fraud_processor' });
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'fraud_processor', queued: 0, peakQueued: 3800, capacity: 4096 }),
        ],
      }),
      Date.now(),
    );
    // The number is the recent peak, marked as such: "0 / 4,096" read as a frozen counter.
    await expect
      .element(page.getByTestId('queue-fraud_processor'))
      .toHaveTextContent(/^≤3,800 \/ 4,096$/);
    // The mark's width is the peak's share of the bar; 3,800 of 4,096 is past 90 %: red.
    const mark = page.getByTestId('queue-peak-fraud_processor');
    await expect.element(mark).toHaveClass(/peak-critical/);
    await expect.element(mark).toHaveStyle({ width: `${(3800 / 4096) * 100}%` });
    await expect
      .element(meter)
      .toHaveAttribute(
        'aria-valuetext',
        '0 queued of 4,096, up to 3,800 at once in the last half second, 0 in flight',
      );
    // The node's name says it too: it had read "queue 0 of 4096" beside a bar at ≤3,800.
    await expect
      .element(
        page.getByRole('group', {
          name: 'Kernel fraud_processor, 0 queued of 4,096, up to 3,800 at once in the last half second, 0 processed a second',
        }),
      )
      .toBeInTheDocument();
    // Once the peak has fallen back to the depth, no mark and no words about it.
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [kernelRow({ id: 'fraud_processor', queued: 0, peakQueued: 0, capacity: 4096 })],
      }),
      Date.now(),
    );
    await expect.element(mark).not.toBeInTheDocument();
    await expect.element(meter).toHaveAttribute('aria-valuetext', '0 queued of 4,096, 0 in flight');
    await expect
      .element(page.getByTestId('queue-fraud_processor'))
      .toHaveTextContent(/^0 \/ 4,096$/);
  });

  it("keeps a queue's loss mark in place while it also forecasts the queue full", async () => {
    render(<Graph />);
    const row = (processed: number, dropped: number) =>
      snapshot({
        kernels: [
          kernelRow({
            id: 'pattern_detector',
            queued: 600,
            capacity: 1024,
            processed,
            dropped,
            deadLettered: dropped,
          }),
        ],
      });
    // Losses between snapshots that each catch the queue below full: the forecast is "full
    // now" (the predictor) and the mark of what was refused stays where it was.
    store.getState().ingestSnapshot(row(0, 0), Date.now());
    store.getState().ingestSnapshot(row(5_000, 400), Date.now());
    const mark = page.getByTestId('dropped-node-pattern_detector');
    await expect.element(mark).toHaveTextContent('400 refused');
    await expect.element(page.getByTestId('prediction-pattern_detector')).toHaveTextContent(/⚠/);
    await expect
      .element(mark)
      .toHaveAttribute('title', expect.stringContaining('Predicted: full now.'));
    store.getState().ingestSnapshot(row(10_000, 800), Date.now());
    await expect.element(mark).toHaveTextContent('800 refused');
  });

  // "⚠ 1,933 refu…" under each kernel at 20,000 messages/s into queues of 16.
  it("shows a queue's loss whole in its tab, clear of the K2K handle", async () => {
    render(<Graph />);
    const mark = page.getByTestId('dropped-node-pattern_detector');
    for (const [dropped, text] of [
      [1_933, '1,933 refused'],
      [3_611, '3,611 refused'],
      [46_200, '46.2 K refused'],
      [743_000, '743 K refused'],
      [2_630_000, '2.63 M refused'],
      [13_000_000, '13.0 M refused'],
    ] as const) {
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [
            kernelRow({ id: 'pattern_detector', capacity: 1024, dropped, deadLettered: dropped }),
          ],
        }),
        Date.now(),
      );
      await expect.element(mark).toHaveTextContent(text);
      const el = mark.element() as HTMLElement;
      expect(el.scrollWidth).toBeLessThanOrEqual(el.clientWidth);
      const h = el.closest('.react-flow__node')!.querySelector('.react-flow__handle-bottom')!;
      // Wholly on one side of the handle's dot, whichever half it hangs from.
      const [tab, dot] = [el.getBoundingClientRect(), h.getBoundingClientRect()];
      expect(tab.right <= dot.left || tab.left >= dot.right, `${tab.left}-${tab.right}`).toBe(true);
    }
  });

  it("counts a type's fields in words that agree with the number ('1 field')", async () => {
    const config = store.getState().config;
    store.getState().replace(
      {
        ...config,
        messageTypes: config.messageTypes.map((t) =>
          String(t.typeId) === '1010' ? { ...t, fields: t.fields.slice(0, 1) } : t,
        ),
      },
      '',
    );
    render(<Graph />);
    await expect.element(page.getByTestId('node-type-1010')).toHaveTextContent(/1 field(?!s)/);
    await expect.element(page.getByTestId('node-type-1001')).toHaveTextContent(/6 fields/);
  });

  // A 128-character type name ran on under the node's ▶ button.
  it("ends a long type name before the node's ▶ button", async () => {
    const config = store.getState().config;
    store.getState().replace(
      {
        ...config,
        messageTypes: config.messageTypes.map((t) =>
          String(t.typeId) === '1001' ? { ...t, name: 'T'.repeat(128) } : t,
        ),
      },
      '',
    );
    render(<Graph />);
    const node = page.getByTestId('node-type-1001');
    await expect.element(node).toBeVisible();
    const title = node.element().querySelector('.node-title')!.getBoundingClientRect();
    const button = node
      .getByRole('button', { name: /^Inject one T+ message$/ })
      .element()
      .getBoundingClientRect();
    expect(title.width).toBeGreaterThan(20);
    expect(title.right).toBeLessThanOrEqual(button.left);
  });

  it("keeps React Flow's attribution link in view but out of the Tab order", async () => {
    render(<Graph />);
    const link = page.getByRole('link', { name: 'React Flow' });
    await expect.element(link).toBeVisible();
    await expect.element(link).toHaveAttribute('tabindex', '-1');
  });

  it('draws types and kernels on the minimap in their own colours', async () => {
    // The design tokens the colours come from (the app's tokens.css defines them).
    const root = document.documentElement.style;
    root.setProperty('--kernel', 'rgb(0, 120, 90)');
    root.setProperty('--type', 'rgb(120, 60, 200)');
    root.setProperty('--panel', 'rgb(255, 255, 255)');
    render(<Graph />);
    const map = page.getByRole('img', { name: 'Minimap of the route graph' });
    // Fitted, the whole graph is in sight and the map is not drawn (it covered nodes in the
    // corner); zoomed in, part of the graph is out of view and it is.
    await fitted();
    expect(map.query()).toBeNull();
    // (The harness's graph is taller than the test's viewport: the controls are clicked in the DOM.)
    const press = (name: RegExp) =>
      (page.getByRole('button', { name }).element() as HTMLButtonElement).click();
    press(/zoom in/i);
    press(/zoom in/i);
    await expect.element(map).toBeInTheDocument();
    const fills = [...map.element().querySelectorAll('rect.react-flow__minimap-node')].map(
      (r) => getComputedStyle(r).fill,
    );
    const config = demoConfig();
    expect(fills).toHaveLength(config.messageTypes.length + config.kernels.length);
    // Two colours, neither the default grey.
    expect(new Set(fills).size).toBe(2);
    expect(fills).not.toContain('rgb(226, 226, 226)');
    for (const name of ['--kernel', '--type', '--panel']) root.removeProperty(name);
    // Fitted again, it goes.
    press(/fit view/i);
    await expect.poll(() => map.query()).toBeNull();
  });

  // The toolbar's search zoomed onto its first match, and the minimap opened over the match
  // beside it (pattern_detector, after "pattern" and Enter at 1280x720).
  it("keeps the minimap away after the app's zoom onto a node, until the user's own zoom", async () => {
    render(<Graph />);
    const map = page.getByRole('img', { name: 'Minimap of the route graph' });
    await fitted();
    graphView.zoomTo?.('type:1003');
    // Zoomed onto PatternCheck: part of the graph is out of view, and still no map.
    await expect
      .poll(() => document.querySelector('.react-flow__viewport')?.getAttribute('style'))
      .toMatch(/scale\(1\.2\)/);
    await new Promise((r) => setTimeout(r, 300));
    expect(map.query()).toBeNull();
    (page.getByRole('button', { name: /zoom out/i }).element() as HTMLButtonElement).click();
    await expect.element(map).toBeInTheDocument();
  });

  it('names the padlock for what it does, locked or not', async () => {
    render(<Graph />);
    // "Toggle Interactivity" had been its name, then "Lock or unlock the graph", which did not say
    // whether the graph was locked (QA).
    const lock = page.getByRole('button', { name: 'Lock the graph', exact: true });
    await expect.element(lock).toBeInTheDocument();
    (lock.element() as HTMLButtonElement).click();
    const unlock = page.getByRole('button', { name: /^Unlock the graph \(locked/ });
    await expect.element(unlock).toBeInTheDocument();
    (unlock.element() as HTMLButtonElement).click();
    await expect.element(lock).toBeInTheDocument();
  });

  // QA: a route clicked turned from grey to another grey (React Flow's own selected stroke won
  // over the app's), the same 1.5 px wide.
  it('draws a selected route in the accent colour, and thicker', async () => {
    const root = document.documentElement.style;
    root.setProperty('--accent', 'rgb(37, 99, 235)');
    render(<Graph />);
    const edge = () => document.querySelector('[data-id="route:1002"]');
    await expect.poll(() => edge()).not.toBeNull();
    const path = () => edge()!.querySelector('.react-flow__edge-path')!;
    const before = parseFloat(getComputedStyle(path()).strokeWidth);
    (edge()!.querySelector('.react-flow__edge-interaction') ?? path()).dispatchEvent(
      new MouseEvent('click', { bubbles: true }),
    );
    await expect.poll(() => path().getAttribute('class')).toMatch(/edge-selected/);
    expect(getComputedStyle(path()).stroke).toBe('rgb(37, 99, 235)');
    expect(parseFloat(getComputedStyle(path()).strokeWidth)).toBeGreaterThan(before);
    root.removeProperty('--accent');
  });

  it("lights a traced message's emits edge like its routes", async () => {
    const root = document.documentElement.style;
    root.setProperty('--accent', 'rgb(37, 99, 235)');
    root.setProperty('--muted', 'rgb(89, 98, 112)');
    const id = emitEdgeId('fraud_processor', 1010);
    render(<Graph highlighted={new Set([id])} />);
    const path = () =>
      document.querySelector(`[data-id="${CSS.escape(id)}"] .react-flow__edge-path`);
    await expect.poll(() => path()).not.toBeNull();
    expect(path()!.getAttribute('class')).toMatch(/edge-highlight/);
    expect(getComputedStyle(path()!).stroke).toBe('rgb(37, 99, 235)');
    // Thicker than a route: at a route's width the traced path was hard to pick out.
    expect(parseFloat(getComputedStyle(path()!).strokeWidth)).toBeGreaterThanOrEqual(3);
    for (const name of ['--accent', '--muted']) root.removeProperty(name);
  });

  // "auto → webgpu ⚠" wrapped fraud_processor's meta line: the node grew a line, and the ρ and
  // refusals line hung under it covered the aggregator below.
  it('keeps a kernel node its height on WebGPU under back-pressure', async () => {
    render(<Graph />);
    const node = page.getByTestId('node-kernel-fraud_processor');
    const placement = (backend: 'cpu' | 'webgpu') =>
      kernelRow({
        id: 'fraud_processor',
        backend,
        backpressure: backend === 'webgpu',
        placement: {
          mode: 'auto',
          reason: '',
          cpuRate: 1e6,
          gpuRate: 1e7,
          crossoverBatch: null,
          batchSize: 256,
          lastSwitchUs: null,
          switches: 0,
          gpuReady: true,
        },
      });
    store.getState().ingestSnapshot(snapshot({ kernels: [placement('cpu')] }), Date.now());
    await expect
      .element(page.getByTestId('backend-badge-fraud_processor'))
      .toHaveTextContent('auto → cpu');
    const before = node.element().getBoundingClientRect().height;
    store.getState().ingestSnapshot(snapshot({ kernels: [placement('webgpu')] }), Date.now());
    await expect.element(page.getByTestId('backpressure-fraud_processor')).toBeVisible();
    await expect
      .element(page.getByTestId('backend-badge-fraud_processor'))
      .toHaveTextContent('auto → gpu');
    expect(node.element().getBoundingClientRect().height).toBe(before);
    expect(
      page.getByTestId('backend-badge-fraud_processor').element().getAttribute('title'),
    ).toMatch(/WebGPU/);
  });

  it('labels an auto kernel "auto → …" until the engine reports where it runs', async () => {
    // The label keeps the width of "auto → cpu" from the start: in the app's 220 px node that
    // line wraps, and a label growing when the first snapshot lands moved the node's handles.
    render(<Graph />);
    const badge = page.getByTestId('backend-badge-aggregator');
    await expect.element(badge).toHaveTextContent('auto → …');
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({
            id: 'aggregator',
            placement: {
              mode: 'auto',
              reason: 'CPU twin 140 M/s vs WebGPU 4 K/s: stays on the CPU.',
              cpuRate: 1.4e8,
              gpuRate: 4e3,
              crossoverBatch: null,
              batchSize: 256,
              lastSwitchUs: null,
              switches: 0,
              gpuReady: true,
            },
          }),
        ],
      }),
      Date.now(),
    );
    await expect.element(badge).toHaveTextContent('auto → cpu');
  });

  it('drops an edge rate label when the rate decays to 0, and dims it while stale', async () => {
    render(<Graph />);
    const t0 = Date.now();
    const edges = (rate: number) => [
      { source: 'type:1001', target: 'fraud_processor', ratePerSec: rate, total: 100 },
    ];
    store.getState().ingestSnapshot(snapshot({ edges: edges(49) }), t0);
    const label = page.getByTestId('edge-label-route:1001');
    await expect.element(label).toHaveTextContent('49/s');
    store.getState().tickClock(t0 + 1500);
    await expect.element(label).toHaveClass('stale');
    store.getState().ingestSnapshot(snapshot({ idle: true, edges: edges(0) }), t0 + 1600);
    await expect.element(label).not.toBeInTheDocument();
  });

  /**
   * Snapshots of type `typeId`'s route into `kernel` at `rate`: `at(ms, dropped)` gives the
   * one `ms` after the first, the kernel's queue having refused or evicted `dropped` by then.
   */
  const routeInto = (kernel: string, typeId: number, rate: number) => {
    const t0 = Date.now();
    return (ms: number, dropped: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          timeUs: 5_000_000 + ms * 1000,
          kernels: [kernelRow({ id: kernel, dropped, ratePerSec: rate })],
          edges: [{ source: `type:${typeId}`, target: kernel, ratePerSec: rate, total: 1e6 }],
        }),
        t0 + ms,
      );
  };

  // QA: 44.9 K/s on the route into a queue of 64 beside 75 K/s on the others, and nothing on the
  // edge said the queue refused the rest.
  it("marks a route's rate while its kernel's queue refuses: more was sent than it took", async () => {
    render(<Graph />);
    const at = routeInto('fraud_processor', 1001, 44_900);
    at(0, 0);
    const label = page.getByTestId('edge-label-route:1001');
    await expect.element(label).toHaveTextContent(/^44\.9\sK\/s$/);
    at(200, 30_000);
    await expect.element(label).toHaveTextContent(/^44\.9\sK\/s ⚠$/);
    await expect.element(label).toHaveClass(/edge-label-losing/);
    await expect
      .element(label)
      .toHaveAttribute('title', expect.stringMatching(/more than this was sent on the route/));
    // A second and more with no loss: the mark goes.
    at(1_400, 30_000);
    await expect.element(label).toHaveTextContent(/^44\.9\sK\/s$/);
    await expect.element(label).not.toHaveClass(/edge-label-losing/);
  });

  // A dropOldest queue takes all that is sent, so its route's rate is the whole of it; but each
  // message taken evicts an older one, and the edge had said nothing of that loss.
  it('marks a route into a dropOldest queue while it evicts, saying the rate is all that was sent', async () => {
    render(<Graph />);
    const at = routeInto('aggregator', 1002, 74_800);
    at(0, 0);
    const label = page.getByTestId('edge-label-route:1002');
    await expect.element(label).toHaveTextContent(/^74\.8\sK\/s$/);
    at(200, 30_000);
    await expect.element(label).toHaveTextContent(/^74\.8\sK\/s ⚠$/);
    await expect.element(label).toHaveClass(/edge-label-losing/);
    await expect
      .element(label)
      .toHaveAttribute(
        'title',
        expect.stringMatching(/all that was sent: the queue is full and drops its oldest/),
      );
    // Its victims are held under the reason the Dead letters panel lists them by: DroppedOldest.
    // ("Evicted" there is a letter pushed out of the dead-letter queue itself, another loss.)
    await expect
      .element(label)
      .toHaveAttribute('title', expect.stringMatching(/dead letter, reason DroppedOldest/));
    at(1_400, 30_000);
    await expect.element(label).not.toHaveClass(/edge-label-losing/);
  });

  // A burst of 3,000 is done within one engine slice: the next snapshot is idle and every rate
  // reads 0, so the graph showed nothing at all while Metrics charted the spike.
  it('shows a burst that no rate showed as its count, on its edge and its kernel, for a while', async () => {
    render(<Graph />);
    const t0 = Date.now();
    const at = (total: number, ms: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          idle: true,
          kernels: [kernelRow({ id: 'fraud_processor', processed: total, ratePerSec: 0 })],
          edges: [{ source: 'type:1001', target: 'fraud_processor', ratePerSec: 0, total }],
        }),
        t0 + ms,
      );
    at(100, 0);
    const label = page.getByTestId('edge-label-route:1001');
    const kernelRate = page.getByTestId('kernel-rate-fraud_processor');
    await expect.element(kernelRate).toHaveTextContent('0/s');
    at(3100, 200);
    await expect.element(label).toHaveTextContent('+3,000');
    await expect
      .element(label)
      .toHaveAttribute(
        'title',
        expect.stringMatching(/^3,000 messages this edge carried just now/),
      );
    await expect.element(kernelRate).toHaveTextContent('+3,000');
    // LUMP_MS (1.5 s) with no more: gone.
    at(3100, 2300);
    await expect.element(label).not.toBeInTheDocument();
    await expect.element(kernelRate).toHaveTextContent('0/s');
  });

  it('puts an emits label mid-edge where the edge runs rightwards, beside the kernel where it loops back', async () => {
    const edges = [
      { source: 'fraud_processor', target: 'type:1010', ratePerSec: 499_000, total: 100 },
    ];
    const box = (id: string) => page.getByTestId(id).element().getBoundingClientRect();
    render(<Graph />);
    store.getState().ingestSnapshot(snapshot({ edges }), Date.now());
    const label = page.getByTestId(`edge-label-${emitEdgeId('fraud_processor', 1010)}`);
    await expect.element(label).toHaveTextContent('emits 499 K/s');
    // The demo: FraudAlert right of its kernel. The label sits midway between the two.
    // (Polled: the edge is drawn from the handles once React Flow has measured the nodes.)
    await expect
      .poll(() => box(`edge-label-${emitEdgeId('fraud_processor', 1010)}`).left)
      .toBeGreaterThan(box('node-kernel-fraud_processor').right + 4);
    let l = box(`edge-label-${emitEdgeId('fraud_processor', 1010)}`);
    const [before, after] = [
      l.left - box('node-kernel-fraud_processor').right,
      box('node-type-1010').left - l.right,
    ];
    expect(after).toBeGreaterThan(4);
    // Centred: beside the handle, it sat against the kernel with the gap all on the far side.
    expect(Math.abs(before - after)).toBeLessThan(6);
    // FraudAlert moved left of the kernel: the edge loops back, and its label stays beside the
    // kernel's emit handle rather than at the loop's middle.
    const config = store.getState().config;
    store
      .getState()
      .replace({ ...config, layout: { ...config.layout, 'type:1010': { x: 0, y: 400 } } }, '');
    await expect
      .poll(() => box(`edge-label-${emitEdgeId('fraud_processor', 1010)}`).left)
      .toBeGreaterThan(box('node-kernel-fraud_processor').right);
    l = box(`edge-label-${emitEdgeId('fraud_processor', 1010)}`);
    expect(l.bottom).toBeLessThanOrEqual(box('node-kernel-fraud_processor').bottom);
  });

  it('shows that fraud_processor emits FraudAlert, with text of at least 12 px', async () => {
    render(<Graph />);
    const emits = page.getByTestId('node-kernel-fraud_processor').getByTestId('node-emits');
    await expect.element(emits).toHaveTextContent('emits FraudAlert (1010)');
    await expect
      .element(page.getByRole('group', { name: 'fraud_processor emits FraudAlert (1010)' }))
      .toBeInTheDocument();
    const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
    for (const el of document.querySelectorAll('.graph .node *'))
      if (el.textContent?.trim() && el.children.length === 0 && !el.closest('.sr-only'))
        expect(px(el), el.className).toBeGreaterThanOrEqual(12);
    // Handles: at least 10 px at 100 % zoom (layout size, before the canvas transform).
    for (const h of document.querySelectorAll<HTMLElement>('.graph .react-flow__handle'))
      expect(h.offsetWidth, h.className).toBeGreaterThanOrEqual(10);
    const k2kHandle = document.querySelector(
      '[data-testid="node-kernel-fraud_processor"] .k2k.source',
    );
    expect(k2kHandle?.getAttribute('title')).toMatch(/K2K route from fraud_processor/);
  });
});
