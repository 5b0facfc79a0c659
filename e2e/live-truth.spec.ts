/**
 * Live numbers that never lie (issue 13): rates fall to 0 once traffic stops, a bounded queue never
 * reads above its capacity, and receipts show beside the inject control, every row of a burst.
 */
import { test, expect } from './workbench';
import type { Page } from '@playwright/test';

const snap = (page: Page) => page.evaluate(() => window.workbench.snapshot());

/** A dock panel by its tab's name; opens it when its tab is not the selected one of its pane. */
async function panel(page: Page, name: string) {
  const tab = page.getByRole('tab', { name, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  const p = page.getByRole('tabpanel', { name, exact: true });
  await expect(p).toBeVisible();
  return p;
}

/**
 * Rates the graph's edges show right now: route and K2K labels like "14/s", "12.3 K/s", and the
 * kernels' emits/responds labels ("emits 12.3 K/s", just "emits" while nothing flows).
 */
const edgeRates = (page: Page) => page.locator('[data-testid^="edge-label-"]').allTextContents();
const kernelRates = (page: Page) => page.locator('[data-testid^="kernel-rate-"]').allTextContents();

test.describe('live truth', () => {
  test('a steady rate reads steadily: badge, graph and Queues rates move about once a second, a stop at once', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await panel(page, 'Queues');
    await page.evaluate(() =>
      window.workbench.startGenerator({ ratePerSec: 1000, seed: 3, pattern: 'poisson' }),
    );
    await expect(page.getByTestId('kernel-rate-fraud_processor')).not.toHaveText('0/s');
    await page.waitForTimeout(1500);
    // Every 20 ms for 3 s, in the page: how often each rate's text changed. A Poisson generator's
    // half-second readings move by up to a tenth, and the page showed each of them, ten a second.
    const changes = await page.evaluate(async () => {
      const read = () =>
        [
          ...document.querySelectorAll(
            '[data-testid="traffic-status"], [data-testid^="kernel-rate-"], [data-testid^="rate-"]',
          ),
        ].map((e) => `${e.getAttribute('data-testid')}=${e.textContent}`);
      const count = new Map<string, number>();
      let last = read();
      const t0 = performance.now();
      while (performance.now() - t0 < 3000) {
        await new Promise((r) => setTimeout(r, 20));
        const now = read();
        now.forEach((v, i) => {
          if (v !== last[i]) count.set(v.split('=')[0]!, (count.get(v.split('=')[0]!) ?? 0) + 1);
        });
        last = now;
      }
      return { most: Math.max(0, ...count.values()), seen: last.length };
    });
    expect(changes.seen).toBeGreaterThanOrEqual(9);
    // Three refreshes in 3 s, and room for a step or two on a busy machine; before, 20 to 30.
    expect(changes.most).toBeLessThanOrEqual(7);
    await page.evaluate(() => window.workbench.stopGenerator());
    await expect(page.getByTestId('kernel-rate-fraud_processor')).toHaveText('0/s', {
      timeout: 2000,
    });
  });

  test('rates decay to 0 within 2 s of Stop: graph edges, Queues, no overload alarm', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    const queues = await panel(page, 'Queues');
    const started = await page.evaluate(() =>
      window.workbench.startGenerator({ ratePerSec: 50_000, seed: 3 }),
    );
    expect(started.ok).toBe(true);
    await expect
      .poll(async () => (await edgeRates(page)).filter((t) => /\d/.test(t)).length)
      .toBeGreaterThan(0);
    await expect(queues.getByTestId('rate-fraud_processor')).not.toHaveText('0/s');
    // The kernels' own throughput on their nodes, and what they emit on their emits edges.
    await expect
      .poll(async () => (await kernelRates(page)).filter((t) => t !== '0/s').length)
      .toBeGreaterThan(0);
    await expect
      .poll(async () => (await edgeRates(page)).filter((t) => /^(emits|responds) \d/.test(t)))
      .not.toEqual([]);
    // Queues fill between drains: the snapshot's recent peak and the bars' peak hold show it.
    await expect
      .poll(async () => (await snap(page))!.kernels.some((k) => k.peakQueued > 0))
      .toBe(true);
    await expect(page.locator('[data-testid^="queue-peak-"]').first()).toBeVisible();

    // Within two seconds every edge label has lost its rate, every Queues and node rate reads
    // 0/s, and the peak hold lets go (no mark on a bar, every recent peak 0). Stopped and watched
    // in the page every 50 ms, so the 2 s are the page's own: timed from here, the 14 round trips
    // of the checks made it 2.5 s on a slower machine whatever the page showed.
    const decay = await page.evaluate(async () => {
      await window.workbench.stopGenerator();
      const stopped = performance.now();
      const kernels = ['fraud_processor', 'aggregator', 'pattern_detector', 'alert_sink'];
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent;
      const notZero = () =>
        [
          ...Array.from(document.querySelectorAll('[data-testid^="edge-label-"]'), (el) =>
            /\d/.test(el.textContent ?? '') ? `edge: ${el.textContent}` : '',
          ),
          ...kernels.flatMap((k) => [
            text(`rate-${k}`) === '0/s' ? '' : `Queues rate-${k}: ${text(`rate-${k}`)}`,
            text(`kernel-rate-${k}`) === '0/s'
              ? ''
              : `node kernel-rate-${k}: ${text(`kernel-rate-${k}`)}`,
            text(`peak-${k}`) === '0' ? '' : `Queues peak-${k}: ${text(`peak-${k}`)}`,
          ]),
          ...Array.from(
            document.querySelectorAll('[data-testid^="queue-peak-"]'),
            (el) => `peak mark ${el.getAttribute('data-testid')}`,
          ),
        ].filter((t) => t !== '');
      let left = notZero();
      while (left.length > 0 && performance.now() - stopped < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = notZero();
      }
      return { ms: performance.now() - stopped, left };
    });
    expect(decay.left).toEqual([]);
    expect(decay.ms).toBeLessThanOrEqual(2000);
    // The engine keeps publishing while idle, so nothing is stale and no alarm is left behind.
    const seq = (await snap(page))!.seq;
    await expect.poll(async () => (await snap(page))!.seq).toBeGreaterThan(seq + 5);
    // The panels read 0 as soon as the engine is idle; the snapshot's own rates are averages over
    // the last half second and reach 0 within it (on a loaded CI machine the checks above can all
    // pass within 0.3 s of Stop, so the snapshot is polled, not read once).
    await expect
      .poll(async () => (await snap(page))!.rates, { timeout: 2000 })
      .toEqual({ injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: 0 });
    const s = (await snap(page))!;
    expect(s.idle).toBe(true);
    expect(s.kernels.map((k) => k.peakQueued)).toEqual([0, 0, 0, 0]);
    await expect(page.locator('.prediction.predict-warn')).toHaveCount(0);
    await expect(page.locator('.stale')).toHaveCount(0);
  });

  test('a kernel forced onto a GPU that cannot keep up is the one bottleneck; the kernel it feeds loses nothing', async ({
    wb,
    page,
  }) => {
    test.setTimeout(120_000);
    await wb.openReady();
    // fraud_processor on WebGPU (SwiftShader here: about 10^5 messages/s), the rest on auto.
    await wb.forceBackend('fraud_processor', 'webgpu');
    const queues = await panel(page, 'Queues');
    const started = await page.evaluate(() =>
      // Until stopped below, not for a set time: on a loaded machine 8 s of traffic through a
      // kernel on SwiftShader had not always made the 100,000 alerts the sink is checked for.
      window.workbench.startGenerator({ ratePerSec: 2_000_000, seed: 5 }),
    );
    expect(started.ok).toBe(true);
    // Its queue fills and its policy applies; the UI names it, on WebGPU, as the bottleneck.
    const fraudRow = queues.getByTestId('queue-row-fraud_processor');
    await expect(fraudRow).toContainText('WebGPU');
    await expect(fraudRow.getByText('bottleneck')).toBeVisible({ timeout: 15_000 });
    // Batches in flight: their count sits beside the node's queue bar, and the bar's numbers
    // stay whole ("≤1,436 / 4,096" was cut to "≤1,436 / 4,09" under "+1,046").
    const seen: string[] = [];
    for (let i = 0; i < 200 && seen.length < 3; i++) {
      const look = await page.evaluate(() => {
        const flying = document.querySelector('[data-testid="inflight-node-fraud_processor"]');
        const text = document.querySelector<HTMLElement>('[data-testid="queue-fraud_processor"]');
        if (!flying || !text || (text.textContent ?? '').length < 13) return null;
        return `${text.scrollWidth <= text.clientWidth ? 'whole' : 'cut'}: ${text.textContent}`;
      });
      if (look) seen.push(look);
      else await page.waitForTimeout(50);
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const look of seen) expect(look).toMatch(/^whole: /);
    // The badge comes at 75 % full, before the first loss: on a slow machine (CI) the queue had
    // not yet refused a message when the looks above were done, so its losses are waited for.
    await expect
      .poll(
        async () => (await snap(page))?.kernels.find((k) => k.id === 'fraud_processor')?.dropped,
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    const during = (await snap(page))!;
    const fraud = during.kernels.find((k) => k.id === 'fraud_processor')!;
    expect(fraud.queued).toBeLessThanOrEqual(fraud.capacity);
    expect(fraud.peakQueued).toBeLessThanOrEqual(fraud.capacity);
    // Its GPU batches come back 4,096 alerts at a time into alert_sink's queue of 1,024: they
    // go on in groups the sink takes, so the sink refuses nothing and is no bottleneck.
    await expect
      .poll(async () => (await snap(page))?.kernels.find((k) => k.id === 'alert_sink')?.processed, {
        timeout: 15_000,
      })
      .toBeGreaterThan(100_000);
    await page.evaluate(() => window.workbench.stopGenerator());
    await expect
      .poll(
        async () => {
          const s = await snap(page);
          return s ? s.accounting.queued + s.accounting.inFlight : -1;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    const after = (await snap(page))!;
    const sink = after.kernels.find((k) => k.id === 'alert_sink')!;
    const emitted = after.kernels.find((k) => k.id === 'fraud_processor')!.emitted;
    expect(emitted).toBeGreaterThan(1000);
    expect(sink.dropped).toBe(0);
    expect(sink.lettersByReason.QueueFull ?? 0).toBe(0);
    await expect(queues.getByTestId('queue-row-alert_sink').getByText('bottleneck')).toHaveCount(0);
    expect(after.accounting.balanced).toBe(true);
  });

  test('depth never exceeds capacity under load (2 M/s): snapshot and DOM', async ({
    wb,
    page,
  }) => {
    test.setTimeout(120_000);
    await wb.openReady();
    const queues = await panel(page, 'Queues');
    const started = await page.evaluate(() =>
      window.workbench.startGenerator({ ratePerSec: 2_000_000, seed: 5, durationMs: 6000 }),
    );
    expect(started.ok).toBe(true);
    await expect(queues.getByTestId('rate-fraud_processor')).not.toHaveText('0/s');
    // Sample inside the page (one round trip): the snapshot and what the graph and the Queues
    // panel show as "queued / capacity", every 100 ms for 3 s.
    const { over, sawQueue, samples } = await page.evaluate(async () => {
      const num = (x: string | undefined) => Number((x ?? '').replaceAll(',', '').trim());
      const over: string[] = [];
      let sawQueue = false;
      let samples = 0;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 100));
        samples++;
        const s = window.workbench.snapshot();
        for (const k of s?.kernels ?? []) {
          if (k.queued + k.inFlight + k.maxDepth > 0) sawQueue = true;
          if (k.queued > k.capacity || k.queueDepth > k.capacity)
            over.push(`snapshot ${k.id}: ${k.queued} / ${k.capacity}`);
        }
        const shown = document.querySelectorAll(
          '[data-testid^="queue-"]:not([data-testid^="queue-row"]), [data-testid^="queued-"]',
        );
        for (const el of shown) {
          // "≤300 / 4,096": a recent peak; it must not pass the capacity either.
          const m = /^≤?([\d,]+) \/ ([\d,]+)/.exec(el.textContent?.trim() ?? '');
          if (m && num(m[1]) > num(m[2]))
            over.push(`${el.getAttribute('data-testid')}: ${el.textContent}`);
        }
      }
      return { over, sawQueue, samples };
    });
    expect(samples).toBe(30);
    await page.evaluate(() => window.workbench.stopGenerator());
    expect(over).toEqual([]);
    // Traffic really flowed and queues held messages at some point.
    expect(sawQueue).toBe(true);
    await expect
      .poll(async () => (await snap(page))!.accounting.processed)
      .toBeGreaterThan(100_000);
  });

  test('a burst of 1,000,000 from Inject keeps the snapshots, the status bar and its progress moving', async ({
    wb,
    page,
  }) => {
    test.setTimeout(60_000);
    await wb.openReady();
    const form = (await panel(page, 'Inject')).getByRole('form', { name: 'Publish form' });
    await form.getByLabel('Burst size').fill('1000000');
    // One round trip: Send burst pressed (the panel's largest burst of the type it shows), and what
    // the page had at each animation frame until the send's result line came. Before, the
    // engine's thread went silent for the 1.6 s the send took, and every panel showed the
    // snapshot from before it.
    const run = await page.evaluate(async () => {
      const before = window.workbench.snapshot()!;
      const seen: { seq: number; injected: number; balanced: boolean; timeUs: number }[] = [];
      const totals = new Set<string>();
      const progress = new Set<string>();
      const toolbar = new Set<string>();
      const publish = document.querySelector('form[aria-label="Publish form"]')!;
      const burst = [...publish.querySelectorAll('button')].find(
        (b) => b.textContent === 'Send burst',
      )!;
      burst.click();
      let offWhileSending = true;
      const t0 = performance.now();
      while (!publish.querySelector('.send-result') && performance.now() - t0 < 30_000) {
        await new Promise((r) => requestAnimationFrame(r));
        const s = window.workbench.snapshot();
        if (s && s.seq !== seen[seen.length - 1]?.seq)
          seen.push({
            seq: s.seq,
            injected: s.injected,
            balanced: s.accounting.balanced,
            timeUs: s.timeUs,
          });
        totals.add(document.querySelector('[data-testid="receipt-total"]')?.textContent ?? '');
        const line = document.querySelector('[data-testid="send-progress"]')?.textContent;
        if (line) progress.add(line);
        const said = document.querySelector('[data-testid="traffic-sending"]')?.textContent;
        if (said) toolbar.add(said);
        if (line && burst.getAttribute('aria-disabled') !== 'true') offWhileSending = false;
      }
      return {
        before: before.injected,
        result: publish.querySelector('.send-result')?.textContent ?? '',
        seen,
        totals: [...totals],
        progress: [...progress],
        toolbar: [...toolbar],
        offWhileSending,
      };
    });
    expect(run.result).toMatch(/^Sent 1,000,000: messages \d+ to \d+\. Refused on send: QueueFull/);
    const during = run.seen.filter(
      (s) => s.injected > run.before && s.injected < run.before + 1_000_000,
    );
    // Snapshots of the burst half sent, each whole, the engine's clock moving between them.
    expect(during.length).toBeGreaterThanOrEqual(2);
    for (const s of during) expect(s.balanced).toBe(true);
    expect(during[during.length - 1]!.timeUs).toBeGreaterThan(during[0]!.timeUs);
    // The status bar's receipt total read more than one count meanwhile, the form how far the
    // send was (with sending off), and the toolbar that a burst was being sent.
    expect(run.totals.length).toBeGreaterThanOrEqual(2);
    expect(run.progress.length).toBeGreaterThanOrEqual(1);
    for (const line of run.progress) expect(line).toMatch(/^Sending 1,000,000: [\d,]+ sent$/);
    expect(run.offWhileSending).toBe(true);
    expect(run.toolbar.length).toBeGreaterThanOrEqual(1);
    for (const said of run.toolbar) expect(said).toMatch(/^sending burst · \d+ %$/);
    // Done: both gone, the count whole.
    await expect(page.getByTestId('send-progress')).toHaveCount(0);
    await expect(page.getByTestId('traffic-status')).toHaveText(/generator idle/);
    await expect.poll(async () => (await snap(page))!.injected).toBe(run.before + 1_000_000);
    expect((await snap(page))!.accounting.balanced).toBe(true);
  });

  test('a click on a type’s ▶ shows the receipt beside the inject control', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    const inject = page.getByRole('tabpanel', { name: 'Inject', exact: true });
    const receipts = page.getByRole('tabpanel', { name: 'Receipts', exact: true });
    // The default dock shows both at once: no tab switch in between.
    await expect(inject).toBeVisible();
    await expect(receipts).toBeVisible();
    await page.getByRole('button', { name: 'Inject one Transaction message' }).click();
    await expect(receipts.getByRole('row', { name: /Transaction \(1001\)/ }).first()).toBeVisible();
    await expect(inject).toBeVisible();
  });

  test('a burst of 300 is shown whole in the receipt tail', async ({ wb, page }) => {
    await wb.openReady();
    const receipts = await panel(page, 'Receipts');
    const r = await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 300 }));
    expect(r).toMatchObject({ ok: true, count: 300 });
    await expect(receipts.getByTestId('receipt-shown')).toHaveText('300 rows shown');
    expect((await snap(page))!.receipts.sampledOut).toBe(0);
  });
});
