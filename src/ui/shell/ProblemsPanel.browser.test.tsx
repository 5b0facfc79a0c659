import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ProblemsPanel } from './ProblemsPanel';
import { PanelBadge } from './PanelBadge';
import { cleanup, freshStore, kernelRow, letterQueue, render, snapshot } from '../testing/browser';
import type { WorkbenchStore } from '../../state/store';
import type { DeadLetterReason } from '../../engine/protocol';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

describe('Problems panel', () => {
  it('words one of each in the singular', async () => {
    render(<ProblemsPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({
            id: 'pattern_detector',
            capacity: 1024,
            dropped: 1,
            deadLettered: 1,
            lettersHeld: 1,
          }),
          kernelRow({ id: 'alert_sink', lettersByReason: { KernelError: 1 } }),
        ],
        deadLetters: letterQueue({ count: 10_000, evicted: 1 }),
      }),
      Date.now(),
    );
    const items = page.getByRole('list', { name: 'Running system problems' }).getByRole('listitem');
    await expect
      .element(items.nth(0))
      .toHaveTextContent(
        /DeadLettersLost 1 dead letter was pushed out of the dead-letter queue while it was full, and is lost for good\./,
      );
    await expect
      .element(items.nth(1))
      .toHaveTextContent(
        /pattern_detector: its queue refused 1 message \(reject\)\. 1 of its letters is held: it can go back paced/,
      );
    await expect.element(items.nth(2)).toHaveTextContent(/alert_sink: failed on 1 message it took/);
  });

  // After a purge: "It holds 0 now; redrive or purge letters … to make room" advised what could
  // not be done.
  it('advises making room in the dead-letter queue only while it is full', async () => {
    render(<ProblemsPanel />);
    const lost = (count: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          deadLetters: letterQueue({ count, evicted: 77_459 }),
        }),
        Date.now(),
      );
    const first = page
      .getByRole('list', { name: 'Running system problems' })
      .getByRole('listitem')
      .nth(0);
    lost(0);
    await expect
      .element(first)
      .toHaveTextContent(/lost for good\. It holds none now: new ones have room\.$/);
    // The view shows a snapshot at most every 100 ms.
    await new Promise((r) => setTimeout(r, 120));
    lost(1_672);
    await expect
      .element(first)
      .toHaveTextContent(/It holds 1,672 of 10,000 now: new ones have room\.$/);
    await new Promise((r) => setTimeout(r, 120));
    lost(10_000);
    await expect.element(first).toHaveTextContent(/It holds 10,000 now; redrive or purge letters/);
  });

  // Its policy changed under load: "refused 357,114 messages (deadLetter)" had named evictions
  // refusals too (QA).
  it('says what a queue refused and what it evicted when it did both', async () => {
    render(<ProblemsPanel />);
    /** pattern_detector (a reject queue of 16) having lost `dropped`, its letters by reason so. */
    const lost = (dropped: number, lettersByReason: Partial<Record<DeadLetterReason, number>>) =>
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [
            kernelRow({
              id: 'pattern_detector',
              capacity: 16,
              dropped,
              deadLettered: dropped,
              lettersByReason,
              lettersHeld: 0,
            }),
          ],
        }),
        Date.now(),
      );
    lost(357_114, { Rejected: 182_261, QueueFull: 87_587, DroppedOldest: 87_266 });
    await expect
      .element(page.getByRole('list', { name: 'Running system problems' }))
      .toHaveTextContent(
        /pattern_detector: its queue refused 269,848 and evicted 87,266 messages \(policy now reject\)\./,
      );
    // Evictions alone, under a policy that refuses: the policy is named as the one it has now.
    await new Promise((r) => setTimeout(r, 120));
    lost(5_904, { DroppedOldest: 5_904 });
    await expect
      .element(page.getByRole('list', { name: 'Running system problems' }))
      .toHaveTextContent(
        /pattern_detector: its queue evicted 5,904 messages \(policy now reject\)\./,
      );
  });

  it('lists what the running system lost beside the config problems, and selects the kernel', async () => {
    render(<ProblemsPanel />);
    await expect
      .element(page.getByTestId('problems-empty'))
      .toHaveTextContent('No problems in the config or in the running system.');
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({
            id: 'pattern_detector',
            capacity: 1024,
            dropped: 98_976,
            deadLettered: 98_976,
            lettersByReason: { Rejected: 98_976 },
            lettersHeld: 0,
          }),
          kernelRow({
            id: 'aggregator',
            capacity: 4096,
            dropped: 5_904,
            deadLettered: 5_904,
            lettersByReason: { DroppedOldest: 5_904 },
            lettersHeld: 5_904,
          }),
          kernelRow({ id: 'alert_sink', lettersByReason: { KernelError: 3 } }),
        ],
        deadLetters: letterQueue({ count: 10_000, evicted: 5_784 }),
        generator: {
          running: true,
          emitted: 1,
          lagMs: 3_200,
          onWorker: true,
          spec: { ratePerSec: 2_000_000 },
        },
      }),
      Date.now(),
    );
    const live = page.getByRole('list', { name: 'Running system problems' });
    await expect.element(live).toBeVisible();
    await expect.element(page.getByTestId('problems-config-empty')).toBeVisible();
    // Each part under its heading: the config's, then the running system's; h3, as the other
    // panels' sections (an h4 there skipped a level: axe heading-order).
    const headings = page.getByRole('heading', { level: 3 }).elements();
    expect(headings.map((h) => h.textContent)).toEqual(['Config', 'Running system']);
    expect(
      headings[1]!.compareDocumentPosition(live.element()) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    const items = live.getByRole('listitem');
    await expect
      .element(items.nth(0))
      .toHaveTextContent(
        '5,784 dead letters were pushed out of the dead-letter queue while it was full, and are lost for good. It holds 10,000 now; redrive or purge letters (Dead letters tab) to make room for new ones.',
      );
    await expect
      .element(items.nth(1))
      .toHaveTextContent(
        'pattern_detector: its queue refused 98,976 messages (reject). None of its letters is held now: pushed out of the full dead-letter queue, redriven or purged.',
      );
    // Advice to redrive only where its letters are held: it stood for pattern_detector too,
    // whose letters the full dead-letter queue had all pushed out.
    await expect.element(items.nth(1)).not.toHaveTextContent(/can go back paced/);
    await expect
      .element(items.nth(2))
      .toHaveTextContent(
        'aggregator: its queue evicted 5,904 messages (dropOldest). 5,904 of its letters are held: they can go back paced (Dead letters, Options, pace), which fills its queue to half at most.',
      );
    await expect.element(items.nth(3)).toHaveTextContent(/alert_sink: failed on 3 messages/);
    await expect.element(items.nth(4)).toHaveTextContent(/generator is 3\.2 s behind/);
    // A loss stays until the reset; the generator behind is of the moment, and each says so.
    await expect
      .element(items.nth(1))
      .toHaveAttribute('title', 'Since the counters were last reset (Metrics: Reset counters)');
    await expect
      .element(items.nth(4))
      .toHaveAttribute(
        'title',
        'Now: listed while it lasts, gone when the generator is back on its schedule or stops',
      );
    await userEvent.click(items.nth(2).getByRole('button'));
    expect(store.getState().selection).toEqual(['kernel:aggregator']);
    // Lost dead letters have no node: the Dead letters tab comes up.
    await userEvent.click(items.nth(0).getByRole('button'));
    expect(store.getState().bottomTab).toBe('deadletters');
  });

  it('lists messages that found no route, with the Dead letters tab', async () => {
    render(<ProblemsPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        receipts: {
          total: 5_000,
          byStatus: { Delivered: 3_675, NoRoute: 1_325 },
          sampledOut: 0,
          failedLater: 0,
          recent: [],
        },
      }),
      Date.now(),
    );
    const item = page.getByRole('list', { name: 'Running system problems' }).getByRole('listitem');
    await expect
      .element(item)
      .toHaveTextContent(
        /1,325 sends found no route \(NoRoute\): their types are routed to no kernel/,
      );
    // A type the config does not define (9999, injected by id) cannot be routed as it is.
    await expect
      .element(item)
      .toHaveTextContent(
        /Route the type \(a type the config does not define: add it first, \+ Type\)/,
      );
    await userEvent.click(item.getByRole('button'));
    expect(store.getState().bottomTab).toBe('deadletters');
  });

  it('keeps the generator listed while it catches up, still behind its schedule', async () => {
    render(<ProblemsPanel />);
    const behind = (ratePerSec: number, lagMs: number, at: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          timeUs: at * 1_000,
          generator: {
            running: true,
            emitted: 1,
            lagMs,
            onWorker: true,
            ratePerSec,
            startedUs: 0,
            spec: { ratePerSec: 3_000_000 },
          },
        }),
        Date.now() + at,
      );
    behind(2_720_000, 1_300, 10_000);
    const live = page.getByRole('list', { name: 'Running system problems' });
    await expect
      .element(live)
      .toHaveTextContent(/the engine takes 2\.72\sM\/s of the 3\.00\sM\/s asked/);
    // Entering above the asked rate, 1.2 s behind: still listed (it had gone, and the tab's
    // count with it, every second or two at 3 M/s).
    behind(3_680_000, 1_200, 10_200);
    await expect
      .element(live)
      .toHaveTextContent(
        /1\.2 s behind its schedule, catching up: 3\.68\sM\/s enter, above the 3\.00\sM\/s asked/,
      );
    // Back on schedule: gone.
    behind(3_000_000, 20, 10_400);
    await expect.element(page.getByTestId('problems-empty')).toBeVisible();
  });

  it('names a forced WebGPU that does not keep up as the cause of the overflow, and the way out', async () => {
    render(<ProblemsPanel />);
    const row = kernelRow({ id: 'fraud_processor', dropped: 630_998, deadLettered: 630_998 });
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          {
            ...row,
            backend: 'webgpu',
            backpressure: true,
            placement: { ...row.placement, mode: 'webgpu', gpuRate: 5_075, cpuRate: 3_680_000 },
          },
        ],
        deadLetters: letterQueue(),
      }),
      Date.now(),
    );
    await expect
      .element(page.getByRole('list', { name: 'Running system problems' }))
      .toHaveTextContent(
        /It is forced onto WebGPU, which does not keep up \(measured 5,075\/s\): its backend set to auto or cpu runs it on its CPU twin \(measured 3\.68\sM\/s\)\./,
      );
  });

  it('says a burst sent by hand holds the generator back, while it goes in and after', async () => {
    render(<ProblemsPanel />);
    const at = (ms: number, sent?: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          timeUs: ms * 1_000,
          ...(sent !== undefined ? { sending: { count: 50_000, sent } } : {}),
          generator: {
            running: true,
            emitted: 1,
            lagMs: 800,
            onWorker: true,
            ratePerSec: 413_000,
            startedUs: 0,
            spec: { ratePerSec: 1_000_000 },
          },
        }),
        Date.now() + ms,
      );
    const live = page.getByRole('list', { name: 'Running system problems' });
    at(10_000, 20_000);
    await expect
      .element(live)
      .toHaveTextContent(
        /0\.8 s behind its schedule: a burst of 50,000 being sent by hand holds it back\./,
      );
    at(10_100);
    await expect
      .element(live)
      .toHaveTextContent(/the burst of 50,000 sent by hand held it back, and it resumes\./);
    // Three seconds on and still behind: the engine's limit again.
    at(13_200);
    await expect.element(live).toHaveTextContent(/0\.8 s behind its schedule: the engine takes /);
  });

  it("says when a queue's lost messages are no longer held as dead letters", async () => {
    render(<ProblemsPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'fraud_processor', dropped: 5_904, deadLettered: 5_904, lettersHeld: 0 }),
        ],
        deadLetters: letterQueue(),
      }),
      Date.now(),
    );
    await expect
      .element(page.getByRole('list', { name: 'Running system problems' }).getByRole('listitem'))
      .toHaveTextContent(
        'fraud_processor: its queue refused 5,904 messages (deadLetter). No dead letter is held now: they were redriven or purged.',
      );
    // Some pushed out of the full dead-letter queue: not all were redriven or purged.
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'fraud_processor', dropped: 5_904, deadLettered: 5_904, lettersHeld: 0 }),
        ],
        deadLetters: letterQueue({ evicted: 100 }),
      }),
      Date.now() + 1_000,
    );
    const items = page.getByRole('list', { name: 'Running system problems' }).getByRole('listitem');
    await expect.element(items.nth(0)).toHaveTextContent(/100 dead letters were pushed out/);
    await expect.element(items.nth(1)).not.toHaveTextContent(/No dead letter is held now/);
  });
});

