import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import {
  DEAD_LETTER_REASONS,
  type DeadLetterFilter,
  type DeadLetterReason,
  type DeadLetterRow,
  type RedriveProgress,
} from '../../engine/protocol';
import { useLive, useLiveValue, useStale } from '../../state/live';
import { useEngine } from '../engineContext';
import { useOpenTrace } from '../analysis';
import { DeadLetterTable, useLetterList } from './DeadLetterTable';
import { countOf, formatCompact, formatCount, formatCounts } from '../design/format';
import { useWorkbench, workbenchStore } from '../../state/store';
import { downloadText } from './download';
import { toHex } from '../../engine/payload';
import { u64Key } from '../../core/config';
import { FilterSelect } from '../design/FilterSelect';
import { ConfirmButton } from '../design/ConfirmButton';
import { whole } from '../inject/generatorSpec';
import {
  atOnceShortfall,
  countByDestinationType,
  lettersGoing,
  scaledTo,
  shortfallWords,
  pushedOut as pushedOutOf,
} from './redriveRoom';

/**
 * What each reason means, on hover: the same loss has a receipt status (QueueFull, at the send)
 * and a letter reason (Rejected, under the reject policy), and the two names read as two losses.
 */
const REASON_TITLES: Record<DeadLetterRow['reason'], string> = {
  QueueFull: 'its queue was full (policy deadLetter): the send was refused with QueueFull',
  NotFound: 'its destination kernel does not exist',
  MaxHopsExceeded: "it was forwarded more times than the broker's max hops",
  NoRoute: 'no route for its type: the send was refused with NoRoute',
  TenantMismatch: "its destination belongs to another tenant than its source's",
  Rejected:
    "its queue was full and the kernel's policy is reject: the send was refused with QueueFull (Receipts count it under that status)",
  DroppedOldest:
    'delivered to its queue, then evicted to make room for a newer message (policy dropOldest): Receipts counted it Delivered',
  Unregistered: 'it was queued when its kernel was removed',
  KernelError: 'its kernel failed on it (the detail says how)',
  InvalidPayload: "its payload is shorter than its type's layout, so the kernel cannot read it",
};

