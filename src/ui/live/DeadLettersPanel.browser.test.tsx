import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { DeadLettersPanel, describeProgress } from './DeadLettersPanel';
import { CHURN_REFRESH_MS } from './DeadLetterTable';
import {
  cleanup,
  fakeEngine,
  freshStore,
  inPane,
  kernelRow,
  letterQueue,
  render,
  snapshot,
} from '../testing/browser';
import tokensCss from '../design/tokens.css?inline';
import controlsCss from '../design/controls.css?inline';
import liveCss from './live.css?inline';
import type {
  DeadLetterRow,
  EngineReply,
  EngineSnapshot,
  RedriveProgress,
  RedriveResult,
} from '../../engine/protocol';
import type { WorkbenchStore } from '../../state/store';

let store: WorkbenchStore;
beforeEach(() => {
  store = freshStore();
});
afterEach(cleanup);

const letter = (id: number, reason: DeadLetterRow['reason']): DeadLetterRow =>
  ({
    id,
    messageId: 100 + id,
    typeId: 1010,
    reason,
    source: 'fraud_processor',
    destination: 'alert_sink',
    tenantId: 0,
    attempts: 1,
    priority: 0,
    correlationId: 0,
    parentId: null,
    atUs: 0,
    payload: new Uint8Array(4),
    detail: reason === 'KernelError' ? 'handler threw' : undefined,
  }) as DeadLetterRow;

/** The engine's answer to `listDeadLetters`: these rows, of `total` held. */
const listing = (
  rows: DeadLetterRow[],
  total = rows.length,
  byDestination: Record<string, number> = {},
): EngineReply => {
  if (total === rows.length)
    for (const r of rows) byDestination[r.destination] = (byDestination[r.destination] ?? 0) + 1;
  // By type too: the listed rows' where all are listed, else each destination's count under the
  // type of its first row listed (the letters' own 1010 where none is).
  const byDestinationType: Record<string, Record<string, number>> = {};
  for (const [dest, n] of Object.entries(byDestination)) {
    if (total === rows.length) {
      for (const r of rows.filter((x) => x.destination === dest)) {
        const t = (byDestinationType[dest] ??= {});
        t[String(r.typeId)] = (t[String(r.typeId)] ?? 0) + 1;
      }
    } else {
      const type = String(rows.find((r) => r.destination === dest)?.typeId ?? 1010);
      byDestinationType[dest] = { [type]: n };
    }
  }
  return {
    ok: true,
    command: 'listDeadLetters',
    deadLetters: { total, rows, byDestination, byDestinationType },
  } as EngineReply;
};

/** A snapshot holding `count` dead letters, with these kernels' queues (and this generator). */
const hold = (
  count: number,
  kernels: ReturnType<typeof kernelRow>[] = [],
  generator?: EngineSnapshot['generator'],
) =>
  store.getState().ingestSnapshot(
    snapshot({
      kernels,
      ...(generator ? { generator } : {}),
      deadLetters: letterQueue({ count }),
    }),
    Date.now(),
  );

/** A dead-letter queue of 10,000 holding `count`, `evicted` pushed out of it since the reset. */
const holding = (count: number, evicted = 0) =>
  store.getState().ingestSnapshot(
    snapshot({
      deadLetters: letterQueue({ count, evicted }),
    }),
    Date.now(),
  );

/**
 * At engine time `timeUs`, `held` letters (of 10,000) with `perSec` more arriving, beside
 * alert_sink's full queue; resolves once the panel's store shows it (a snapshot at most every
 * 100 ms).
 */
async function lettersArriving(timeUs: number, perSec: number, held = 10_000) {
  store.getState().ingestSnapshot(
    snapshot({
      timeUs,
      kernels: [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 1024 })],
      rates: { injectedPerSec: 0, processedPerSec: 0, deadLetteredPerSec: perSec },
      deadLetters: letterQueue({ count: held }),
    }),
    Date.now(),
  );
  await expect.poll(() => store.getState().snapshot?.timeUs).toBe(timeUs);
}

/** A full dead-letter queue (10,000 held): every new letter pushes the oldest out (`evicted`). */
const holdFull = (evicted: number) => holding(10_000, evicted);

/** The panel over 40 letters of one reason, listed by the engine and held, beside `kernels`. */
const show40 = (reason: DeadLetterRow['reason'], kernels: ReturnType<typeof kernelRow>[] = []) => {
  const rows = Array.from({ length: 40 }, (_, i) => letter(i + 1, reason));
  const engine = fakeEngine((cmd) =>
    cmd.type === 'listDeadLetters' ? listing([...rows]) : undefined,
  );
  render(<DeadLettersPanel />, engine);
  hold(40, kernels);
};

/** The engine's account of a redrive: nothing happened but what `r` says. */
const result = (r: Partial<RedriveResult>): RedriveResult => ({
  selected: 0,
  redriven: 0,
  failedAgain: 0,
  failedByStatus: {},
  refusedCrossTenant: 0,
  refusedNotRouted: 0,
  evicted: 0,
  remaining: 0,
  ...r,
});

/** What aggregator's overflow left: 5,904 DroppedOldest letters, three of them listed. */
const overflowed = () =>
  listing(
    [1, 2, 3].map((i) => letter(i, 'DroppedOldest')),
    5_904,
    { alert_sink: 5_904 },
  );

/**
 * An engine holding aggregator's overflow whose redrive answers `r`, and `progress` when the
 * redrive is paced.
 */
const overflowEngine = (r: Partial<RedriveResult>, progress?: RedriveProgress) =>
  fakeEngine((cmd) =>
    cmd.type === 'listDeadLetters'
      ? overflowed()
      : cmd.type === 'redrive'
        ? ({
            ok: true,
            command: 'redrive',
            redrive: result(r),
            ...(progress ? { progress } : {}),
          } as EngineReply)
        : undefined,
  );

