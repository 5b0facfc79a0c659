/** Page object and fixtures for the workbench e2e specs. */
import { test as base, expect, type Page } from '@playwright/test';

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

  /** Drag a connection from a type node's handle to a kernel node's input handle with the mouse. */
  async drawRoute(typeId: number | string, kernelId: string) {
    const from = this.typeNode(typeId).locator('.react-flow__handle.source');
    const to = this.kernelNode(kernelId).locator('.react-flow__handle[data-handleid="in"]');
    const a = await from.boundingBox();
    const b = await to.boundingBox();
    if (!a || !b) throw new Error('handles not visible');
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
  }

  async fitView() {
    await this.page.getByRole('button', { name: /fit view/i }).click();
  }
}

export const test = base.extend<{ wb: Workbench }>({
  wb: async ({ page }, use) => {
    await use(new Workbench(page));
  },
});

export { expect };