/** Dead letters you can act on: filter, pick, edit the header, redrive, export. */
export function DeadLettersPanel() {
  const engine = useEngine();
  const openTrace = useOpenTrace();
  const stale = useStale();
  const types = useWorkbench((s) => s.config.messageTypes);
  const count = useLive((s) => s?.deadLetters.count ?? 0);
  const evicted = useLive((s) => s?.deadLetters.evicted ?? 0);
  const capacity = useLive((s) => s?.deadLetters.capacity ?? Infinity);
  const nowS = useLive((s) => Math.floor((s?.timeUs ?? 0) / 1e6));
  // Letters arriving a second, the highest of the last 3 s: traffic in lumps read 46 K/s, 0,
  // 46 K/s by turns, and the warning it feeds came and went above the list (a review).
  const arriving = useHeldMax(
    useLive((s) => s?.rates.deadLetteredPerSec ?? 0),
    nowS,
    ARRIVING_HOLD_S,
  );
  const kernels = useWorkbench((s) => s.config.kernels);
  const routes = useWorkbench((s) => s.config.routes);
  const routeOf = useMemo(
    () => new Map(routes.map((r) => [u64Key(r.typeId), r.kernelId])),
    [routes],
  );
  const kernelIds = kernels.map((k) => k.id);
  const [reason, setReason] = useState<DeadLetterReason | ''>('');
  const [dest, setDest] = useState('');
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [target, setTarget] = useState('');
  const [priority, setPriority] = useState('');
  const [correlation, setCorrelation] = useState('');
  const [atMost, setAtMost] = useState('');
  const [pace, setPace] = useState('');
  // The latest paced redrive: from the snapshots, or from the reply that started it until a
  // snapshot has it (the one before still showed the run before). Its line stays until dismissed,
  // or until another redrive starts; finished on another tab, it is there on coming back.
  const latest = useLive((s) => s?.deadLetters.redrive ?? null);
  const [started, setStarted] = useState<RedriveProgress | null>(null);
  const progress = started && (!latest || latest.startedUs < started.startedUs) ? started : latest;
  const [dismissed, setDismissed] = useState<number | null>(null);
  const shown = progress && progress.startedUs !== dismissed ? progress : null;
  const running = progress?.state === 'running';
  const optionsId = useId();
  const [message, setMessage] = useState<string | null>(null);

  const filter = useCallback(
    (): DeadLetterFilter => ({
      ...(reason ? { reasons: [reason] } : {}),
      ...(dest ? { destinations: [dest] } : {}),
    }),
    [reason, dest],
  );

  const [reload, setReload] = useState(0);
  const refresh = () => setReload((x) => x + 1);

  // The list holds while the pointer is over it or letters are picked: rows replaced every
  // snapshot could not be picked (each click picked a letter gone the next moment).
  const [hovered, setHovered] = useState(false);
  // The keyboard's focus in the list holds it too: rows replaced under it threw the focus to the
  // page within 0.1 s while letters arrived, and no letter could be picked from the keyboard (QA).
  const [focusIn, setFocusIn] = useState(false);
  const listBox = useRef<HTMLDivElement>(null);
  // Not once the queue holds none: every letter listed is gone, and there is nothing to pick.
  const held = (hovered || focusIn || picked.size > 0) && count > 0;
  // `evicted` too: with the queue full every new letter pushes the oldest out and the count
  // stays at the cap, so the list would go on showing letters that are gone.
  const queueNow = useMemo(() => ({ count, evicted }), [count, evicted]);
  const { rows, total, byDestinationType, behind, listedCount } = useLetterList(
    engine,
    filter(),
    queueNow,
    reload,
    held,
  );
  // Checked as the list and the count move (a snapshot comes ten times a second): an element
  // removed with the focus in it (Show the letters held now, once pressed) sends no blur, and the
  // list stayed held.
  useEffect(() => {
    if (focusIn && !listBox.current?.contains(document.activeElement)) setFocusIn(false);
  }, [focusIn, rows, count]);
  // Reloaded ("Show the letters held now", a filter): picks of letters it no longer lists go.
  // They had stayed, unseen, in "Redrive selected (2)", and held the list still.
  const [listed, setListed] = useState(rows);
  if (listed !== rows) {
    setListed(rows);
    const ids = new Set(rows.map((r) => r.id));
    if ([...picked].some((id) => !ids.has(id)))
      setPicked(new Set([...picked].filter((id) => ids.has(id))));
  }

  // Unfiltered, "all matching" is every letter held: the count the header shows, from the same
  // snapshot, for Redrive and Purge alike. The listing's total arrives a reply later, and during a
  // paced run the button read 1,703 beside the header's 1,712.
  const filtered = reason !== '' || dest !== '';
  // Filtered, the listing's total less the letters that left the queue since it was asked for (a
  // paced redrive of these letters, a purge), as many of them as left, never more than are held:
  // its bare total, capped at the count, read "5,483 of 5,483 held" while other letters were
  // still held, beside "Redrive all matching (5,925)" (QA). The list catches up within a second.
  const matching = filtered
    ? Math.max(0, Math.min(count, total - Math.max(0, listedCount - count)))
    : count;

  // Purge asks first, naming what goes: a letter purged is gone for good (counted as Purged).
  const purgeSelected = picked.size > 0;
  const purgeCount = purgeSelected ? picked.size : matching;
  const purgeLabel = `Purge ${purgeSelected ? 'selected' : 'all matching'} (${formatCount(purgeCount)})…`;
  async function purge() {
    const f: DeadLetterFilter = purgeSelected ? { ids: [...picked] } : filter();
    const reply = await engine.request({ type: 'purgeDeadLetters', filter: f });
    if (!reply.ok) return setMessage(reply.error.message);
    const n = reply.command === 'purgeDeadLetters' ? reply.count : 0;
    setMessage(
      `Purged ${countOf(n, 'dead letter')}: gone for good, counted as Purged in the status bar.`,
    );
    setPicked(new Set());
    refresh();
    landFocus();
  }

  // After a redrive or purge, focus goes to the line that says what it did: the button pressed
  // goes disabled once nothing is selected or held, and focus had fallen to the page's top.
  const statusLine = useRef<HTMLParagraphElement>(null);
  const [landed, setLanded] = useState(0);
  const landFocus = () => setLanded((n) => n + 1);
  useEffect(() => {
    if (landed === 0) return;
    const active = document.activeElement;
    const panel = statusLine.current?.closest('.dead-letters');
    if (active === null || active === document.body || panel?.contains(active))
      statusLine.current?.focus();
  }, [landed]);

  // "At most" applies to all matching (the oldest first): letters picked one by one go as picked.
  const limit = optionalWhole(atMost, 1);
  const limitOk = !Number.isNaN(limit);
  const limited = limitOk && limit !== undefined && limit < matching;
  const paceAsked = optionalWhole(pace, 1);
  const rateOk = !Number.isNaN(paceAsked);
  const atRate = paceAsked !== undefined && rateOk ? ` at ${formatCount(paceAsked)}/s` : '';
  const [optionsOpen, setOptionsOpen] = useState(false);
  const optionsSet = [atMost, pace, priority, correlation].filter((v) => v.trim() !== '').length;
  const priorityAsked = optionalWhole(priority, 0, 255);
  const priorityOk = !Number.isNaN(priorityAsked);
  const correlationAsked = optionalWhole(correlation, 0);
  const correlationOk = !Number.isNaN(correlationAsked);
  // What is wrong with the options, said as it is typed, beside them ("1,5" had turned the box red
  // with no word why until a redrive was tried).
  const optionErrors = [
    limitOk ? '' : AT_MOST_ERROR,
    rateOk ? '' : PACE_ERROR,
    priorityOk ? '' : PRIORITY_ERROR,
    correlationOk ? '' : CORRELATION_ERROR,
  ].filter(Boolean);
  const optionsErrorId = useId();
  const invalid = (ok: boolean) =>
    ok ? {} : { 'aria-invalid': true, 'aria-describedby': optionsErrorId };
  // A wrong option stays in sight: the row does not close over it.
  const showOptions = optionsOpen || optionErrors.length > 0;

  // Sent at once, would the letters fit? Said before the click: "Redrive all matching (3,976)"
  // into a queue of 1,024 failed 2,952 of them again, and the pace that avoids it is under
  // Options. The letters picked, when some are; else all matching (or the oldest "at most").
  const queues = useLiveValue(
    (s) =>
      s?.kernels.map((k) => ({
        id: k.id,
        capacity: k.capacity,
        queued: k.queued,
        peakQueued: k.peakQueued,
        policy: kernels.find((c) => c.id === k.id)?.overflowPolicy ?? '',
      })) ?? [],
  );
  // The letters considered, by destination and type: those picked (listed rows), else all
  // matching (the engine's counts; the oldest "at most" of them, scaled).
  const considered =
    picked.size > 0
      ? countByDestinationType(rows.filter((r) => picked.has(r.id)))
      : limited
        ? // The oldest `limit`: exactly the first rows listed (oldest first) where they are
          // listed, else the counts scaled.
          limit <= rows.length
          ? countByDestinationType(rows.slice(0, limit))
          : scaledTo(byDestinationType, limit, total)
        : byDestinationType;
  // Sent to another kernel than their own, letters of a type routed elsewhere are refused (its
  // handler would read a payload of another layout), and only those the target takes meet its
  // queue. The room warning had spoken of alert_sink's queue for PatternChecks that the redrive
  // then refused, all 2,242 of them; and of all 10,000 letters for aggregator where it took 3,277.
  const { going, refused } = lettersGoing(considered, target, (t) => routeOf.get(t));
  const sending = Object.values(going).reduce((a, n) => a + n, 0);
  const notRouted = target !== '' && refused > 0 && sending === 0;
  const shortfall =
    paceAsked !== undefined || !rateOk || running || notRouted
      ? null
      : atOnceShortfall(going, queues);

  // What the warning's link sends: the letters it speaks of, or, where letters for other
  // destinations match too (or the target refuses some), all of them, counted ("redrive them"
  // sent 50 NoRoute letters beside the 2,984 the warning counted).
  const forOthers =
    shortfall !== null &&
    (refused > 0 ||
      Object.entries(going).some(
        ([d, n]) => n > 0 && !shortfall.queues.some((q) => q.kernel === d),
      ));
  const sentByLink =
    picked.size > 0
      ? forOthers
        ? `all ${formatCount(picked.size)} selected`
        : 'the selected'
      : forOthers
        ? `all ${formatCount(limited ? limit : matching)} matching`
        : 'them';

  // The warning's pace: a queueful a second, at least 1,000 (a paced redrive also waits while the
  // queue is half full, so no letter fails again for want of room).
  const suggestedPace = Math.max(1_000, shortfall?.capacity ?? 0);

  // A paced redrive under traffic that still fails: new letters push the oldest out of the full
  // queue, those not yet redriven among them. The pace is the one under Options, or the warning's;
  // the letters, those the redrive would send (not those a target refuses). Not while a paced run
  // goes (its line counts what left meanwhile), nor where nothing would be sent.
  const pacedAt = paceAsked !== undefined && rateOk ? paceAsked : shortfall ? suggestedPace : null;
  const lost =
    pacedAt === null || running || notRouted
      ? null
      : pushedOutOf(count, capacity, arriving, sending, pacedAt);
  const pushedOut = lost?.words ?? null;
  // Most of them would go before their turn: the pace is no way out, so the at-once warning says
  // so in place of its link, in one note (a pace under Options has no such warning beside it).
  const paceLoses = shortfall !== null && lost?.most === true;

  /** `pace`: letters per second, instead of the pace under Options (the warning's own button). */
  async function redrive(selectedOnly: boolean, pace?: number) {
    const f: DeadLetterFilter = selectedOnly ? { ids: [...picked] } : filter();
    const rate = pace ?? paceAsked;
    if (!selectedOnly && !limitOk) return setMessage(AT_MOST_ERROR);
    if (pace === undefined && !rateOk) return setMessage(PACE_ERROR);
    if (!priorityOk) return setMessage(PRIORITY_ERROR);
    if (!correlationOk) return setMessage(CORRELATION_ERROR);
    const reply = await engine.request({
      type: 'redrive',
      filter: f,
      ...(target ? { target } : {}),
      ...(!selectedOnly && limit !== undefined ? { limit } : {}),
      ...(rate !== undefined ? { ratePerSec: rate } : {}),
      overrides: {
        ...(priorityAsked !== undefined ? { priority: priorityAsked } : {}),
        ...(correlationAsked !== undefined ? { correlationId: correlationAsked } : {}),
      },
    });
    if (!reply.ok) return setMessage(reply.error.message);
    // The last paced redrive's line gives way to this one's result.
    if (progress) setDismissed(progress.startedUs);
    if (reply.command === 'redrive' && reply.progress) {
      // Paced: its line below the bar follows it from the snapshots.
      setStarted(reply.progress);
      setMessage(null);
      setPicked(new Set());
      return;
    }
    const r = reply.command === 'redrive' ? reply.redrive : null;
    // Picked letters the queue no longer holds (evicted since the list was loaded) are named,
    // rather than left as an unexplained "Redrove 0".
    const gone = r && selectedOnly ? picked.size - r.selected : 0;
    setMessage(
      r && gone > 0 && r.selected === 0
        ? // "Redrove none of 0" beside 3 picked said nothing of what happened to them.
          `Redrove none: ${picked.size === 1 ? 'the letter' : `the ${formatCount(picked.size)} letters`} picked ${picked.size === 1 ? 'was' : 'were'} pushed out of the full dead-letter queue before the redrive (while it overflows, each new letter pushes the oldest out). Redrive all matching takes the letters held at that moment, or stop the traffic first.`
        : r
          ? `Redrove ${r.redriven > 0 ? '' : 'none of '}${formatCount(r.selected)}: ${formatCount(r.redriven)} accepted, ${formatCount(r.failedAgain)} failed again${r.failedAgain > 0 ? ` (${formatCounts(r.failedByStatus)})` : ''}${r.refusedCrossTenant > 0 ? `, ${formatCount(r.refusedCrossTenant)} refused (cross-tenant)` : ''}.` +
            (r.refusedNotRouted > 0
              ? ` ${formatCount(r.refusedNotRouted)} refused: their type is routed to another kernel, whose payloads ${target}'s handler does not read (they stay held; route the type to ${target} first, or redrive to original).`
              : '') +
            (r.evicted > 0
              ? ` ${formatCount(r.evicted)} queued messages were evicted by dropOldest to take them (new dead letters).`
              : '') +
            (!selectedOnly && r.remaining > 0
              ? ` ${formatCount(r.remaining)} matching still held right after it.`
              : '') +
            // The traffic goes on into the queue they filled: "1,177 matching still held" stood
            // beside 1,401 held, the other 224 the generator's own, refused meanwhile.
            ((r.failedByStatus.QueueFull ?? 0) > 0 &&
            workbenchStore().getState().snapshot?.generator.running
              ? ' The traffic meanwhile meets the queue they filled: what it refuses joins the letters held.'
              : '') +
            (gone > 0
              ? ` ${formatCount(gone)} of the ${formatCount(picked.size)} selected were no longer held (evicted from the full dead-letter queue since the list was loaded).`
              : '') +
            // Sent all at once into a queue without room for them: say how not to. Only then: a
            // pace does nothing for letters whose kernel is gone (it had been advised for them).
            ((r.failedByStatus.QueueFull ?? 0) > 0 || r.evicted > 0
              ? ' Under Options, a pace redrives them as the kernel drains, filling its queue to half at most.'
              : '') +
            failedAgainHints(r.failedByStatus)
          : 'Redriven.',
    );
    // Letters it refused stay held under their ids: they stay picked, for a redrive to their
    // original kernel (QA: "2 refused … they stay held" beside "Redrive selected (0)"). The list
    // reloaded drops the picks of letters no longer held.
    if (!(r && r.refusedNotRouted + r.refusedCrossTenant > 0)) setPicked(new Set());
    refresh();
    landFocus();
  }

  return (
    <div className="dead-letters">
      <div className="panel-bar">
        <FilterSelect
          label="Filter dead letters by reason"
          all="all reasons"
          options={DEAD_LETTER_REASONS}
          value={reason}
          onChange={setReason}
        />
        <FilterSelect
          label="Filter dead letters by destination"
          all="all destinations"
          options={kernelIds}
          value={dest}
          onChange={setDest}
        />
        {/* The count after the filters: before them, its growth under an overflow ("0 held" to
            "10,000 held (full) (14,986 evicted)") moved both filters 200 px while they were used. */}
        <strong data-testid="dead-letter-count" className={stale.className} title={stale.title}>
          {/* With a filter set, how many of them match: "3,976 held" alone had stood beside "No
              dead letter matches these filters" and "Redrive all matching (0)". */}
          {reason || dest ? (
            <span data-testid="dead-letters-matching">
              {/* The listing's total comes a reply after the snapshot's count: `matching`. */}
              {formatCount(matching)} of{' '}
            </span>
          ) : null}
          {formatCount(count)}
          {/* The noun goes in a narrow pane (the tab says "Dead letters"), making room for Purge. */}
          <span className="dl-noun"> {count === 1 ? 'dead letter' : 'dead letters'}</span> held
          {/* At its bound, said: "10,000 held" read as a count that happened to be round, while
              each new letter pushed the oldest out. */}
          {count >= capacity ? (
            <span
              className="dl-full"
              data-testid="dead-letters-full"
              title={`The dead-letter queue holds at most ${formatCount(capacity)} letters: while it is full, each new letter pushes the oldest out (counted as evicted, not kept). Redrive or purge to make room.`}
            >
              {' '}
              (full)
            </span>
          ) : null}
        </strong>
        {evicted ? (
          <span
            className="muted"
            title={`${formatCount(evicted)}: the oldest letters, pushed out of the bounded dead-letter queue to make room for newer ones`}
          >
            {/* From a million, compact ("8.88 M"), never wider than "999,999": "(8,884,647
                evicted)" wrapped Purge onto a line of its own at 1280x720, and everything below
                moved 34 px while it was aimed at. */}
            ({evicted >= 1_000_000 ? formatCompact(evicted) : formatCount(evicted)} evicted)
          </span>
        ) : null}
        <button
          type="button"
          className="push-end"
          disabled={total === 0}
          // Every letter that matches, asked of the engine: the list's 500 alone had gone into
          // the file, with 2,243 held and nothing saying the file was partial.
          title={`All ${countOf(total, 'letter')} held${reason || dest ? ' that match the filter' : ''}, oldest first, as JSON (not only those listed)`}
          onClick={async () => {
            const reply = await engine.request({
              type: 'listDeadLetters',
              filter: filter(),
              limit: Number.MAX_SAFE_INTEGER,
            });
            if (!reply.ok || reply.command !== 'listDeadLetters') return;
            downloadText(
              'dead-letters.json',
              JSON.stringify(
                reply.deadLetters.rows.map((r) => ({
                  ...r,
                  typeId: String(r.typeId),
                  payload: toHex(r.payload),
                })),
                null,
                2,
              ),
              'application/json',
            );
          }}
        >
          Export
        </button>
        {/* "Purge…" alone on screen, its name says what it purges: the count made the line wrap
            in a half-width pane at 1280x720. */}
        <ConfirmButton
          label={purgeLabel}
          title={purgeLabel}
          disabled={purgeCount === 0}
          heading="Purge dead letters"
          description={
            <>
              {purgeSelected
                ? `Delete the ${countOf(purgeCount, 'selected letter')} for good?`
                : `Delete all ${countOf(purgeCount, 'letter')} matching ${reason || 'any reason'} and ${dest || 'any destination'} for good?`}{' '}
              They cannot be redriven afterwards; the status bar counts them as Purged.
            </>
          }
          confirm={`Purge ${formatCount(purgeCount)}`}
          danger
          onConfirm={() => void purge()}
        >
          Purge…
        </ConfirmButton>
      </div>
      {/* Redrive on a line of its own: the filters above say which letters "all matching" are. */}
      <div className="panel-bar dead-letters-redrive">
        <button
          type="button"
          disabled={picked.size === 0 || running}
          title={running ? BUSY_TITLE : undefined}
          onClick={() => void redrive(true)}
        >
          Redrive selected ({formatCount(picked.size)}){atRate}
        </button>
        <button
          type="button"
          className="redrive-all"
          disabled={matching === 0 || running}
          title={running ? BUSY_TITLE : undefined}
          onClick={() => void redrive(false)}
        >
          {limited
            ? `Redrive oldest ${formatCount(limit)} of ${formatCount(matching)}${atRate}`
            : atRate
              ? `Redrive all (${formatCount(matching)})${atRate}`
              : `Redrive all matching (${formatCount(matching)})`}
        </button>
        <select
          aria-label="Redrive target"
          title="Where redriven letters go"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
        >
          <option value="" title="each letter to its original destination">
            to original
          </option>
          {kernels.map((k) => (
            <option key={k.id} value={k.id}>
              to {k.id}
            </option>
          ))}
        </select>
        {/* How many, how fast, and header changes: a row of their own, on demand. Beside the
            buttons they wrapped the bar onto two lines in the half-width pane at 1280x720. */}
        <button
          type="button"
          aria-expanded={showOptions}
          aria-controls={optionsId}
          title="At most, pace, priority and correlation id of the redrive"
          onClick={() => setOptionsOpen(!showOptions)}
        >
          Options{optionsSet > 0 ? ` (${optionsSet})` : ''} {showOptions ? '▴' : '▾'}
        </button>
      </div>
      {/* Kept in the page while closed (hidden), so the button's aria-controls names it. */}
      {
        <div
          className="panel-bar dead-letters-redrive-options"
          id={optionsId}
          hidden={!showOptions}
        >
          <label>
            at most{' '}
            <input
              aria-label="Redrive at most"
              {...invalid(limitOk)}
              title="Redrive at most this many of the matching letters, the oldest first (a queueful at a time, say); empty redrives them all"
              placeholder="all"
              inputMode="numeric"
              value={atMost}
              onChange={(e) => setAtMost(e.target.value)}
              size={6}
            />
          </label>
          <label>
            pace{' '}
            <input
              aria-label="Redrive pace (letters per second)"
              {...invalid(rateOk)}
              title="Redrive this many letters a second, oldest first, filling no queue past half its capacity (above what a kernel takes, they wait for its room), so its queue takes them back without overflowing again; empty redrives them all at once"
              placeholder="at once"
              inputMode="decimal"
              value={pace}
              onChange={(e) => setPace(e.target.value)}
              size={6}
            />
            /s
          </label>
          <input
            aria-label="Redrive priority"
            {...invalid(priorityOk)}
            title="Priority to give redriven letters (0 to 255); empty keeps theirs"
            placeholder="priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value)}
            size={5}
          />
          <input
            aria-label="Redrive correlation id"
            {...invalid(correlationOk)}
            title="Correlation id to give redriven letters; empty keeps theirs"
            placeholder="corr. id"
            value={correlation}
            onChange={(e) => setCorrelation(e.target.value)}
            size={7}
          />
          {optionErrors.length > 0 ? (
            <span role="alert" className="error" id={optionsErrorId}>
              {optionErrors.join(' ')}
            </span>
          ) : null}
        </div>
      }
      {/* The notes in a box of their own, at most about five lines high: under overload at
          1280x720 the warnings and a redrive's result had pushed the list out of the pane (QA). */}
      <NotesBox>
        {notRouted ? (
          <p className="muted" data-testid="redrive-not-routed">
            ⚠ The {picked.size > 0 ? 'selected ' : ''}letters&apos; types are routed to other
            kernels: sent to {target}, whose handler reads another payload, they would be refused
            and stay held. Route their type to {target} first, or redrive to original.
          </p>
        ) : null}
        {shortfall && paceLoses ? (
          // Paced, most letters would be pushed out before their turn: the pace is no way out
          // here, and one note, not two, keeps the list in view at 1280x720.
          <p className="muted" data-testid="redrive-room">
            ⚠ {shortfallWords(shortfall, picked.size > 0, refused, false)} {pushedOut}
          </p>
        ) : shortfall ? (
          <p className="muted" data-testid="redrive-room">
            ⚠ {shortfallWords(shortfall, picked.size > 0, refused)}{' '}
            {/* The full stop stays with its link: it wrapped onto a line of its own. Two lines, not
              three, in a half-width pane at 1280x720: the table had two rows in view under it. */}
            <span className="keep-together">
              <button
                type="button"
                className="btn-link"
                title="Options sets another pace"
                onClick={() => void redrive(picked.size > 0, suggestedPace)}
              >
                redrive {sentByLink} at {formatCount(suggestedPace)}/s
              </button>
              .
            </span>
          </p>
        ) : null}
        {pushedOut && !paceLoses ? (
          <p className="muted" data-testid="redrive-pushed-out">
            ⚠ {pushedOut}
          </p>
        ) : null}
        {shown ? (
          // Announced when it stops, not at each snapshot while it runs.
          <p
            className="panel-bar"
            aria-live={running ? 'off' : 'polite'}
            data-testid="redrive-progress"
          >
            <span>{describeProgress(shown)}</span>
            {running ? (
              <button
                type="button"
                onClick={() => void engine.request({ type: 'cancelRedrive' }).then(refresh)}
              >
                Cancel redrive
              </button>
            ) : (
              <button
                type="button"
                className="icon-btn"
                aria-label="Dismiss the redrive's line"
                onClick={() => setDismissed(shown.startedUs)}
              >
                ✕
              </button>
            )}
          </p>
        ) : null}
        {message ? (
          // Dismissed by hand, as the paced run's line is: it had stayed for minutes beside
          // thousands of letters held since, and took the room the list needs at 1280x720 (QA).
          <div className="panel-bar said-line">
            <p role="status" ref={statusLine} tabIndex={-1}>
              {message}
            </p>
            <button
              type="button"
              className="icon-btn"
              aria-label="Dismiss what the redrive or purge said"
              onClick={(e) => {
                // To the list's stop (the row the arrow keys start from) where it lists letters,
                // the line's neighbour below; else the redrive bar's first control that works.
                const panel = e.currentTarget.closest('.dead-letters');
                setMessage(null);
                (
                  panel?.querySelector<HTMLElement>('.dead-letters-list [tabindex="0"]') ??
                  panel?.querySelector<HTMLElement>(
                    '.dead-letters-redrive :is(button, select):not(:disabled)',
                  )
                )?.focus();
              }}
            >
              ✕
            </button>
          </div>
        ) : null}
      </NotesBox>
      {/* The pointer holds the list over the note too: the note, coming in above the table,
          pushed the table from under a pointer that had just come onto it from above, which let
          the list go, the note go, and the table come back under the pointer held no more (QA). */}
      <div
        className="dead-letters-list"
        ref={listBox}
        onPointerEnter={() => setHovered(true)}
        onPointerLeave={() => setHovered(false)}
        onFocus={() => setFocusIn(true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget)) setFocusIn(false);
        }}
      >
        {behind.newer > 0 || behind.fewer > 0 ? (
          // Not a live region: its counts move ten times a second under traffic, and each change
          // was read out.
          <p className="muted" data-testid="dead-letters-held">
            List held while you{' '}
            {picked.size > 0 ? 'pick' : focusIn && !hovered ? 'work in it' : 'point at it'}:{' '}
            {[
              behind.newer > 0 ? countOf(behind.newer, 'newer letter') : '',
              behind.fewer > 0 ? `${countOf(behind.fewer, 'letter')} fewer held` : '',
            ]
              .filter(Boolean)
              .join(' and ')}{' '}
            since it was loaded{behind.fewer > 0 ? ' (redriven or purged)' : ''}.{' '}
            <button type="button" className="btn-link" onClick={refresh}>
              Show the letters held now
            </button>
          </p>
        ) : null}
        <DeadLetterTable
          rows={rows}
          picked={picked}
          onPick={setPicked}
          nowS={nowS}
          types={types}
          reasonTitles={REASON_TITLES}
          openTrace={openTrace}
        />
      </div>
      {rows.length === 0 ? (
        // An empty table says why it is empty, as Receipts does.
        <p className="muted" data-testid="dead-letters-empty">
          {count === 0 && evicted ? (
            `No dead letters held now. The ${formatCount(evicted)} counted as evicted were pushed out of the full dead-letter queue earlier, the oldest first, to make room for newer ones: counted, not kept.`
          ) : count === 0 ? (
            'No dead letters. A message lands here when its send fails (a full queue, no route, another tenant) or its kernel fails on it, with the reason: none is dropped without one.'
          ) : reason === '' && dest === '' ? (
            // Letters held and no filter: the list is on its way (it had read "No dead letter
            // matches these filters" beside "10,000 held" for a moment after a burst).
            `Loading the ${formatCount(count)} letters held…`
          ) : reason === 'QueueFull' ? (
            <>
              No dead letter matches these filters. A full queue whose policy is reject holds what
              it refused as Rejected, though the receipts say QueueFull:{' '}
              {/* One click to what was asked for: the words alone left the user to find
                        the other reason in the list. */}
              <button type="button" className="btn-link" onClick={() => setReason('Rejected')}>
                show Rejected
              </button>
              .
            </>
          ) : (
            'No dead letter matches these filters.'
          )}
        </p>
      ) : null}
      {total > rows.length ? (
        <p className="muted">
          Showing {formatCount(rows.length)} of {formatCount(total)}.
        </p>
      ) : null}
    </div>
  );
}

