import { engineReady, readCount, test, expect, type Workbench } from './workbench';
import type { Page } from '@playwright/test';
import { demoConfig } from '../src/core/config/index.ts';
import { GeneratedBatch, TrafficGenerator } from '../src/engine/generators.ts';
import { layoutOf } from '../src/engine/payload.ts';

const snap = (page: Page) => page.evaluate(() => window.workbench.snapshot());

/**
 * The demo with 10,000 AccountUpdates sent into aggregator's 4,096 (dropOldest): 5,904 pushed out
 * as letters. Returns the Dead letters panel with its redrive options open.
 */
async function overflowAggregator(wb: Workbench, page: Page) {
  await wb.openReady();
  await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 10_000 }));
  // Given time: in a full suite on 2 cores the engine's first send of 10,000 took over the default
  // 10 s once (the page showed the 5,904 letters just after).
  await expect
    .poll(async () => (await snap(page))?.deadLetters.count ?? 0, { timeout: 30_000 })
    .toBe(5_904);
  const panel = await wb.openPanel('Dead letters');
  await panel.getByRole('button', { name: /^Options/ }).click();
  return panel;
}

test.describe('inject and watch', () => {
  // Node-RED says "Successfully injected" at an inject node's button; the ▶ had said nothing, and
  // finding the message took Receipts, its row, then Trace.
  test("a type's ▶ says which message it sent, and its notice's Trace traces it", async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await page.getByRole('button', { name: 'Inject one Transaction message' }).click();
    const notice = page
      .getByTestId('notices')
      .locator('.notice', { hasText: 'Sent 1 Transaction' });
    await expect(notice).toHaveText(/Sent 1 Transaction: message \d+\./);
    const id = Number(/message (\d+)/.exec((await notice.textContent()) ?? '')![1]);
    // A second send replaces the first's notice rather than stacking up.
    await page.getByRole('button', { name: 'Inject one Transaction message' }).click();
    await expect(notice).toHaveCount(1);
    await expect(notice).toContainText(`message ${id + 1}.`);
    await notice.getByRole('button', { name: 'Trace' }).click();
    await expect(page.getByTestId('trace-summary')).toContainText(`Message ${id + 1}:`);
    await expect(page.getByTestId('trace-hops')).toContainText('fraud_processor');
  });

  test('clicking inject on a type node shows a Delivered receipt', async ({ wb, page }) => {
    await wb.openReady();
    await page.getByRole('button', { name: 'Inject one Transaction message' }).click();
    await expect
      .poll(async () => (await snap(page))?.receipts.byStatus.Delivered ?? 0)
      .toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Receipts' }).click();
    const row = page
      .getByTestId('receipt-list')
      .locator('[role="row"][data-status="Delivered"]')
      .first();
    await expect(row).toBeVisible();
    await row.click();
    const detail = page.getByRole('complementary', { name: 'Receipt detail' });
    await expect(detail).toContainText('amount');
    await expect(detail.getByTestId('payload-hex')).not.toBeEmpty();
    // Pin keeps the message's chain exact in the engine's bounded trace store.
    await detail.getByRole('button', { name: 'Pin' }).click();
    await expect(detail.getByRole('button', { name: 'Unpin' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    // Closed and opened again, the detail still says it is pinned (it read "Pin" again).
    await detail.getByRole('button', { name: 'Close detail' }).click();
    await row.click();
    await expect(detail.getByRole('button', { name: 'Unpin' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await detail.getByRole('button', { name: 'Unpin' }).click();
    await expect(detail.getByRole('button', { name: 'Pin' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
  });

  test('a burst overflows a small queue: QueueFull receipts, dead letters, critical colour', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const cfg = await wb.config();
    cfg.kernels = cfg.kernels.map((k) =>
      k.id === 'pattern_detector'
        ? { ...k, queueCapacity: 8, overflowPolicy: 'deadLetter' as const }
        : k,
    );
    expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
    await engineReady(page);
    await expect
      .poll(
        async () => (await snap(page))?.kernels.find((k) => k.id === 'pattern_detector')?.capacity,
      )
      .toBe(8);
    const res = await page.evaluate(() => window.workbench.inject({ typeId: 1003, count: 500 }));
    expect(res.ok).toBe(true);
    await expect
      .poll(async () => (await snap(page))?.receipts.byStatus.QueueFull ?? 0)
      .toBeGreaterThan(0);
    await expect.poll(async () => (await snap(page))?.deadLetters.count ?? 0).toBeGreaterThan(0);
    // Seen from another panel: the Dead letters and Problems tabs carry their counts (the tabs'
    // names stay theirs). A burst that lost 492 had left both tabs as they were.
    const held = (await snap(page))!.deadLetters.count;
    const badge = page.getByTestId('badge-deadletters');
    await expect(badge).toHaveText(held.toLocaleString('en-US'));
    await expect(badge).toHaveClass(/crit/);
    await expect(page.getByTestId('badge-problems')).toHaveText(/^\d+$/);
    await expect(
      page.getByRole('tab', { name: 'Dead letters', exact: true }).getByTestId('badge-deadletters'),
    ).toBeVisible();
    // Said to a screen reader too, as the tab's description (the count alone was aria-hidden).
    await expect(
      page.getByRole('tab', { name: 'Dead letters', exact: true }),
    ).toHaveAccessibleDescription(`${held.toLocaleString('en-US')} dead letters held`);
    await expect(
      page.getByRole('tab', { name: 'Problems', exact: true }),
    ).toHaveAccessibleDescription(/^\d+ problems?/);
    // While its letters are held, the graph's loss mark is red.
    await expect(page.getByTestId('dropped-node-pattern_detector')).toHaveAttribute(
      'data-settled',
      'false',
    );
    await page.getByRole('tab', { name: 'Dead letters' }).click();
    await expect(page.getByTestId('dead-letter-count')).not.toHaveText('0 dead letters');
    // Purged, none is held: the count goes from the tab.
    await page.getByRole('button', { name: /^Purge/ }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Purge/ })
      .click();
    await expect(badge).toHaveCount(0);
    await page.getByRole('tab', { name: 'Queues' }).click();
    await expect(page.getByTestId('queue-row-pattern_detector')).toBeVisible();
    // Once the queue has drained, the graph still says the kernel lost messages, and how many.
    const dropped = (await snap(page))!.kernels.find((k) => k.id === 'pattern_detector')!.dropped;
    expect(dropped).toBeGreaterThan(0);
    await expect(page.getByTestId('queue-pattern_detector')).toHaveText(/^0 \/ 8$/);
    const mark = page.getByTestId('dropped-node-pattern_detector');
    // pattern_detector's policy is reject: it refused them.
    await expect(mark).toHaveText(`${dropped.toLocaleString('en-US')} refused`);
    // Whole, not cut short.
    expect(await mark.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Hung from its own node's foot, inside its width: loose below it, "5,904 evicted" touched
    // the kernel below and read as that kernel's.
    const [m, n] = await mark.evaluate((el) => {
      const node = el.closest('.react-flow__node')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return [
        { top: r.top, left: r.left, right: r.right },
        { bottom: node.bottom, left: node.left, right: node.right },
      ];
    });
    expect(Math.abs(m.top - n.bottom)).toBeLessThanOrEqual(2);
    expect(m.left).toBeGreaterThanOrEqual(n.left);
    expect(m.right).toBeLessThanOrEqual(n.right);
    // Its letters purged (above): the mark stays, in grey, and says none is held now (in red
    // it had read as a loss still to act on).
    await expect(mark).toHaveAttribute('data-settled', 'true');
    await expect(mark).toHaveAttribute('title', /none of its letters held now/);
    // Reset counters clears the mark.
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByRole('button', { name: 'Reset counters' }).click();
    await expect(page.getByTestId('dropped-node-pattern_detector')).toHaveCount(0);
  });

  // Half the dock at 1280x720 under load: "≤301 / 4,096" widened the depth column and the last
  // header was cut to "DRAINED I…", its values past the pane's edge.
  // Reloaded mid-run, the page came back with a fresh engine and nothing said: the held dead
  // letters, read as durable, were gone.
  test('a reload mid-run says what the last page held was not kept', async ({ wb, page }) => {
    await wb.openReady();
    await page.evaluate(() => window.workbench.inject({ typeId: 1003, count: 3_000 }));
    await page.evaluate(() => window.workbench.startGenerator({ ratePerSec: 10_000, seed: 3 }));
    await expect.poll(async () => (await snap(page))?.deadLetters.count ?? 0).toBeGreaterThan(0);
    // The page shows it (the note is taken from what is on screen).
    await expect(page.getByTestId('badge-deadletters')).toBeVisible();
    await page.reload();
    await engineReady(page);
    await expect(page.getByTestId('notices')).toContainText(
      /Reloaded: the last page's traffic was not kept \([\d,]+ injected, [\d,]+ dead letters held, generator running\)\./,
    );
    // A warning, read whole: not cut at the notice's three lines.
    const note = page.locator('.notice-warning .notice-text', { hasText: 'Reloaded:' });
    await expect(note).toBeVisible();
    expect(await note.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    expect((await snap(page))!.injected).toBe(0);
  });

  test("Predict's kernel table fits the half-width pane at 1280x720 under load", async ({
    wb,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await wb.openReady();
    await page.evaluate(() => window.workbench.startGenerator({ ratePerSec: 2_000_000, seed: 7 }));
    await wb.openPanel('Predict');
    const depth = page.getByTestId('predict-depth-alert_sink');
    await expect(depth).toHaveText(/^≤\d/);
    const fit = await page
      .getByRole('table', { name: 'Queue predictions' })
      .evaluate((t) => [t.scrollWidth, t.parentElement!.clientWidth]);
    expect(fit[0]).toBeLessThanOrEqual(fit[1]! + 1);
    await page.evaluate(() => window.workbench.stopGenerator());
  });

  test('counts read with thousands separators in Dead letters, Metrics and Predict', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await page.evaluate(() => window.workbench.inject({ typeId: 999_999, count: 1_500 }));
    await expect.poll(async () => (await snap(page))?.deadLetters.count ?? 0).toBe(1_500);
    await wb.openPanel('Dead letters');
    await expect(page.getByTestId('dead-letter-count')).toHaveText('1,500 dead letters held');
    await expect(page.getByRole('button', { name: 'Redrive all matching (1,500)' })).toBeVisible();
    await wb.openPanel('Metrics');
    await expect(wb.panel('Metrics')).toContainText('unknown type 1,500');
    await wb.openPanel('Predict');
    await expect(page.getByTestId('predict-row-fraud_processor')).toContainText('0 / 4,096');
  });

  test('redrive a queueful at a time: at most 1,000 of 5,904 letters, the rest still held', async ({
    wb,
    page,
  }) => {
    const panel = await overflowAggregator(wb, page);
    await panel.getByRole('textbox', { name: 'Redrive at most' }).fill('1000');
    await panel.getByRole('button', { name: 'Redrive oldest 1,000 of 5,904' }).click();
    await expect(panel.getByRole('status').filter({ hasText: 'Redrove' })).toHaveText(
      /^Redrove 1,000: 1,000 accepted, 0 failed again\. 4,904 matching still held right after it\.$/,
    );
    await expect(page.getByTestId('dead-letter-count')).toHaveText('4,904 dead letters held');
    await expect
      .poll(async () => (await snap(page))?.kernels.find((k) => k.id === 'aggregator')?.processed)
      .toBe(4_096 + 1_000);
    await expect(page.getByTestId('accounting')).toHaveAttribute('data-balanced', 'true');
  });

  test('a paced redrive follows the drain: none pushed out again; Cancel keeps the rest', async ({
    wb,
    page,
  }) => {
    const panel = await overflowAggregator(wb, page);
    const pace = panel.getByRole('textbox', { name: 'Redrive pace (letters per second)' });
    // Slowly first, then cancelled: what went stays gone, the rest stay held.
    await pace.fill('500');
    await panel.getByRole('button', { name: 'Redrive all (5,904) at 500/s' }).click();
    const line = panel.getByTestId('redrive-progress');
    await expect(line).toContainText(/^Redriving [1-9][\d,]* of 5,904 at 500\/s/);
    await panel.getByRole('button', { name: 'Cancel redrive' }).click();
    await expect(line).toContainText(/^Cancelled a redrive after [\d,]+ of 5,904 at 500\/s/);
    const sent = (await snap(page))!.deadLetters.redrive!.sent;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(5_904);
    await expect.poll(async () => (await snap(page))!.deadLetters.count).toBe(5_904 - sent);
    // The rest at 20,000/s: every one taken back, none pushed out of aggregator's queue again
    // (at once, each of them evicted a queued message).
    await pace.fill('20000');
    await panel.getByRole('button', { name: /^Redrive all .* at 20,000\/s$/ }).click();
    await expect(line.locator('span')).toHaveText(
      `Redrove ${(5_904 - sent).toLocaleString('en-US')} of ${(5_904 - sent).toLocaleString('en-US')} at 20,000/s: ${(5_904 - sent).toLocaleString('en-US')} accepted, 0 failed again.`,
    );
    await expect(page.getByTestId('dead-letter-count')).toHaveText('0 dead letters held');
    await expect
      .poll(async () => (await snap(page))?.kernels.find((k) => k.id === 'aggregator')?.processed)
      .toBe(10_000);
    await expect(page.getByTestId('accounting')).toHaveAttribute('data-balanced', 'true');
  });

  test('pause buffers receipts instead of dropping them', async ({ wb, page }) => {
    await wb.openReady();
    await page.getByRole('tab', { name: 'Receipts' }).click();
    await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 3 }));
    const rows = page.getByTestId('receipt-list').locator('[role="row"][data-status]');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const before = await rows.count();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 5 }));
    await expect(page.getByTestId('receipts-held')).toHaveText(
      /Paused: [1-9]\d* new receipts? held/,
    );
    expect(await rows.count()).toBe(before);
    await page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(before + 5);
  });

  test('Dead letters: the filters and the redrive controls hold still while letters pour in (1280x720)', async ({
    wb,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await wb.openReady();
    const panel = await wb.openPanel('Dead letters');
    const controls = [
      panel.getByRole('combobox', { name: 'Filter dead letters by reason' }),
      panel.getByRole('combobox', { name: 'Filter dead letters by destination' }),
      panel.getByRole('combobox', { name: 'Redrive target' }),
      panel.getByRole('button', { name: /^Options/ }),
    ];
    const where = async () =>
      Promise.all(
        controls.map(async (c) => {
          const b = (await c.boundingBox())!;
          return `${Math.round(b.x)},${Math.round(b.y)}`;
        }),
      );
    const before = await where();
    // From none to 10,000 held (full) with thousands evicted: the count's text grows fivefold.
    for (const n of [3_000, 12_000]) {
      await page.evaluate((count) => window.workbench.inject({ typeId: 424242, count }), n);
      await expect(panel.getByTestId('dead-letter-count')).toContainText(
        n === 3_000 ? '3,000' : '10,000',
      );
      expect(await where()).toEqual(before);
    }
    await expect(panel.getByTestId('dead-letters-full')).toBeVisible();
  });

  test('unknown type ids yield NoRoute receipts and dead letters', async ({ wb, page }) => {
    await wb.openReady();
    // The reply says what the send did at once, and which ids it gave (as the README says).
    const sent = await page.evaluate(() => window.workbench.inject({ typeId: 424242, count: 2 }));
    expect(sent).toMatchObject({ ok: true, count: 2, atOnce: { NoRoute: 2 } });
    expect(sent.ids!.last - sent.ids!.first).toBe(1);
    // The live dispatcher's table, from the engine: every route of the demo, none for 424242.
    const routes = await page.evaluate(() => window.workbench.routes());
    expect(routes.map(([t, k]) => `${t}->${k}`).sort()).toEqual(
      (await wb.config()).routes.map((r) => `${r.typeId}->${r.kernelId}`).sort(),
    );
    await expect.poll(async () => (await snap(page))?.receipts.byStatus.NoRoute ?? 0).toBe(2);
    await expect
      .poll(async () => (await snap(page))?.deadLetters.count ?? 0)
      .toBeGreaterThanOrEqual(2);
  });

  test('the toolbar starts the traffic the Generator form describes, and stops it', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    const toolbar = page.getByRole('banner', { name: 'Workbench' });
    await expect(page.getByTestId('traffic-status')).toContainText('generator idle');
    await page.getByRole('button', { name: 'Start traffic' }).click();
    // The measured rate replaces "generator idle", and messages flow into the kernels.
    await expect(page.getByTestId('traffic-rate')).toBeVisible();
    await expect.poll(async () => (await snap(page))?.generator.spec?.ratePerSec ?? 0).toBe(1000);
    await expect
      .poll(async () => (await snap(page))?.accounting.processed ?? 0)
      .toBeGreaterThan(100);
    await toolbar.getByRole('button', { name: 'Stop traffic' }).click();
    await expect(page.getByTestId('traffic-status')).toContainText('generator idle');
    await expect(page.getByRole('button', { name: 'Start traffic' })).toBeVisible();
  });

  test('the accounting balances after a generator run', async ({ wb, page }) => {
    await wb.openReady();
    const r = await page.evaluate(() =>
      window.workbench.startGenerator({
        ratePerSec: 20_000,
        durationMs: 400,
        seed: 7,
        pattern: 'poisson',
      }),
    );
    expect(r.ok).toBe(true);
    await expect
      .poll(async () => (await snap(page))?.generator.emitted ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(1000);
    await expect
      .poll(async () => (await snap(page))?.generator.running, { timeout: 20_000 })
      .toBe(false);
    await expect
      .poll(
        async () =>
          ((s) => (s ? s.accounting.queued + s.accounting.inFlight : -1))(await snap(page)),
        { timeout: 20_000 },
      )
      .toBe(0);
    const s = (await snap(page))!;
    const failed = Object.values(s.accounting.failedByStatus).reduce((a, b) => a + b, 0);
    expect(s.accounting.injected).toBe(s.injected);
    expect(s.accounting.injected + s.accounting.emitted).toBe(
      s.accounting.processed +
        s.accounting.queued +
        s.accounting.inFlight +
        failed +
        s.accounting.deadLettered,
    );
    expect(s.accounting.balanced).toBe(true);
    await expect(page.getByTestId('accounting')).toHaveAttribute('data-balanced', 'true');
  });

  // Side by side under traffic they had read "6,836 receipts" and injected 5,103 + emitted 1,865
  // (6,968): the Receipts panel took its counts at times of its own.
  test('while traffic runs, the Receipts total is injected + emitted on the status bar, frame by frame', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await page.evaluate(() =>
      window.workbench.startGenerator({ ratePerSec: 1_000, seed: 7, pattern: 'poisson' }),
    );
    await expect
      .poll(async () => (await snap(page))?.generator.emitted ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(300);
    // Read both in one animation frame, forty frames apart from each other by 50–120 ms.
    const reads = await page.evaluate(async () => {
      const num = (t: string | null | undefined, re: RegExp) =>
        Number((re.exec(t ?? '')?.[1] ?? 'NaN').replace(/,/g, ''));
      const out: [number, number][] = [];
      for (let i = 0; i < 40; i++) {
        await new Promise((r) => setTimeout(r, 50 + ((i * 37) % 70)));
        await new Promise((r) => requestAnimationFrame(r));
        const acc = document.querySelector('[data-testid="accounting"]')?.textContent;
        const total = document.querySelector('[data-testid="receipt-total"]')?.textContent;
        out.push([
          num(acc, /injected ([\d,]+)/) + num(acc, /\+ emitted ([\d,]+)/),
          num(total, /([\d,]+) receipts?/),
        ]);
      }
      return out;
    });
    expect(reads.every(([a]) => a > 0)).toBe(true);
    expect(reads.filter(([a, b]) => a !== b)).toEqual([]);
  });
});

test('metrics: the dispatcher counters show and reset, the charts draw', async ({ wb, page }) => {
  await wb.open();
  await expect.poll(async () => (await snap(page))?.kernels.length ?? 0).toBeGreaterThan(0);
  await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 5 }));
  await page.evaluate(() => window.workbench.inject({ typeId: 777777, count: 1 }));
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const counters = page.getByTestId('dispatcher-counters');
  await expect(counters).toContainText('dispatched 6');
  await expect(counters).toContainText('unknown type 1');
  // Responses go back through the broker, not the dispatcher: counted beside it, on screen.
  await expect(page.getByTestId('broker-counters')).toHaveCount(0);
  await page.evaluate(() => window.workbench.inject({ typeId: 1003, count: 3 }));
  await expect(counters).toContainText('dispatched 9');
  await expect(page.getByTestId('broker-counters')).toContainText('sent 3, failed 0');
  await expect(page.getByTestId('chart-rates').locator('canvas')).toBeVisible();
  // At 1280x720, in the half-height pane: each chart's title is one line and its key is above
  // the plot, in view (under it, the key was below the fold and the lines had no names).
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const kind of ['rates', 'kernels']) {
    const chart = page.getByTestId(`chart-${kind}`);
    const title = chart.locator('.u-title');
    const key = chart.locator('.u-legend');
    await expect(key).toBeInViewport();
    const t = (await title.boundingBox())!;
    const k = (await key.boundingBox())!;
    const plot = (await chart.locator('canvas').boundingBox())!;
    expect(t.height).toBeLessThan(24);
    expect(k.y + k.height).toBeLessThanOrEqual(plot.y + 1);
  }
  await expect(page.getByTestId('chart-rates').locator('.u-title')).toHaveAttribute(
    'title',
    /injected and the alerts kernels emit/,
  );
  // In the dark theme the axis labels are light on the dark plot (black, they could not be read).
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect
    .poll(() =>
      page.getByTestId('chart-kernels').evaluate((el) => {
        const canvas = el.querySelector('canvas');
        if (!canvas) return 0; // built again on the next frame
        // The y axis, left of the plot: its labels are the only ink there.
        const axis = canvas.getContext('2d')!.getImageData(0, 0, 48, canvas.height).data;
        let brightest = 0;
        for (let i = 0; i < axis.length; i += 4)
          if (axis[i + 3]! > 0)
            brightest = Math.max(brightest, (axis[i]! + axis[i + 1]! + axis[i + 2]!) / 3);
        return brightest;
      }),
    )
    .toBeGreaterThan(120);
  // Evicted after their queue took them (aggregator, 4,096, dropOldest): "delivered" counts
  // them, and the line says how many of the delivered failed later.
  await expect(page.getByTestId('failed-later')).toHaveCount(0);
  await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 5_000 }));
  await expect(page.getByTestId('failed-later')).toContainText(/[\d,]+ failed later/);
  const later = await page.evaluate(() => window.workbench.snapshot()!.receipts.failedLater);
  expect(later).toBeGreaterThan(0);
  await expect(page.getByTestId('failed-later')).toContainText(later.toLocaleString('en-US'));
  // The rates chart draws them as letters a second (the dispatcher's failed/s counts no error
  // for an eviction; the one unknown type above read 1/s there).
  await expect(page.getByTestId('chart-words-rates')).toContainText(
    /dead-lettered\/s: now [^;]+, highest (?:[1-9][\d,]{2,}|[\d.]+\s?[KM])\/s/,
  );
  // At 1280x720 (the half-width pane) what shows is the amber mark after delivered, its count in
  // its name.
  const mark = page.getByTestId('failed-later-mark');
  await expect(mark).toBeVisible();
  await expect(mark).toHaveAttribute(
    'aria-label',
    `${later.toLocaleString('en-US')} failed later, the broker's included`,
  );
  // Reset: the counts start again, and the panel and the status bar say from when.
  await expect(page.getByTestId('metrics-since')).toHaveCount(0);
  await page.getByRole('button', { name: 'Reset counters' }).click();
  await expect(counters).toContainText('dispatched 0');
  await expect(page.getByTestId('metrics-since')).toContainText(/counting since \d\d:\d\d:\d\d/);
  await expect(page.getByTestId('accounting-since')).toContainText(/since \d\d:\d\d:\d\d/);
  await expect(page.getByTestId('failed-later')).toHaveCount(0);
});

