import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useLiveValue, useStale } from '../../state/live';
import type { RemovedKernels } from '../../engine/protocol';
import { depthLevel, depthText, depthTitle } from '../graph/depth';
import { formatClock, formatCompact, formatCount, formatRate } from '../design/format';

/** Rounded to what the table shows, so a row re-renders only when a shown number changes. */
const rate = (r: number) => Math.round(r);

/**
 * Every kernel's queue, like NiFi's connection view: messages waiting (queued, never above the
 * capacity) apart from those a backend is processing (in flight), how full it got over the last
 * half second, high-water mark, drops, dead letters. Colours follow the real capacity, as on the graph.
 */
export function QueuesPanel() {
  const stale = useStale();
  const rows = useLiveValue((s) =>
    (s?.kernels ?? []).map((k) => ({
      id: k.id,
      backend: k.backend,
      backpressure: k.backpressure,
      queued: k.queued,
      inFlight: k.inFlight,
      peak: k.peakQueued,
      capacity: k.capacity,
      maxDepth: k.maxDepth,
      processed: k.processed,
      rate: rate(k.ratePerSec),
      dropped: k.dropped,
      deadLettered: k.deadLettered,
      emitted: k.emitted,
    })),
  );
  const removed = useLiveValue((s) => s?.accounting.removedKernels ?? null);
  if (rows.length === 0) return <p className="muted">Waiting for the engine…</p>;
  return (
    <table
      className={`grid-table stacks queues-table ${stale.className}`}
      title={stale.title}
      aria-label="Queues"
      data-stale={stale.className === 'stale'}
    >
      <thead>
        <tr>
          <th className="q-kernel">kernel</th>
          <th className="q-backend line-2">backend</th>
          <th
            className="num q-queued"
            aria-label="queued / capacity"
            title="messages waiting in the queue, against its real (power-of-two) capacity"
          >
            queued / <span className="label-full">capacity</span>
            <span className="label-short">cap.</span>
          </th>
          <th
            className="num q-inflight"
            title="taken from the queue and being processed (a GPU batch)"
          >
            in flight
          </th>
          <th
            className="num q-max line-2"
            title="most messages waiting at once since the counters were last reset; 'earlier' where that was under a larger capacity than the queue has now"
          >
            max queued
          </th>
          <th
            className="num q-peak line-2"
            title="most messages waiting at once over the last half second: under load the engine drains each queue every few milliseconds, so 'queued' reads 0 at any instant while the queue fills to this between drains"
          >
            peak <span className="unit">½ s</span>
          </th>
          <th className="num q-processed" title="messages this kernel processed">
            processed
          </th>
          <th
            className="num q-rate line-2"
            title="processed per second over the last half second (as on the graph)"
          >
            rate
          </th>
          <th
            className="num q-dropped"
            title="refusals and evictions at this queue since the counters were last reset: a redriven letter refused again counts again, so after a redrive this can exceed the messages sent. Under every policy each one is also a dead letter, counted again under all letters (one event, not two)"
          >
            dropped
          </th>
          <th
            className="num q-dead line-2"
            title="every dead letter made for this kernel since the counters were last reset: its drops (each is a letter under every policy: one event, counted in both columns, not two losses) and the messages it failed on, whatever became of them since (held, evicted, redriven, purged); the Dead letters panel lists those held now"
          >
            all letters
          </th>
          <th className="num q-emitted" title="alerts and responses this kernel emitted">
            emitted
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr
            key={k.id}
            data-testid={`queue-row-${k.id}`}
            className={`depth-${depthLevel(k.queued, k.capacity)}`}
          >
            <td className="q-kernel">{k.id}</td>
            <td className="q-backend line-2" data-testid={`queues-backend-${k.id}`}>
              {k.backend === 'webgpu' ? 'WebGPU' : 'CPU twin'}{' '}
              {k.backpressure ? (
                <span
                  className="badge badge-warn"
                  title={`Back-pressure: the kernel on ${k.backend === 'webgpu' ? 'WebGPU' : 'its CPU twin'} does not keep up (its queue is 75 % full or it refused or evicted messages since the last update); its overflow policy applies.`}
                >
                  bottleneck
                </span>
              ) : null}
            </td>
            {/* As the graph and Predict show it: now, or "≤" the recent peak when more ("0 /
                4,096" here beside the graph's "≤302 / 4,096" read as two different queues). */}
            <td
              className="num q-queued"
              data-testid={`queued-${k.id}`}
              title={depthTitle(k.queued, k.peak, k.capacity)}
            >
              {depthText(k.queued, k.peak, k.capacity)}
            </td>
            <td className="num q-inflight" data-testid={`inflight-${k.id}`}>
              {formatCount(k.inFlight)}
            </td>
            <td
              className="num q-max line-2"
              data-testid={`max-${k.id}`}
              title={
                k.maxDepth > k.capacity
                  ? `Reached under an earlier, larger capacity (the queue holds ${formatCount(k.capacity)} now)`
                  : undefined
              }
            >
              {formatCount(k.maxDepth)}
              {/* Said in the cell, not only on hover: "319" under "≤64 / 64" read as a queue
                  holding more than it can (QA). */}
              {k.maxDepth > k.capacity ? <span className="earlier"> earlier</span> : null}
            </td>
            <td className="num q-peak line-2" data-testid={`peak-${k.id}`}>
              {formatCount(k.peak)}
            </td>
            <Counter className="q-processed" n={k.processed} />
            <td className="num q-rate line-2" data-testid={`rate-${k.id}`}>
              {formatRate(k.rate)}
            </td>
            <Counter className="q-dropped" n={k.dropped} />
            <Counter className="q-dead line-2" n={k.deadLettered} />
            <Counter className="q-emitted" n={k.emitted} />
          </tr>
        ))}
        {removed ? <RemovedRow removed={removed} /> : null}
      </tbody>
    </table>
  );
}

