import { test, expect } from './workbench';

test.describe('route editor: more', () => {
  test('multi-select, copy and paste, then delete both', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.config();
    await wb.typeNode(1001).click();
    await wb.kernelNode('fraud_processor').click({ modifiers: ['Shift'] });
    await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText(
      '2 nodes selected',
    );
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect
      .poll(async () => (await wb.config()).kernels.length)
      .toBe(before.kernels.length + 1);
    const after = await wb.config();
    expect(after.messageTypes.length).toBe(before.messageTypes.length + 1);
    // The route between the copied nodes is pasted too, between the copies.
    const copyKernel = after.kernels.at(-1)!.id;
    const copyType = after.messageTypes.at(-1)!.typeId;
    expect(after.routes).toContainEqual(
      expect.objectContaining({ typeId: copyType, kernelId: copyKernel }),
    );
    // The pasted nodes are selected: Delete removes them and their route.
    await page.locator('.react-flow__pane').focus();
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await wb.config()).kernels.length).toBe(before.kernels.length);
    expect((await wb.config()).routes).toEqual(before.routes);
  });

  test('Delete removes what has keyboard focus, not a node selected earlier', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const before = await wb.config();
    // Transaction clicked (selected), then a route reached from the keyboard: focused, not selected.
    await wb.typeNode(1001).click();
    const tabTo = async (key: string, id: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press(key);
        if ((await page.evaluate(() => document.activeElement?.getAttribute('data-id'))) === id)
          return;
      }
      throw new Error(`${key} never reached ${id}`);
    };
    await tabTo('Shift+Tab', 'route:1002');
    await page.keyboard.press('Delete');
    await expect.poll(() => wb.routeOf(1002)).toBeUndefined();
    // Focus goes to the route's type, not to the page (a keyboard user had to Tab in again).
    const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    await expect.poll(focusedId).toBe('type:1002');
    const after = await wb.config();
    expect(after.messageTypes.map((t) => t.typeId)).toEqual(
      before.messageTypes.map((t) => t.typeId),
    );
    expect(await wb.routeOf(1001)).toBe('fraud_processor');
    await expect(page.getByTestId('notices')).not.toContainText('Deleted type');
    // A route of the node clicked before, reached from the keyboard: the route goes, not the node
    // (React Flow lists a selected node's routes for deletion with it: the kernel had gone).
    await wb.kernelNode('pattern_detector').click();
    await tabTo('Shift+Tab', 'route:1003');
    await page.keyboard.press('Delete');
    await expect.poll(() => wb.routeOf(1003)).toBeUndefined();
    expect((await wb.config()).kernels.map((k) => k.id)).toContain('pattern_detector');
    await expect(page.getByTestId('notices')).not.toContainText(
      'Deleted kernel "pattern_detector"',
    );
    // A node reached from the keyboard, with nothing selected: that node goes.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await tabTo('Tab', 'kernel:aggregator');
    await page.keyboard.press('Delete');
    await expect
      .poll(async () => (await wb.config()).kernels.map((k) => k.id))
      .toEqual(before.kernels.map((k) => k.id).filter((k) => k !== 'aggregator'));
    // A node deleted: focus goes to the node before it in the graph's order.
    await expect.poll(focusedId).toMatch(/^(type|kernel):/);
    expect(await wb.routeOf(1001)).toBe('fraud_processor');
    // Its notice names it and says how to undo it ("Deleted 1 kernel." had said neither).
    await expect(page.getByTestId('notices')).toContainText(
      'Deleted kernel "aggregator" (Ctrl+Z undoes it).',
    );
    // Backspace on a node's ▶ button is not for the node.
    const kernels = (await wb.config()).kernels.length;
    const inject = page.getByRole('button', { name: 'Inject one Transaction message' });
    await inject.focus();
    await expect(inject).toBeFocused();
    await page.keyboard.press('Backspace');
    await page.waitForTimeout(300);
    expect((await wb.config()).messageTypes.some((t) => t.typeId === 1001)).toBe(true);
    // An emits edge cannot go, and Delete on it says so, deleting nothing else.
    await wb.kernelNode('alert_sink').click();
    await tabTo('Shift+Tab', 'emit:fraud_processor:1010');
    await page.keyboard.press('Delete');
    await expect(page.getByTestId('notices')).toContainText('cannot be deleted');
    expect((await wb.config()).kernels.length).toBe(kernels);
  });

  test('Delete with the keyboard focus outside the graph deletes nothing of it', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    const before = await wb.config();
    await wb.typeNode(1001).click();
    await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText(
      'Delete type',
    );
    // Focus moved on to a control of another region, the node still selected.
    for (const [control, key] of [
      [page.getByRole('button', { name: 'Send one' }), 'Delete'],
      [page.getByRole('tab', { name: 'Queues' }), 'Backspace'],
      [page.getByRole('button', { name: 'Auto-layout' }), 'Delete'],
    ] as const) {
      await control.focus();
      await page.keyboard.press(key);
    }
    // A click on a part of the Inspector that takes no focus (it falls to the page's body).
    await page
      .getByRole('complementary', { name: 'Inspector' })
      .getByText('Payload fields')
      .click();
    await page.keyboard.press('Delete');
    await page.waitForTimeout(300);
    expect((await wb.config()).messageTypes).toEqual(before.messageTypes);
    expect((await wb.config()).routes).toEqual(before.routes);
    await expect(page.getByTestId('notices')).not.toContainText('Deleted');
    // On the graph, the selected node goes.
    await wb.typeNode(1001).click();
    await page.keyboard.press('Delete');
    await expect
      .poll(async () => (await wb.config()).messageTypes.some((t) => t.typeId === 1001))
      .toBe(false);
  });

  test('auto-layout moves nodes and undo restores them', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.autoLayout();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(async () => (await wb.config()).layout).toEqual(before);
  });

  // From the keyboard, Undo's last step disabled it under the focus, which fell to the page.
  test('Undo and Redo pressed from the keyboard hand the focus to each other when spent', async ({
    wb,
    page,
  }) => {
    await wb.open();
    await wb.autoLayout();
    const undo = page.getByRole('button', { name: 'Undo' });
    const redo = page.getByRole('button', { name: 'Redo' });
    await undo.focus();
    await page.keyboard.press('Enter');
    await expect(undo).toBeDisabled();
    await expect(redo).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(redo).toBeDisabled();
    await expect(undo).toBeFocused();
  });

  test('named workspaces: save as, switch, and restore the demo', async ({ wb, page }) => {
    await wb.open();
    await wb.saveWorkspaceAs('experiment');
    await expect(page.getByLabel('Open workspace')).toHaveValue('experiment');
    await page.getByRole('button', { name: '+ Kernel' }).click();
    await expect.poll(async () => (await wb.config()).kernels.length).toBe(5);
    const experiment = await wb.config();
    await page.getByLabel('Open workspace').selectOption('demo');
    await expect
      .poll(async () => (await wb.config()).kernels.length)
      .toBe(experiment.kernels.length - 1);
    // Saving as a name taken says it replaces that workspace (it had replaced it without a
    // word, and the kernel added there was gone); Cancel keeps it as it was (opened next).
    await wb.moreAction('Save workspace as…');
    const dialog = page.getByRole('dialog', { name: 'Save workspace as' });
    await dialog.getByLabel('New workspace name').fill('experiment');
    const replace = dialog.getByRole('button', { name: 'Replace “experiment”' });
    await expect(replace).toBeVisible();
    await expect(replace).toHaveAccessibleDescription(
      'A workspace named “experiment” exists: saving replaces its config with this one.',
    );
    await dialog.getByLabel('New workspace name').fill('experiment 2');
    await expect(dialog.getByRole('button', { name: 'Save as', exact: true })).toBeVisible();
    // The open workspace's own name: its config is this one already, nothing to warn of.
    await dialog.getByLabel('New workspace name').fill('demo');
    await expect(dialog.getByRole('button', { name: 'Save as', exact: true })).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Open workspace').selectOption('experiment');
    await expect
      .poll(async () => (await wb.config()).kernels.length)
      .toBe(experiment.kernels.length);
    await wb.moreAction('Restore demo');
    await expect
      .poll(async () => (await wb.config()).kernels.length)
      .toBe(experiment.kernels.length - 1);
    // In the workspace open, and said so: no switch to "demo".
    await expect(page.getByTestId('notices')).toContainText(
      'Restored the demo\'s graph in workspace "experiment"',
    );
    await expect(page.getByLabel('Open workspace')).toHaveValue('experiment');
  });

  // Two tabs on one workspace had overwritten each other's imports without a word.
  test('a workspace changed in another tab is said, and Load it takes that version', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const other = await page.context().newPage();
    await other.goto(page.url());
    await other.waitForFunction(() => window.workbench?.snapshot() != null);
    // A tab opening saves what it loaded: the same config, nothing said.
    await page.waitForTimeout(500);
    await expect(page.getByTestId('notices')).not.toContainText('another tab');
    const changed = await wb.config();
    changed.kernels = changed.kernels.filter((k) => k.id !== 'pattern_detector');
    changed.routes = changed.routes.filter((r) => r.kernelId !== 'pattern_detector');
    expect(await other.evaluate((c) => window.workbench.loadConfig(c).ok, changed)).toBe(true);
    const notices = page.getByTestId('notices');
    await expect(notices).toContainText('Workspace "demo" was changed in another tab.');
    await notices.getByRole('button', { name: 'Load it' }).click();
    await expect
      .poll(async () => (await wb.config()).kernels.map((k) => k.id))
      .toEqual(changed.kernels.map((k) => k.id));
    await other.close();
  });

  test('the inspector renames a kernel and its routes follow', async ({ wb, page }) => {
    await wb.open();
    await wb.kernelNode('aggregator').click();
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await inspector.getByLabel('Kernel id').fill('totals');
    await inspector.getByLabel('Queue capacity').fill('64');
    await inspector.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => wb.routeOf(1002)).toBe('totals');
    expect((await wb.config()).kernels.find((k) => k.id === 'totals')?.queueCapacity).toBe(64);
    await expect
      .poll(async () =>
        (await page.evaluate(() => window.workbench.routes())).map(([t, k]) => `${t}->${k}`),
      )
      .toContain('1002->totals');
    await inspector.getByLabel('Queue capacity').fill('0');
    await inspector.getByRole('button', { name: 'Apply' }).click();
    await expect(inspector.getByRole('alert')).toContainText('Queue capacity');
  });
});
