import { useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useWorkbench } from '../../state/store';
import { findType } from '../../state/edits';
import type { HlcTimestamp } from '../../core';
import { formatHlc, typeLabel } from '../live/labels';
import { NO_DESTINATION, countOf, formatCount, formatMicros, routeText } from '../design/format';
import { RECEIPT_STATUSES } from '../../engine/protocol';
import type { RouteConfig } from '../../core/config';
import { HOST_KERNEL } from '../../core/host';
import './trace.css';
import { waitedBeforeEntryUs, type TraceHop } from '../../analysis/trace';
import { describePath, isRefused, toHost, useOpenTrace, useTraceState } from './traceHighlight';

/** `3 messages`, `1 step`: a count and its noun, plural when it is not one. */
const fmtHlc = (h: HlcTimestamp | null | undefined): string => (h ? formatHlc(h) : '—');
const fmtUs = formatMicros;

/**
 * A hop's stamps, worded by what happened: a refused send was never delivered (its stamp is the
 * refusal), and a response to the host is delivered there and processed by no kernel.
 */
function Stamps({ hop }: { hop: TraceHop }) {
  const s = hop.stages;
  if (isRefused(hop.status)) return <>refused {fmtHlc(s.deliveredAt ?? hop.hlc)}</>;
  if (toHost(hop)) return <>to host {fmtHlc(s.processedAt ?? s.deliveredAt)}</>;
  return (
    <>
      {fmtHlc(s.deliveredAt)}
      <br />
      {fmtHlc(s.processedAt)}
    </>
  );
}