/**
 * What kernels removed since the counters were reset (deleted, or renamed: a new id is a new
 * kernel) had counted: still in the status bar's totals, so the columns add up to them with this
 * row. Without it, a kernel renamed under traffic took its processed count off the table, and
 * the column fell 1,050 short of the status bar's "processed".
 */
function RemovedRow({ removed }: { removed: RemovedKernels }) {
  const names = removed.ids.join(', ');
  return (
    <tr
      className="q-removed"
      data-testid="queue-row-removed"
      title={`Removed since the counters were last reset: ${names}. Their counts stay in the status bar's totals; a renamed kernel counts afresh under its new id, and one added back under its old id (an undo) takes its counts back.${removed.inFlight > 0 ? ` ${formatCount(removed.inFlight)} rows they had out on the GPU count as processed here when they land.` : ''}`}
    >
      {/* The names whole where the backend goes ("removed"): as "removed: aggregator" they were
          cut to "removed: aggr…" in the half-width pane at 1280x720. */}
      <td className="q-kernel muted">{names}</td>
      <td className="q-backend line-2 muted">removed</td>
      <td className="num q-queued muted">—</td>
      {/* Rows a kernel had out on its GPU when removed still land (as processed, here). */}
      <td
        className={`num q-inflight${removed.inFlight > 0 ? '' : ' muted'}`}
        data-testid="inflight-removed"
      >
        {removed.inFlight > 0 ? formatCount(removed.inFlight) : '—'}
      </td>
      <td className="num q-max line-2 muted">—</td>
      <td className="num q-peak line-2 muted">—</td>
      <Counter className="q-processed" n={removed.processed} />
      <td className="num q-rate line-2 muted">—</td>
      <Counter className="q-dropped" n={removed.dropped} />
      <Counter className="q-dead line-2" n={removed.deadLettered} />
      <Counter className="q-emitted" n={removed.emitted} />
    </tr>
  );
}

/** A running total, compact (12.3 K, 4.56 M) so the column keeps its width; exact on hover. */
function Counter({ n, className }: { n: number; className: string }) {
  return (
    <td className={`num ${className}`} title={formatCount(n)}>
      {formatCompact(n)}
    </td>
  );
}

/**
 * What became of the messages the accounting counts as failed and not kept, by reason: in words
 * for the line, and in a word for the out-of-view chip ("39.0 K failed" beside Receipts'
 * "QueueFull 48,976" read as a miscount: the refusals still held as dead letters are not in it).
 */
