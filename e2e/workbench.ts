/** Page object and fixtures for the workbench e2e specs. */
import { test as base, expect, type Page } from '@playwright/test';

/** Waits until the engine has published a snapshot with the config's kernels in it. */
export async function engineReady(page: Page): Promise<void> {
  await expect
    .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length ?? 0)
    .toBeGreaterThan(0);
}

/**
 * The graph's view once it has stopped moving: its transform read twice, `gapMs` apart, the same.
 * Pans and zooms animate for 200 ms; on a loaded CI machine late frames stretch that, and a
 * fixed sleep followed by an exact read failed. Returns the settled transform.
 */
export async function viewSettled(page: Page, gapMs = 200): Promise<string> {
  const read = () =>
    page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
  await page.waitForTimeout(gapMs);
  let now = await read();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(gapMs);
    const next = await read();
    if (next === now) return now;
    now = next;
  }
  throw new Error(`the graph's view kept moving for ${(50 * gapMs) / 1000} s`);
}

export class Workbench {
  constructor(readonly page: Page) {}

  async open(path = '/') {
    const errors: string[] = [];
    this.page.on('pageerror', (e) => errors.push(e.message));
    await this.page.goto(path);
    await expect(this.page.getByTestId('graph')).toBeVisible();
    await this.page.waitForFunction(() => typeof window.workbench?.getConfig === 'function');
    return errors;
  }

  /** Opens the page and waits until the engine has published the config's kernels. */
  async openReady(path = '/') {
    const errors = await this.open(path);
    await engineReady(this.page);
    return errors;
  }

  typeNode(typeId: number | string) {
    return this.page.getByTestId(`node-type-${typeId}`);
  }

  kernelNode(id: string) {
    return this.page.getByTestId(`node-kernel-${id}`);
  }

  config() {
    return this.page.evaluate(() => window.workbench.getConfig());
  }

  async routeOf(typeId: number | string) {
    const cfg = await this.config();
    return cfg.routes.find((r) => String(r.typeId) === String(typeId))?.kernelId;
  }

  /**
   * Drag a connection from a type node's handle to a kernel node's input handle with the mouse
   * (`onto: 'card'`: to the middle of the kernel's card instead).
   */
  async drawRoute(typeId: number | string, kernelId: string, onto: 'handle' | 'card' = 'handle') {
    const from = this.typeNode(typeId).locator('.react-flow__handle.source');
    const to =
      onto === 'card'
        ? this.kernelNode(kernelId).locator('.node-title')
        : this.kernelNode(kernelId).locator('.react-flow__handle[data-handleid="in"]');
    // A node just added may still be moving (layout, fit view): drag only once both handles have
    // stayed put for 100 ms, or the drag starts from where a handle was.
    const boxes = async () => [await from.boundingBox(), await to.boundingBox()] as const;
    let [a, b] = await boxes();
    for (let i = 0; i < 30; i++) {
      await this.page.waitForTimeout(100);
      const [a2, b2] = await boxes();
      const still = JSON.stringify([a, b]) === JSON.stringify([a2, b2]);
      [a, b] = [a2, b2];
      if (still) break;
    }
    if (!a || !b) throw new Error('handles not visible');
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
  }

  /**
   * Bring a dock panel into view by its tab (the dock has two panes of tabs; a tab is found by its
   * name in whichever pane holds it) and return its tab panel.
   */
  async openPanel(name: string) {
    const tab = this.page.getByRole('tab', { name, exact: true });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
    const panel = this.panel(name);
    await expect(panel).toBeVisible();
    return panel;
  }

  /** The tab panel of a dock panel (visible only while its tab is selected). */
  panel(name: string) {
    return this.page.getByRole('tabpanel', { name, exact: true });
  }

  /** Toolbar → More actions → an item (Save workspace as…, Restore demo). */
  /** Toolbar → Auto-layout, once the new layout is in the config; returns the layout before. */
  async autoLayout() {
    const before = (await this.config()).layout;
    await this.page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect
      .poll(async () => JSON.stringify((await this.config()).layout))
      .not.toBe(JSON.stringify(before));
    return before;
  }

  async moreAction(item: string) {
    await this.page.getByRole('button', { name: 'More actions' }).click();
    await this.page.getByRole('menuitem', { name: item }).click();
  }

  async saveWorkspaceAs(name: string) {
    await this.moreAction('Save workspace as…');
    await this.page.getByLabel('New workspace name').fill(name);
    await this.page.getByRole('button', { name: 'Save as', exact: true }).click();
  }

  async fitView() {
    await this.page.getByRole('button', { name: /fit view/i }).click();
  }

  /**
   * Loads the current config with `kernelId` forced to `backend` and waits until the engine runs
   * it there (a WebGPU runtime takes a moment to build).
   */
  async forceBackend(kernelId: string, backend: 'webgpu' | 'cpu') {
    const loaded = await this.page.evaluate(
      ([id, to]) => {
        const c = window.workbench.getConfig();
        return window.workbench.loadConfig({
          ...c,
          kernels: c.kernels.map((k) => (k.id === id ? { ...k, backend: to } : k)),
        });
      },
      [kernelId, backend] as const,
    );
    expect(loaded.ok).toBe(true);
    await expect
      .poll(
        () =>
          this.page.evaluate(
            (id) => window.workbench.snapshot()?.kernels.find((k) => k.id === id)?.backend,
            kernelId,
          ),
        { timeout: 20_000 },
      )
      .toBe(backend);
  }
}

export const test = base.extend<{ wb: Workbench }>({
  wb: async ({ page }, use) => {
    await use(new Workbench(page));
  },
});

export { expect };

/** Every panel of the dock, by its tab name (left pane first, as the default layout has them). */
export const DOCK_PANELS = [
  'Inject',
  'Queues',
  'Predict',
  'What-if',
  'Record',
  'GPU',
  'Receipts',
  'Dead letters',
  'Metrics',
  'Trace',
  'Problems',
] as const;

/** A count as the panels write it: "1,234 rows shown", "20.0 K rows shown", "1.66 M". */
export function readCount(text: string): number {
  const m = /([\d][\d,]*(?:\.\d+)?)\s?([KMG])?/.exec(text);
  if (!m) return Number.NaN;
  const scale = { K: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]!.replaceAll(',', '')) * scale;
}