describe('Dead letters, redriven to another kernel', () => {
  it('says letters of a type routed elsewhere would be refused, not that a queue lacks room', async () => {
    // FraudAlert letters (routed to alert_sink), sent to aggregator, whose queue has no room.
    show40('QueueFull', [
      kernelRow({ id: 'aggregator', capacity: 16, queued: 16, peakQueued: 16 }),
    ]);
    await expect
      .element(page.getByRole('checkbox', { name: /Select dead letter 40/ }))
      .toBeVisible();
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Redrive target' }),
      'aggregator',
    );
    await expect
      .element(page.getByTestId('redrive-not-routed'))
      .toHaveTextContent(/routed to other kernels: sent to aggregator, .* they would be refused/);
    // Its queue's room is beside the point: they would not reach it.
    expect(page.getByTestId('redrive-room').elements()).toHaveLength(0);
  });

  // QA: "about 9,936 of the 10,000 letters for aggregator find no room" where the redrive took
  // its 3,277 AccountUpdates and refused the 6,723 letters of types routed to other kernels.
  it('counts only the letters the target takes, and says how many it refuses', async () => {
    const rows = [
      { ...letter(1, 'QueueFull'), typeId: 1002, destination: 'aggregator' },
      { ...letter(2, 'QueueFull'), typeId: 1001, destination: 'fraud_processor' },
      { ...letter(3, 'Rejected'), typeId: 1003, destination: 'pattern_detector' },
    ];
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing(rows, 10_000, {
            aggregator: 3_301,
            fraud_processor: 3_355,
            pattern_detector: 3_344,
          })
        : undefined,
    );
    render(<DeadLettersPanel />, engine);
    hold(10_000, [kernelRow({ id: 'aggregator', capacity: 64, queued: 64, peakQueued: 64 })]);
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Redrive target' }),
      'aggregator',
    );
    await expect
      .element(page.getByTestId('redrive-room'))
      .toHaveTextContent(
        /^⚠ At once, about 3,301 of the 3,301 letters for aggregator find no room in its queue \(0 free\) and evict as many queued messages \(dropOldest\); the other 6,699 are refused \(their type is routed to another kernel\) and stay held; paced, the 3,301 go as it drains: redrive all 10,000 matching at 1,000\/s\.$/,
      );
    expect(page.getByTestId('redrive-not-routed').elements()).toHaveLength(0);
  });

  it("says why a paced redrive's letters were refused", () => {
    expect(
      describeProgress({
        startedUs: 1,
        ratePerSec: 1_024,
        total: 2_242,
        sent: 0,
        failedLater: 0,
        waitingForRoom: null,
        state: 'done',
        selected: 2_242,
        redriven: 0,
        failedAgain: 0,
        failedByStatus: {},
        refusedCrossTenant: 0,
        refusedNotRouted: 2_242,
        evicted: 0,
        remaining: 2_242,
      }),
    ).toContain('2,242 refused: their type is routed to another kernel');
  });
});

describe('Dead letters, export', () => {
  it('saves every letter held, not only the 500 listed', async () => {
    const all = Array.from({ length: 2_243 }, (_, i) => letter(i + 1, 'Rejected'));
    // The table asks for 500; Export for all that match.
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing(all.slice(0, Math.min(all.length, cmd.limit ?? 100)), all.length, {
            alert_sink: all.length,
          })
        : undefined,
    );
    render(<DeadLettersPanel />, engine);
    hold(2_243);
    const saved: Blob[] = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = (b: Blob | MediaSource) => {
      saved.push(b as Blob);
      return create.call(URL, b);
    };
    try {
      const button = page.getByRole('button', { name: 'Export', exact: true });
      await expect
        .poll(() => button.element().getAttribute('title'))
        .toMatch(/^All 2,243 letters held/);
      await userEvent.click(button);
      await expect.poll(() => saved.length).toBe(1);
      const rows = JSON.parse(await saved[0]!.text()) as unknown[];
      expect(rows).toHaveLength(2_243);
    } finally {
      URL.createObjectURL = create;
    }
  });
});

describe('Dead letters, by keyboard', () => {
  it('has one tab stop in its rows, moved by the arrow keys', async () => {
    show40('DroppedOldest');
    const table = page.getByRole('table', { name: 'Dead letters' });
    await expect
      .element(table.getByRole('checkbox', { name: 'Select dead letter 40' }))
      .toBeVisible();
    // Each row's checkbox and trace button had been a stop: 80 here, 20,000 with the queue full.
    const stops = [...table.element().querySelectorAll('tbody input, tbody button')].filter(
      (el) => (el as HTMLElement).tabIndex >= 0,
    );
    expect(stops.map((el) => el.getAttribute('aria-label'))).toEqual([
      'Select dead letter 1: message 101, FraudAlert (1010), DroppedOldest',
      'Trace message 101',
    ]);
    const first = table.getByRole('checkbox', { name: 'Select dead letter 1:' });
    (first.element() as HTMLElement).focus();
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Select dead letter 3: message 103, FraudAlert (1010), DroppedOldest');
    // The stop moved with it; Space still picks.
    expect((first.element() as HTMLElement).tabIndex).toBe(-1);
    await userEvent.keyboard(' ');
    await expect
      .element(table.getByRole('checkbox', { name: 'Select dead letter 3:' }))
      .toBeChecked();
    await userEvent.keyboard('{End}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Select dead letter 40: message 140, FraudAlert (1010), DroppedOldest');
    // On the trace button the arrows keep to that column.
    await userEvent.keyboard('{Tab}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Trace message 140');
    await userEvent.keyboard('{Home}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Trace message 101');
    // Left and right within the row.
    await userEvent.keyboard('{ArrowLeft}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Select dead letter 1: message 101, FraudAlert (1010), DroppedOldest');
    await userEvent.keyboard('{ArrowRight}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Trace message 101');
    // Up from the first row's checkbox to "Select all", and down again into the rows.
    await userEvent.keyboard('{ArrowLeft}{ArrowUp}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Select all dead letters shown');
    await userEvent.keyboard('{ArrowDown}');
    await expect
      .poll(() => document.activeElement?.getAttribute('aria-label'))
      .toBe('Select dead letter 1: message 101, FraudAlert (1010), DroppedOldest');
  });
});

