import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import '../design/tokens.css';
import '../design/controls.css';
import { TracePanel } from './TracePanel';
import { openTrace } from './traceHighlight';
import {
  cleanup,
  fakeEngine,
  freshStore,
  inPane,
  receipt,
  render,
  snapshot,
} from '../testing/browser';
import type { EngineReply, ReceiptRow, TraceNode } from '../../engine/protocol';
import type { WorkbenchStore } from '../../state/store';

// The trace body's layout as the app's stylesheet gives it (src/ui may not import src/app): the
// chain beside the recent list, at the top of the panel under its id box.
const layout = document.createElement('style');
layout.textContent = `.trace-body { display: grid; grid-template-columns: minmax(0, 300px) minmax(0, 1fr); }
.trace-recent, .trace-timeline { min-width: 0; }`;
document.head.append(layout);

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

/** One snapshot bringing these receipt rows. */
function ingest(recent: ReceiptRow[]) {
  store.getState().ingestSnapshot(
    snapshot({
      receipts: {
        total: recent.length,
        byStatus: { Delivered: recent.length },
        sampledOut: 0,
        failedLater: 0,
        recent,
      },
    }),
    Date.now(),
  );
}

/** One snapshot bringing receipts for messages `from`..`to` (a Transaction each). */
function receipts(from: number, to: number) {
  const recent = [];
  for (let i = from; i <= to; i++) recent.push(receipt(i));
  ingest(recent);
}

/** A trace node as the engine's trace store holds it. */
function traceNode(r: ReceiptRow, extra: Partial<TraceNode> = {}): TraceNode {
  return {
    messageId: r.messageId,
    typeId: r.typeId,
    parentId: r.parentId,
    children: [],
    source: r.source,
    destination: r.destination,
    kernel: null,
    status: r.status,
    hops: r.hops,
    priority: r.priority,
    latencyUs: r.latencyUs,
    injectedAt: r.injectedAt,
    deliveredAt: r.deliveredAt,
    processedAt: r.processedAt,
    pinned: false,
    ...extra,
  };
}

/** An engine whose trace store answers with `nodes` (or nothing found). */
const engineWith = (nodes: TraceNode[] = []) =>
  fakeEngine((cmd) =>
    cmd.type === 'trace'
      ? ({
          ok: true,
          command: 'trace',
          trace: {
            messageId: cmd.messageId,
            found: nodes.length > 0,
            complete: true,
            nodes,
          },
        } as EngineReply)
      : undefined,
  );

/** Clicks a recent message's Trace button (a DOM click: the list's last column may sit under the
 * chain's column in a test page, which a pointer click would hit instead). */
async function traceButton(id: number) {
  const button = page.getByRole('button', { name: `Trace message ${id}`, exact: true });
  await expect.element(button).toBeInTheDocument();
  (button.element() as HTMLElement).click();
}

/** The chain's row of message `messageId` (its first, when it has several). */
const hopRow = (messageId: number) =>
  page
    .getByTestId('trace-hops')
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: String(messageId), exact: true }) })
    .first();
const stampsOf = (status: string) =>
  document.querySelector(`[data-testid="trace-hops"] tr[data-status="${status}"] .t-stages`)
    ?.textContent;

describe('Trace panel: recent messages', () => {
  it('holds still under the pointer so Trace hits the row it was aimed at, and names types', async () => {
    render(<TracePanel />);
    receipts(1, 10);
    const first = page.getByRole('table', { name: 'Recent messages' }).getByRole('row').nth(1);
    await expect.element(first).toHaveTextContent(/^10Transaction/);
    await userEvent.hover(first);
    receipts(11, 20);
    // Held: message 10 is still on top, however many arrived meanwhile.
    await expect.element(page.getByText('held still while the pointer is here')).toBeVisible();
    await expect.element(first).toHaveTextContent(/^10Transaction/);
    await userEvent.unhover(first);
    await expect.element(first).toHaveTextContent(/^20Transaction/);
  });

  it('names where a message with no route went, as the other tables do', async () => {
    render(<TracePanel />);
    ingest([{ ...receipt(7), typeId: 4242, destination: '', status: 'NoRoute' }]);
    await expect
      .element(page.getByTestId('trace-pick-7'))
      .toHaveTextContent(/^74242\(no route\)NoRoute/);
  });

  it('keeps the Message id row in view when a trace opens from low in the list', async () => {
    render(inPane(1100, <TracePanel />), engineWith());
    receipts(1, 30);
    await expect.element(page.getByTestId('trace-pick-1')).toBeInTheDocument();
    const pane = page.getByTestId('pane').element() as HTMLElement;
    pane.scrollTop = pane.scrollHeight;
    expect(pane.scrollTop).toBeGreaterThan(0);
    await traceButton(1);
    await expect.element(page.getByTestId('trace-summary')).toBeVisible();
    const top = pane.getBoundingClientRect().top;
    const box = page.getByLabelText('Message id to trace').element().getBoundingClientRect();
    expect(box.top).toBeGreaterThanOrEqual(top);
    const summary = page.getByTestId('trace-summary').element().getBoundingClientRect();
    expect(summary.bottom).toBeLessThanOrEqual(pane.getBoundingClientRect().bottom);
  });
});