test('the generator draws on a worker of its own, and every message of its schedule enters', async ({
  wb,
  page,
}) => {
  await wb.openReady();
  const spec = { ratePerSec: 20_000, durationMs: 1_500, seed: 9, pattern: 'poisson' as const };
  // The schedule, drawn here in Node: the demo's routed types, weight 1 each (the default mix).
  const config = demoConfig();
  const mix = config.routes.map((r) => ({
    typeId: Number(r.typeId),
    weight: 1,
    layout: layoutOf(config.messageTypes.find((t) => t.typeId === r.typeId)!.fields),
  }));
  const batch = new GeneratedBatch(100_000, 32);
  const expected = new TrafficGenerator(spec, mix, 0).fill(Number.POSITIVE_INFINITY, batch);
  expect(expected).toBeGreaterThan(25_000);
  expect((await page.evaluate((sp) => window.workbench.startGenerator(sp), spec)).ok).toBe(true);
  await expect
    .poll(async () => ((g) => g && `${g.running} ${g.onWorker}`)((await snap(page))?.generator))
    .toBe('true true');
  await expect
    .poll(async () => (await snap(page))?.generator.running, { timeout: 20_000 })
    .toBe(false);
  const s = (await snap(page))!;
  expect(s.generator.emitted).toBe(expected);
  expect(s.injected).toBe(expected);
  expect(s.generator.onWorker).toBe(false);
  expect(s.accounting.balanced).toBe(true);
});