describe('Dead letters, empty and explained', () => {
  it('says the list is loading, not that nothing matches, while letters are held and no filter is set', async () => {
    // The listing has not caught up with the count yet (a burst a moment ago).
    const engine = fakeEngine((cmd) => (cmd.type === 'listDeadLetters' ? listing([]) : undefined));
    render(<DeadLettersPanel />, engine);
    hold(10_000);
    await expect
      .element(page.getByTestId('dead-letters-empty'))
      .toHaveTextContent('Loading the 10,000 letters held…');
    await expect.element(page.getByTestId('dead-letters-empty')).not.toHaveTextContent(/matches/);
    // At its bound the count says the queue is full ("10,000 held" read as a round count).
    await expect
      .element(page.getByTestId('dead-letter-count'))
      .toHaveTextContent('10,000 dead letters held (full)');
    hold(9_999);
    await expect.element(page.getByTestId('dead-letter-count')).toHaveTextContent(/held$/);
  });

  it('says why the table is empty, and what a reason means on hover', async () => {
    const rows: DeadLetterRow[] = [];
    // A copy per reply, as the engine's worker sends: the table redraws for new rows, not for a
    // list changed in place.
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters' ? listing([...rows]) : undefined,
    );
    render(<DeadLettersPanel />, engine);
    await expect
      .element(page.getByTestId('dead-letters-empty'))
      .toHaveTextContent(/^No dead letters\. A message lands here when its send fails/);
    rows.push({ ...letter(1, 'Rejected'), typeId: 9999, destination: '' });
    store.getState().ingestSnapshot(
      snapshot({
        deadLetters: letterQueue({ count: 1, recent: rows }),
      }),
      Date.now(),
    );
    const cell = page.getByRole('cell', { name: 'Rejected', exact: true });
    await expect.element(cell).toHaveAttribute('title', expect.stringMatching(/policy is reject/));
    await expect.element(page.getByText('9999 (not in the config)')).toBeVisible();
    await expect
      .element(page.getByRole('cell', { name: 'fraud_processor → (no route)' }))
      .toBeVisible();
    await expect.element(page.getByTestId('dead-letters-empty')).not.toBeInTheDocument();
    // Emptied after the full queue pushed letters out: "none is dropped without one" would
    // contradict the evicted count beside it.
    rows.length = 0;
    store.getState().ingestSnapshot(
      snapshot({
        deadLetters: letterQueue({ evicted: 38_976 }),
      }),
      Date.now(),
    );
    await expect
      .element(page.getByTestId('dead-letters-empty'))
      .toHaveTextContent(
        /^No dead letters held now\. The 38,976 counted as evicted were pushed out of the full dead-letter queue earlier/,
      );
  });
});

/**
 * An engine holding three QueueFull letters whose redrive refuses the `selected` it is given:
 * their type is routed to another kernel than the target.
 */
const refusingEngine = (selected: number) =>
  fakeEngine((cmd) =>
    cmd.type === 'listDeadLetters'
      ? listing([1, 2, 3].map((i) => letter(i, 'QueueFull')))
      : cmd.type === 'redrive'
        ? ({
            ok: true,
            command: 'redrive',
            redrive: result({ selected, refusedNotRouted: selected, remaining: 3 }),
          } as EngineReply)
        : undefined,
  );

describe('Dead letters redrive', () => {
  it('says why letters were refused when their type is routed to another kernel', async () => {
    const engine = refusingEngine(3);
    render(<DeadLettersPanel />, engine);
    hold(3);
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Redrive target' }),
      'aggregator',
    );
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(
        /3 refused: their type is routed to another kernel, whose payloads aggregator's handler does not read/,
      );
    expect(engine.sent.find((c) => c.type === 'redrive')).toMatchObject({ target: 'aggregator' });
  });
});

