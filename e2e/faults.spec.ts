/**
 * Faults are survived (issue 8): a throwing panel, an engine worker crash, full or corrupt storage,
 * a failing kernel handler, and cross-tenant traffic. Panel and worker faults go through the
 * test-only hooks of src/app/faults.ts (`window.workbench.__faults`, enabled by the
 * `rdw:test:faults` localStorage flag).
 */
import type { Page } from '@playwright/test';
import { demoConfig, type RouteConfig } from '../src/core/config/index.ts';
import { engineReady, test, expect } from './workbench';

const snap = (page: Page) => page.evaluate(() => window.workbench.snapshot());

async function enableFaultHooks(page: Page) {
  await page.addInitScript(() => localStorage.setItem('rdw:test:faults', '1'));
}

async function expectHooks(page: Page) {
  // Missing today unless main.tsx calls installFaultHooks (see src/app/faults.ts).
  expect(
    await page.evaluate(() => Object.keys(window.workbench.__faults ?? {}).sort()),
    'window.workbench.__faults is not installed',
  ).toEqual(['crashEngine', 'failKernel', 'healPanel', 'loseGpu', 'throwInPanel']);
}

/** Makes Storage.setItem throw QuotaExceededError while `window.__storageFull` is true. */
async function patchStorage(page: Page) {
  await page.addInitScript(() => {
    const original = Storage.prototype.setItem;
    Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
      if ((window as unknown as { __storageFull?: boolean }).__storageFull)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      original.call(this, key, value);
    };
  });
}

