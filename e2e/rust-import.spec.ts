import { fileURLToPath } from 'node:url';
import { test, expect } from './workbench';

const FIXTURE = fileURLToPath(new URL('./fixtures/fraud_routes.rs', import.meta.url));

test.describe('routes read back from Rust', () => {
  test('a real .rs file through the file picker: preview, what was not read by line, confirm, undo', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const before = await wb.config();
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config file').setInputFiles(FIXTURE);
    await expect(imp.getByTestId('import-rust')).toContainText('Read as RingKernel Rust source');
    const unread = imp.getByTestId('import-unread');
    await expect(unread).toContainText('Not read from the Rust source (2)');
    await expect(unread).toContainText('line 17');
    await expect(unread).toContainText('memo');
    await expect(unread).toContainText('line 38');
    await expect(unread).toContainText('with_metrics_exporter');
    await expect(imp.getByTestId('import-diff')).toContainText('added');
    expect(await wb.config()).toEqual(before); // nothing changes before confirming

    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect(imp).toBeHidden();
    const after = await wb.config();
    expect(after.messageTypes.map((t) => [t.typeId, t.name, t.handlerId])).toEqual([
      [2001, 'PaymentCheck', 1],
      [2002, 'MerchantTotal', 2],
    ]);
    expect(after.messageTypes[0]!.fields.map((f) => f.name)).toEqual([
      'payment_id',
      'amount',
      'merchant',
    ]);
    expect(after.routes).toEqual([
      { typeId: 2001, kernelId: 'payment_checker' },
      { typeId: 2002, kernelId: 'merchant_totals', handlerName: 'on_total' },
    ]);
    expect(after.kernels.map((k) => [k.id, k.tenantId, k.queueCapacity])).toEqual([
      ['payment_checker', 2, 2048],
      ['merchant_totals', 2, 2048],
    ]);
    expect(after.k2kRoutes).toEqual([{ dest: 'merchant_totals', nextHop: 'payment_checker' }]);
    expect(after.broker).toMatchObject({
      maxPendingMessages: 2048,
      maxHops: 4,
      defaultPriority: 1,
    });
    // The live dispatcher got the new routes.
    await expect
      .poll(async () => page.evaluate(() => window.workbench.routes()))
      .toEqual(expect.arrayContaining([[2001, 'payment_checker']]));

    await page.locator('.react-flow__pane').click();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await wb.config()).name).toBe(before.name);
  });

  test('the Rust export pasted back reads as the same config', async ({ wb, page }) => {
    await wb.open();
    const rust = await page.evaluate(() => window.workbench.exportConfig('rust'));
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config text').fill(rust);
    await expect(imp.getByTestId('import-diff')).toContainText('Identical to the current config.');
    await expect(imp.getByTestId('import-unread')).toHaveCount(0);
  });

  test('malformed Rust is refused with its lines and changes nothing', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.config();
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp
      .getByLabel('Config text')
      .fill(
        'use x;\npub struct A {\n    x: u8,\n}\nfn f() {\n    DispatcherBuilder::new(.build();\n}\n',
      );
    const errors = imp.getByTestId('import-errors');
    await expect(errors).toContainText('Nothing was changed.');
    await expect(errors).toContainText('line 6');
    // Listed once, and not announced as read: the syntax errors had been listed again under
    // "Not read from the Rust source", after a line saying the source was read.
    await expect(imp.getByTestId('import-unread')).toHaveCount(0);
    await expect(imp.getByTestId('import-rust')).toContainText('cannot be imported');
    await expect(imp.getByRole('button', { name: 'Apply import' })).toBeDisabled();
    await imp.getByRole('button', { name: 'Cancel' }).click();
    expect(await wb.config()).toEqual(before);
  });
});