/**
 * An optional whole-number field as typed: undefined when empty, NaN when not a whole number in
 * `[lo, hi]` (the Inject panel's `whole` check).
 */
function optionalWhole(text: string, lo: number, hi = Number.MAX_SAFE_INTEGER): number | undefined {
  return text.trim() === '' ? undefined : whole(text, lo, hi);
}

const AT_MOST_ERROR = 'At most: a whole number of letters, 1 or more; empty redrives them all.';
const PACE_ERROR =
  'Pace: a whole number of letters per second, 1 or more; empty redrives them all at once.';
const PRIORITY_ERROR = 'Priority is a u8 (0 to 255).';
const CORRELATION_ERROR = 'Correlation id must be a whole number.';

/** Why the redrive buttons are off: one paced redrive at a time, as the engine has it. */
const BUSY_TITLE =
  'A paced redrive is running (the line below): cancel it, or let it finish, first';

/** What to do about letters that failed again where there is a fix: NotFound and NoRoute. */
function failedAgainHints(by: Partial<Record<string, number>>): string {
  return (
    (by.NotFound
      ? ` ${formatCount(by.NotFound)} failed as NotFound: the kernel they were for is gone; choose a Redrive target, or add the kernel back.`
      : '') +
    (by.NoRoute
      ? ` ${formatCount(by.NoRoute)} failed as NoRoute: their type is routed nowhere; route it, then redrive.`
      : '')
  );
}

