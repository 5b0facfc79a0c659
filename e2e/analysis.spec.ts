/**
 * Issue 7 panels: follow a message (trace + highlighted path) and what-if on a changed route.
 * Expects the dock tabs 'Trace' and 'What-if' (src/ui/analysis) and GraphCanvas receiving
 * `useTraceHighlight()` as `highlightedEdges`.
 */
import { readCount, test, expect, type Workbench } from './workbench';
import type { Page } from '@playwright/test';

const snap = (page: Page) => page.evaluate(() => window.workbench.snapshot());

test.describe('beyond the peers', () => {
  test('a click anywhere on a recent message traces it, as its hover promises', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await page.evaluate(() =>
      window.workbench.inject({ typeId: 1001, payload: { amount: 15000 }, count: 1 }),
    );
    await page.getByRole('tab', { name: 'Trace' }).click();
    const row = page.getByTestId('trace-panel').locator('tr[data-type="1001"]').first();
    await row.locator('td').nth(1).click();
    await expect(page.getByTestId('trace-hops')).toContainText('FraudAlert');
  });

  test('a 15,000 transaction traces to its FraudAlert and the path lights up', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    const res = await page.evaluate(() =>
      window.workbench.inject({ typeId: 1001, payload: { amount: 15000 }, count: 1 }),
    );
    expect(res.ok).toBe(true);
    await expect
      .poll(async () => (await snap(page))?.receipts.byStatus.Delivered ?? 0)
      .toBeGreaterThanOrEqual(2);
    await page.getByRole('tab', { name: 'Trace' }).click();
    const pick = page.getByTestId('trace-panel').locator('tr[data-type="1001"]').first();
    await expect(pick).toBeVisible();
    await pick.getByRole('button', { name: /^Trace message/ }).click();
    const hops = page.getByTestId('trace-hops');
    await expect(hops).toContainText('Transaction');
    await expect(hops).toContainText('FraudAlert');
    await expect(hops).toContainText('alert_sink');
    // The path in the names the graph shows, not edge ids.
    await expect(page.getByTestId('trace-edges')).toContainText(
      'Transaction (1001) → fraud_processor, fraud_processor emits FraudAlert (1010) → alert_sink',
    );
    await expect
      .poll(() => page.locator('.react-flow__edge-path.edge-highlight').count())
      .toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Clear trace' }).click();
    await expect(page.locator('.react-flow__edge-path.edge-highlight')).toHaveCount(0);
  });

  test('what-if with one route changed reports that type', async ({ wb, page }) => {
    await wb.openReady();
    // The same config name as the current one, as a tweaked copy has: the sides are told apart
    // by where they came from.
    const cfg = await wb.config();
    cfg.routes = cfg.routes.map((r) =>
      String(r.typeId) === '1002' ? { typeId: r.typeId, kernelId: 'alert_sink' } : r,
    );
    await page.getByRole('tab', { name: 'What-if' }).click();
    // With no other workspace saved, the panel says how to try an edit.
    await expect(page.getByTestId('whatif-hint')).toContainText('Save workspace as…');
    await page.getByLabel('Config to compare with').selectOption('paste');
    await page.getByLabel('Other config (JSON or TOML)').fill(JSON.stringify(cfg));
    await page.getByLabel('What-if duration').fill('500');
    // Enter in a field runs it, as the button does.
    await page.getByLabel('What-if duration').press('Enter');
    const row = page.getByTestId('whatif-type-1002');
    await expect(row).toHaveAttribute('data-changed', 'true', { timeout: 30_000 });
    await expect(row).toContainText('destination changes');
    await expect(row).toContainText('alert_sink');
    await expect(page.getByTestId('whatif-type-1001')).toHaveAttribute('data-changed', 'false');
    await expect(page.getByTestId('whatif-changed-count')).toHaveText(/^1 type/);
    await expect(page.getByTestId('whatif-report')).toContainText(
      /through this workspace \(“[^”]+”\) and the pasted config:/,
    );
    // The structural diff says which way it reads, with the values on each side.
    const diff = page.getByTestId('whatif-report').locator('details');
    await diff.locator('summary').click();
    await expect(diff.locator('summary')).toHaveText(
      /^Structural diff \(this workspace \(“[^”]+”\) → the pasted config\)$/,
    );
    await expect(diff).toContainText('kernelId "aggregator" → "alert_sink"');
  });
});