describe('Dead letters redrive of a selection', () => {
  it('keeps the letters it refused picked, for a redrive to their own kernel (QA)', async () => {
    const engine = refusingEngine(2);
    render(<DeadLettersPanel />, engine);
    hold(3);
    await userEvent.click(page.getByRole('checkbox', { name: /^Select dead letter 1:/ }));
    await userEvent.click(page.getByRole('checkbox', { name: /^Select dead letter 2:/ }));
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Redrive target' }),
      'aggregator',
    );
    await userEvent.click(page.getByRole('button', { name: 'Redrive selected (2)' }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(/2 refused: their type is routed to another kernel/);
    // Still held, still picked: "Redrive selected (0)" had sent the user back to pick them again.
    await expect.element(page.getByRole('button', { name: 'Redrive selected (2)' })).toBeEnabled();
    await expect
      .element(page.getByRole('checkbox', { name: /^Select dead letter 1:/ }))
      .toBeChecked();
  });
});

describe('Dead letters redrive, a queueful at a time', () => {
  it('redrives at most the number asked, the oldest, and says how many are still held', async () => {
    const engine = overflowEngine({ selected: 1_000, redriven: 1_000, remaining: 4_904 });
    render(<DeadLettersPanel />, engine);
    hold(5_904);
    // The options are a row of their own, on demand.
    const options = page.getByRole('button', { name: /^Options/ });
    await expect.element(options).toHaveAttribute('aria-expanded', 'false');
    await expect
      .element(page.getByRole('textbox', { name: 'Redrive at most' }))
      .not.toBeInTheDocument();
    await userEvent.click(options);
    const atMost = page.getByRole('textbox', { name: 'Redrive at most' });
    await expect
      .element(page.getByRole('button', { name: 'Redrive all matching (5,904)' }))
      .toBeVisible();
    // Not a whole number: marked and said at once, beside the box ("1,5" had turned it red with
    // no word why until a redrive was tried), refused with a reason, and nothing is sent.
    await userEvent.fill(atMost, '1,5');
    await expect.element(atMost).toHaveAttribute('aria-invalid', 'true');
    await expect.element(atMost).toHaveAccessibleDescription(/^At most: a whole number/);
    await userEvent.fill(page.getByRole('textbox', { name: 'Redrive priority' }), '300');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/^At most: a whole number.* Priority is a u8 \(0 to 255\)\.$/);
    await userEvent.fill(page.getByRole('textbox', { name: 'Redrive priority' }), '');
    await userEvent.fill(atMost, '2.5');
    await expect.element(atMost).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    await expect.element(page.getByRole('status')).toHaveTextContent(/^At most: a whole number/);
    expect(engine.sent.some((c) => c.type === 'redrive')).toBe(false);
    await userEvent.fill(atMost, '1,000');
    await expect.element(atMost).not.toHaveAttribute('aria-invalid');
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    // Closed, the button says how many options are set (and the redrive button what they do).
    await userEvent.click(options);
    await expect.element(options).toHaveTextContent('Options (1) ▾');
    await userEvent.click(page.getByRole('button', { name: 'Redrive oldest 1,000 of 5,904' }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(/1,000 accepted.*4,904 matching still held right after it\.$/);
    expect(engine.sent.find((c) => c.type === 'redrive')).toMatchObject({
      limit: 1_000,
      filter: {},
    });
  });
});

describe('Dead letters and their traces', () => {
  // The message id had to be copied into Trace by hand.
  it("opens a letter's trace from its message id", async () => {
    render(<DeadLettersPanel />, overflowEngine({}));
    hold(5_904);
    await userEvent.click(page.getByRole('button', { name: 'Trace message 102' }));
    expect(store.getState().bottomTab).toBe('trace');
    expect(store.getState().trace.messageId).toBe(102);
  });
});

describe('Dead letters redrive under traffic', () => {
  it('says the traffic meets the queue the letters filled', async () => {
    const engine = overflowEngine({
      selected: 2_201,
      redriven: 1_024,
      failedAgain: 1_177,
      failedByStatus: { QueueFull: 1_177 },
      remaining: 1_177,
    });
    render(<DeadLettersPanel />, engine);
    hold(2_201, [], { running: true, emitted: 1, lagMs: 0, onWorker: true });
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(
        /1,177 matching still held right after it\. The traffic meanwhile meets the queue they filled: what it refuses joins the letters held\./,
      );
  });
});

describe('Dead letters redrive, all at once into a queue without room', () => {
  it('points to the pace when letters failed again or pushed queued messages out', async () => {
    const engine = overflowEngine({
      selected: 5_904,
      redriven: 1_024,
      failedAgain: 4_880,
      failedByStatus: { QueueFull: 4_880 },
    });
    render(<DeadLettersPanel />, engine);
    // Said before the click: the listed letters go back to alert_sink, whose queue has 1,000
    // places free (as the snapshot shows it).
    hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 24 })]);
    const room = page.getByTestId('redrive-room');
    await expect
      .element(room)
      .toHaveTextContent(
        '⚠ At once, about 4,904 of the 5,904 letters for alert_sink find no room in its queue (1,000 free) and fail again; paced, they go as it drains: redrive them at 1,024/s.',
      );
    // Paced, the queue is filled no faster than it drains: nothing to warn of.
    await userEvent.click(page.getByRole('button', { name: /^Options/ }));
    const pace = page.getByRole('textbox', { name: 'Redrive pace (letters per second)' });
    await userEvent.fill(pace, '500');
    await expect.element(room).not.toBeInTheDocument();
    await userEvent.fill(pace, '');
    await expect.element(room).toBeInTheDocument();
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(
        /1,024 accepted, 4,880 failed again \(QueueFull 4,880\)\. Under Options, a pace redrives them as the kernel drains, filling its queue to half at most\.$/,
      );
  });

  // QA: paced at 1,000/s under overload, 9,930 of 10,000 letters were pushed out of the full queue
  // by new ones before their turn; the warning had offered the pace as the way.
  it('says a paced redrive loses letters that new ones push out of the full queue first', async () => {
    render(<DeadLettersPanel />, overflowEngine({}));
    // Each reading 4 s after the last: a reading holds for 3 s (lumps come and go within it).
    let timeUs = 0;
    const arriving = (perSec: number, held = 10_000) =>
      lettersArriving((timeUs += 4_000_000), perSec, held);
    await arriving(46_000);
    const note = page.getByTestId('redrive-pushed-out');
    const room = page.getByTestId('redrive-room');
    // Full already: of the 5,904, the pace takes 1,024/46,000 and the rest go first. Most are
    // lost even at best, the pace is no way out, and one note says both (no link to it).
    await expect
      .element(room)
      .toHaveTextContent(
        '⚠ At once, about 5,904 of the 5,904 letters for alert_sink find no room in its queue (0 free) and fail again. New letters arrive at 46.0 K/s, faster than a redrive paced at 1,024/s takes these out, and push the oldest out of the dead-letter queue (10,000 at most): at least 5,772 of these 5,904 would be gone before their turn. Stop the traffic, or make room at the kernels, first.',
      );
    expect(room.element().querySelector('button')).toBeNull();
    await expect.element(note).not.toBeInTheDocument();
    // Fewer than half lost: said apart, and the pace is still offered.
    await arriving(1_500);
    await expect.element(room).toHaveTextContent(/redrive them at 1,024\/s\.$/);
    await expect
      .element(note)
      .toHaveTextContent(/at least 1,873 of these 5,904 would be gone before their turn\./);
    // Slower than the pace: each letter redriven makes room for one arriving, none lost at best.
    await arriving(800);
    await expect.element(note).not.toBeInTheDocument();
    // Room enough in the queue while the run lasts (4,096 free at 476/s net: 8.6 s; the run 5.8 s).
    await arriving(1_500);
    await expect.element(note).toBeInTheDocument();
    await arriving(1_500, 5_904);
    await expect.element(note).not.toBeInTheDocument();
    // Traffic stopped: nothing pushes them out.
    await arriving(1_500);
    await expect.element(note).toBeInTheDocument();
    await arriving(0);
    await expect.element(note).not.toBeInTheDocument();
    await expect.element(room).toBeInTheDocument();
  });

  // Lumps of letters with none between: the warning holds 3 s (whole seconds of engine time)
  // rather than coming and going above the list at each snapshot (a review).
  it('holds the warning through the gaps between lumps of letters', async () => {
    render(<DeadLettersPanel />, overflowEngine({}));
    const at = (timeUs: number, perSec: number) => lettersArriving(timeUs, perSec);
    const room = page.getByTestId('redrive-room');
    const lost = /at least [\d,]+ of these 5,904 would be gone/;
    await at(1_000_000, 46_000);
    await expect.element(room).toHaveTextContent(lost);
    await at(2_500_000, 0);
    await expect.element(room).toHaveTextContent(lost);
    // A lump a little lower two seconds on: held from it, not from the first.
    await at(3_200_000, 45_800);
    await at(5_500_000, 0);
    await expect.element(room).toHaveTextContent(lost);
    await at(7_500_000, 0);
    await expect.element(room).toHaveTextContent(/redrive them at 1,024\/s\.$/);
  });

  // QA: at 1280x720 under overload, the warnings and a redrive's result pushed the list of letters
  // out of the pane.
  it('keeps its notes within a box about five lines high, scrolled from the keyboard too', async () => {
    const style = document.createElement('style');
    style.textContent = `${tokensCss}\n${controlsCss}\n${liveCss}`;
    document.head.append(style);
    onTestFinished(() => style.remove());
    render(
      inPane(564, <DeadLettersPanel />, 300),
      overflowEngine({
        selected: 5_904,
        redriven: 1_024,
        failedAgain: 4_880,
        failedByStatus: { QueueFull: 4_880 },
      }),
    );
    hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 24 })]);
    const notes = page.getByTestId('dead-letters-notes');
    await expect.element(page.getByTestId('redrive-room')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    await expect.element(page.getByRole('status').filter({ hasText: 'Redrove' })).toBeVisible();
    const box = notes.element() as HTMLElement;
    expect(box.clientHeight).toBeLessThanOrEqual(Math.ceil(window.innerHeight * 0.13) + 1);
    expect(box.scrollHeight).toBeGreaterThan(box.clientHeight);
    await expect
      .element(page.getByRole('region', { name: 'Dead-letter notes (scroll for more)' }))
      .toHaveAttribute('tabindex', '0');
  });

  // QA: "Redrove 9,808 of 9,808 …" still stood minutes later beside 10,000 letters held since.
  it('lets what a redrive said be dismissed, focus staying in the panel', async () => {
    render(
      <DeadLettersPanel />,
      overflowEngine({
        selected: 5_904,
        redriven: 1_024,
        failedAgain: 4_880,
        failedByStatus: { QueueFull: 4_880 },
      }),
    );
    hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 24 })]);
    await userEvent.click(page.getByRole('button', { name: /Redrive all matching/ }));
    const said = page.getByRole('status').filter({ hasText: 'Redrove' });
    await expect.element(said).toBeInTheDocument();
    await userEvent.click(
      page.getByRole('button', { name: 'Dismiss what the redrive or purge said' }),
    );
    await expect.element(said).not.toBeInTheDocument();
    // Beside where it was: the list's stop, or the redrive bar (not the filters at the top).
    expect(
      document.activeElement?.closest('.dead-letters-list, .dead-letters-redrive'),
    ).not.toBeNull();
  });

  // Under traffic the queue reads 0 at each snapshot and fills to hundreds between: the room is
  // what it had at its fullest (the graph's "≤280 / 1,024"), not 1,024.
  it('counts the room the queue had at its fullest, as the graph shows it', async () => {
    render(<DeadLettersPanel />, overflowEngine({}));
    hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 0, peakQueued: 280 })]);
    await expect
      .element(page.getByTestId('redrive-room'))
      .toHaveTextContent(
        /about 5,160 of the 5,904 letters for alert_sink find no room in its queue \(744 free\)/,
      );
  });

  // The warning counted alert_sink's letters; its "redrive them" sent 50 NoRoute letters too.
  it('says the link redrives all matching where letters for other destinations match too', async () => {
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing(
            [
              letter(1, 'QueueFull'),
              // NoRoute letters of a type routed nowhere: they meet no queue.
              { ...letter(2, 'NoRoute'), typeId: 9999, destination: '' },
            ],
            5_954,
            { alert_sink: 5_904, '': 50 },
          )
        : undefined,
    );
    render(<DeadLettersPanel />, engine);
    hold(5_954, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 24 })]);
    await expect
      .element(page.getByTestId('redrive-room').getByRole('button'))
      .toHaveTextContent('redrive all 5,954 matching at 1,024/s');
  });

  it("keeps the warning's full stop on its link's line, whatever the pane's width", async () => {
    const style = document.createElement('style');
    style.textContent = `${tokensCss}\n${controlsCss}\n${liveCss}`;
    document.head.append(style);
    try {
      render(inPane(600, <DeadLettersPanel />), overflowEngine({}));
      hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 1024, queued: 24 })]);
      const room = page.getByTestId('redrive-room');
      await expect.element(room).toBeVisible();
      const pane = page.getByTestId('pane').element() as HTMLElement;
      const link = room.getByRole('button').element();
      for (let width = 300; width <= 700; width += 5) {
        pane.style.width = `${width}px`;
        const stop = document.createRange();
        const text = [...link.parentElement!.childNodes].find(
          (n) => n.nodeType === Node.TEXT_NODE && n.textContent?.includes('.'),
        )!;
        stop.selectNodeContents(text);
        const [a, b] = [link.getBoundingClientRect(), stop.getBoundingClientRect()];
        expect(Math.abs(a.top + a.height / 2 - (b.top + b.height / 2)), `${width}px`).toBeLessThan(
          a.height / 2,
        );
      }
    } finally {
      style.remove();
    }
  });

  it("keeps Purge on the filters' line at 1280x720 however many letters were evicted", async () => {
    const style = document.createElement('style');
    style.textContent = `${tokensCss}\n${controlsCss}\n${liveCss}`;
    document.head.append(style);
    try {
      // The right-hand pane's width at 1280x720. "(8,884,647 evicted)" had wrapped Purge onto a
      // line of its own, moving everything below it 34 px, and back when the text shrank.
      render(inPane(691, <DeadLettersPanel />), overflowEngine({}));
      const purgeTop = () =>
        page
          .getByRole('button', { name: /^Purge/ })
          .element()
          .getBoundingClientRect().top;
      holdFull(999_999);
      const six = page.getByText('(999,999 evicted)');
      await expect.element(six).toBeVisible();
      const [width, top] = [six.element().getBoundingClientRect().width, purgeTop()];
      const filter = page.getByLabelText('Filter dead letters by reason').element();
      expect(Math.abs(top - filter.getBoundingClientRect().top)).toBeLessThan(8);
      // A million and more: compact, never wider than six digits, the exact count on hover.
      holdFull(8_884_647);
      const seven = page.getByText('(8.88 M evicted)');
      await expect.element(seven).toBeVisible();
      expect(seven.element().getBoundingClientRect().width).toBeLessThanOrEqual(width);
      expect(seven.element().getAttribute('title')).toMatch(/^8,884,647: the oldest letters/);
      expect(purgeTop()).toBe(top);
    } finally {
      style.remove();
    }
  });

  // After an import without the letters' kernel, "Redrove none of 1,904 … Under Options, a pace
  // redrives them as the kernel drains" advised what cannot help; and focus fell to the page top.
  it('says a pace is no help when the kernel is gone, and puts focus on what it says', async () => {
    const engine = overflowEngine({
      selected: 5_904,
      failedAgain: 5_904,
      failedByStatus: { NotFound: 5_904 },
    });
    render(<DeadLettersPanel />, engine);
    hold(5_904);
    const all = page.getByRole('button', { name: /Redrive all matching/ });
    await expect.element(all).toBeEnabled();
    (all.element() as HTMLButtonElement).focus();
    await userEvent.keyboard('{Enter}');
    const said = page.getByRole('status').filter({ hasText: 'Redrove' });
    await expect
      .element(said)
      .toHaveTextContent(
        'Redrove none of 5,904: 0 accepted, 5,904 failed again (NotFound 5,904). 5,904 failed as NotFound: the kernel they were for is gone; choose a Redrive target, or add the kernel back.',
      );
    expect(said.element().textContent).not.toMatch(/pace/);
    await expect.poll(() => document.activeElement).toBe(said.element());
  });

  it('redrives them paced from the warning itself, at a queueful a second', async () => {
    const engine = overflowEngine(
      { selected: 5_904, remaining: 5_904 },
      {
        ...result({ selected: 5_904, remaining: 5_904 }),
        startedUs: 1_000_000,
        ratePerSec: 4_096,
        total: 5_904,
        sent: 0,
        failedLater: 0,
        waitingForRoom: null,
        state: 'running',
      },
    );
    render(<DeadLettersPanel />, engine);
    hold(5_904, [kernelRow({ id: 'alert_sink', capacity: 4096, queued: 96 })]);
    await userEvent.click(page.getByRole('button', { name: 'redrive them at 4,096/s' }));
    expect(engine.sent.find((c) => c.type === 'redrive')).toMatchObject({
      ratePerSec: 4_096,
      filter: {},
    });
    await expect
      .element(page.getByTestId('redrive-progress'))
      .toHaveTextContent(/^Redriving 0 of 5,904 at 4,096\/s/);
  });
});