describe('Problems after Reset counters', () => {
  // Reset counters cleared the losses; the 1,479 letters they made were still held, and Problems
  // (and its tab count) had emptied beside a status bar saying so.
  it('lists the letters still held for a kernel, from before the reset', async () => {
    render(<ProblemsPanel />);
    store.getState().ingestSnapshot(
      snapshot({
        kernels: [
          kernelRow({ id: 'pattern_detector', dropped: 0, deadLettered: 0, lettersHeld: 1_479 }),
        ],
      }),
      Date.now(),
    );
    const item = page.getByRole('list', { name: 'Running system problems' }).getByRole('listitem');
    await expect
      .element(item)
      .toHaveTextContent(
        'LettersHeld pattern_detector: 1,479 dead letters for it are held from before the counters were reset; redrive or purge them (Dead letters tab).',
      );
    expect(item.element().getAttribute('title')).toBe(
      'Now: listed while it lasts, gone when they are redriven or purged',
    );
  });
});

describe('Problems tab count', () => {
  // After a burst's letters were all redriven the tab kept an amber "1" until Reset counters.
  it('turns grey when every problem is a loss that is history', async () => {
    render(<PanelBadge id="problems" />);
    const at = (lettersHeld: number) =>
      store.getState().ingestSnapshot(
        snapshot({
          kernels: [
            kernelRow({
              id: 'pattern_detector',
              dropped: 3_976,
              deadLettered: 3_976,
              lettersHeld,
            }),
          ],
        }),
        Date.now(),
      );
    at(3_976);
    const badge = page.getByTestId('badge-problems');
    await expect.element(badge).toHaveClass(/warn/);
    at(0);
    await expect.element(badge).toHaveClass(/settled/);
    expect(badge.element().getAttribute('title')).toMatch(/all settled/);
  });
});