test('overflow a queue, raise its capacity, redrive the dead letters: the accounting balances', async ({
  wb,
  page,
}) => {
  await wb.open();
  const cfg = await wb.config();
  cfg.kernels = cfg.kernels.map((k) =>
    k.id === 'pattern_detector'
      ? { ...k, queueCapacity: 8, overflowPolicy: 'deadLetter' as const, backend: 'cpu' as const }
      : k,
  );
  expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
  const snap = () => page.evaluate(() => window.workbench.snapshot());
  await expect
    .poll(async () => (await snap())?.kernels.find((k) => k.id === 'pattern_detector')?.capacity)
    .toBe(8);
  await page.evaluate(() => window.workbench.inject({ typeId: 1003, count: 200 }));
  await expect.poll(async () => (await snap())?.deadLetters.count ?? 0).toBeGreaterThan(100);
  const letters = (await snap())!.deadLetters.count;

  // Raise the capacity in the inspector.
  await wb.kernelNode('pattern_detector').click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await inspector.getByLabel('Queue capacity').fill('1024');
  await inspector.getByRole('button', { name: 'Apply' }).click();
  await expect
    .poll(async () => (await snap())?.kernels.find((k) => k.id === 'pattern_detector')?.capacity)
    .toBe(1024);

  // Redrive every dead letter to its original destination.
  await page.getByRole('tab', { name: 'Dead letters' }).click();
  await expect(page.getByTestId('dead-letter-count')).toHaveText(
    `${letters.toLocaleString('en-US')} dead letters held`,
  );
  await page.getByRole('button', { name: /Redrive all matching/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Redrove' })).toContainText(
    `${letters} accepted`,
  );
  await expect.poll(async () => (await snap())?.deadLetters.count).toBe(0);
  await expect
    .poll(async () => (await snap())?.kernels.find((k) => k.id === 'pattern_detector')?.processed)
    .toBe(200);
  const s = (await snap())!;
  expect(s.accounting.balanced).toBe(true);
  await expect(page.getByTestId('accounting')).toHaveAttribute('data-balanced', 'true');
});

/**
 * Opens the demo, records `injections` (one event each) under `name` from the Record panel, and
 * returns the panel.
 */
async function record(
  wb: Workbench,
  page: Page,
  name: string,
  injections: { typeId: number; count: number }[],
) {
  await wb.openReady();
  await wb.openPanel('Record');
  const panel = wb.panel('Record');
  await panel.getByLabel('Recording name').fill(name);
  await panel.getByRole('button', { name: 'Start recording' }).click();
  for (const i of injections) await page.evaluate((x) => window.workbench.inject(x), i);
  const n = injections.length;
  // One word for what it holds: "Stop recording (1 event(s))" beside "2 commands" in its list.
  await panel
    .getByRole('button', { name: `Stop recording (${n} ${n === 1 ? 'command' : 'commands'})` })
    .click();
  return panel;
}

test('Replay headless runs a recording twice on a worker and says the replays are identical', async ({
  wb,
  page,
}) => {
  const panel = await record(wb, page, 'burst', [
    { typeId: 1001, count: 2000 },
    { typeId: 1002, count: 500 },
  ]);
  await expect(panel.getByTestId('record-message')).toContainText('Saved “burst”: 2 commands.');
  const workers = new Set<string>();
  page.on('worker', (w) => workers.add(w.url()));
  await panel
    .getByTestId('recording-burst')
    .getByRole('button', { name: 'Replay headless' })
    .click();
  // 2,500 injected, and what they set off (FraudAlerts, PatternResults): every one a receipt.
  await expect(panel.getByTestId('record-message')).toContainText(
    /Headless replay of “burst”: [\d,]+ receipts \(Delivered [\d,]+.*\); second replay identical\./,
  );
  // Why its figures need not be the live run's (310,508 beside a live 310,472 had said nothing).
  await expect(panel.getByTestId('record-message')).toContainText(
    'can differ a little from the live run it recorded',
  );
  const total = readCount(
    (await panel.getByTestId('record-message').textContent())!.match(/: ([\d,]+) receipts/)![1]!,
  );
  expect(total).toBeGreaterThanOrEqual(2500);
  expect([...workers].some((u) => u.includes('replay.worker'))).toBe(true);
});

test('Replay live asks before it resets the counters, then says when it has ended', async ({
  wb,
  page,
}) => {
  const panel = await record(wb, page, 'pair', [{ typeId: 1002, count: 30 }]);
  await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 70 }));
  await expect.poll(async () => (await snap(page))?.accounting.injected).toBe(100);
  const row = panel.getByTestId('recording-pair');
  await row.getByRole('button', { name: 'Replay live…' }).click();
  // Nothing reset yet: a question first, which says what carries over.
  const ask = page.getByRole('dialog', { name: 'Replay “pair” live' });
  await expect(ask).toContainText('Resets the live counters');
  await expect(ask).toContainText('The kernels keep their state');
  expect((await snap(page))?.accounting.injected).toBe(100);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  await expect(row.getByRole('button', { name: 'Replay live…' })).toBeFocused();
  expect((await snap(page))?.accounting.injected).toBe(100);
  await row.getByRole('button', { name: 'Replay live…' }).click();
  await ask.getByRole('button', { name: 'Reset and replay' }).click();
  // Counters reset, the recording's 30 sent again.
  await expect.poll(async () => (await snap(page))?.accounting.injected).toBe(30);
  await expect(panel.getByTestId('record-message')).toContainText(
    /Replayed “pair” into the live engine: 1 command sent/,
  );
});

test.describe('at 1280x720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  // In a row, a recording's actions ran past the pane's edge: Export and Delete… out of sight.
  test("a recording's actions all show in the Record pane", async ({ wb, page }) => {
    const panel = await record(wb, page, 'narrow', [{ typeId: 1002, count: 3 }]);
    const pane = (await panel.boundingBox())!;
    const row = panel.getByTestId('recording-narrow');
    for (const name of ['Replay headless', 'Replay live…', 'Export', 'Delete…']) {
      const b = (await row.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(b.x + b.width, name).toBeLessThanOrEqual(pane.x + pane.width);
    }
  });
});
