/**
 * Accessibility scan (axe-core) of every dock panel, the toolbar with its menus, and the graph,
 * in light and dark: no serious or critical violations (issue 13, done-when).
 */
import AxeBuilder from '@axe-core/playwright';
import { DOCK_PANELS, test, expect } from './workbench';
import type { Page } from '@playwright/test';

async function seriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) axe = axe.include(include);
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}

for (const scheme of ['light', 'dark'] as const)
  test.describe(`${scheme}`, () => {
    test.use({ colorScheme: scheme });

    test('every panel, the toolbar and the graph have no serious or critical violations', async ({
      wb,
      page,
    }) => {
      // axe scans the whole window 12 times: about 45 s alone, over 2 minutes beside a load
      // test on the other Playwright worker of a 2-core machine (the generator's own worker makes
      // those load tests use a third thread).
      test.setTimeout(240_000);
      await wb.open();
      await expect
        .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length)
        .toBeGreaterThan(0);
      // Some traffic, so tables, receipts and charts have rows to check.
      await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 20 }));
      await page.evaluate(() => window.workbench.inject({ typeId: 999_999, count: 2 }));
      expect(await seriousViolations(page), 'the window as it opens').toEqual([]);
      for (const name of DOCK_PANELS) {
        await wb.openPanel(name);
        expect(await seriousViolations(page, '#dock-workspace'), name).toEqual([]);
      }
      // A receipt's detail, selected: one row of each status colour (the selected row's tint is
      // the darkest background a status is drawn on; which row came first once decided whether
      // a low-contrast green was caught).
      await wb.openPanel('Receipts');
      const list = wb.panel('Receipts').getByTestId('receipt-list');
      // Both rows are in the tail before the first click: a click holds the tail still.
      for (const status of ['Delivered', 'NoRoute']) {
        await expect(list.locator(`[role="row"][data-status="${status}"]`).first()).toBeVisible();
      }
      for (const status of ['Delivered', 'NoRoute']) {
        const row = list.locator(`[role="row"][data-status="${status}"]`).first();
        await row.click();
        await expect(row).toHaveClass(/selected/);
        expect(await seriousViolations(page, '#dock-workspace'), `${status} row selected`).toEqual(
          [],
        );
        // Closed again: beside the open detail the list is narrower, its rows taller, and the
        // other row could be out of its window (how many alerts the 20 sends made decides).
        await wb.panel('Receipts').getByRole('button', { name: 'Close detail' }).click();
        await expect(row).not.toHaveClass(/selected/);
      }
      // The toolbar's More menu and the pane menu, open.
      await page.getByRole('button', { name: 'More actions' }).click();
      await expect(page.getByRole('menu')).toBeVisible();
      expect(await seriousViolations(page), 'More menu').toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Pane options' }).first().click();
      await expect(page.getByRole('menu')).toBeVisible();
      expect(await seriousViolations(page), 'pane menu').toEqual([]);
      await page.keyboard.press('Escape');
    });
  });

test('dock tabs move with the arrow keys', async ({ wb, page }) => {
  await wb.open();
  const inject = page.getByRole('tab', { name: 'Inject', exact: true });
  await inject.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Queues', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(wb.panel('Queues')).toBeVisible();
  // Each pane's tab list is named by its panels (both had been announced as just "tab list").
  await expect(page.getByRole('tablist', { name: /^Panels: Inject, Queues, / })).toBeVisible();
  await expect(page.getByRole('tablist', { name: /^Panels: Receipts, / })).toBeVisible();
});

