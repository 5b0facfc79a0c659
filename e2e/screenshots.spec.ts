/**
 * Screenshot baselines of the demo in the dock's default layout (issue 13): 1440x900 and
 * 1280x720, light and dark, idle and under load. A layout regression (a wrapped toolbar, a pane
 * that overflows, a toast over a control) changes many pixels and fails `npm test`; live numbers
 * do not: under load the regions that move are masked, edge widths are pinned, animations are
 * off, and the page's Math.random (the publish form's random fill) is seeded.
 *
 * Baselines: e2e/screenshots.spec.ts-snapshots/. After an intended change of the layout, refresh
 * them with `npx playwright test e2e/screenshots.spec.ts --update-snapshots` and look at them.
 */
import { test, expect } from './workbench';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

/** Pins what varies with the rate (edge thickness) and hides the text cursor. */
const FREEZE = fileURLToPath(new URL('./screenshots.css', import.meta.url));

/** Regions whose content moves under load; the frame around them stays compared. */
function liveRegions(page: Page) {
  return [
    page.locator('.edge-label'),
    page.locator('.react-flow__node-kernel .queue-bar'),
    page.locator('.react-flow__node-kernel .prediction'),
    page.locator('.react-flow__node-kernel .node-meta'),
    page.getByTestId('receipt-list'),
    page.locator('.receipts .status-chip'),
    page.getByTestId('receipt-total'),
    page.getByTestId('receipt-shown'),
    page.getByTestId('generator-emitted'),
    page.getByTestId('backend-badge'),
    page.locator('.statusbar .accounting'),
    page.getByTestId('notices'),
  ];
}

/** The graph has fitted its view once its transform holds still for a few frames. */
async function graphSettled(page: Page) {
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await page
          .locator('.react-flow__viewport')
          .evaluate((el) => getComputedStyle(el).transform);
        const same = now === last;
        last = now;
        return same;
      },
      { intervals: [250] },
    )
    .toBe(true);
}

for (const size of SIZES)
  for (const scheme of ['light', 'dark'] as const)
    test.describe(`${size.width}x${size.height} ${scheme}`, () => {
      test.use({ viewport: size, colorScheme: scheme });

      test.beforeEach(async ({ page }) => {
        // A seeded Math.random for the page (the engine worker seeds its own generator).
        await page.addInitScript(() => {
          let s = 0x2545f491;
          Math.random = () => {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            return (s >>> 0) / 4294967296;
          };
        });
      });

      test('idle', async ({ wb, page }) => {
        await wb.open();
        await expect
          .poll(
            async () =>
              (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length ?? 0,
          )
          .toBeGreaterThan(0);
        await graphSettled(page);
        await expect(page).toHaveScreenshot(
          `demo-${size.width}x${size.height}-${scheme}-idle.png`,
          {
            animations: 'disabled',
            stylePath: FREEZE,
            // The backend badge may read CPU twin or WebGPU depending on the adapter found.
            mask: [page.getByTestId('backend-badge')],
            maxDiffPixelRatio: 0.005,
          },
        );
      });

      test('under load', async ({ wb, page }) => {
        await wb.open();
        await expect
          .poll(
            async () =>
              (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length ?? 0,
          )
          .toBeGreaterThan(0);
        await graphSettled(page);
        await page.evaluate(() =>
          window.workbench.startGenerator({ ratePerSec: 2000, durationMs: 0, seed: 7 }),
        );
        await expect(page.getByRole('button', { name: 'Stop traffic' })).toBeVisible();
        await expect(
          page.getByTestId('receipt-list').locator('[role="row"][data-status]').first(),
        ).toBeVisible();
        await expect(page).toHaveScreenshot(
          `demo-${size.width}x${size.height}-${scheme}-load.png`,
          {
            animations: 'disabled',
            stylePath: FREEZE,
            mask: liveRegions(page),
            maxDiffPixelRatio: 0.01,
          },
        );
        await page.evaluate(() => window.workbench.stopGenerator());
      });
    });