/** The element that scrolls `el` vertically (the dock pane), if any. */
function scrollerOf(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const y = getComputedStyle(p).overflowY;
    if ((y === 'auto' || y === 'scroll') && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

/** Recent messages to pick from: the latest receipt of each message, newest first. */
function useRecentMessages(limit: number) {
  useWorkbench((s) => s.receiptsVersion);
  const rows = useWorkbench((s) => s.receiptLog).rows();
  const seen = new Set<number>();
  const out = [];
  for (let i = rows.length - 1; i >= 0 && out.length < limit; i--) {
    const r = rows[i]!;
    if (seen.has(r.messageId)) continue;
    seen.add(r.messageId);
    out.push(r);
  }
  return out;
}

/** A wait before entry under this is left unsaid: stamps and latency agree to within a ms. */
const WAIT_SAID_US = 1_000;

/**
 * What a hop's latency counts, beside HLC stamps that can be closer together: a review read
 * "injected .538125, processed .538175" (50 µs) beside a latency of 1.10 ms.
 */
const LATENCY_TITLE =
  "From the message's arrival (its generator's arrival time, or the send) to when its kernel took it. The HLC stamps are the engine's times as it handles a tick's traffic and batches: messages handled in one tick share a stamp's time, so two stamps can be closer together than the latency.";

/** Follow one message: pick a receipt or type a message id, see its causal chain by HLC. */
export function TracePanel() {
  const st = useTraceState();
  const openTrace = useOpenTrace();
  const clearTrace = useWorkbench((s) => s.clearTrace);
  const config = useWorkbench((s) => s.config);
  const live = useRecentMessages(30);
  // The list holds still while the pointer or the focus is on it: under load it changed ten
  // times a second, and "Trace" hit whichever row had moved under the pointer.
  const [held, setHeld] = useState<typeof live | null>(null);
  const recent = held ?? live;
  const sizers = useMemo(() => sizerTexts(config), [config]);
  // Digits of the largest id shown: the id column widens once per power of ten, not per row.
  const idDigits = String(recent.reduce((m, r) => Math.max(m, r.messageId), 0)).length;
  const hold = () => setHeld((h) => h ?? live);
  const release = (e: { currentTarget: HTMLElement; relatedTarget: EventTarget | null }) => {
    const to = e.relatedTarget;
    if (to instanceof Node && e.currentTarget.contains(to)) return;
    setHeld(null);
  };
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const trace = st.trace;
  // A trace opened anywhere (a receipt's Trace button, a pick below) fills the id box with its
  // message; typing afterwards is the user's until the next trace opens.
  const [shownId, setShownId] = useState<number | null>(null);
  if (st.messageId !== shownId) {
    setShownId(st.messageId);
    if (st.messageId !== null) setId(String(st.messageId));
  }
  // ...and the chain comes into view, at the top of the panel. The pane scrolls to the panel's
  // top, its id box included: scrolling the chain itself into view cut that row off above it.
  const panel = useRef<HTMLDivElement>(null);
  const timeline = useRef<HTMLElement>(null);
  useEffect(() => {
    const root = panel.current;
    const chain = timeline.current;
    if (st.messageId === null || !root || !chain) return;
    const pane = scrollerOf(root);
    if (!pane) {
      chain.scrollIntoView({ block: 'nearest' });
      return;
    }
    const view = pane.getBoundingClientRect();
    const inView = () => {
      const top = chain.getBoundingClientRect().top;
      return top >= view.top && top < view.bottom - 40;
    };
    // Both already in view: the pane stays where it is.
    if (root.getBoundingClientRect().top >= view.top && inView()) return;
    pane.scrollTop += root.getBoundingClientRect().top - view.top;
    // The chain below the recent list (a layout without the side by side grid): the chain wins.
    if (!inView()) chain.scrollIntoView({ block: 'nearest' });
  }, [st.messageId, trace]);
  const redrives = trace ? st.redrives : null;
  // A redriven copy's latency counts from its letter's first injection (said apart, ↺).
  const waitOf = (h: TraceHop): number =>
    redrives?.of.has(h.messageId) ? 0 : waitedBeforeEntryUs(h);
  // The longest wait before entry in the chain, said above the table where it is a ms or more.
  let waited: { messageId: number; us: number } | null = null;
  for (const h of trace?.hops ?? []) {
    const us = waitOf(h);
    if (us >= WAIT_SAID_US && us > (waited?.us ?? 0)) waited = { messageId: h.messageId, us };
  }

  // Opened from a receipt's detail, Trace takes the place of Receipts in its pane and the button
  // pressed is gone: focus had fallen to the page, and the next Tab went to the status bar. It
  // lands on what the trace says (on the id box when it failed), only when it was lost.
  const summary = useRef<HTMLParagraphElement>(null);
  const idBox = useRef<HTMLInputElement>(null);
  // Opened from the list of recent messages, the trace comes in above it and pushes the button
  // pressed out of the pane, the focus with it: the focus goes to what the trace says, brought
  // into view (the result was neither seen nor read out; QA).
  const fromList = useRef(false);
  useEffect(() => {
    // Once the trace asked for is in (the one shown before stays while it loads).
    if (fromList.current && !st.loading && (trace || st.error)) {
      fromList.current = false;
      if (trace) return summary.current?.focus();
    }
    const active = document.activeElement;
    if (active !== null && active !== document.body) return;
    if (trace) summary.current?.focus({ preventScroll: true });
    else if (st.error) idBox.current?.focus({ preventScroll: true });
  }, [st.messageId, trace, st.error, st.loading]);

  function traceTyped() {
    const typed = id.trim();
    // An empty box read as Number('') = 0, and traced a "message 0" that never existed: the
    // broker numbers messages from 1.
    if (typed === '') return setError('Enter a message id to trace.');
    // Digits, grouped as the app writes them ("1,000") or not. `Number` had taken "0x10" as 16
    // and "1e30" as 1e+30, and rounded 18446744073709551616, each traced as another id.
    const digits = /^(-?)(\d+|\d{1,3}(,\d{3})+)$/.exec(typed);
    if (!digits) return setError('A message id is a whole number from 1 up, in digits.');
    const n = Number(digits[2]!.replaceAll(',', ''));
    if (digits[1] || n < 1) return setError('A message id is a whole number from 1 up.');
    if (!Number.isSafeInteger(n))
      return setError(
        `A message id traced here is at most ${formatCount(Number.MAX_SAFE_INTEGER)}.`,
      );
    setError(null);
    openTrace(n, false);
  }

  return (
    <div className="trace-panel" data-testid="trace-panel" ref={panel}>
      <div className="panel-bar">
        <label className="inline">
          Message id
          <input
            aria-label="Message id to trace"
            ref={idBox}
            value={id}
            onChange={(e) => setId(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && traceTyped()}
            size={10}
          />
        </label>
        <button type="button" onClick={traceTyped}>
          Trace
        </button>
        {/* It clears the trace shown and its highlight on the graph: "Clear highlight" promised
            only the second. */}
        <button
          type="button"
          onClick={() => {
            // It goes disabled once cleared, and focus had fallen to the page (QA): the id box
            // is where the next trace starts.
            idBox.current?.focus();
            clearTrace();
          }}
          disabled={!st.messageId}
        >
          Clear trace
        </button>
        {error ? <span role="alert">{error}</span> : null}
        <span className="grow" />
        {st.messageId !== null ? (
          <span className="muted">
            source: {st.fromEngine ? 'engine trace store + receipts' : 'captured receipts'}
          </span>
        ) : null}
      </div>
      <div className={`trace-body${st.messageId !== null ? ' has-trace' : ''}`}>
        <div
          className="trace-recent"
          onPointerEnter={hold}
          onPointerLeave={() => {
            if (!document.activeElement?.closest('.trace-recent')) setHeld(null);
          }}
          onFocus={hold}
          onBlur={release}
          data-held={held ? 'true' : 'false'}
        >
          <div className="table-scroll">
            <table className="grid-table" aria-label="Recent messages">
              <caption className="muted table-caption">
                {held
                  ? 'Recent messages: held still while the pointer is here'
                  : 'Recent messages, newest first, live'}
              </caption>
              <thead>
                <tr>
                  <th>msg</th>
                  <th>type</th>
                  <th>to</th>
                  <th>status</th>
                  {/* Named for screen readers (axe: an empty header), out of sight like the
                      buttons' own column heading would be. */}
                  <th>
                    <span className="sr-only">trace</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {recent.map((r) => (
                  <tr
                    key={r.seq}
                    data-testid={`trace-pick-${r.messageId}`}
                    data-type={String(r.typeId)}
                    className="pickable"
                    // The whole row traces, as its hover says; its button is the keyboard's way.
                    onClick={(e) => {
                      if ((e.target as Element).closest('button')) return;
                      openTrace(r, false);
                    }}
                  >
                    <td className="mono num">{String(r.messageId)}</td>
                    <td title={typeLabel(config.messageTypes, r.typeId)}>
                      {findType(config, String(r.typeId))?.name ?? String(r.typeId)}
                    </td>
                    {/* A NoRoute message went nowhere: said as the tables say it, not a blank. */}
                    <td>{r.destination || NO_DESTINATION}</td>
                    <td className={`st-${r.status}`}>{r.status}</td>
                    <td>
                      <button
                        type="button"
                        aria-label={`Trace message ${r.messageId}`}
                        onClick={() => {
                          fromList.current = true;
                          openTrace(r, false);
                        }}
                      >
                        Trace
                      </button>
                    </td>
                  </tr>
                ))}
                {/* Out of sight and out of the layout's height (collapsed rows), but sized into its
                    columns: the longest names the rows can hold, so the columns and the Trace
                    buttons keep their place as rows come and go (they had moved sideways by
                    2-28 px ten times a second under load). */}
                {sizers.map((t, i) => (
                  <tr key={`sizer-${i}`} className="sizer" aria-hidden="true">
                    <td className="mono num">{i === 0 ? '0'.repeat(idDigits) : null}</td>
                    <td>{t.type}</td>
                    <td>{t.to}</td>
                    <td>{t.status}</td>
                    <td>
                      {i === 0 ? (
                        <button type="button" tabIndex={-1} disabled>
                          Trace
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <section aria-label="Trace timeline" className="trace-timeline" ref={timeline}>
          {st.loading ? <p className="muted">Tracing message {st.messageId}…</p> : null}
          {/* Not beside an error about the id typed since: "No message has id 99999999999"
              had stood under "A message id is a whole number from 1 up." for -1. */}
          {st.error && !error ? <p role="alert">{st.error}</p> : null}
          {trace ? (
            <>
              <p data-testid="trace-summary" ref={summary} tabIndex={-1}>
                Message {trace.messageId}: {countOf(trace.messageIds.length, 'message')} in{' '}
                {countOf(trace.hops.length, 'step')}, span {fmtUs(trace.spanUs)}
                {trace.incomplete ? (
                  <strong data-testid="trace-incomplete"> — incomplete</strong>
                ) : null}
              </p>
              {trace.gaps.length > 0 ? (
                <ul className="muted">
                  {trace.gaps.map((g, i) => (
                    <li key={i}>{g.message}</li>
                  ))}
                </ul>
              ) : null}
              {waited ? (
                <p className="muted" data-testid="trace-waited">
                  Message {waited.messageId} arrived {fmtUs(waited.us)} before the engine took it
                  in: its latency counts from its arrival (its generator&apos;s schedule, where the
                  engine was behind its traffic, or a redriven letter&apos;s first injection), its
                  HLC stamps from when the engine took it in.
                </p>
              ) : null}
              {redrives && redrives.as.size + redrives.of.size > 0 ? (
                <ul className="muted" data-testid="trace-redrives">
                  {[...redrives.as].map(([letter, copy]) => (
                    <li key={`as-${letter}`}>
                      Message {letter} was redriven from the dead letters as message {copy}.
                    </li>
                  ))}
                  {[...redrives.of].map(([copy, letter]) => (
                    <li key={`of-${copy}`}>
                      Message {copy} is the redrive of message {letter}; its latency counts from{' '}
                      {letter}&apos;s first injection.
                    </li>
                  ))}
                </ul>
              ) : null}
              <div className="table-scroll">
                <table
                  className="grid-table stacks trace-hops"
                  aria-label="Trace hops"
                  data-testid="trace-hops"
                >
                  <thead>
                    <tr>
                      <th className="t-hlc">HLC</th>
                      <th className="t-msg">msg</th>
                      <th className="t-parent line-2">parent</th>
                      <th className="t-type">type</th>
                      <th className="t-route">source → kernel</th>
                      <th className="t-status">status</th>
                      <th
                        className="num t-hops line-2"
                        title="K2K hops: how many times the broker forwarded this message to a next hop on its way (a K2K route). A message a kernel emits is a new message, sent directly: 0 hops; its step in the chain shows as its parent."
                      >
                        hops
                      </th>
                      <th className="num t-latency line-2" title={LATENCY_TITLE}>
                        latency
                      </th>
                      <th className="t-stages line-2">delivered / processed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {trace.hops.map((h) => (
                      <tr key={`${h.seq}-${h.messageId}-${h.status}`} data-status={h.status}>
                        <td className="mono t-hlc">{fmtHlc(h.hlc)}</td>
                        <td className="mono t-msg" style={{ '--depth': h.depth } as CSSProperties}>
                          {h.messageId}
                        </td>
                        <td className="mono t-parent line-2">{h.parentId ?? '—'}</td>
                        <td className="t-type">{h.typeName ?? h.typeId}</td>
                        <td className="t-route">{routeText(h.source, h.destination)}</td>
                        <td className={`st-${h.status} t-status`}>{h.status}</td>
                        <td className="num t-hops line-2">{h.hops}</td>
                        <td className="num t-latency line-2" title={LATENCY_TITLE}>
                          {fmtUs(h.latencyUs)}
                          {/* A mark, not the words: "6.76 s since first injection" was cut to
                              "6.76 s sin…" in the half-width pane at 1280x720 (the note above the
                              table says it in full). */}
                          {waitOf(h) >= WAIT_SAID_US ? (
                            <>
                              <span className="sr-only">
                                , {fmtUs(waitOf(h))} of it before the engine took it in
                              </span>
                              {/* ◷, not ⧗: Debian's fonts (DejaVu) have no ⧗, which showed
                                  as an empty box (QA). */}
                              <span
                                aria-hidden="true"
                                title={`Arrived ${fmtUs(waitOf(h))} before the engine took it in: the latency counts from its arrival, the HLC stamps from when the engine took it in`}
                              >
                                {' '}
                                ◷
                              </span>
                            </>
                          ) : null}
                          {h.latencyUs !== null && redrives?.of.has(h.messageId) ? (
                            <>
                              <span className="sr-only"> since first injection</span>
                              <span
                                aria-hidden="true"
                                title="Counted from the first injection of the dead letter it was redriven from, not from the redrive"
                              >
                                {' '}
                                ↺
                              </span>
                            </>
                          ) : null}
                        </td>
                        <td className="mono stages t-stages line-2">
                          <Stamps hop={h} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="muted" data-testid="trace-edges">
                Path: {describePath(trace, config).join(', ') || '(no routed edge)'}
              </p>
            </>
          ) : st.messageId === null ? (
            <p className="muted">Pick a message (or open one from a receipt) to follow it.</p>
          ) : null}
        </section>
      </div>
    </div>
  );
}

/**
 * The texts the recent list's sizer rows hold: in each column the three longest it may show (by
 * characters: the widest by pixels is among them, near enough), one row each.
 */
function sizerTexts(config: RouteConfig): { type: string; to: string; status: string }[] {
  const longest = (texts: string[]) => texts.sort((a, b) => b.length - a.length).slice(0, 3);
  const types = longest(config.messageTypes.map((t) => t.name));
  const tos = longest([HOST_KERNEL, NO_DESTINATION, ...config.kernels.map((k) => k.id)]);
  const statuses = longest([...RECEIPT_STATUSES]);
  return [0, 1, 2].map((i) => ({
    type: types[i] ?? '',
    to: tos[i] ?? '',
    status: statuses[i] ?? '',
  }));
}