/** A paced redrive's line: how far it got, and how that went. */
export function describeProgress(p: RedriveProgress): string {
  const head = {
    running: 'Redriving',
    done: 'Redrove',
    cancelled: 'Cancelled a redrive after',
    failed: 'Stopped a redrive after',
  }[p.state];
  const refused = p.refusedCrossTenant + p.refusedNotRouted;
  // Its letters that left the queue while it ran: pushed out of the full queue, or purged. Said
  // while it runs too: under an ongoing overflow its letters go as it sends them.
  const gone = p.total - p.sent - refused - p.remaining;
  return (
    `${head} ${formatCount(p.sent)} of ${formatCount(p.total)} at ${formatCount(p.ratePerSec)}/s: ` +
    // Why they failed again, as the redrive at once says: "2,000 failed again" alone left the
    // user to find 2,000 NoRoute letters that no pace could help.
    `${formatCount(p.redriven)} accepted, ${formatCount(p.failedAgain)} failed again` +
    (p.failedAgain > 0 && formatCounts(p.failedByStatus)
      ? ` (${formatCounts(p.failedByStatus)})`
      : '') +
    // Why, as the redrive at once says: "2,242 refused (they stay held)" alone gave no reason
    // and no fix.
    (p.refusedNotRouted > 0
      ? `, ${formatCount(p.refusedNotRouted)} refused: their type is routed to another kernel, whose payloads the target's handler does not read (they stay held; route the type there first, or redrive to original)`
      : '') +
    (p.refusedCrossTenant > 0
      ? `, ${formatCount(p.refusedCrossTenant)} refused: the target is of another tenant (they stay held)`
      : '') +
    // Accepted, then a letter again: evicted by the traffic behind them, say. "10,000 accepted,
    // 0 failed again" had stood with 246 of them back among the letters.
    (p.failedLater > 0
      ? `, ${formatCount(p.failedLater)} of those accepted failed later (evicted from their queue or failed in their kernel: dead letters again)`
      : '') +
    (p.evicted > 0 ? `, ${formatCount(p.evicted)} queued messages evicted to take them` : '') +
    '.' +
    (p.state === 'running' && p.waitingForRoom !== null
      ? ` Waiting for room in ${p.waitingForRoom}'s queue (it fills a queue to half its capacity at most).`
      : '') +
    (p.state !== 'running' && p.remaining > 0
      ? ` ${formatCount(p.remaining)} of its letters still held.`
      : '') +
    (gone > 0
      ? ` ${formatCount(gone)} of its letters left the dead-letter queue meanwhile (pushed out of the full queue, or purged).`
      : '') +
    failedAgainHints(p.failedByStatus) +
    (p.error ? ` ${p.error}` : '')
  );
}

