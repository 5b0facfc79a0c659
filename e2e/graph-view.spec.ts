/** The graph keeps the user's view through adds and undo, and says what undo did (issue 13, point 10). */
import { test, expect } from './workbench';
import type { Page } from '@playwright/test';

const zoom = (page: Page) =>
  page
    .locator('.react-flow__viewport')
    .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);

test('+ Type keeps the zoom, undo restores the selection and says what it undid', async ({
  wb,
  page,
}) => {
  await wb.open();
  await wb.kernelNode('aggregator').click();
  const before = await zoom(page);
  expect(before).not.toBeCloseTo(1, 2);
  await page.getByRole('button', { name: '+ Type' }).click();
  const added = page.getByRole('form', { name: /^Message type Message\d+/ });
  await expect(added).toBeVisible();
  await page.waitForTimeout(400); // the pan animates for 200 ms
  expect(await zoom(page)).toBeCloseTo(before, 3);

  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByText(/Undid: added message type/i).first()).toBeVisible();
  // The kernel selected before the add is selected again; the view is not reset.
  await expect(page.getByRole('form', { name: 'Kernel aggregator' })).toBeVisible();
  expect(await zoom(page)).toBeCloseTo(before, 3);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(page.getByText(/Redid: added message type/i).first()).toBeVisible();
});

test('nodes and edges take keyboard focus with a visible ring and an accessible name', async ({
  wb,
  page,
}) => {
  await wb.open();
  const node = page.getByRole('group', { name: /^Kernel fraud_processor, queue \d+ of \d+/ });
  await node.focus();
  await expect(node).toBeFocused();
  const ring = await wb
    .kernelNode('fraud_processor')
    .evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring).toBe('solid');
  const edge = page.getByRole('group', { name: 'fraud_processor emits FraudAlert (1010)' });
  await expect(edge).toBeAttached();
  const route = page.getByRole('group', { name: 'Route Transaction to fraud_processor' });
  await route.focus();
  await expect(route).toBeFocused();
});