const LOSS_WORDS: Record<string, { long: string; short: string }> = {
  // Not "evicted" alone: the graph's kernels say "evicted" of their own dropOldest queues (those
  // letters are held, not lost), and "3,784 evicted" beside a kernel's "5,904 evicted" read as a
  // contradiction.
  Evicted: { long: 'evicted from the dead-letter queue', short: 'evicted from dead letters' },
  Expired: { long: 'expired in the dead-letter queue', short: 'expired as dead letters' },
  Purged: { long: 'purged from the dead-letter queue', short: 'purged' },
  DroppedOldest: { long: 'dropped as oldest', short: 'dropped as oldest' },
  KernelRemoved: { long: 'lost with a removed kernel', short: 'lost with a kernel' },
};

/** A loss reason in `LOSS_WORDS`' words (long or short), or its own name. */
function lossWords(why: string, form: 'long' | 'short'): string {
  return LOSS_WORDS[why]?.[form] ?? why;
}

/** Terms of a line that wraps onto cut-off lines, below its first line: out of view. */
function termsOutOfView(line: HTMLElement): number {
  const kids = [...line.children] as HTMLElement[];
  const top = kids[0]?.offsetTop ?? 0;
  // The terms only: "+N more" counts them (the verdict and "since …" before them are none).
  return kids.filter((k) => k.dataset.term !== undefined && k.offsetTop > top).length;
}

/**
 * The room the line has: its own width (it takes the status bar's free space) less its padding,
 * plus the "+N more" chip's, which is there only while terms are out of view. Measured without
 * the chip, the chip held itself in place: it took the room that the terms it counted would have
 * fitted in.
 */
function roomOf(line: HTMLElement): number {
  const cs = getComputedStyle(line);
  const more = line.parentElement?.querySelector<HTMLElement>('[data-testid="accounting-more"]');
  const gap = parseFloat(getComputedStyle(line.parentElement ?? line).columnGap) || 0;
  return (
    line.clientWidth -
    parseFloat(cs.paddingLeft) -
    parseFloat(cs.paddingRight) +
    (more ? more.offsetWidth + gap : 0)
  );
}

/** The width of a row of items laid side by side with the line's gap. */
function rowWidth(items: Iterable<Element>, gap: number): number {
  let w = 0;
  let n = 0;
  for (const el of items) {
    w += (el as HTMLElement).offsetWidth;
    n++;
  }
  return w + gap * Math.max(0, n - 1);
}

/**
 * injected + emitted = processed + to host + queued + in flight + lost + held as dead letters,
 * live. Processed is the kernels' share, as the Queues panel counts it; responses delivered back
 * to the host stand apart (they had made the line's processed 11 M above the Queues panel's sum
 * after a minute at 2 M/s, with nothing on screen to say why).
 */
