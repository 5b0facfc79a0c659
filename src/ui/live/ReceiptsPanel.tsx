import {
  useCallback,
  useEffect,
  useEffectEvent,
  useLayoutEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import {
  RECEIPT_STATUSES,
  type ReceiptFilter,
  type ReceiptRow,
  type ReceiptStatus,
} from '../../engine/protocol';
import {
  RECEIPT_LOG_CAPACITY,
  RECEIPT_LOG_KEPT_FAILURES,
  receiptsToCsv,
  receiptsToJson,
} from '../../state/receiptLog';
import { ReceiptCounts } from './ReceiptCounts';
import { decodePayload, formatF32, layoutOf, toHex } from '../../engine/payload';
import { useLive, useStale } from '../../state/live';
import { useWorkbench } from '../../state/store';
import { findType, type U64Json } from '../../state/edits';
import { downloadText } from './download';
import { useOpenTrace } from '../analysis/traceHighlight';
import { FilterSelect } from '../design/FilterSelect';
import { useEngine } from '../engineContext';
import { countOf, formatClock, formatCount, formatMicros, routeText } from '../design/format';
import { formatHlc, formatHlcTime, lostText, typeLabel } from './labels';
import { RECEIPT_ROW_HEIGHT, useReceiptLayout } from './receiptLayout';
import { rowForKey } from './rowKeys';
import { resolveKernelFilter, resolveTypeFilter, type Resolved } from './receiptFilters';

/** Rows the list renders beyond those in view (see the virtualizer below). */
const RECEIPT_OVERSCAN = 4;

/** Space between the receipts' header and what an empty list says under it (px). */
const EMPTY_GAP = 18;

/**
 * The status filter's one choice that is no receipt status: Delivered, then evicted from its
 * queue (`ReceiptRow.thenLost`). The 5,904 a burst into a dropOldest queue lost were found only by
 * scrolling, counted among "Delivered 10,000".
 */
const EVICTED = 'evicted';
const STATUS_CHOICES = [...RECEIPT_STATUSES, EVICTED] as const;
type StatusChoice = (typeof STATUS_CHOICES)[number];

/**
 * The filter as the engine applies it (exact type ids and kernel names: what the boxes resolve
 * to), or null for none. A box that matches nothing is left out: the list shows no row then, and
 * says why.
 */
function engineFilter(
  status: string,
  type: Resolved<U64Json>,
  kernel: Resolved<string>,
): ReceiptFilter | null {
  const f: ReceiptFilter = {
    // Evicted receipts are Delivered ones: the engine captures those first.
    ...(status ? { statuses: [(status === EVICTED ? 'Delivered' : status) as ReceiptStatus] } : {}),
    ...(type.kind === 'match' ? { typeIds: type.values } : {}),
    ...(kernel.kind === 'match' ? { kernels: kernel.values } : {}),
  };
  return Object.keys(f).length ? f : null;
}

/** A receipt with no destination (NoRoute): "host →" had ended at the arrow. */

export function ReceiptsPanel() {
  const engine = useEngine();
  // Moves when a snapshot is shown (at most every 100 ms) or the tail is paused or cleared: the
  // counts and rows read the moment the status bar and the graph read.
  const version = useWorkbench((s) => s.receiptsVersion);
  const log = useWorkbench((s) => s.receiptLog);
  // Frozen: paused by the user (the button), or held while the list is read (below).
  const paused = useWorkbench((s) => s.receiptLog.paused());
  const pausedByUser = useWorkbench((s) => s.receiptsPausedByUser);
  const clearReceipts = useWorkbench((s) => s.clearReceipts);
  const setPaused = useWorkbench((s) => s.setReceiptsPaused);
  const setHeld = useWorkbench((s) => s.setReceiptsHeld);
  const types = useWorkbench((s) => s.config.messageTypes);
  const kernels = useWorkbench((s) => s.config.kernels);
  const kernelListId = useId();
  const typeListId = useId();
  const stale = useStale();
  const resetAt = useLive((s) => s?.accounting.sinceUs ?? null);
  const [status, setStatus] = useState<StatusChoice | ''>('');
  const [type, setType] = useState('');
  const [kernel, setKernel] = useState('');
  const [selected, setSelected] = useState<ReceiptRow | null>(null);
  // The row the list's one tab stop is on (a roving tabindex): the row object, not its place,
  // since new receipts arrive at the top and push it down while it has focus.
  const [active, setActive] = useState<ReceiptRow | null>(null);

  // The engine gives the receipts the filter selects its row budget first, so a rare status
  // (QueueFull among millions delivered) is captured row by row instead of being sampled out; the
  // others are still captured while half the budget is left, so clearing the filter shows them.
  // The filter goes back to "everything" when the panel closes.
  const typeMatch = useMemo(() => resolveTypeFilter(type, types), [type, types]);
  const kernelMatch = useMemo(() => resolveKernelFilter(kernel, kernels), [kernel, kernels]);
  const filterError =
    typeMatch.kind === 'error'
      ? typeMatch.words
      : kernelMatch.kind === 'error'
        ? kernelMatch.words
        : null;
  const filterErrorId = useId();
  const filter = engineFilter(status, typeMatch, kernelMatch);
  const filterKey = JSON.stringify(filter);
  const unfiltered = filter === null;
  useEffect(() => {
    engine.send({
      type: 'setReceiptFilter',
      filter: JSON.parse(filterKey) as ReceiptFilter | null,
    });
    return () => engine.send({ type: 'setReceiptFilter', filter: null });
  }, [engine, filterKey]);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- the log is read when its version moves.
  const rows = useMemo(() => log.rows(), [log, version, paused]);
  // The header's counts come from the snapshot the rows came with (the log's, not the live view's,
  // which runs up to 100 ms behind): the total, the status chips and "rows shown" agree.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- as above.
  const engineCounts = useMemo(() => log.engineCounts(), [log, version]);
  // Held since the pause, from the same snapshot: read at every change of the store, it ran ahead
  // of the total ("3,780 receipts" beside "2,049 rows shown" and "1,979 new receipts held").
  // eslint-disable-next-line react-hooks/exhaustive-deps -- as above.
  const buffered = useMemo(() => log.bufferedSincePause(), [log, version, paused]);
  const { total, byStatus: counts, sampledOut, pending, failedLater } = engineCounts;
  // Exactly the engine's matching, so rows captured under the filter are all shown. With no
  // filter (`engineFilter` gave null) the rows are shown as they are: no pass over 20,000 rows
  // 10 times a second.
  const filtered = useMemo(() => {
    if (filterError !== null) return [];
    if (unfiltered) return rows;
    const typeIds =
      typeMatch.kind === 'match' ? new Set(typeMatch.values.map((v) => String(v))) : null;
    const names = kernelMatch.kind === 'match' ? new Set(kernelMatch.values) : null;
    return rows.filter(
      (r) =>
        (!status || (status === EVICTED ? r.thenLost === 'DroppedOldest' : r.status === status)) &&
        (!typeIds || typeIds.has(String(r.typeId))) &&
        (!names || names.has(r.source) || (r.destination !== null && names.has(r.destination))),
    );
  }, [rows, unfiltered, status, typeMatch, kernelMatch, filterError]);
  // While the list is being read it holds still, as a Kafka UI's live tail does: the pointer or
  // focus in it, scrolled down from the newest, or a receipt's detail open. New rows arriving at
  // the top moved every row under the pointer ten times a second (a click opened a receipt
  // hundreds of ids newer than the one aimed at), and scrolled down, the rows in view were
  // 1,600 ids newer a second later. They show when the reading ends.
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const [scrolledDown, setScrolledDown] = useState(false);
  // (Nothing to read, nothing to hold: an empty list lets rows in as they come.)
  const holding =
    filtered.length > 0 && (pointerIn || focusIn || scrolledDown || selected !== null);
  // The rows on screen when the hold starts are the ones kept (`rows` as this render shows them).
  const hold = useEffectEvent((held: boolean) => setHeld(held, rows));
  useEffect(() => hold(holding), [holding]);
  useEffect(() => () => setHeld(false), [setHeld]);
  // Held only because the pointer is over the rows: no band and no line under them. The band
  // appearing under a moving pointer covered the row it was about to click.
  const quietHold =
    paused && !pausedByUser && pointerIn && !focusIn && !scrolledDown && selected === null;
  const parentRef = useRef<HTMLDivElement>(null);
  const pauseRef = useRef<HTMLButtonElement>(null);
  const layout = useReceiptLayout(parentRef);
  const rowHeight = RECEIPT_ROW_HEIGHT[layout];
  // The list shows the newest row first: its place `i` (0 at the top) is counted from the end.
  // `lastIndexOf` looks from the end too, where the active row usually is.
  const rowAt = (i: number): ReceiptRow | undefined => filtered[filtered.length - 1 - i];
  const found = active ? filtered.lastIndexOf(active) : -1;
  // The tab stop: the active row, or the newest while there is none (or it has left the list).
  const tabStop = found < 0 ? 0 : filtered.length - 1 - found;
  const keep = useRef(tabStop);
  useLayoutEffect(() => {
    keep.current = tabStop;
  });
  // The tab stop is always rendered, however far the list is scrolled from it: the list then
  // always has its tab stop, and a focused row is not unmounted (focus falling to the page) when
  // the wheel or new receipts take it out of view.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const shown = defaultRangeExtractor(range);
      if (tabStop >= range.count || shown.includes(tabStop)) return shown;
      return [...shown, tabStop].sort((a, b) => a - b);
    },
    [tabStop],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the list engine.
  const virtual = useVirtualizer({
    count: filtered.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => rowHeight,
    // Rows beyond those in view. Every row rendered takes the newest receipts' text at each view
    // update (10 a second), seen or not, and is laid out and painted: with 12, at 10 M/s asked,
    // the page's thread spent 10-20 % more (layout 15 %, paint 25 %; CPU time from a Chromium
    // trace, 1280x720). While it updates the list is at its top, and scrolled it holds still.
    overscan: RECEIPT_OVERSCAN,
    rangeExtractor,
    // The rows start under the header row, which stays over the top of the list (sticky): a row
    // scrolled to from below lands under it, not behind it.
    scrollMargin: rowHeight,
    scrollPaddingStart: rowHeight,
  });
  // A new row height (the pane was resized across a layout, or the detail opened or closed beside
  // the list) places every row again; the focused row is brought back into view at its new place.
  useEffect(() => {
    virtual.measure();
    if (parentRef.current?.contains(document.activeElement)) virtual.scrollToIndex(keep.current);
  }, [virtual, rowHeight]);

  /** Where focus goes once the next render has put it there: the active row, or the detail. */
  const focusNext = useRef<'row' | 'detail' | null>(null);
  const detailTitle = useRef<HTMLHeadingElement>(null);
  // After the render (the active row is always rendered, see `rangeExtractor`): focus follows the
  // keys, opens into the detail and comes back from it. Only while focus is nowhere else: a click
  // elsewhere in between wins.
  useLayoutEffect(() => {
    const to = focusNext.current;
    if (!to) return;
    focusNext.current = null;
    const here = document.activeElement;
    const list = parentRef.current;
    if (here && here !== document.body && !list?.contains(here) && to === 'row') return;
    const el =
      to === 'detail'
        ? detailTitle.current
        : list?.querySelector<HTMLElement>(`[data-index="${tabStop}"]`);
    el?.focus({ preventScroll: to === 'row' });
  });

  /** Makes row `i` the active one: in view, with focus once it is rendered. */
  const moveTo = (i: number) => {
    const row = rowAt(i);
    if (!row) return;
    setActive(row);
    focusNext.current = 'row';
    virtual.scrollToIndex(i);
  };
  const onRowKey = (e: KeyboardEvent, i: number, row: ReceiptRow) => {
    if (e.altKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setActive(row);
      setSelected(row);
      focusNext.current = 'detail';
      return;
    }
    // A detail opened with the pointer leaves focus on its row: Escape there closes it too (it
    // had closed only from inside the detail, so one clicked open stayed open).
    if (e.key === 'Escape' && selected !== null) {
      e.preventDefault();
      setSelected(null);
      return;
    }
    const list = parentRef.current;
    // A page: the rows the list shows at once under its header.
    const page = Math.max(1, Math.floor(((list?.clientHeight ?? 0) - rowHeight) / rowHeight));
    const to = rowForKey(e.key, i, filtered.length, page);
    if (to === null) return;
    // Not the browser's own scrolling by a few pixels: the list moves to the row.
    e.preventDefault();
    moveTo(to);
  };
  /**
   * The detail closes. From the keyboard, focus goes back to the row it was opened from, and the
   * list stays held while it is there (rows let in meanwhile had moved that row far down, and the
   * list followed it). Closed with the pointer, the hold ends and the newest rows come in.
   */
  const closeDetail = (from: ReceiptRow, hadFocus: boolean, viaKeyboard: boolean) => {
    setSelected(null);
    if (!hadFocus || !viaKeyboard) return;
    setFocusIn(true);
    const at = filtered.lastIndexOf(from);
    if (at < 0) {
      // Its row has left the list (evicted, or filtered out): the list's tab stop instead.
      focusNext.current = 'row';
      return;
    }
    moveTo(filtered.length - 1 - at);
  };

  return (
    <div className="receipts">
      <ReceiptCounts
        total={total}
        byStatus={counts}
        failedLater={failedLater}
        shown={filtered.length}
        sampledOut={sampledOut}
        // Captured, and gone from the list since (it keeps the newest rows; Clear empties it): with
        // them, the line adds up to the total. Unknowable under a filter (rows captured outside it
        // are kept, not shown).
        // Not those whose row is still to come (their message queued): a burst into a slow
        // kernel had read "0 rows shown (5,000 older)".
        older={Math.max(0, total - sampledOut - pending - rows.length - buffered)}
        // Under a filter, the rows captured that it hides: with them the line still adds up
        // ("3,979 rows shown (719 K not captured)" under 742 K had left 18,369 nowhere).
        filteredOut={rows.length - filtered.length}
        pending={pending}
        held={buffered}
        stale={stale}
        picked={status}
        onPick={setStatus}
      />
      <div className="panel-bar receipts-controls">
        <FilterSelect
          label="Filter by status"
          all="all statuses"
          options={STATUS_CHOICES}
          value={status}
          onChange={setStatus}
        />
        <input
          aria-label="Filter by type"
          placeholder="type"
          list={typeListId}
          title={
            typeMatch.kind === 'match'
              ? `Receipts of ${typeMatch.words}`
              : "A type's id, or its name or a part of it (fraud: FraudAlert)"
          }
          value={type}
          onChange={(e) => setType(e.target.value)}
          size={5}
          {...(typeMatch.kind === 'error'
            ? { 'aria-invalid': true, 'aria-describedby': filterErrorId }
            : {})}
        />
        {/* A kernel's name or a part of it: the engine matches whole names, and "alert" had
            matched nothing, with no hint of why. */}
        <input
          aria-label="Filter by kernel"
          placeholder="kernel"
          list={kernelListId}
          title={
            kernelMatch.kind === 'match'
              ? `Receipts from or to ${kernelMatch.words}`
              : "A kernel's name or a part of it (or host): receipts from or to it"
          }
          value={kernel}
          onChange={(e) => setKernel(e.target.value)}
          size={5}
          {...(kernelMatch.kind === 'error' && typeMatch.kind !== 'error'
            ? { 'aria-invalid': true, 'aria-describedby': filterErrorId }
            : {})}
        />
        {/* As wide paused as running: the count held back shows over the list, not in here. */}
        <button
          type="button"
          ref={pauseRef}
          // Its words say what it does (Pause, Resume), so no pressed state: "Resume, toggle
          // button, pressed" contradicted itself to a screen reader. Tinted while paused.
          className={`push-end receipts-pause${pausedByUser ? ' is-on' : ''}`}
          onClick={() => setPaused(!pausedByUser, rows)}
        >
          <span>{pausedByUser ? 'Resume' : 'Pause'}</span>
        </button>
        <button
          type="button"
          onClick={clearReceipts}
          title="Empties the list below; the counts above are the engine's, since its counters were last reset (Metrics: Reset counters)"
        >
          Clear
        </button>
        {/* "Export" once for both formats: as two "Export …" buttons the bar took three lines
            of a third-width pane (1280x720), leaving the list one receipt. */}
        <span role="group" aria-label="Export the rows shown" className="receipts-export">
          <span aria-hidden="true">Export</span>
          <button
            type="button"
            aria-label="Export JSON"
            title={`The ${formatCount(filtered.length)} rows shown, as receipts.json, oldest first (the list shows the newest first)`}
            onClick={() =>
              downloadText('receipts.json', receiptsToJson(filtered), 'application/json')
            }
          >
            JSON
          </button>
          <button
            type="button"
            aria-label="Export CSV"
            title={`The ${formatCount(filtered.length)} rows shown, as receipts.csv, oldest first (the list shows the newest first)`}
            onClick={() => downloadText('receipts.csv', receiptsToCsv(filtered), 'text/csv')}
          >
            CSV
          </button>
        </span>
      </div>
      {/* Outside the bar, whose children are its line's items. */}
      <datalist id={typeListId}>
        {types.map((t) => (
          <option key={String(t.typeId)} value={t.name}>
            {String(t.typeId)}
          </option>
        ))}
      </datalist>
      <datalist id={kernelListId}>
        {kernels.map((k) => (
          <option key={k.id} value={k.id} />
        ))}
        <option value="host" />
      </datalist>
      <div className="receipts-body">
        <div className="receipt-list-box">
          <div
            className={`receipt-list${paused && !quietHold ? ' held' : ''}`}
            data-held={paused ? (pausedByUser ? 'paused' : 'reading') : undefined}
            ref={parentRef}
            // Moved over, not merely under a resting pointer as the layout changed around it.
            onPointerMove={() => {
              if (!pointerIn) setPointerIn(true);
            }}
            onPointerLeave={() => setPointerIn(false)}
            // Keyboard focus only: a click focuses the row too, and the band appearing between
            // the press and the release took the click's place.
            onFocus={(e) => {
              if (e.target.matches(':focus-visible')) setFocusIn(true);
            }}
            onBlur={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false);
            }}
            onScroll={(e) => setScrolledDown(e.currentTarget.scrollTop > rowHeight / 2)}
            role="table"
            aria-label="Receipts"
            aria-rowcount={filtered.length + 1}
            data-testid="receipt-list"
            data-layout={layout}
          >
            <div role="row" className="receipt-row head" style={{ height: rowHeight }}>
              <span
                role="columnheader"
                className="rc-hlc"
                title={
                  layout === 'wide'
                    ? 'hybrid logical clock: time of day · logical counter'
                    : 'hybrid logical clock: minutes and seconds of the hour (the hour is on hover) · logical counter'
                }
              >
                {/* Where the hour is hidden, the header says so: "14:07.583950" under "HLC time"
                    read as 14:07, not as 13:14:07. */}
                {layout === 'wide' ? 'HLC time · logical' : 'HLC mm:ss · logical'}
              </span>
              <span role="columnheader" className="rc-id" aria-label="message id">
                <span className="label-full">message id</span>
                <span className="label-short">msg id</span>
              </span>
              <span role="columnheader" className="rc-type">
                type
              </span>
              <span role="columnheader" className="rc-route">
                source → destination
              </span>
              <span role="columnheader" className="rc-status">
                status
              </span>
              <span
                role="columnheader"
                className="rc-hops"
                title="K2K hops: how many times the broker forwarded this message to a next hop on its way (a K2K route). A message a kernel emits is a new message, sent directly: 0 hops; its step in the chain shows as its parent."
              >
                hops
              </span>
              <span
                role="columnheader"
                className="rc-latency"
                // Said, as Trace says it: under a generator the latency can exceed processed minus
                // injected HLC stamps by a millisecond, with nothing on screen saying why (QA).
                title="From the message's arrival (a generated message's time on the generator's schedule, or the send) to when its kernel took it. A tick's traffic is taken in together and shares an HLC stamp's time, so a generated message's injected stamp can be later than its arrival."
              >
                latency
              </span>
            </div>
            <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
              {virtual.getVirtualItems().map((v) => {
                const r = filtered[filtered.length - 1 - v.index];
                if (!r) return null;
                const label = typeLabel(types, r.typeId);
                const route = routeText(r.source, r.destination);
                const lost = r.thenLost ? lostText(r.thenLost, r.destination) : null;
                return (
                  <div
                    // By place, not by receipt: the rows in view take the newest receipts' text
                    // rather than being unmounted and mounted again at every snapshot.
                    key={v.index}
                    role="row"
                    aria-rowindex={v.index + 2}
                    data-index={v.index}
                    className={`receipt-row st-${r.status}${selected === r ? ' selected' : ''}`}
                    style={{
                      position: 'absolute',
                      top: 0,
                      transform: `translateY(${v.start - rowHeight}px)`,
                      width: '100%',
                      height: rowHeight,
                    }}
                    onClick={() => setSelected(r)}
                    // One tab stop for the whole list; the arrow keys move it (onRowKey).
                    tabIndex={v.index === tabStop ? 0 : -1}
                    onFocus={() => setActive(r)}
                    aria-selected={selected === r}
                    onKeyDown={(e) => onRowKey(e, v.index, r)}
                    data-status={r.status}
                  >
                    {/* The hour goes first when narrow (the title keeps it), then the time is cut
                      from the left: the logical counter tells apart the rows of one burst,
                      which share the time. */}
                    <span role="cell" className="rc-hlc mono" title={formatHlc(r.hlc)}>
                      <HlcTime hlc={r.hlc} />
                      <span className="hlc-logical"> · {r.hlc.logical}</span>
                    </span>
                    <span role="cell" className="rc-id mono">
                      {r.messageId}
                    </span>
                    <span role="cell" className="rc-type" title={label}>
                      {label}
                    </span>
                    <span role="cell" className="rc-route" title={route}>
                      {route}
                    </span>
                    <span
                      role="cell"
                      className={lost ? 'rc-status st-failed-later' : 'rc-status'}
                      title={lost ? lost.long : r.status}
                    >
                      {lost ? lost.short : r.status}
                    </span>
                    <span role="cell" className="rc-hops">
                      {r.hops}
                    </span>
                    {/* No latency: a dash, why on hover (an empty cell beside "→ host" said
                        nothing). */}
                    <span
                      role="cell"
                      className="rc-latency"
                      {...(r.latencyUs === null ? { title: latencyText(r) } : {})}
                    >
                      {r.latencyUs === null ? '—' : formatMicros(r.latencyUs)}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
          {/* The hold said to a screen reader as it starts (emptied as it ends); the count beside it
              is not a live region: it moved ten times a second under traffic, each change read
              out (QA). */}
          <span className="sr-only" role="status" data-testid="receipts-hold-said">
            {paused && !quietHold
              ? `${pausedByUser ? 'Paused' : holdReason(selected !== null, scrolledDown)}: new receipts are held.`
              : ''}
          </span>
          {paused && !quietHold ? (
            // Under the list's rows, not over them: see `.receipt-list.held` in live.css.
            <p className="receipts-held" data-testid="receipts-held">
              {pausedByUser ? 'Paused' : holdReason(selected !== null, scrolledDown)}:{' '}
              {countOf(buffered, 'new receipt')}
              {pausedByUser ? ' held' : '.'}
              {!pausedByUser && scrolledDown && selected === null ? (
                <>
                  {' '}
                  <button
                    type="button"
                    className="btn-link"
                    onClick={(e) => {
                      // From the keyboard, focus goes to Pause (this button goes with the hold).
                      if (e.currentTarget.matches(':focus-visible')) pauseRef.current?.focus();
                      if (parentRef.current) parentRef.current.scrollTop = 0;
                    }}
                  >
                    Show newest
                  </button>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        {total === 0 && !pausedByUser && filterError === null ? (
          // An empty tail says how to fill it rather than leaving a blank pane on first open.
          // Under the header, whatever its height: at 40 px it was drawn over a three-line header
          // in a third of the dock.
          <p
            className="receipts-empty muted"
            data-testid="receipts-empty"
            style={{ top: rowHeight + EMPTY_GAP }}
          >
            {/* After Reset counters: "yet" beside thousands of dead letters still held from
                before read as if nothing had ever been sent. */}
            {resetAt === null
              ? 'No receipts yet.'
              : `No receipts since the counters were reset at ${formatClock(resetAt)}.`}{' '}
            Send traffic with <strong>▶ Start</strong> in the toolbar, <strong>Send one</strong> in
            Inject, or a message type&apos;s <strong>▶</strong> on the graph: every message gets a
            receipt here.
          </p>
        ) : null}
        {filterError !== null ? (
          // Said here, where the rows would be, and tied to its box: it had been a notice over
          // the graph, and the list had said to wait.
          <p
            className="receipts-empty error"
            id={filterErrorId}
            data-testid="receipts-filter-error"
            style={{ top: rowHeight + EMPTY_GAP }}
          >
            {filterError}
          </p>
        ) : total > 0 && filtered.length === 0 && (paused || !unfiltered) ? (
          // Receipts counted, none in the list: say why rather than show a blank pane.
          <p
            className="receipts-empty muted"
            data-testid="receipts-none-match"
            style={{ top: rowHeight + EMPTY_GAP }}
          >
            {paused && unfiltered
              ? `No rows in the paused list. The ${formatCount(buffered)} ${buffered === 1 ? 'receipt' : 'receipts'} held since the pause ${buffered === 1 ? 'shows' : 'show'} on Resume.`
              : paused
                ? `No row in the paused list matches the filter. The ${formatCount(buffered)} ${buffered === 1 ? 'receipt' : 'receipts'} held since the pause are not in it: Resume shows those that match.`
                : status === EVICTED && failedLater > 0
                  ? // Pressed from "16.2 K failed later" under load, the list had said only a
                    // dropOldest queue evicts, beside a count of thousands evicted.
                    `None of the ${formatCount(failedLater)} that failed later is in the list now: their rows left it (it keeps the newest ${formatCount(RECEIPT_LOG_CAPACITY)}, and up to ${formatCount(RECEIPT_LOG_KEPT_FAILURES)} failures older than those) or were not captured (rows are a sample: 5,000 a second, and 2,500 more for failures). Those evicted from now on show here as they come; Dead letters holds the letters.`
                  : status === EVICTED
                    ? 'No evicted receipt in the list: only a dropOldest queue evicts, the oldest it holds, when it overflows (aggregator in the demo). Rows are a sample of the receipts (5,000 a second, and 2,500 more for failures).'
                    : 'No captured row matches the filter yet. Rows are a sample of the receipts (5,000 a second, and 2,500 more for failures); those the filter matches are captured first, and show here as they come.'}
          </p>
        ) : null}
        {selected ? (
          <ReceiptDetail
            row={selected}
            titleRef={detailTitle}
            onClose={(hadFocus, viaKeyboard) => closeDetail(selected, hadFocus, viaKeyboard)}
          />
        ) : null}
      </div>
    </div>
  );
}

/**
 * An HLC's time of day with its hour in a span of its own, which the narrow layouts hide: every
 * row then shows the same `mm:ss.µµµµµµ`, instead of each losing as much of its start as its
 * logical counter's digits took.
 */
function HlcTime({ hlc }: { hlc: ReceiptRow['hlc'] }) {
  const time = formatHlcTime(hlc);
  return (
    <span className="hlc-time">
      <span dir="ltr">
        <span className="hlc-hour">{time.slice(0, 3)}</span>
        {time.slice(3)}
      </span>
    </span>
  );
}

/**
 * A receipt's latency in words: "not processed yet" only while a kernel may still take it. A
 * refused or dead-lettered message never will, and a response delivered to the host has no kernel.
 */
function latencyText(
  row: Pick<ReceiptRow, 'latencyUs' | 'status' | 'destination' | 'thenLost'>,
): string {
  // As the list writes it ("4.49 ms"), so the detail and its row read alike.
  if (row.latencyUs !== null) return formatMicros(row.latencyUs);
  if (row.thenLost)
    return `none: ${lostText(row.thenLost, row.destination).short}, never processed`;
  if (row.status !== 'Delivered') return `none: ${row.status}, never processed`;
  if (row.destination === 'host') return 'none: delivered to the host, no kernel runs it';
  return 'not processed yet';
}

/**
 * Why the tail holds, which says what ends it, in few words: beside an open detail at 1280x720,
 * "Held while you read: 515 new receipts, shown when the detai…" was cut.
 */
function holdReason(detail: boolean, scrolledDown: boolean): string {
  if (detail) return 'Held while the detail is open';
  if (scrolledDown) return 'Held while scrolled down';
  return 'Held while the list has focus';
}

function ReceiptDetail({
  row,
  titleRef,
  onClose,
}: {
  row: ReceiptRow;
  /** The title, where focus goes when the detail is opened from the keyboard. */
  titleRef: RefObject<HTMLHeadingElement | null>;
  /**
   * `hadFocus`: focus was in the detail, and should go back to the list rather than be lost;
   * `viaKeyboard`: it was closed from the keyboard (its focus shown), not with the pointer.
   */
  onClose: (hadFocus: boolean, viaKeyboard: boolean) => void;
}) {
  const ref = useRef<HTMLElement>(null);
  const close = () => {
    const focused = document.activeElement;
    onClose(ref.current?.contains(focused) ?? false, focused?.matches(':focus-visible') ?? false);
  };
  const config = useWorkbench((s) => s.config);
  const type = findType(
    config,
    typeof row.typeId === 'bigint' ? row.typeId.toString() : row.typeId,
  );
  const openTrace = useOpenTrace();
  const layout = type ? layoutOf(type.fields) : null;
  const f32 = new Set(layout?.fields.filter((f) => f.type === 'f32').map((f) => f.name));
  const fields = layout
    ? Object.entries(decodePayload(layout, row.payload)).map(([name, v]) => ({
        name,
        value: f32.has(name) && typeof v === 'number' ? formatF32(v) : String(v),
      }))
    : null;
  return (
    <aside
      className="receipt-detail"
      aria-label="Receipt detail"
      ref={ref}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        close();
      }}
    >
      <div className="panel-bar">
        {/* "Message 4991234" was cut to "Message 499…" beside the three buttons in the detail's
            narrow column: the id is what one opened it for. Focusable from script only: where
            Enter on a row puts focus, so a screen reader says which message opened. */}
        <h3
          className="receipt-detail-title"
          ref={titleRef}
          tabIndex={-1}
          title={`Message ${row.messageId}`}
        >
          #{row.messageId}
        </h3>
        <span className="grow" />
        <button type="button" onClick={() => openTrace(row)}>
          Trace
        </button>
        <PinButton messageId={row.messageId} />
        <button type="button" aria-label="Close detail" onClick={close}>
          ✕
        </button>
      </div>
      {/* What happened and the decoded values first, the header's details after: in the detail's
          column at 1280x720 the payload a user had just typed was below its fold. */}
      <dl>
        <dt>status</dt>
        <dd>{row.thenLost ? lostText(row.thenLost, row.destination).long : row.status}</dd>
        <dt>type</dt>
        <dd>
          {String(row.typeId)} {type ? `(${type.name})` : '(not defined in this workspace)'}
        </dd>
        <dt>source → dest</dt>
        <dd>{routeText(row.source, row.destination)}</dd>
        <dt>latency</dt>
        <dd>{latencyText(row)}</dd>
      </dl>
      <h4>Payload ({row.payload.length} bytes)</h4>
      {fields ? (
        <table className="fields">
          <tbody>
            {fields.map((f) => (
              <tr key={f.name}>
                <th>{f.name}</th>
                <td className="mono">{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <h4>Header</h4>
      <dl>
        <dt>HLC</dt>
        <dd className="mono" title={`physical ${row.hlc.physical} µs since the epoch`}>
          {formatHlc(row.hlc)} (node {row.hlc.nodeId})
        </dd>
        <dt>priority</dt>
        <dd>{row.priority}</dd>
        <dt>hops</dt>
        <dd>{row.hops}</dd>
        <dt>correlation</dt>
        <dd>{row.correlationId || 'none'}</dd>
        <dt>parent</dt>
        <dd>{row.parentId ?? 'none (injected)'}</dd>
      </dl>
      <h4>Payload bytes</h4>
      <pre className="hex mono" data-testid="payload-hex">
        {toHex(row.payload).replace(/(.{32})/g, '$1\n')}
      </pre>
    </aside>
  );
}

/** Pinned messages stay in the engine's bounded trace store, so their chains stay exact. */
function PinButton({ messageId }: { messageId: number }) {
  const engine = useEngine();
  // From the store, which the engine's replies keep: the detail opened again says what holds.
  const pinned = useWorkbench((s) => s.pinned.has(messageId));
  const setPinned = useWorkbench((s) => s.setPinned);
  return (
    <button
      type="button"
      aria-pressed={pinned}
      onClick={async () => {
        const reply = await engine.request({ type: pinned ? 'unpin' : 'pin', messageId });
        if (reply.ok && (reply.command === 'pin' || reply.command === 'unpin'))
          setPinned(messageId, reply.pinned);
      }}
      title="Keep this message's trace exact even when the trace store samples under load"
    >
      {pinned ? 'Unpin' : 'Pin'}
    </button>
  );
}
