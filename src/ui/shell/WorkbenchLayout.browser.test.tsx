import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { WorkbenchLayout } from './WorkbenchLayout';
import { regions } from './regions';
import { cleanup, freshStore, render } from '../testing/browser';

/** The app's stylesheet is not loaded here: give the layout the height it has in the window. */
const style = document.createElement('style');
style.textContent =
  '.layout { display: flex; flex-direction: column; height: 600px } .layout-outer { flex: 1 1 0; min-height: 0 }';

beforeEach(() => {
  window.localStorage.clear();
  document.head.append(style);
  freshStore();
});
afterEach(() => {
  cleanup();
  style.remove();
});

describe('status bar toggles', () => {
  it('say whether the inspector and the panels are shown (aria-pressed), and follow a click', async () => {
    render(
      <WorkbenchLayout
        graph={<div>graph</div>}
        inspector={<aside aria-label="Inspector">inspector</aside>}
        status={<span>status</span>}
        renderPanel={(id) => <p>{id} panel</p>}
      />,
    );
    const inspector = page.getByRole('button', { name: 'Inspector', exact: true });
    const panels = page.getByRole('button', { name: 'Panels', exact: true });
    await expect.element(inspector).toHaveAttribute('aria-pressed', 'true');
    await expect.element(panels).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(inspector);
    await expect.element(inspector).toHaveAttribute('aria-pressed', 'false');
    await expect.element(inspector).toHaveAttribute('title', 'Show the inspector');
    await expect.element(panels).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(panels);
    await expect.element(panels).toHaveAttribute('aria-pressed', 'false');
    const dockHeight = () => document.getElementById('layout-dock')?.getBoundingClientRect().height;
    await expect.poll(dockHeight).toBe(0);

    await userEvent.click(panels);
    await userEvent.click(inspector);
    await expect.element(panels).toHaveAttribute('aria-pressed', 'true');
    await expect.element(inspector).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(dockHeight).toBeGreaterThan(100);
    await expect.element(page.getByText('inspector', { exact: true })).toBeVisible();
  });

  // Hidden, they had kept their controls in the Tab order (and the Inspector in F6's): focus went
  // to nine buttons off-screen, then under the status bar, for about fifty presses of Tab.
  it('take what they hide out of the keyboard order (Tab and F6)', async () => {
    render(
      <WorkbenchLayout
        graph={<div>graph</div>}
        inspector={
          <aside className="inspector" aria-label="Inspector" style={{ minWidth: 10 }}>
            <button type="button">in the inspector</button>
          </aside>
        }
        status={<span>status</span>}
        renderPanel={(id) => (
          <p>
            <button type="button">{id} control</button>
          </p>
        )}
      />,
    );
    const inInspector = page.getByRole('button', { name: 'in the inspector' });
    const inDock = page.getByRole('button', { name: 'inject control' });
    await expect.element(inInspector).toBeVisible();
    await expect.element(inDock).toBeVisible();
    expect(regions().some((r) => r.matches('aside.inspector'))).toBe(true);
    await userEvent.click(page.getByRole('button', { name: 'Inspector', exact: true }));
    await userEvent.click(page.getByRole('button', { name: 'Panels', exact: true }));
    await expect.poll(() => inInspector.element().closest('[inert]')).not.toBeNull();
    await expect.poll(() => inDock.element().closest('[inert]')).not.toBeNull();
    expect(regions().some((r) => r.matches('aside.inspector'))).toBe(false);
    // Shown again, they are back in the order.
    await userEvent.click(page.getByRole('button', { name: 'Inspector', exact: true }));
    await userEvent.click(page.getByRole('button', { name: 'Panels', exact: true }));
    await expect.poll(() => inInspector.element().closest('[inert]')).toBeNull();
    await expect.poll(() => inDock.element().closest('[inert]')).toBeNull();
    expect(regions().some((r) => r.matches('aside.inspector'))).toBe(true);
  });

  it('are remembered: hidden from the status bar, they stay hidden after a reload', async () => {
    const layout = () => (
      <WorkbenchLayout
        graph={<div>graph</div>}
        inspector={<aside aria-label="Inspector">inspector</aside>}
        status={<span>status</span>}
        renderPanel={(id) => <p>{id} panel</p>}
      />
    );
    render(layout());
    await userEvent.click(page.getByRole('button', { name: 'Inspector', exact: true }));
    await userEvent.click(page.getByRole('button', { name: 'Panels', exact: true }));
    await expect
      .element(page.getByRole('button', { name: 'Panels', exact: true }))
      .toHaveAttribute('aria-pressed', 'false');
    // A reload: the layout mounts again from what was stored (hidden by a drag, it was kept; by
    // the status bar's buttons, it came back).
    cleanup();
    render(layout());
    await expect
      .element(page.getByRole('button', { name: 'Inspector', exact: true }))
      .toHaveAttribute('aria-pressed', 'false');
    await expect
      .element(page.getByRole('button', { name: 'Panels', exact: true }))
      .toHaveAttribute('aria-pressed', 'false');
    // Shown again from the buttons, that is kept too.
    await userEvent.click(page.getByRole('button', { name: 'Inspector', exact: true }));
    await userEvent.click(page.getByRole('button', { name: 'Panels', exact: true }));
    cleanup();
    render(layout());
    await expect
      .element(page.getByRole('button', { name: 'Inspector', exact: true }))
      .toHaveAttribute('aria-pressed', 'true');
    await expect
      .element(page.getByRole('button', { name: 'Panels', exact: true }))
      .toHaveAttribute('aria-pressed', 'true');
  });
});