export function AccountingBar() {
  const acc = useLiveValue((s) => s?.accounting ?? null);
  const stale = useStale();
  const ref = useRef<HTMLDivElement>(null);
  // Terms that did not fit the line: the line wraps onto hidden lines, so a term is shown whole
  // or not at all (clipped mid-number, "held as dead letters 10," read as ten), and this says
  // how many are out of view.
  const [hidden, setHidden] = useState(0);
  // Exact figures where the whole line fits them, compact ones (15.3 M, each term's exact figure
  // in its title) where it does not: at 1280x720 the exact line had put three terms behind
  // "+3 more", so the sum on screen did not add up. Measured on a copy in exact figures, out of
  // sight.
  const [exact, setExact] = useState(true);
  const exactRef = useRef<HTMLSpanElement>(null);
  const exactShown = useRef(exact);
  useLayoutEffect(() => {
    exactShown.current = exact;
  }, [exact]);
  // Counted when the bar or one of its terms changes size (a term's width follows its number),
  // by one observer, after the browser's own layout: counting in a layout effect at every
  // snapshot forced a layout of its own (that function held 3–6 % of the page thread's samples
  // in a profile at 10 M/s). The terms that come and go (carried over, to host) renew the
  // observer.
  const termsKey = acc
    ? `${acc.carriedOver ? 1 : 0}${acc.toHost ? 1 : 0}${acc.sinceUs === undefined ? 0 : 1}`
    : null;
  /** Exact or compact, and how many terms are out of view, from the line as laid out now. */
  const refit = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const room = roomOf(el) + 0.5;
    const copy = exactRef.current;
    const fits = !copy || copy.offsetWidth <= room;
    if (fits !== exactShown.current) {
      // The terms change size with their figures: counted after that render. Counted now, on
      // the exact line about to go, "+1 more" showed for a frame before the compact line.
      setExact(fits);
      setHidden(0);
      return;
    }
    const gap = parseFloat(getComputedStyle(el).columnGap) || 0;
    const shown = [...el.children].filter((c) => !c.classList.contains('accounting-measure'));
    setHidden(rowWidth(shown, gap) <= room ? 0 : termsOutOfView(el));
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (termsKey === null || !el) return;
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    for (const term of el.children) ro.observe(term);
    return () => ro.disconnect();
  }, [termsKey, refit]);
  // A change of the line's shape (the failed term's first loss or another reason, letters held or
  // none, a term come or gone) is fitted before the browser paints: the observer counts after
  // it, and the review caught that frame in a screenshot, "✔ balanced" over a line whose failed
  // term, grown past the room, was out of view with no "+1 more". The figures' own growth, a
  // digit at a time, is left to the observer (measuring at every snapshot cost the page 3–6 %).
  // The reasons messages were lost for, each with its count: the shape's key and the failed term.
  const reasons = acc ? Object.entries(acc.failedByStatus).filter(([, n]) => n > 0) : [];
  const shapeKey = acc
    ? `${termsKey}|${reasons.map(([why]) => why).join()}|${acc.deadLettered > 0 ? 1 : 0}`
    : null;
  useLayoutEffect(() => {
    if (shapeKey !== null) refit();
  }, [shapeKey, refit]);
  if (!acc) return null;
  const lost = reasons.reduce((x, [, n]) => x + n, 0);
  const lostWhy = reasons
    .map(([why, n]) => `${lossWords(why, 'long')}: ${formatCount(n)}`)
    .join('; ');
  // The one reason messages were lost for, when there is just one.
  const one = reasons.length === 1 ? reasons[0]![0] : null;
  // The terms in order: the verdict first (a narrow window hides the end of the line, never the
  // verdict), the long "failed" term last. Each term's title has its exact figure.
  const termsIn = (compact: boolean) => {
    const fmt = compact ? formatCompact : formatCount;
    // One reason: its words without repeating the number; several: each with its share (compact:
    // in the title only).
    const lostWords = one ? lossWords(one, compact ? 'short' : 'long') : compact ? '' : lostWhy;
    // Keyed by what the term is, never by its words: the failed term's title holds its figures,
    // and keyed by it, it was a new element at every snapshot with a loss, one the size observer
    // above never watched. Grown past the line's room it was then hidden with no "+1 more" (the
    // line read "✔ balanced" over terms that did not add up) until another term changed width.
    const term = (key: string, text: string, n: number, title: string, held?: true) => ({
      text: `${text} ${fmt(n)}`,
      title: compact ? `${formatCount(n)}: ${title}` : title,
      key,
      ...(held ? { held } : {}),
    });
    return [
      term('injected', 'injected', acc.injected, 'messages injected from outside'),
      term('emitted', '+ emitted', acc.emitted, 'alerts and responses emitted by kernels'),
      ...(acc.carriedOver
        ? [
            term(
              'carried',
              '+ carried over',
              acc.carriedOver,
              'queued or dead-lettered when the counters were last reset',
            ),
          ]
        : []),
      term(
        'processed',
        '= processed',
        acc.processed - acc.toHost,
        "consumed by kernels (the Queues panel's processed column adds up to this)",
      ),
      ...(acc.toHost
        ? [
            term(
              'toHost',
              '+ to host',
              acc.toHost,
              'responses delivered back to the host: no kernel runs them, so the Queues and Metrics panels do not count them',
            ),
          ]
        : []),
      term('queued', '+ queued', acc.queued, 'waiting in kernel queues'),
      term(
        'inFlight',
        '+ in flight',
        acc.inFlight,
        'taken from a queue, being processed on a backend',
      ),
      term(
        'held',
        compact ? '+ dead letters' : '+ held as dead letters',
        acc.deadLettered,
        'failed messages held in the dead-letter queue now (redrivable)',
        true,
      ),
      {
        ...term(
          'failed',
          '+ failed, not kept',
          lost,
          lostWhy || 'failed messages no longer held anywhere',
        ),
        // Its reasons carry their own figures: "65,639: evicted from the dead-letter queue:
        // 65,639" had said the number twice.
        ...(compact && reasons.length > 0
          ? {
              title: one
                ? `${formatCount(lost)} ${lossWords(one, 'long')}`
                : `${formatCount(lost)} failed, not kept: ${lostWhy}`,
            }
          : {}),
        // Compact, one reason names the term ("+ evicted from dead letters 781 K"): the line
        // then fits 1280x720 with letters held and evicted.
        text:
          compact && one
            ? `+ ${lostWords} ${fmt(lost)}`
            : `+ failed, not kept ${fmt(lost)}${lostWords ? ` (${lostWords})` : ''}`,
      },
    ];
  };
  const exactTerms = termsIn(false);
  const terms = exact ? exactTerms : termsIn(true);
  const verdict = acc.balanced ? '✔ balanced' : '✘ unbalanced';
  // After Reset counters the terms count from then: said beside the verdict, as the generator's
  // "sent" and the Receipts' rows shown still count from before (nothing had said which did).
  const since = acc.sinceUs === undefined ? null : formatClock(acc.sinceUs);
  // Compact, to the minute (its title has the second): "since 10:22:26" beside the verdict had
  // put three terms out of view at 1280x720 with letters held and evicted.
  const sinceShown = since !== null && !exact ? since.slice(0, 5) : since;
  const whole = `${verdict}${since ? ` since ${since}` : ''}: ${exactTerms.map((t) => t.text).join(' ')}`;
  // The terms out of view are the last ones. The dead letters held, the largest term after a
  // burst into a full queue, had gone behind "+2 more" with the visible sum far from adding up.
  const heldHidden = hidden > 0 && acc.deadLettered > 0 && terms.slice(-hidden).some((t) => t.held);
  return (
    <>
      <div
        ref={ref}
        className={`accounting ${stale.className}`}
        title={stale.title ?? whole}
        data-testid="accounting"
        data-balanced={acc.balanced}
      >
        <strong className={acc.balanced ? 'ok' : 'bad'}>{verdict}</strong>
        {since ? (
          <span
            className="muted"
            data-testid="accounting-since"
            title={`Reset counters at ${since}: these terms count from then, with what was held then carried over. The generator's count is its whole run's.`}
          >
            since {sinceShown}
          </span>
        ) : null}
        {terms.map((t) => (
          <span key={t.key} title={t.title} data-term="">
            {t.text}
          </span>
        ))}
        {/* Its words drawn by CSS from data-text: the copy is no text of the page (a search
            for "✔ balanced" finds the line's verdict alone). */}
        <span ref={exactRef} className="accounting-measure" aria-hidden="true">
          <strong data-text={verdict} />
          {since ? <span data-text={`since ${since}`} /> : null}
          {exactTerms.map((t) => (
            <span key={t.key} data-text={t.text} />
          ))}
        </span>
      </div>
      {hidden > 0 ? (
        // The failed term is the last, so the first to go out of view: a loss is never only in
        // a tooltip (after a burst of 1 M into a full queue, 988,976 failed read "+1 more").
        <span
          className={`accounting-more${lost > 0 ? ' lost' : ''}`}
          data-testid="accounting-more"
          title={whole}
        >
          +{hidden} more
          {heldHidden ? ` · ${formatCompact(acc.deadLettered)} held` : ''}
          {lost > 0
            ? ` · ${formatCompact(lost)} ${reasons.length === 1 ? (LOSS_WORDS[reasons[0]![0]]?.short ?? `failed (${reasons[0]![0]})`) : 'failed, not kept'}`
            : ''}
        </span>
      ) : null}
    </>
  );
}