describe('Dead letters redrive, paced', () => {
  it('sends the pace, follows the run from the snapshots, and cancels it', async () => {
    const progress = (p: Partial<RedriveProgress>): RedriveProgress => ({
      ...result({ selected: 5_904, remaining: 5_904 }),
      startedUs: 1_000_000,
      ratePerSec: 2_000,
      total: 5_904,
      sent: 0,
      failedLater: 0,
      waitingForRoom: null,
      state: 'running',
      ...p,
    });
    const engine = overflowEngine({ selected: 5_904, remaining: 5_904 }, progress({}));
    render(<DeadLettersPanel />, engine);
    hold(5_904);
    await userEvent.click(page.getByRole('button', { name: /^Options/ }));
    const pace = page.getByRole('textbox', { name: 'Redrive pace (letters per second)' });
    // Not above 0: marked, refused with a reason, nothing sent.
    await userEvent.fill(pace, '0');
    await expect.element(pace).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(page.getByRole('button', { name: /^Redrive all/ }));
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent(/^Pace: a whole number of letters per second/);
    expect(engine.sent.some((c) => c.type === 'redrive')).toBe(false);
    await userEvent.fill(pace, '2000');
    await userEvent.click(page.getByRole('button', { name: 'Redrive all (5,904) at 2,000/s' }));
    expect(engine.sent.find((c) => c.type === 'redrive')).toMatchObject({ ratePerSec: 2_000 });
    const at = (p: Partial<RedriveProgress>) =>
      store.getState().ingestSnapshot(
        snapshot({
          deadLetters: letterQueue({ count: 5_904 - (p.sent ?? 0), redrive: progress(p) }),
        }),
        Date.now(),
      );
    // Its letters pushed out of the full queue while it runs are said as it runs.
    at({ sent: 900, redriven: 900, remaining: 4_904 });
    await expect
      .element(page.getByTestId('redrive-progress'))
      .toHaveTextContent(/100 of its letters left the dead-letter queue meanwhile/);
    at({ sent: 1_000, redriven: 1_000, remaining: 4_904 });
    const line = page.getByTestId('redrive-progress');
    // The button counts what the header counts, from the same snapshot (the listing's total
    // came a reply later and read 1,703 beside the header's 1,712).
    await expect.element(page.getByTestId('dead-letter-count')).toHaveTextContent(/^4,904/);
    await expect
      .element(page.getByRole('button', { name: 'Redrive all (4,904) at 2,000/s' }))
      .toBeDisabled();
    await expect
      .element(page.getByRole('button', { name: 'Purge all matching (4,904)…' }))
      .toBeInTheDocument();
    await expect
      .element(line)
      .toHaveTextContent(/^Redriving 1,000 of 5,904 at 2,000\/s: 1,000 accepted, 0 failed again\./);
    // Accepted, then letters again (evicted by the traffic behind them): said, not "0 failed
    // again" alone.
    at({ sent: 1_050, redriven: 1_050, remaining: 4_854, failedLater: 246 });
    await expect
      .element(line)
      .toHaveTextContent(
        /^Redriving 1,050 of 5,904 at 2,000\/s: 1,050 accepted, 0 failed again, 246 of those accepted failed later \(evicted from their queue or failed in their kernel: dead letters again\)\./,
      );
    // Held back by a queue at half its capacity: the line says which, and says it no more
    // once the run stops.
    at({ sent: 1_100, redriven: 1_100, remaining: 4_804, waitingForRoom: 'aggregator' });
    await expect
      .element(line)
      .toHaveTextContent(
        /1,100 accepted, 0 failed again\. Waiting for room in aggregator's queue \(it fills a queue to half its capacity at most\)\./,
      );
    // One at a time: the redrive buttons wait for it.
    await expect.element(page.getByRole('button', { name: /^Redrive all/ })).toBeDisabled();
    await userEvent.click(page.getByRole('button', { name: 'Cancel redrive' }));
    expect(engine.sent.some((c) => c.type === 'cancelRedrive')).toBe(true);
    at({
      sent: 1_200,
      redriven: 1_150,
      failedAgain: 50,
      failedByStatus: { NoRoute: 50 },
      remaining: 4_704,
      state: 'cancelled',
    });
    // Why they failed again, and the fix, as a redrive at once says ("50 failed again" alone
    // left the user to find letters no pace could help).
    await expect
      .element(line)
      .toHaveTextContent(
        'Cancelled a redrive after 1,200 of 5,904 at 2,000/s: 1,150 accepted, 50 failed again (NoRoute 50). 4,704 of its letters still held. 50 failed as NoRoute: their type is routed nowhere; route it, then redrive.',
      );
    await expect
      .element(page.getByRole('button', { name: 'Cancel redrive' }))
      .not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: /^Redrive all/ })).toBeEnabled();
    // Letters of its own that left the queue meanwhile (pushed out, purged) are named.
    at({ sent: 1_200, redriven: 1_200, remaining: 4_000, state: 'done' });
    await expect
      .element(line)
      .toHaveTextContent(
        /4,000 of its letters still held\. 704 of its letters left the dead-letter queue meanwhile/,
      );
    // Its line stays until dismissed.
    await userEvent.click(page.getByRole('button', { name: "Dismiss the redrive's line" }));
    await expect.element(line).not.toBeInTheDocument();
  });
});