/** How long a reading of letters arriving holds (whole seconds of engine time). */
const ARRIVING_HOLD_S = 3;

/**
 * The highest `value` read in each of the last `holdS` whole seconds of engine time (`nowS`), and
 * now: a lump of letters, then none, then another, reads as the lumps' rate throughout. Kept in
 * state, set while rendering when the second or its highest reading changes (React's way to keep
 * what earlier renders saw); a clock that went back (a new engine after a restart) starts over.
 */
function useHeldMax(value: number, nowS: number, holdS: number): number {
  const [seconds, setSeconds] = useState<readonly { s: number; v: number }[]>([]);
  const kept = seconds.filter((e) => e.s <= nowS && nowS - e.s <= holdS);
  const here = kept.find((e) => e.s === nowS);
  if (!here || value > here.v)
    setSeconds([...kept.filter((e) => e.s !== nowS), { s: nowS, v: value }]);
  else if (kept.length !== seconds.length) setSeconds(kept);
  return kept.reduce((most, e) => Math.max(most, e.v), value);
}

/**
 * The panel's notes, scrolled within a box of at most about five lines (`live.css`): a tab stop,
 * a named region, only while they overflow it, so the keyboard scrolls them too.
 */
function NotesBox({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  // Focused, it stays a tab stop however its notes change: losing its tabindex under the focus
  // would drop the focus to the page (a review).
  const [focused, setFocused] = useState(false);
  // Checked when the box is resized or its notes change (not at every render: each snapshot
  // renders the panel, and reading the layout then would force it).
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const check = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    check();
    const ro = new ResizeObserver(check);
    ro.observe(el);
    const mo = new MutationObserver(check);
    mo.observe(el, { childList: true, subtree: true, characterData: true });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, []);
  return (
    <div
      ref={box}
      className="dead-letters-notes"
      data-testid="dead-letters-notes"
      onFocus={(e) => setFocused(e.target === e.currentTarget)}
      onBlur={() => setFocused(false)}
      {...(overflows || focused
        ? { tabIndex: 0, role: 'region', 'aria-label': 'Dead-letter notes (scroll for more)' }
        : {})}
    >
      {children}
    </div>
  );
}
