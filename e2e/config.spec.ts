import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { encodeShareFragment, parseConfig } from '../src/core/config/index.ts';
import { test, expect } from './workbench';

test.describe('route configs out and in', () => {
  test('export a file, edit, import it back with a preview, confirm, and undo', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const original = await wb.config();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export config' });
    const downloadPromise = page.waitForEvent('download');
    await dialog.getByRole('button', { name: /^Download/ }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const file = await download.path();
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text).$schema).toContain('route-config.schema.json');
    const parsed = parseConfig(text);
    expect(parsed.ok).toBe(true);
    await dialog.getByRole('button', { name: 'Close export' }).click();

    // Edit: add a kernel.
    await page.getByRole('button', { name: '+ Kernel' }).click();
    await expect
      .poll(async () => (await wb.config()).kernels.length)
      .toBe(original.kernels.length + 1);
    const edited = await wb.config();

    // Import the file back through the file picker.
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config file').setInputFiles(file);
    await expect(imp.getByTestId('import-origin')).toHaveText(`from file ${basename(file)}`);
    await expect(imp.getByTestId('import-diff')).toContainText('removed');
    expect(await wb.config()).toEqual(edited); // nothing changes before confirming
    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect(imp).toBeHidden();
    expect((await wb.config()).kernels.length).toBe(original.kernels.length);

    await page.locator('.react-flow__pane').click();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await wb.config()).kernels.length).toBe(edited.kernels.length);
  });

  test('the import preview names a changed type and says which of its fields changed', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const config = await wb.config();
    const t = config.messageTypes.find((x) => x.typeId === 1001)!;
    t.fields = [...t.fields, { name: 'note', type: 'bytes', size: 12 }];
    config.routes = config.routes.filter((r) => r.typeId !== 1003);
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config file').setInputFiles({
      name: 'modified.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(config, null, 2)),
    });
    // "~ 1001: fields (6 → 7 items)" had said neither which type nor which field.
    await expect(imp.getByTestId('import-diff')).toContainText(
      '~ Transaction (1001): fields: + note (bytes 12)',
    );
    // A route by its type and kernel: "− 1003" had named neither.
    await expect(imp.getByTestId('import-diff')).toContainText(
      '− PatternCheck (1003) → pattern_detector',
    );
  });

  // "0 added, 0 removed, 2 changed." had listed one change: the rename was counted, not shown.
  // An empty file had left the dialog silent; a JSON array had been read as broken TOML.
  test('the import preview lists a rename; an empty file and a JSON array say what they are', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const config = await wb.config();
    const before = config.name;
    config.name = 'Renamed routes';
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    const file = imp.getByLabel('Config file');
    await file.setInputFiles({
      name: 'renamed.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(config)),
    });
    await expect(imp.getByTestId('import-diff')).toContainText('1 changed.');
    await expect(imp.getByTestId('import-diff')).toContainText(
      `name "${before}" → "Renamed routes"`,
    );
    await file.setInputFiles({
      name: 'empty.json',
      mimeType: 'application/json',
      buffer: Buffer.from(''),
    });
    await expect(imp.getByRole('alert')).toContainText('empty.json is empty');
    await file.setInputFiles({
      name: 'array.json',
      mimeType: 'application/json',
      buffer: Buffer.from('[1,2,3]'),
    });
    await expect(imp.getByTestId('import-errors')).toContainText(
      'the document is JSON, but an array',
    );
    expect((await wb.config()).name).toBe(before);
  });

  // Tab from Cancel had gone on to the toolbar behind the overlay.
  test('Import and Export keep keyboard focus inside until closed, then give it back', async ({
    wb,
    page,
  }) => {
    await wb.open();
    for (const [button, name] of [
      ['Import…', 'Import config'],
      ['Export…', 'Export config'],
    ] as const) {
      const opener = page.getByRole('button', { name: button });
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name });
      await expect(dialog).toBeVisible();
      for (let i = 0; i < 16; i++) {
        await page.keyboard.press(i % 5 === 4 ? 'Shift+Tab' : 'Tab');
        expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      }
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(opener).toBeFocused();
    }
  });

  test("Export's formats are tabs: one tab stop, the arrows move between them", async ({
    wb,
    page,
  }) => {
    await wb.open();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export config' });
    const tab = (name: string) => dialog.getByRole('tab', { name });
    // Named as the languages are written (the download is a .rs file): "RUST" had shouted.
    expect(await dialog.getByRole('tab').allTextContents()).toEqual([
      'JSON',
      'TOML',
      'Rust',
      'WGSL',
    ]);
    await tab('JSON').focus();
    await page.keyboard.press('ArrowRight');
    await expect(tab('TOML')).toBeFocused();
    await expect(tab('TOML')).toHaveAttribute('aria-selected', 'true');
    await expect(dialog.getByRole('textbox', { name: 'TOML export' })).toBeVisible();
    await page.keyboard.press('End');
    await expect(tab('WGSL')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowRight');
    await expect(tab('JSON')).toBeFocused();
    expect(await dialog.getByRole('tab').evaluateAll((ts) => ts.map((t) => t.tabIndex))).toEqual([
      0, -1, -1, -1,
    ]);
    // The chosen format is seen, not only announced: all four had the same background. (Polled:
    // the tab just left may still be fading back.)
    const look = () =>
      dialog
        .getByRole('tab')
        .evaluateAll((ts) =>
          ts.map((t) => `${getComputedStyle(t).backgroundColor} ${getComputedStyle(t).boxShadow}`),
        );
    await expect
      .poll(async () => {
        const l = await look();
        return new Set(l.slice(1)).size === 1 && l[0] !== l[1];
      })
      .toBe(true);
  });

  // An import without fraud_processor, then "Redrive all matching": 1,904 letters failed again as
  // NotFound, with no word before.
  test('the import preview says what removing a kernel does to its held letters', async ({
    wb,
    page,
  }) => {
    await wb.openReady();
    await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 6_000 }));
    await expect
      .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.deadLetters.count)
      .toBe(1_904);
    const config = await wb.config();
    config.kernels = config.kernels.filter((k) => k.id !== 'fraud_processor');
    config.routes = config.routes.filter((r) => r.kernelId !== 'fraud_processor');
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config text').fill(JSON.stringify(config));
    await expect(imp.getByTestId('import-removed-traffic')).toContainText(
      '⚠ Removing fraud_processor: the 1,904 dead letters held for it will fail as NotFound if redriven to it',
    );
  });

  // A kernel removed under 50 K/s of its type's traffic: the dead-letter queue was full within
  // 0.2 s and its letters pushed out for good, with only "− PatternCheck (1003) →
  // pattern_detector" said.
  test('the import preview says what live traffic will find no route', async ({ wb, page }) => {
    await wb.openReady();
    const config = await wb.config();
    config.kernels = config.kernels.filter((k) => k.id !== 'pattern_detector');
    config.routes = config.routes.filter((r) => r.kernelId !== 'pattern_detector');
    await page.evaluate(() =>
      window.workbench.startGenerator({
        ratePerSec: 20_000,
        seed: 7,
        mix: [{ typeId: 1003, weight: 1 }],
      }),
    );
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config text').fill(JSON.stringify(config));
    const note = imp.getByTestId('import-unrouted-traffic');
    await expect(note).toContainText(
      /Traffic that will find no route: PatternCheck \(1003\) at \d/,
    );
    await expect(note).toContainText(
      /a NoRoute receipt and a dead letter: the 10,000-letter queue is full in [\d.]+ s, then each new letter pushes the oldest out for good/,
    );
    // Stopped, the warning goes with the traffic.
    await page.evaluate(() => window.workbench.stopGenerator());
    await expect(note).toBeHidden({ timeout: 5_000 });
  });

  test('an invalid import lists every problem by path and changes nothing', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const before = await wb.config();
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    const bad = JSON.stringify({
      ...before,
      routes: [...before.routes, { typeId: 'x', kernelId: 'nowhere' }],
    });
    await imp.getByLabel('Config text').fill(bad);
    const errors = imp.getByTestId('import-errors');
    await expect(errors).toContainText(`routes[${before.routes.length}]`);
    await expect(imp.getByRole('button', { name: 'Apply import' })).toBeDisabled();
    await imp.getByRole('button', { name: 'Cancel' }).click();
    expect(await wb.config()).toEqual(before);
  });

  test('a share link opens the import preview and runs nothing by itself', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.config();
    const shared = {
      ...before,
      name: 'shared one',
      kernels: before.kernels.map((k) => ({ ...k, queueCapacity: 64 })),
    };
    await page.goto(`/#${encodeShareFragment(shared)}`);
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await expect(imp).toBeVisible();
    await expect(imp).toContainText('share link');
    expect((await wb.config()).name).toBe(before.name);
    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(async () => (await wb.config()).name).toBe('shared one');
  });

  test('a share link can carry a generator preset; importing adds it without starting it', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const cfg = await wb.config();
    const preset = {
      name: 'shared burst',
      ratePerSec: 1234,
      pattern: 'bursts' as const,
      mix: [{ typeId: 1001, weight: 1 }],
      zipfS: 1,
      accounts: 10,
      durationMs: 1000,
      priority: 1,
      seed: 9,
    };
    await page.goto(`/#${encodeShareFragment(cfg, preset)}`);
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await expect(imp.getByTestId('import-preset')).toContainText('shared burst');
    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect
      .poll(async () => (await wb.config()).generatorPresets?.map((p) => p.name))
      .toContain('shared burst');
    const snap = await page.evaluate(() => window.workbench.snapshot());
    expect(snap?.generator.running ?? false).toBe(false);
  });

  test('exportConfig returns every format as text', async ({ wb, page }) => {
    await wb.open();
    const out = await page.evaluate(() =>
      (['json', 'toml', 'rust', 'wgsl'] as const).map((f) => window.workbench.exportConfig(f)),
    );
    expect(JSON.parse(out[0]!).version).toBe(1);
    expect(out[1]).toContain('version = 1');
    expect(out[2]).toContain('DispatcherBuilder');
    expect(out[3]).toContain('fn ');
    const viaToml = await page.evaluate((t) => window.workbench.loadConfig(t), out[1]!);
    expect(viaToml).toEqual({ ok: true });
  });
});