test('the receipt tail holds while read and lets the rows in after (1280x720)', async ({
  wb,
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await wb.openReady();
  await page.evaluate(() => window.workbench.startGenerator({ ratePerSec: 2_000, seed: 5 }));
  await wb.openPanel('Receipts');
  const list = page.getByTestId('receipt-list');
  const shown = page.getByTestId('receipt-shown');
  // More than a thousand, so the count is read as the panel writes it ("1,234 rows shown", or
  // "20.0 K rows shown" where exact counts do not fit): read with parseInt, "20,000" had read 20.
  await expect
    .poll(async () => readCount((await shown.textContent()) ?? ''))
    .toBeGreaterThan(1_000);
  // Scrolled down with the wheel: held, and Show newest (a pointer's click) goes back.
  await list.hover();
  await page.mouse.wheel(0, 600);
  const note = page.getByTestId('receipts-held');
  await expect(note).toContainText('Held while scrolled down');
  await note.getByRole('button', { name: 'Show newest' }).click();
  await expect(note).toBeHidden();
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(0);
  // A receipt opened and closed with the pointer: the newest rows come in, the list stays at the
  // top (it had jumped to the far end, still held).
  await list.locator('[role="row"][data-status]').nth(2).click();
  const detail = page.getByRole('complementary', { name: 'Receipt detail' });
  await expect(detail).toBeVisible();
  await expect(note).toContainText('Held while the detail is open');
  await detail.getByRole('button', { name: 'Close detail' }).click();
  await page.mouse.move(5, 5);
  await expect(note).toBeHidden();
  expect(await list.evaluate((el) => el.scrollTop)).toBe(0);
  await page.evaluate(() => window.workbench.stopGenerator());
});
