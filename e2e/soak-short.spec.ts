/**
 * The short variant of `npm run soak` (issue 8): sustained generator load with the live panels
 * open, then stop and drain. No page error, no engine restart, exact accounting. The long run
 * with printed figures is `npm run soak`.
 */
import { test, expect } from './workbench';

test('sustained load with live panels open: no page error, no restart, exact accounting', async ({
  wb,
  page,
}) => {
  test.setTimeout(90_000);
  const errors = await wb.open();
  const snap = () => page.evaluate(() => window.workbench.snapshot());
  await expect.poll(async () => (await snap())?.kernels.length ?? 0).toBeGreaterThan(0);
  const started = await page.evaluate(() =>
    window.workbench.startGenerator({
      ratePerSec: 200_000,
      pattern: 'poisson',
      durationMs: 6_000,
      seed: 11,
    }),
  );
  expect(started.ok).toBe(true);
  for (const tab of ['Receipts', 'Queues', 'Metrics', 'Dead letters', 'Predict']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.waitForTimeout(800);
  }
  await expect
    .poll(async () => (await snap())?.generator.emitted ?? 0, { timeout: 30_000 })
    .toBeGreaterThan(100_000);
  await expect.poll(async () => (await snap())?.generator.running, { timeout: 30_000 }).toBe(false);
  await expect
    .poll(
      async () => ((s) => (s ? s.accounting.queued + s.accounting.inFlight : -1))(await snap()),
      { timeout: 30_000 },
    )
    .toBe(0);
  const s = (await snap())!;
  const failed = Object.values(s.accounting.failedByStatus).reduce((a, b) => a + b, 0);
  expect(s.accounting.injected + s.accounting.emitted + s.accounting.carriedOver).toBe(
    s.accounting.processed +
      s.accounting.queued +
      s.accounting.inFlight +
      failed +
      s.accounting.deadLettered,
  );
  expect(s.accounting.balanced).toBe(true);
  await expect(page.getByTestId('notices')).not.toContainText('crashed');
  expect(errors).toEqual([]);
});