test('dropping a config file on the canvas opens the import preview', async ({ wb, page }) => {
  await wb.open();
  const cfg = await wb.config();
  const text = JSON.stringify({ ...cfg, name: 'dropped one' });
  const dataTransfer = await page.evaluateHandle((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'routes.json', { type: 'application/json' }));
    return dt;
  }, text);
  await page.getByTestId('graph').dispatchEvent('dragover', { dataTransfer });
  await page.getByTestId('graph').dispatchEvent('drop', { dataTransfer });
  const imp = page.getByRole('dialog', { name: 'Import config' });
  await expect(imp).toContainText('dropped file routes.json');
  expect((await wb.config()).name).toBe(cfg.name);
  await imp.getByRole('button', { name: 'Apply import' }).click();
  await expect.poll(async () => (await wb.config()).name).toBe('dropped one');
});

test('getConfig is the document JSON export writes, and loads back unchanged', async ({
  wb,
  page,
}) => {
  await wb.open();
  const [viaApi, exported] = await page.evaluate(() => [
    window.workbench.getConfig(),
    JSON.parse(window.workbench.exportConfig('json')) as unknown,
  ]);
  expect(viaApi).toEqual(exported);
  expect(await page.evaluate((c) => window.workbench.loadConfig(c), viaApi)).toEqual({ ok: true });
  expect(await wb.config()).toEqual(viaApi);
});