describe('Dead letters matching a filter while they leave', () => {
  it('counts the letters matching now, not the listing before they left', async () => {
    // 7,901 held, 5,925 of them DroppedOldest; a paced redrive of those takes 2,620 of them.
    const matchingHeld = 5_925;
    const lists = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing(
            [1, 2, 3].map((i) => letter(i, 'DroppedOldest')),
            cmd.filter?.reasons ? matchingHeld : matchingHeld + 1_976,
            { alert_sink: matchingHeld },
          )
        : undefined,
    );
    // Once the letters start leaving, the next listing is not answered: what the panel shows
    // until then is its own reckoning.
    let answering = true;
    const engine: typeof lists = {
      ...lists,
      request: (cmd) =>
        answering || cmd.type !== 'listDeadLetters'
          ? lists.request(cmd)
          : new Promise<never>(() => undefined),
    };
    render(<DeadLettersPanel />, engine);
    hold(7_901);
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Filter dead letters by reason' }),
      'DroppedOldest',
    );
    const header = page.getByTestId('dead-letter-count');
    await expect.element(header).toHaveTextContent(/^5,925 of 7,901/);
    answering = false;
    hold(5_281);
    // Before the list comes again: not "5,281 of 5,281", with the 1,976 other letters held.
    await expect.element(header).toHaveTextContent(/^3,305 of 5,281/);
    await expect
      .element(page.getByRole('button', { name: 'Redrive all matching (3,305)' }))
      .toBeVisible();
  });
});