test.describe('faults are survived', () => {
  test('a panel that throws shows its error in place; the graph keeps working', async ({
    wb,
    page,
  }) => {
    await enableFaultHooks(page);
    const errors = await wb.open();
    await expectHooks(page);
    await page.getByRole('tab', { name: 'Queues' }).click();
    await page.evaluate(() => window.workbench.__faults?.throwInPanel('queues'));
    await expect(page.getByTestId('panel-error-queues')).toBeVisible();
    await expect(page.getByTestId('panel-error-queues')).toContainText('queues');
    // The rest works: other tabs, the graph, editing.
    const before = (await wb.config()).messageTypes.length;
    await page.getByRole('button', { name: '+ Type' }).click();
    await expect.poll(async () => (await wb.config()).messageTypes.length).toBe(before + 1);
    const added = (await wb.config()).messageTypes.at(-1)!;
    await wb.fitView();
    await expect(wb.typeNode(added.typeId)).toBeVisible();
    await page.getByRole('tab', { name: 'Receipts' }).click();
    await expect(page.getByTestId('receipt-list')).toBeVisible();
    // Healed and retried, the panel comes back.
    await page.evaluate(() => window.workbench.__faults?.healPanel('queues'));
    await page.getByRole('tab', { name: 'Queues' }).click();
    const retry = page.getByTestId('panel-error-queues').getByRole('button', { name: 'Retry' });
    if (await retry.isVisible()) await retry.click();
    await expect(page.getByRole('table', { name: 'Queues' })).toBeVisible();
    // The thrown error is caught by the boundary, not left uncaught.
    expect(errors).toEqual([]);
  });

  test('an engine worker crash is detected and restarted with the current workspace and a notice', async ({
    wb,
    page,
  }) => {
    await enableFaultHooks(page);
    const errors = await wb.open();
    await expectHooks(page);
    await engineReady(page);
    // Edit after start-up, so "the last saved workspace" differs from the one the engine booted with.
    const cfg = await wb.config();
    cfg.kernels.push({
      id: 'added_before_crash',
      queueCapacity: 64,
      overflowPolicy: 'reject',
      tenantId: 0,
      backend: 'cpu',
      behavior: 'generic',
    });
    expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
    await expect
      .poll(async () => (await snap(page))?.kernels.map((k) => k.id) ?? [])
      .toContain('added_before_crash');
    const seqBefore = (await snap(page))!.seq;

    await page.evaluate(() => window.workbench.__faults?.crashEngine());
    await expect(page.getByTestId('notices')).toContainText(/restart/i);
    // Snapshots flow again, from the fresh worker (its counters start at zero).
    await expect.poll(async () => (await snap(page))?.injected ?? -1).toBe(0);
    await expect.poll(async () => (await snap(page))?.seq ?? 0).not.toBe(seqBefore);
    // Known gap: the client restarts with the config of the last `loadConfig` command it sent
    // (the start-up one), not the workspace as edited since.
    await expect
      .poll(async () => (await snap(page))?.kernels.map((k) => k.id) ?? [])
      .toContain('added_before_crash');
    const r = await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 3 }));
    expect(r).toMatchObject({ ok: true, count: 3 });
    await expect.poll(async () => (await snap(page))?.injected ?? 0).toBe(3);
    expect(errors).toEqual([]);
  });

  test('full storage: the next edit reports an error and the in-memory workspace is kept', async ({
    wb,
    page,
  }) => {
    await patchStorage(page);
    const errors = await wb.open();
    await page.evaluate(() => {
      (window as unknown as { __storageFull?: boolean }).__storageFull = true;
    });
    const before = (await wb.config()).kernels.length;
    await page.getByRole('button', { name: '+ Kernel' }).click();
    await expect(page.getByTestId('notices')).toContainText(/Could not save workspace/);
    await expect(page.getByTestId('notices')).toContainText(/kept in memory/);
    expect((await wb.config()).kernels.length).toBe(before + 1);
    // A theme change also writes to storage; it must not turn into an uncaught error.
    await page.getByLabel('Theme').selectOption('light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(errors).toEqual([]);
    // Storage back: the next edit saves again.
    await page.evaluate(() => {
      (window as unknown as { __storageFull?: boolean }).__storageFull = false;
    });
    await page.getByRole('button', { name: '+ Kernel' }).click();
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (JSON.parse(localStorage.getItem('rdw:v1:ws:demo') ?? '{}') as RouteConfig).kernels
              ?.length,
        ),
      )
      .toBe(before + 2);
  });

  test('corrupt storage: the workspace is kept aside, reported, and the demo opens', async ({
    wb,
    page,
  }) => {
    await wb.open();
    await page.evaluate(() => {
      localStorage.setItem('rdw:v1:ws:demo', '{"version":1,"name":"half a doc"');
      localStorage.setItem('rdw:v1:current', 'demo');
    });
    await page.reload();
    await expect(page.getByTestId('graph')).toBeVisible();
    await page.waitForFunction(() => typeof window.workbench?.getConfig === 'function');
    await expect(page.getByTestId('notices')).toContainText(/corrupt/);
    expect((await wb.config()).name).toBe(demoConfig().name);
    const kept = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('rdw:v1:corrupt:'))
        .map((k) => localStorage.getItem(k)),
    );
    expect(kept).toContain('{"version":1,"name":"half a doc"');
  });

  test('storage that throws on read: the app still starts, with the demo and a notice', async ({
    wb,
    page,
  }) => {
    await page.addInitScript(() => {
      Storage.prototype.getItem = function () {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      };
    });
    // Known bug: main.tsx reads the theme key outside any try, so start-up throws.
    const errors = await wb.open();
    expect((await wb.config()).name).toBe(demoConfig().name);
    await expect(page.getByTestId('notices')).toContainText(/could not be read/);
    expect(errors).toEqual([]);
  });

  test('a kernel whose handler fails on a message dead-letters it with the reason and keeps going', async ({
    wb,
    page,
  }) => {
    await enableFaultHooks(page);
    await wb.openReady();
    // Needs an engine fault: today kernels cannot fail per message (only a rejected async batch is
    // counted as failed 'KernelError', the whole batch, and never dead-lettered).
    const hooks = await page.evaluate(() => Object.keys(window.workbench.__faults ?? {}));
    expect(hooks, 'window.workbench.__faults.failKernel(kernelId, count, reason)').toContain(
      'failKernel',
    );
    await page.evaluate(() =>
      (
        window.workbench.__faults as unknown as {
          failKernel(kernelId: string, count: number, reason: string): void;
        }
      ).failKernel('aggregator', 2, 'injected handler fault'),
    );
    await page.evaluate(() => window.workbench.inject({ typeId: 1002, count: 5 }));
    // Wait until all five have ended somewhere (the latest snapshot may predate the inject).
    await expect
      .poll(async () => {
        const s = await snap(page);
        const agg = s?.kernels.find((k) => k.id === 'aggregator');
        return (agg?.processed ?? 0) + (s?.deadLetters.count ?? 0);
      })
      .toBe(5);
    await expect
      .poll(async () =>
        ((s) => (s ? s.accounting.queued + s.accounting.inFlight : -1))(await snap(page)),
      )
      .toBe(0);
    const s = (await snap(page))!;
    const aggregator = s.kernels.find((k) => k.id === 'aggregator')!;
    expect(aggregator.processed).toBe(3);
    expect(s.deadLetters.count).toBe(2);
    expect(s.accounting.balanced).toBe(true);
    await page.getByRole('tab', { name: 'Dead letters' }).click();
    await expect(page.getByRole('table', { name: 'Dead letters' })).toContainText(
      'injected handler fault',
    );
  });

  test('GPU device loss mid-run moves kernels to their CPU twins with nothing lost', async ({
    wb,
    page,
  }) => {
    await enableFaultHooks(page);
    await wb.open();
    // Forced to WebGPU: on `auto` the fraud processor stays on its twin here (SwiftShader
    // measures slower), and this test is about losing the device under a kernel running on it.
    await wb.forceBackend('fraud_processor', 'webgpu');
    await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 300 }));
    await page.evaluate(() => window.workbench.__faults?.loseGpu());
    await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 300 }));
    await expect
      .poll(
        async () => (await snap(page))?.kernels.find((k) => k.id === 'fraud_processor')?.backend,
        {
          timeout: 20_000,
        },
      )
      .toBe('cpu');
    // Said once, in the engine's words, with the kernel named.
    await expect(page.getByTestId('notices')).toContainText(
      'Kernel "fraud_processor": Moved to the CPU twin: ',
    );
    await expect(page.getByTestId('notices')).not.toContainText('CPU twin: Moved');
    await expect
      .poll(
        async () => (await snap(page))?.kernels.find((k) => k.id === 'fraud_processor')?.processed,
        {
          timeout: 20_000,
        },
      )
      .toBe(600);
    const s = (await snap(page))!;
    expect(s.accounting.balanced).toBe(true);
    expect(s.deadLetters.count).toBe(0);
    expect(s.kernels.find((k) => k.id === 'fraud_processor')?.fallbackReason).toBeTruthy();
  });

  test.describe('tenancy', () => {
    function twoTenants(): RouteConfig {
      const c = demoConfig();
      c.kernels = c.kernels.map((k) =>
        k.id === 'fraud_processor'
          ? { ...k, tenantId: 1 }
          : k.id === 'alert_sink'
            ? { ...k, tenantId: 2 }
            : k.id === 'aggregator'
              ? { ...k, tenantId: 1, queueCapacity: 4, overflowPolicy: 'deadLetter' as const }
              : k.id === 'pattern_detector'
                ? { ...k, tenantId: 2 }
                : k,
      );
      return c;
    }

    test('alerts a tenant-1 kernel emits to a tenant-2 kernel are refused and counted', async ({
      wb,
      page,
    }) => {
      await wb.open();
      const cfg = twoTenants();
      expect(cfg.routes.some((r) => r.kernelId === 'alert_sink')).toBe(true);
      expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
      await expect
        .poll(async () => (await snap(page))?.kernels.find((k) => k.id === 'alert_sink')?.tenantId)
        .toBe(2);
      const r = await page.evaluate(() =>
        window.workbench.startGenerator({
          ratePerSec: 50_000,
          durationMs: 400,
          seed: 3,
          mix: [{ typeId: 1001, weight: 1 }],
        }),
      );
      expect(r.ok).toBe(true);
      // The latest snapshot may predate the start: wait for traffic, then for the end.
      await expect
        .poll(async () => (await snap(page))?.generator.emitted ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(async () => (await snap(page))?.generator.running, { timeout: 20_000 })
        .toBe(false);
      await expect
        .poll(async () =>
          ((s) => (s ? s.accounting.queued + s.accounting.inFlight : -1))(await snap(page)),
        )
        .toBe(0);
      const s = (await snap(page))!;
      const fraud = s.kernels.find((k) => k.id === 'fraud_processor')!;
      // validate.ts: the host (tenant 0) may send to any tenant, so type routes are never
      // cross-tenant; the broker must then deliver host traffic into tenant 1.
      expect(fraud.processed, 'host -> tenant-1 kernel must be delivered').toBeGreaterThan(0);
      const emittedByFraud = fraud.emitted;
      expect(emittedByFraud).toBeGreaterThan(0);
      expect(s.receipts.byStatus.TenantMismatch ?? 0).toBe(emittedByFraud);
      expect(s.kernels.find((k) => k.id === 'alert_sink')!.processed).toBe(0);
      expect(s.accounting.balanced).toBe(true);
      // Shown: the refused alerts are dead letters with that reason.
      await page.getByRole('tab', { name: 'Dead letters' }).click();
      await page.getByLabel('Filter dead letters by reason').selectOption('TenantMismatch');
      await expect(page.getByRole('table', { name: 'Dead letters' })).toContainText(
        'TenantMismatch',
      );
      // Known gap: validation does not warn that an emitted type is routed across tenants.
      await page.getByRole('tab', { name: 'Problems' }).click();
      await expect.soft(wb.panel('Problems')).toContainText(/tenant/i);
    });

    test('a K2K next hop across tenants is flagged on load and on import', async ({ wb, page }) => {
      await wb.open();
      const cfg = twoTenants();
      cfg.k2kRoutes = [{ dest: 'fraud_processor', nextHop: 'alert_sink' }];
      const loaded = await page.evaluate((c) => window.workbench.loadConfig(c), cfg);
      // Either refused outright, or accepted with the problem shown.
      if (loaded.ok) {
        await page.getByRole('tab', { name: 'Problems' }).click();
        await expect(wb.panel('Problems')).toContainText(/crosses tenants/);
      } else {
        expect(JSON.stringify(loaded.errors)).toMatch(/tenant/);
      }
      // Through the Import dialog, the preview names the cross-tenant route before applying.
      await page.evaluate(() => window.workbench.loadConfig(window.workbench.getConfig()));
      await page.getByRole('button', { name: 'Import…' }).click();
      const imp = page.getByRole('dialog', { name: 'Import config' });
      await imp.getByLabel('Config text').fill(JSON.stringify(cfg));
      await expect.soft(imp).toContainText(/tenant/i);
    });

    test('a redrive to a kernel in another tenant is refused and counted', async ({ wb, page }) => {
      await wb.open();
      const cfg = twoTenants();
      expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
      await expect
        .poll(async () => (await snap(page))?.kernels.find((k) => k.id === 'aggregator')?.capacity)
        .toBe(4);
      // Alerts the tenant-1 fraud processor emits to the tenant-2 alert sink are refused: those
      // dead letters come from a tenant-1 kernel. (Letters from the host are not tenant-bound:
      // the host may inject into any tenant, so it may redrive there too.)
      await page.evaluate(() =>
        window.workbench.inject({ typeId: 1001, count: 50, payload: { amount: 15000 } }),
      );
      await expect
        .poll(async () => (await snap(page))?.receipts.byStatus.TenantMismatch ?? 0)
        .toBeGreaterThan(0);
      await page.getByRole('tab', { name: 'Dead letters' }).click();
      await page.getByLabel('Filter dead letters by reason').selectOption('TenantMismatch');
      await page.getByLabel('Redrive target').selectOption('pattern_detector');
      const letters = (await snap(page))!.deadLetters.count;
      await page.getByRole('button', { name: /Redrive all matching/ }).click();
      await expect(wb.panel('Dead letters')).toContainText(/[1-9]\d* refused \(cross-tenant\)/);
      await expect
        .poll(async () => (await snap(page))?.deadLetters.refusedCrossTenant ?? 0)
        .toBeGreaterThan(0);
      const s = (await snap(page))!;
      expect(s.deadLetters.count).toBe(letters);
      expect(s.kernels.find((k) => k.id === 'pattern_detector')!.processed).toBe(0);
      expect(s.accounting.balanced).toBe(true);
    });
  });
});