describe('Trace panel: what a hop says', () => {
  it('shows a refused message as refused, and lights nothing past the queue that refused it', async () => {
    const refused = receipt(7, { status: 'QueueFull', latencyUs: null });
    render(<TracePanel />, engineWith([traceNode(refused)]));
    ingest([refused]);
    await traceButton(7);
    await expect.element(page.getByTestId('trace-hops')).toHaveTextContent('QueueFull');
    expect(stampsOf('QueueFull')).toMatch(/^refused \d/);
    // What latency counts, beside stamps that can be closer together (one tick shares a time).
    const latency = page.getByTestId('trace-hops').element().querySelector('th.t-latency');
    expect(latency?.getAttribute('title')).toMatch(
      /arrival.*messages handled in one tick share a stamp's time/,
    );
    await expect
      .element(page.getByTestId('trace-edges'))
      .toHaveTextContent('Path: Transaction (1001) → fraud_processor refused (QueueFull)');
    const { edges, nodes } = store.getState().trace;
    expect([...edges]).toEqual([]);
    expect([...nodes]).toEqual(['type:1001']);
  });

  // A message its dropOldest queue evicted had read "Path: AccountUpdate (1002) → aggregator",
  // as if delivered.
  it('shows one error at a time: a bad id typed after a trace that found nothing', async () => {
    render(<TracePanel />, engineWith([]));
    const box = page.getByRole('textbox', { name: 'Message id to trace' });
    await userEvent.fill(box, '99999999999');
    await userEvent.keyboard('{Enter}');
    const alerts = () =>
      page
        .getByRole('alert')
        .elements()
        .map((e) => e.textContent);
    await expect.poll(alerts).toHaveLength(1);
    await userEvent.fill(box, '-1');
    await userEvent.keyboard('{Enter}');
    // The earlier id's "no message" had stood under this one's error.
    await expect.poll(alerts).toEqual(['A message id is a whole number from 1 up.']);
  });

  // An empty box read as 0 and traced "message 0", which never existed ("No receipt of message 0
  // is available: it may have been sampled out…"); the broker numbers messages from 1.
  it('asks for an id where the box is empty, and refuses 0, without asking the engine', async () => {
    const engine = engineWith([]);
    render(<TracePanel />, engine);
    const box = page.getByRole('textbox', { name: 'Message id to trace' });
    const alerts = () =>
      page
        .getByRole('alert')
        .elements()
        .map((e) => e.textContent);
    await userEvent.fill(box, '  ');
    await userEvent.keyboard('{Enter}');
    await expect.poll(alerts).toEqual(['Enter a message id to trace.']);
    await userEvent.fill(box, '0');
    await userEvent.click(page.getByRole('button', { name: 'Trace', exact: true }));
    await expect.poll(alerts).toEqual(['A message id is a whole number from 1 up.']);
    // Taken by `Number`, "0x10" had traced message 16, "1e30" 1e+30, and 2^64 a rounded id.
    for (const [typed, said] of [
      ['0x10', 'A message id is a whole number from 1 up, in digits.'],
      ['1e30', 'A message id is a whole number from 1 up, in digits.'],
      ['1.5', 'A message id is a whole number from 1 up, in digits.'],
      ['18446744073709551616', 'A message id traced here is at most 9,007,199,254,740,991.'],
    ]) {
      await userEvent.fill(box, typed!);
      await userEvent.keyboard('{Enter}');
      await expect.poll(alerts).toEqual([said]);
    }
    expect(engine.sent.filter((c) => c.type === 'trace')).toEqual([]);
    // Grouped as the app writes ids, it is traced.
    await userEvent.fill(box, '1,000');
    await userEvent.keyboard('{Enter}');
    await expect
      .poll(() =>
        engine.sent
          .filter((c) => c.type === 'trace')
          .map((c) => (c as { messageId?: number }).messageId),
      )
      .toEqual([1000]);
  });

  it('says a message its queue evicted was evicted', async () => {
    // Evicted before its row was made: the engine's trace node is all there is.
    const delivered = receipt(8, { typeId: 1002, destination: 'aggregator', latencyUs: null });
    render(<TracePanel />, engineWith([traceNode(delivered, { status: 'DroppedOldest' })]));
    await userEvent.fill(page.getByRole('textbox', { name: 'Message id' }), '8');
    await userEvent.click(page.getByRole('button', { name: 'Trace', exact: true }));
    await expect
      .element(page.getByTestId('trace-edges'))
      .toHaveTextContent('Path: AccountUpdate (1002) → aggregator evicted (DroppedOldest)');
  });

  // From a receipt's detail, Trace replaces Receipts in its pane and the button pressed goes:
  // focus fell to the page, and the next Tab went to the status bar.
  it('takes the focus that was lost when the trace it shows comes, and leaves focus held elsewhere', async () => {
    const row = receipt(7);
    const engine = engineWith([traceNode(row)]);
    const outside = document.createElement('input');
    document.body.append(outside);
    try {
      render(<TracePanel />, engine);
      ingest([row]);
      (document.activeElement as HTMLElement | null)?.blur();
      void openTrace(engine, 7);
      const summary = page.getByTestId('trace-summary');
      await expect.element(summary).toHaveTextContent(/^Message 7/);
      await expect.poll(() => document.activeElement).toBe(summary.element());
      // Focus somewhere else stays where it is.
      outside.focus();
      void openTrace(engine, 7, false);
      await new Promise((r) => setTimeout(r, 100));
      expect(document.activeElement).toBe(outside);
    } finally {
      outside.remove();
    }
  });

  it('shows a response delivered to the host with no processed stamp', async () => {
    const at = (i: number) => ({ ...receipt(i).hlc, logical: i });
    const check = receipt(1, {
      typeId: 1003,
      destination: 'pattern_detector',
      processedAt: at(3),
    });
    const result = receipt(4, {
      typeId: 1004,
      source: 'pattern_detector',
      destination: 'host',
      parentId: 1,
      latencyUs: null,
      deliveredAt: at(5),
      processedAt: at(6),
    });
    render(<TracePanel />, engineWith());
    ingest([check, result]);
    await traceButton(4);
    await expect.element(hopRow(4)).toHaveTextContent('pattern_detector → host');
    const cell = (hopRow(4).element() as HTMLElement).querySelector('.t-stages')!;
    expect(cell.textContent).toMatch(/^to host \S+/);
    expect(cell.querySelectorAll('br')).toHaveLength(0);
    await expect
      .element(page.getByTestId('trace-edges'))
      .toHaveTextContent(
        'Path: PatternCheck (1003) → pattern_detector, pattern_detector answers PatternResult (1004) → host',
      );
    expect(store.getState().trace.edges).toContain('emit:pattern_detector:1004');
  });

  it('says a processed message that set off nothing ended there', async () => {
    const tx = receipt(1, { processedAt: { ...receipt(1).hlc, logical: 3 } });
    render(<TracePanel />, engineWith());
    ingest([tx]);
    await traceButton(1);
    await expect
      .element(page.getByTestId('trace-edges'))
      .toHaveTextContent(
        /^Path: Transaction \(1001\) → fraud_processor \(processed, nothing emitted\)$/,
      );
  });

  // QA: under load a Transaction read 18.75 ms of latency beside stamps 0.44 ms apart: it had
  // arrived (its generator's time) 18.3 ms before the engine, behind its traffic, took it in.
  it('says how long a message waited before the engine took it in, where its stamps leave it out', async () => {
    const at = receipt(1).hlc;
    const tx = receipt(1, {
      latencyUs: 18_750,
      processedAt: { ...at, physical: at.physical + 440, logical: 2 },
    });
    const quick = receipt(2, {
      latencyUs: 900,
      processedAt: { ...at, physical: at.physical + 440, logical: 4 },
    });
    render(<TracePanel />, engineWith());
    ingest([tx, quick]);
    await traceButton(1);
    await expect
      .element(page.getByTestId('trace-waited'))
      .toHaveTextContent(
        "Message 1 arrived 18.31 ms before the engine took it in: its latency counts from its arrival (its generator's schedule, where the engine was behind its traffic, or a redriven letter's first injection), its HLC stamps from when the engine took it in.",
      );
    await expect
      .element(hopRow(1))
      .toHaveTextContent(/18\.75 ms, 18\.31 ms of it before the engine took it in ◷/);
    // Within a ms of its stamps: nothing said.
    await traceButton(2);
    await expect.element(hopRow(2)).toBeInTheDocument();
    await expect.element(page.getByTestId('trace-waited')).not.toBeInTheDocument();
    await expect.element(hopRow(2)).not.toHaveTextContent(/◷/);
  });

  // QA: at 1280x720 "226097293" one step down the chain read "2260983…".
  it('shows a ten-digit message id whole one step down the chain in a half-width pane', async () => {
    const tx = receipt(1, { messageId: 2_260_983_116 });
    const alert = receipt(2, {
      messageId: 2_260_983_117,
      typeId: 1010,
      source: 'fraud_processor',
      destination: 'alert_sink',
      parentId: 2_260_983_116,
    });
    render(inPane(564, <TracePanel />), engineWith());
    ingest([tx, alert]);
    await traceButton(2_260_983_117);
    const cell = hopRow(2_260_983_117).getByRole('cell', { name: '2260983117', exact: true });
    await expect.element(cell).toBeVisible();
    const el = cell.element() as HTMLElement;
    expect(el.scrollWidth).toBeLessThanOrEqual(el.clientWidth);
  });

  // QA: Clear trace goes disabled once it has cleared, and focus fell to the page.
  it('puts focus in the id box after Clear trace', async () => {
    render(<TracePanel />, engineWith());
    ingest([receipt(1)]);
    await traceButton(1);
    const clear = page.getByRole('button', { name: 'Clear trace' });
    await expect.element(clear).toBeEnabled();
    (clear.element() as HTMLButtonElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(clear).toBeDisabled();
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Message id to trace');
  });

  it('names the path in types and kernels and lights the emits edge', async () => {
    const tx = receipt(1);
    const alert = receipt(2, {
      typeId: 1010,
      source: 'fraud_processor',
      destination: 'alert_sink',
      parentId: 1,
    });
    render(<TracePanel />, engineWith());
    ingest([tx, alert]);
    // Pressed from the keyboard: the trace comes in above the list, pushing the button out of the
    // pane, and the focus goes to what it says (it stayed on the button, out of view; QA).
    const button = page.getByRole('button', { name: 'Trace message 2', exact: true });
    await expect.element(button).toBeInTheDocument();
    (button.element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByTestId('trace-summary')).toHaveFocus();
    await expect
      .element(page.getByTestId('trace-edges'))
      .toHaveTextContent(
        'Path: Transaction (1001) → fraud_processor, fraud_processor emits FraudAlert (1010) → alert_sink',
      );
    expect([...store.getState().trace.edges]).toEqual([
      'emit:fraud_processor:1010',
      'route:1001',
      'route:1010',
    ]);
  });

  it('says a dead letter was redriven, as which message, and links the redrive back', async () => {
    const letter = receipt(5, { status: 'QueueFull', latencyUs: null });
    // The redrive's receipt names the letter's parent (none), and its latency counts from the
    // letter's first injection.
    const copy = receipt(9, { latencyUs: 2_390_000, processedAt: receipt(10).hlc });
    const nodes = [
      traceNode(letter, { redrivenAs: 9, children: [9] }),
      traceNode(copy, { parentId: 5, redriveOf: 5, kernel: 'fraud_processor' }),
    ];
    render(<TracePanel />, engineWith(nodes));
    ingest([letter, copy]);
    await traceButton(5);
    const notes = page.getByTestId('trace-redrives');
    await expect
      .element(notes)
      .toHaveTextContent('Message 5 was redriven from the dead letters as message 9.');
    await expect.element(notes).toHaveTextContent('Message 9 is the redrive of message 5');
    await expect.element(hopRow(9)).toBeVisible();
    const row = hopRow(9).element() as HTMLElement;
    expect(row.querySelector('.t-parent')!.textContent).toBe('5');
    expect(row.querySelector('.t-latency')!.textContent).toMatch(/since first injection/);
    // On screen a mark beside the figure (the words were cut at 1280x720), the words for readers.
    expect(row.querySelector('.t-latency [aria-hidden="true"]')!.textContent!.trim()).toBe('↺');
    expect(row.querySelector('.t-latency .sr-only')!.textContent).toMatch(/since first injection/);
    // From the redrive, the letter is there too.
    await traceButton(9);
    await expect.element(hopRow(5)).toBeVisible();
    await expect.element(notes).toHaveTextContent('Message 9 is the redrive of message 5');
  });
});

describe('Trace of a dead letter redriven', () => {
  // Generated traffic is sampled: the letter's own message has no receipt, and tracing its id had
  // said only that none was available, though the engine knew what it became (QA).
  it("shows the chain of what a letter never traced became, by the letter's id", async () => {
    const copy = receipt(9, { latencyUs: 2_390_000, processedAt: receipt(10).hlc });
    const copyNode = traceNode(copy, { redriveOf: 5, kernel: 'fraud_processor' });
    const trace = (messageId: number, copyAs?: number) =>
      fakeEngine((cmd) =>
        cmd.type === 'trace'
          ? ({
              ok: true,
              command: 'trace',
              trace:
                cmd.messageId === 9 && copyAs === undefined
                  ? { messageId: 9, found: true, complete: true, nodes: [copyNode] }
                  : {
                      messageId: cmd.messageId,
                      found: false,
                      complete: false,
                      nodes: [],
                      lastMessageId: 20,
                      ...(cmd.messageId === messageId ? { redrivenAs: 9 } : {}),
                    },
            } as EngineReply)
          : undefined,
      );
    render(<TracePanel />, trace(5));
    const box = page.getByRole('textbox', { name: 'Message id to trace' });
    await userEvent.fill(box, '5');
    await userEvent.keyboard('{Enter}');
    await expect
      .element(page.getByTestId('trace-redrives'))
      .toHaveTextContent('Message 9 is the redrive of message 5');
    await expect.element(hopRow(9)).toBeVisible();
    cleanup();
    // The new message's chain gone too: said, with what it became.
    render(<TracePanel />, trace(5, 0));
    await userEvent.fill(page.getByRole('textbox', { name: 'Message id to trace' }), '5');
    await userEvent.keyboard('{Enter}');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(
        /^No receipt of message 5 is available: .* It was redriven from the dead letters as message 9, whose chain is not available either\.$/,
      );
  });
});

describe('Trace, the recent list under traffic', () => {
  it('keeps its columns and Trace buttons in place whatever rows come in', async () => {
    render(inPane(700, <TracePanel />));
    ingest([receipt(1, { destination: 'host' })]);
    const x = async (id: number) => {
      const b = page.getByRole('button', { name: `Trace message ${id}`, exact: true });
      await expect.element(b).toBeInTheDocument();
      return b.element().getBoundingClientRect().x;
    };
    const first = await x(1);
    // Rows with the longest names the demo has, and a status longer than Delivered.
    ingest([
      receipt(2, { typeId: 1004, destination: 'pattern_detector', status: 'QueueFull' }),
      receipt(3, { destination: 'fraud_processor' }),
    ]);
    expect(await x(2)).toBe(first);
    expect(await x(3)).toBe(first);
  });
});

describe('Trace in a narrow pane', () => {
  it('scrolls its recent messages sideways in their own box, inside the pane', async () => {
    // A third pane at 1280x720: 345 px (the trace body's column as this file's layout gives it).
    render(inPane(345, <TracePanel />));
    receipts(1, 5);
    const table = page.getByRole('table', { name: 'Recent messages' });
    await expect.element(table).toBeInTheDocument();
    const pane = page.getByTestId('pane').element().getBoundingClientRect();
    const box = table.element().parentElement!;
    expect(box.className).toBe('table-scroll');
    // The table is wider than its column and scrolls in its box: the whole pane had scrolled
    // sideways, each row's Trace button out of view.
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
    expect(box.getBoundingClientRect().right).toBeLessThanOrEqual(pane.right);
  });
});