describe('Dead letters purge', () => {
  it('asks before purging, names what goes, purges the selection, and says so', async () => {
    let held = [1, 2, 3].map((i) => letter(i, 'QueueFull'));
    const engine = fakeEngine((cmd) => {
      if (cmd.type === 'listDeadLetters') return listing(held);
      if (cmd.type === 'purgeDeadLetters') {
        const ids = new Set(cmd.filter?.ids ?? held.map((l) => l.id));
        const before = held.length;
        held = held.filter((l) => !ids.has(l.id));
        return {
          ok: true,
          command: 'purgeDeadLetters',
          count: before - held.length,
        } as EngineReply;
      }
      return undefined;
    });
    render(<DeadLettersPanel />, engine);
    hold(3);
    const all = page.getByRole('button', { name: 'Purge all matching (3)…' });
    await expect.element(all).toBeEnabled();
    await userEvent.click(page.getByRole('checkbox', { name: 'Select dead letter 2' }));
    await userEvent.click(page.getByRole('button', { name: 'Purge selected (1)…' }));
    const dialog = page.getByRole('dialog', { name: 'Purge dead letters' });
    await expect
      .element(dialog)
      .toHaveAccessibleDescription(
        'Delete the 1 selected letter for good? They cannot be redriven afterwards; the status bar counts them as Purged.',
      );
    // Nothing goes before the user confirms; Cancel leaves every letter.
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(engine.sent.some((c) => c.type === 'purgeDeadLetters')).toBe(false);
    await userEvent.click(page.getByRole('button', { name: 'Purge selected (1)…' }));
    await userEvent.click(page.getByRole('dialog').getByRole('button', { name: 'Purge 1' }));
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Purged' }))
      .toHaveTextContent(
        'Purged 1 dead letter: gone for good, counted as Purged in the status bar.',
      );
    expect(engine.sent.find((c) => c.type === 'purgeDeadLetters')).toMatchObject({
      filter: { ids: [2] },
    });
    hold(held.length);
    await expect
      .element(page.getByRole('button', { name: 'Purge all matching (2)…' }))
      .toBeVisible();
  });
});

describe('Dead letters panel (issue 13, point 4)', () => {
  it('filters by every dead-letter reason, not by delivery statuses', async () => {
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing(
            cmd.filter?.reasons?.includes('KernelError')
              ? [letter(2, 'KernelError')]
              : cmd.filter?.reasons?.includes('QueueFull')
                ? []
                : [letter(1, 'Rejected'), letter(2, 'KernelError')],
          )
        : undefined,
    );
    render(<DeadLettersPanel />, engine);
    const select = page.getByRole('combobox', { name: 'Filter dead letters by reason' });
    await expect.element(select).toBeVisible();
    const options = [...(select.element() as HTMLSelectElement).options].map((o) => o.value);
    for (const reason of [
      'Rejected',
      'DroppedOldest',
      'KernelError',
      'InvalidPayload',
      'Unregistered',
      'QueueFull',
      'NoRoute',
    ])
      expect(options).toContain(reason);
    expect(options).not.toContain('Delivered');
    expect(options).not.toContain('Pending');
    await userEvent.selectOptions(select, 'KernelError');
    await expect.element(page.getByText('handler threw')).toBeVisible();
    expect(engine.sent).toContainEqual({
      type: 'listDeadLetters',
      filter: { reasons: ['KernelError'] },
      limit: 500,
    });
    // Type as name and id.
    await expect
      .element(page.getByRole('cell', { name: 'FraudAlert (1010)', exact: true }))
      .toBeVisible();
    // QueueFull finds nothing while the receipts count QueueFull: the letters of a reject queue
    // are held as Rejected, and the empty list says so.
    hold(2);
    await userEvent.selectOptions(select, 'QueueFull');
    await expect
      .element(page.getByTestId('dead-letters-empty'))
      .toHaveTextContent(/holds what it refused as Rejected, .*: show Rejected\.$/);
    // The count says how many of those held match: "2 held" alone stood beside "No dead letter
    // matches these filters".
    await expect
      .element(page.getByTestId('dead-letter-count'))
      .toHaveTextContent(/^0 of 2 dead letters held$/);
    // The hint's button sets the filter it names.
    await userEvent.click(page.getByRole('button', { name: 'show Rejected' }));
    await expect.element(select).toHaveValue('Rejected');
    await expect
      .element(page.getByTestId('dead-letter-count'))
      .toHaveTextContent(/^2 of 2 dead letters held$/);
    // No filter: the count alone.
    await userEvent.selectOptions(select, '');
    await expect
      .element(page.getByTestId('dead-letter-count'))
      .toHaveTextContent(/^2 dead letters held$/);
    expect(engine.sent).toContainEqual({
      type: 'listDeadLetters',
      filter: { reasons: ['Rejected'] },
      limit: 500,
    });
  });
});

describe('Dead letters panel with a full queue', () => {
  it('reloads the list as letters are evicted, though the count stays at the cap', async () => {
    let listed = 0;
    const engine = fakeEngine((cmd) => {
      if (cmd.type !== 'listDeadLetters') return undefined;
      listed++;
      // Each reload sees the letters that are held now: the oldest have been pushed out.
      return listing([letter(listed * 1000, 'Rejected')], 10_000);
    });
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    await expect.element(page.getByText('10,000 dead letters held')).toBeVisible();
    const first = listed;
    holdFull(84_018);
    await expect.poll(() => listed).toBeGreaterThan(first);
    await expect.element(page.getByText('(84,018 evicted)')).toBeVisible();
    await expect
      .element(
        page.getByRole('button', { name: `Trace message ${100 + listed * 1000}`, exact: true }),
      )
      .toBeVisible();
  });
});