test('a skip link after the toolbar passes over the graph to the panels or the inspector', async ({
  wb,
  page,
}) => {
  await wb.open();
  await wb.openPanel('Queues');
  // The toolbar's last control, then one Tab: the skip link, not the graph's first node or edge.
  await page.getByRole('button', { name: 'More actions' }).focus();
  await page.keyboard.press('Tab');
  const toPanels = page.getByRole('button', { name: 'Skip the graph: to the panels' });
  await expect(toPanels).toBeFocused();
  await expect(toPanels).toBeInViewport();
  await page.keyboard.press('Enter');
  // The selected tab of the first pane (roving focus: not the first tab, Inject).
  await expect(page.getByRole('tab', { name: 'Queues', exact: true })).toBeFocused();

  await page.getByRole('button', { name: 'More actions' }).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const toInspector = page.getByRole('button', { name: 'Skip the graph: to the inspector' });
  await expect(toInspector).toBeFocused();
  await page.keyboard.press('Enter');
  const focused = page.locator(':focus');
  await expect(focused).toHaveCount(1);
  expect(await focused.evaluate((el) => el.closest('#layout-inspector') !== null)).toBe(true);
});

// A notice shares the graph's top-left corner with the skip links, and had covered the focused one
// (WCAG 2.4.11, focus not obscured).
test('a notice never hides the focused skip link', async ({ wb, page }) => {
  await wb.open();
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(page.locator('.notice').first()).toBeVisible();
  await page.getByRole('button', { name: 'More actions' }).focus();
  await page.keyboard.press('Tab');
  const toPanels = page.getByRole('button', { name: 'Skip the graph: to the panels' });
  await expect(toPanels).toBeFocused();
  await expect(page.locator('.notice').first()).toBeVisible();
  const onTop = await toPanels.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && el.contains(hit);
  });
  expect(onTop).toBe(true);
});

// The pane's scroll box is a tab stop (a wide table scrolls from the keyboard): it had no role or
// name (axe focus-order-semantics), and its focus ring was cut to a line along its top.
test("a dock pane's scroll box is a named region with its focus ring inside it", async ({
  wb,
  page,
}) => {
  await wb.open();
  const body = page.getByRole('region', { name: 'Receipts panel', exact: true });
  await body.focus();
  await expect(body).toBeFocused();
  await expect(body).toHaveAttribute('tabindex', '0');
  expect(await body.evaluate((el) => getComputedStyle(el).outlineOffset)).toBe('-2px');
});

// WCAG 2.5.3 (label in name): "burst of", "Show" and "Open file" were the visible words of
// controls named "Burst size", "Chart window" and "Config file"; a voice user saying what they see
// reached nothing.
test('the visible label of a control is within its accessible name', async ({ wb, page }) => {
  await wb.open();
  const labelWords = (control: import('@playwright/test').Locator) =>
    control.evaluate((el) => {
      const label = el.closest('label');
      let words = '';
      for (const n of label?.childNodes ?? [])
        if (n.nodeType === Node.TEXT_NODE) words += n.textContent;
      return words.trim().toLowerCase();
    });
  const check = async (control: import('@playwright/test').Locator, name: string) => {
    await expect(control).toBeVisible();
    expect(name.toLowerCase()).toContain(await labelWords(control));
  };
  await wb.openPanel('Inject');
  await check(page.getByRole('textbox', { name: 'Burst size', exact: true }), 'Burst size');
  await wb.openPanel('Metrics');
  await check(page.getByRole('combobox', { name: 'Chart window', exact: true }), 'Chart window');
  await page.getByRole('button', { name: 'Import…' }).click();
  const file = page.getByLabel('Config file', { exact: true });
  await expect(file).toBeAttached();
  expect('config file').toContain(await labelWords(file));
});

// Hidden from the status bar, the dock and the Inspector are inert: the skip links to them had
// done nothing at all. They show the pane, as its status-bar button does, and focus in it.
test('a skip link to a pane hidden from the status bar shows it and focuses in it', async ({
  wb,
  page,
}) => {
  await wb.open();
  await wb.openPanel('Queues');
  const footer = page.getByRole('contentinfo');
  for (const [button, link, inPane] of [
    ['Panels', 'Skip the graph: to the panels', '#layout-dock'],
    ['Inspector', 'Skip the graph: to the inspector', '#layout-inspector'],
  ] as const) {
    await footer.getByRole('button', { name: button, exact: true }).click();
    await expect(footer.getByRole('button', { name: button, exact: true })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await expect(page.locator(inPane)).toHaveAttribute('inert', '');
    await page.getByRole('button', { name: 'More actions' }).focus();
    await page.keyboard.press('Tab');
    if (button === 'Inspector') await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: link })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(footer.getByRole('button', { name: button, exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(page.locator(inPane)).not.toHaveAttribute('inert', '');
    // Focus moves in once the pane is out (a frame or two later): polled, as one read right after
    // the pane lost `inert` still found it on the skip link on a loaded machine.
    await expect
      .poll(() => page.evaluate((sel) => document.activeElement?.closest(sel) !== null, inPane))
      .toBe(true);
  }
  await expect(page.getByRole('tab', { name: 'Queues', exact: true })).toBeVisible();
});

// axe's best practices for a page's structure (not WCAG rules): the workbench had no `main`
// landmark and no heading at all, and its header carried `role="toolbar"` (a role a header may
// not take, which promised arrow keys between its controls that it never had). A screen reader's
// landmark and heading lists were empty.
test('the page has one main landmark, a banner, a footer and one h1 (axe best practices)', async ({
  wb,
  page,
}) => {
  await wb.open();
  const { violations } = await new AxeBuilder({ page })
    .withRules([
      'landmark-one-main',
      'page-has-heading-one',
      'aria-allowed-role',
      'landmark-unique',
      'landmark-no-duplicate-banner',
      'landmark-no-duplicate-contentinfo',
      'landmark-banner-is-top-level',
      'landmark-contentinfo-is-top-level',
      'landmark-main-is-top-level',
      'empty-heading',
    ])
    .analyze();
  // Every table names its columns, the Trace panel's list of recent messages among them (its
  // buttons' column had an empty header). Rules only, so the panels are quick to go through.
  await expect
    .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length)
    .toBeGreaterThan(0);
  await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 3 }));
  for (const name of DOCK_PANELS) {
    await wb.openPanel(name);
    const found = await new AxeBuilder({ page })
      .include('#dock-workspace')
      .withRules(['empty-table-header', 'empty-heading'])
      .analyze();
    expect(
      found.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      name,
    ).toEqual([]);
  }
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
  await expect(page.getByRole('main')).toHaveCount(1);
  await expect(page.getByRole('banner', { name: 'Workbench' })).toBeVisible();
  await expect(page.getByRole('contentinfo')).toBeVisible();
  // Named at 1280 px too, where the brand's words are out of sight.
  await expect(page.getByRole('heading', { level: 1, name: 'Ring Dispatcher' })).toHaveCount(1);
});

// F8 then Escape had left the focus on the empty notices list, 0 px high, with no ring anywhere.
test('F8 reaches the notices and Escape, closing the last, takes focus back where it was', async ({
  wb,
  page,
}) => {
  await wb.openReady();
  const more = page.getByRole('button', { name: 'More actions' });
  // With no notice, F8 leaves the focus where it is (it had gone to the empty list, and Escape
  // did not bring it back).
  await expect(page.getByTestId('notices').locator('.notice')).toHaveCount(0);
  await more.focus();
  await page.keyboard.press('F8');
  await expect(more).toBeFocused();
  await page.getByRole('button', { name: 'Inject one Transaction message' }).click();
  await expect(page.getByTestId('notices')).toContainText('Sent 1 Transaction');
  await more.focus();
  await page.keyboard.press('F8');
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest('.notices') !== null))
    .toBe(true);
  // With its focus ring (the list had none).
  expect(
    await page.evaluate(() => {
      const el = document.activeElement!;
      return [el.matches('.notices'), getComputedStyle(el).outlineStyle];
    }),
  ).toEqual([true, 'solid']);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('notices').locator('.notice')).toHaveCount(0);
  await expect(more).toBeFocused();
});