describe('Dead letters while the full queue churns', () => {
  /** An engine whose list is always the newest letters: how many times it was asked. */
  const churning = () => {
    const asked = { n: 0 };
    const engine = fakeEngine((cmd) => {
      if (cmd.type !== 'listDeadLetters') return undefined;
      asked.n++;
      return listing(
        [letter(asked.n * 10, 'Rejected'), letter(asked.n * 10 + 1, 'Rejected')],
        10_000,
      );
    });
    return { engine, asked };
  };

  // 175 K letters a second pushing the oldest out: 500 rows fetched and drawn for every snapshot
  // took 7.3 s of the page's 10 s and slowed the engine.
  it('fetches the list at most once a second as letters come and go', async () => {
    const { engine, asked } = churning();
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    await expect.element(page.getByText('10,000 dead letters held')).toBeVisible();
    await expect.poll(() => asked.n).toBeGreaterThanOrEqual(1);
    const start = asked.n;
    const t0 = performance.now();
    // Ten snapshots in half a second, each with letters pushed out.
    for (let i = 1; i <= 10; i++) {
      holdFull(i * 17_500);
      await new Promise((r) => setTimeout(r, 50));
    }
    const within = asked.n - start;
    const elapsed = performance.now() - t0;
    // One fetch per started second at most (the first may go at once), not one per snapshot.
    expect(within).toBeLessThanOrEqual(Math.ceil(elapsed / CHURN_REFRESH_MS) + 1);
    // And the list catches up once the second is over.
    await expect.poll(() => asked.n, { timeout: 3_000 }).toBeGreaterThan(start + within - 1);
    await expect.element(page.getByText('(175,000 evicted)')).toBeVisible();
  });

  it('holds the list while letters are picked, says how far behind it is, and shows the newest on request', async () => {
    const { engine, asked } = churning();
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    const first = page.getByRole('checkbox', { name: 'Select dead letter 10' });
    await expect.element(first).toBeVisible();
    await first.click();
    await expect
      .element(page.getByRole('button', { name: /^Redrive selected \(1\)/ }))
      .toBeVisible();
    const before = asked.n;
    holdFull(500);
    holdFull(1_200);
    await expect
      .element(page.getByTestId('dead-letters-held'))
      .toHaveTextContent(/^List held while you pick: 1,200 newer letters since it was loaded\./);
    // Past the second a churning list waits between fetches: still the list that was picked from.
    await new Promise((r) => setTimeout(r, CHURN_REFRESH_MS + 300));
    expect(asked.n).toBe(before);
    await expect.element(first).toBeChecked();
    await page.getByRole('button', { name: 'Show the letters held now' }).click();
    await expect.poll(() => asked.n).toBe(before + 1);
    await expect
      .element(page.getByRole('checkbox', { name: `Select dead letter ${asked.n * 10}` }))
      .toBeVisible();
    // The letter picked is no longer listed: its pick goes with it, and the list follows again
    // ("Redrive selected (2)" had stayed, the list held by picks no one could see).
    await expect
      .element(page.getByRole('button', { name: /^Redrive selected \(0\)/ }))
      .toBeDisabled();
    await expect.element(page.getByTestId('dead-letters-held')).not.toBeInTheDocument();
  });

  // QA: after a paced redrive the header read "0 held" over rows still listed, the list held by
  // the pointer over it, and nothing said the letters had gone.
  it('says a held list holds letters since redriven, and lets it go once none is held', async () => {
    const { engine, asked } = churning();
    render(<DeadLettersPanel />, engine);
    holding(10_000);
    const first = page.getByRole('checkbox', { name: 'Select dead letter 10' });
    await first.click();
    holding(7_000);
    await expect
      .element(page.getByTestId('dead-letters-held'))
      .toHaveTextContent(
        /^List held while you pick: 3,000 letters fewer held since it was loaded \(redriven or purged\)\./,
      );
    // Letters pushed out meanwhile too: both said, not one net figure.
    holding(7_000, 500);
    await expect
      .element(page.getByTestId('dead-letters-held'))
      .toHaveTextContent(
        /^List held while you pick: 500 newer letters and 3,000 letters fewer held since it was loaded \(redriven or purged\)\./,
      );
    const before = asked.n;
    // None held: the list follows again, picks and all.
    holding(0);
    await expect.poll(() => asked.n, { timeout: CHURN_REFRESH_MS + 2_000 }).toBeGreaterThan(before);
    await expect.element(page.getByTestId('dead-letters-held')).not.toBeInTheDocument();
  });

  // QA: a row's checkbox reached with Tab lost the focus to the page within 0.1 s while letters
  // arrived (the rows replaced under it): no letter could be picked from the keyboard.
  it('holds the list while the keyboard focus is in it', async () => {
    const { engine, asked } = churning();
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    const box = page.getByRole('checkbox', { name: 'Select dead letter 10' });
    await expect.element(box).toBeVisible();
    await userEvent.hover(page.getByTestId('dead-letter-count'));
    (box.element() as HTMLInputElement).focus();
    const before = asked.n;
    holdFull(700);
    await expect
      .element(page.getByTestId('dead-letters-held'))
      .toHaveTextContent(
        /^List held while you work in it: 700 newer letters since it was loaded\./,
      );
    await new Promise((r) => setTimeout(r, CHURN_REFRESH_MS + 300));
    expect(asked.n).toBe(before);
    await expect.element(box).toHaveFocus();
    // Show the letters held now, pressed from the keyboard, goes with the note it is in: the list
    // follows again (no blur said the focus had left; it had stayed held).
    const show = page.getByRole('button', { name: 'Show the letters held now' });
    (show.element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => asked.n).toBe(before + 1);
    await expect.element(show).not.toBeInTheDocument();
    holdFull(1_400);
    await expect
      .poll(() => asked.n, { timeout: CHURN_REFRESH_MS + 2_000 })
      .toBeGreaterThan(before + 1);
  });

  // QA: the pointer coming onto the list from above held it; the note then came in above the
  // table and pushed it down, the pointer was over the note, not the table, and the list let go.
  it('stays held with the pointer over its note, as over the table', async () => {
    const { engine, asked } = churning();
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    await expect
      .element(page.getByRole('checkbox', { name: 'Select dead letter 10' }))
      .toBeVisible();
    await userEvent.hover(page.getByRole('table', { name: 'Dead letters' }));
    const before = asked.n;
    holdFull(800);
    const note = page.getByTestId('dead-letters-held');
    await expect.element(note).toHaveTextContent(/^List held while you point at it: 800 newer/);
    await userEvent.hover(note);
    holdFull(1_600);
    await new Promise((r) => setTimeout(r, CHURN_REFRESH_MS + 300));
    expect(asked.n).toBe(before);
    await expect.element(note).toHaveTextContent(/1,600 newer letters/);
  });

  it('says the letters picked were pushed out before the redrive, not "none of 0"', async () => {
    const engine = fakeEngine((cmd) =>
      cmd.type === 'listDeadLetters'
        ? listing([letter(1, 'QueueFull'), letter(2, 'QueueFull')], 10_000)
        : cmd.type === 'redrive'
          ? ({ ok: true, command: 'redrive', redrive: result({}) } as EngineReply)
          : undefined,
    );
    render(<DeadLettersPanel />, engine);
    holdFull(0);
    for (const id of [1, 2])
      await page.getByRole('checkbox', { name: `Select dead letter ${id}` }).click();
    await page.getByRole('button', { name: /^Redrive selected \(2\)/ }).click();
    await expect
      .element(page.getByRole('status').filter({ hasText: 'Redrove' }))
      .toHaveTextContent(
        /^Redrove none: the 2 letters picked were pushed out of the full dead-letter queue before the redrive/,
      );
  });
});
