import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { RECEIPT_STATUSES, type ReceiptStatus } from '../../engine/protocol';
import { RECEIPT_LOG_CAPACITY, RECEIPT_LOG_KEPT_FAILURES } from '../../state/receiptLog';
import { formatCompact, formatCount } from '../design/format';

export interface ReceiptCountsProps {
  /** Every receipt the engine issued. */
  total: number;
  byStatus: Partial<Record<ReceiptStatus, number>>;
  /** Delivered to their queue, then lost there or in their kernel. */
  failedLater: number;
  /** Rows in the list (the filter applied). */
  shown: number;
  /** Counted, not captured as rows. */
  sampledOut: number;
  /** Captured as rows, and no longer in the list (older than the rows it keeps, or cleared). */
  older: number;
  /** Receipts whose row is still to come, their message queued. */
  pending: number;
  /** Rows captured since the list was paused (or held while read): they show on Resume. */
  held?: number;
  /** Rows in the list the filter hides. */
  filteredOut: number;
  /** The stale marking of the live panels (a class and its explanation). */
  stale: { className: string; title?: string };
  /** The status filter now ('' for none): its chip reads pressed. */
  picked?: string;
  /**
   * With it, each status chip is a button that filters the list to its rows ("failed later" to
   * the evicted ones), and pressed again clears the filter.
   */
  onPick?: (status: ReceiptStatus | 'evicted' | '') => void;
}

type Format = (n: number) => string;

/**
 * What a status's count is, where its name is not the whole story: one refusal at a full queue is
 * a QueueFull receipt, and a Rejected or QueueFull dead letter by the kernel's policy (four names
 * for one event, a review found, with nothing here to tie them).
 */
const STATUS_NOTES: Partial<Record<ReceiptStatus, string>> = {
  QueueFull:
    'refused at a full queue; their dead letters read Rejected where the policy is reject, QueueFull where it is deadLetter',
};

/**
 * The counts' items, each number written by `fmt`; `ids` gives them their test ids and titles
 * (the measuring copies have neither). With `cut` the last item is measured as short as it may be
 * cut: the words of "(1,622,369 not captured)" give way with an ellipsis, its number does not.
 */
function items(
  p: ReceiptCountsProps,
  fmt: Format,
  ids: boolean,
  showOlder = true,
  cut = false,
  bare = false,
) {
  // Terse (`showOlder` false): the older count is in the title only. The filtered-out count
  // stays on the line until the line is bare: under a filter it is what the list hides, and
  // without it "10.0 K rows shown (17.0 K not captured)" under 44.4 K receipts did not add up
  // (the words of "not captured" give way first: "(9.97 K filtered out, 17.0 K not c…").
  const older = showOlder ? p.older : 0;
  const filteredOut = p.filteredOut;
  const held = p.held ?? 0;
  const exact = fmt !== formatCount;
  const id = (testId: string) => (ids ? { 'data-testid': testId } : {});
  const title = (text: string, n: number) =>
    ids ? { title: exact ? `${formatCount(n)}: ${text}` : text } : {};
  const later = failedLaterShown(p);
  // Bare, the line's last item goes: what it counts is said on "rows shown"'s hover instead.
  const beyond = bare ? outOfLine(p) : '';
  // A chip a user can press (the shown copy, with a filter to set) or its measuring copy (the
  // same box: the fit is measured on it).
  const chip = (
    key: string,
    className: string,
    choice: ReceiptStatus | 'evicted',
    attrs: Record<string, string>,
    children: ReactNode,
  ) => {
    const onPick = p.onPick;
    if (!ids || !onPick) {
      return (
        <span key={key} className={`${className} chip-pick`} {...attrs}>
          {children}
        </span>
      );
    }
    const pressed = p.picked === choice;
    const how = pressed ? 'press again to list every row' : 'press to list only these rows';
    return (
      <button
        key={key}
        type="button"
        className={`${className} chip-pick`}
        {...attrs}
        title={attrs.title ? `${attrs.title} (${how})` : how}
        aria-pressed={pressed}
        onClick={() => onPick(pressed ? '' : choice)}
      >
        {children}
      </button>
    );
  };
  return (
    <>
      <span
        {...id('receipt-total')}
        {...title('every receipt the engine issued, counted exactly', p.total)}
      >
        {fmt(p.total)} {p.total === 1 ? 'receipt' : 'receipts'}
      </span>
      {RECEIPT_STATUSES.filter((s) => p.byStatus[s]).map((s) =>
        chip(
          s,
          `status-chip st-${s}`,
          s,
          {
            ...id(`count-${s}`),
            ...(ids && (exact || STATUS_NOTES[s])
              ? {
                  title: `${s} ${formatCount(p.byStatus[s] ?? 0)}${STATUS_NOTES[s] ? `: ${STATUS_NOTES[s]}` : ''}`,
                }
              : {}),
          },
          <>
            {s} {fmt(p.byStatus[s] ?? 0)}
          </>,
        ),
      )}
      {/* A receipt says the message reached its queue; some failed there or in their kernel
          afterwards. "Delivered 100,000" alone read as nothing lost while a dropOldest queue had
          evicted 95,904 of them. */}
      {p.failedLater > 0
        ? chip(
            'failed-later',
            'status-chip st-failed-later',
            'evicted',
            {
              ...id('count-failed-later'),
              ...title(
                'delivered to their queue, then evicted by a dropOldest queue, refused by their kernel (KernelError, InvalidPayload) or left queued when their kernel was removed: each is in Dead letters, or counted there as evicted. The status filter\'s "evicted" lists the evicted rows here',
                later,
              ),
            },
            <>{fmt(later)} failed later</>,
          )
        : null}
      <span
        {...id('receipt-shown')}
        {...title(
          `rows in the list below (the filter applied); the list keeps the newest ${formatCount(RECEIPT_LOG_CAPACITY)} rows captured, and up to ${formatCount(RECEIPT_LOG_KEPT_FAILURES)} failures older than those${p.pending ? `; ${formatCount(p.pending)} more rows are on their way: their messages wait in a queue, and a row is made when its kernel takes one` : ''}${beyond ? `; ${beyond}` : ''}`,
          p.shown,
        )}
      >
        {fmt(p.shown)} {p.shown === 1 ? 'row' : 'rows'} shown
      </span>
      {/* "20,000 rows shown (30,398,365 not captured)" under 30,458,956 receipts did not add up:
          the rows captured earlier and let go since were nowhere. They are counted here, as
          "older". */}
      {!bare && (p.sampledOut || older || filteredOut || held) ? (
        <span
          className="muted receipt-sampled-out"
          {...id('receipt-sampled-out')}
          {...(ids && { title: outOfLine(p) })}
        >
          {/* "older" first: where the line is short, the words of "not captured" give way to
              an ellipsis, and no number is cut ("10,627 o…" had been, at its end). */}
          {`(${[
            // Paused, the rows captured since are in the total and not yet in the list: "10,851
            // rows shown (711,599 not captured)" under 736,980 had left 14,530 nowhere (QA).
            held ? `${fmt(held)} held` : '',
            filteredOut ? `${fmt(filteredOut)} filtered out` : '',
            older ? `${fmt(older)} older` : '',
            p.sampledOut
              ? cut
                ? `${fmt(p.sampledOut)} not…`
                : `${fmt(p.sampledOut)} not captured`
              : '',
          ]
            .filter(Boolean)
            .join(', ')}${!cut || !p.sampledOut ? ')' : ''}`}
        </span>
      ) : null}
    </>
  );
}

/**
 * The rows counted and not in the list, in words: the title of the line's last item, and, where
 * the line has no room for that item, of "rows shown".
 */
function outOfLine(p: ReceiptCountsProps): string {
  return [
    p.held
      ? `${formatCount(p.held)} held: captured since the list was paused, shown on Resume`
      : '',
    p.filteredOut
      ? `${formatCount(p.filteredOut)} filtered out: captured rows the filter hides (clear it and they show)`
      : '',
    p.sampledOut
      ? `${formatCount(p.sampledOut)} counted exactly, but not captured as rows: too many per snapshot, outside the filter, or evicted from their queue before their row was filled`
      : '',
    p.older
      ? `${formatCount(p.older)} older: captured as rows earlier and no longer in the list (it keeps the newest ${formatCount(RECEIPT_LOG_CAPACITY)} rows, and up to ${formatCount(RECEIPT_LOG_KEPT_FAILURES)} failures older than those; Clear empties it)`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The delivered receipts that failed later, as the line counts them (never above Delivered). */
function failedLaterShown(p: ReceiptCountsProps): number {
  return Math.min(p.failedLater, p.byStatus.Delivered ?? 0);
}

/** What a count's width depends on: whether it is 0 or 1 (words), and its digits' places. */
function shapeOf(n: number): string {
  if (n === 0) return 'z';
  if (n === 1) return 'o';
  return `${formatCount(n)}/${formatCompact(n)}`.replace(/\d/g, '0');
}

/** The counts' shapes: the forms' widths change only with it. */
function widthKey(p: ReceiptCountsProps): string {
  return [
    p.total,
    ...RECEIPT_STATUSES.map((s) => p.byStatus[s] ?? 0),
    p.failedLater,
    failedLaterShown(p),
    p.shown,
    p.older,
    p.filteredOut,
    p.sampledOut,
    p.pending,
    p.held ?? 0,
  ]
    .map(shapeOf)
    .join('|');
}

/**
 * How the counts are written: exact on one line, compact on one line, compact without the older
 * rows' count (in the title instead) on one line, that with the words "not captured" cut, the
 * counts without what was filtered out, older or not captured (on "rows shown"'s hover), compact
 * over lines.
 */
type Fit = 'exact' | 'compact' | 'terse' | 'tight' | 'bare' | 'wrap';
/** The forms, longest first. */
const FITS: readonly Fit[] = ['exact', 'compact', 'terse', 'tight', 'bare', 'wrap'];
/** Room to spare a longer form needs to come back (see `measure`). */
const FIT_SLACK_PX = 24;

/**
 * Receipts' counts, on a line of their own above the controls: counts that grow never push the
 * controls down. Where the exact counts do not fit the line, they read compact (1.66 M, the exact
 * figure in each one's title): cut at the pane's edge, "20,000 rows shown" had read "20,00". Where
 * even those do not fit (a narrow pane), they wrap onto another line rather than cut a number.
 * Where the older rows' count is what does not fit, it goes to the title (the line then reads as
 * before it was added), before the words of "not captured" give way ("(71.1 K older, 21.5 M not
 * ca…" at 1280x720). Copies out of sight measure which fits.
 */
export function ReceiptCounts(p: ReceiptCountsProps) {
  const bar = useRef<HTMLDivElement>(null);
  const exact = useRef<HTMLSpanElement>(null);
  const compact = useRef<HTMLSpanElement>(null);
  const terse = useRef<HTMLSpanElement>(null);
  const tight = useRef<HTMLSpanElement>(null);
  const bare = useRef<HTMLSpanElement>(null);
  const [fit, setFit] = useState<Fit>('exact');
  const measure = useCallback(() => {
    const b = bar.current;
    const forms = [exact, compact, terse, tight, bare].map((r) => r.current);
    if (!b || forms.some((f) => f === null)) return;
    const room = b.clientWidth;
    const widths = forms.map((f) => f!.offsetWidth);
    // A longer form than the one shown comes back only with room to spare: at the edge, a count
    // gaining or losing a digit flipped the line between "19,978" and "20.0 K" and moved the
    // status chips and "rows shown" 8-80 px back and forth under load.
    setFit((shown) => {
      const now = FITS.indexOf(shown);
      const i = widths.findIndex((w, j) => w + (j < now ? FIT_SLACK_PX : 0) <= room);
      return i < 0 ? 'wrap' : FITS[i]!;
    });
  }, []);
  // Measured when the counts change their shape (a digit more or fewer, another unit, a count
  // coming or going: in tabular figures nothing else moves a width), and when the pane resizes
  // (in the next frame: a change of text inside the observer's callback is a resize loop).
  // Measured at every change of a count, the read forced a layout in the middle of React's
  // commit at each snapshot: 16 % of the page's thread at 2 M/s, 24 % with a kernel forced onto
  // WebGPU.
  useLayoutEffect(measure, [measure, widthKey(p)]);
  useLayoutEffect(() => {
    const b = bar.current;
    if (!b) return;
    let frame = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    });
    ro.observe(b);
    return () => {
      cancelAnimationFrame(frame);
      ro.disconnect();
    };
  }, [measure]);
  return (
    <div
      ref={bar}
      className={`panel-bar receipts-counts ${p.stale.className}`}
      title={p.stale.title}
      data-fit={fit}
    >
      {/* Wrapped, the shortest line wraps: the whole compact line had taken three lines of a
          345 px pane at 200 K/s, moving the controls below it down 52 px within 2 s. */}
      {items(
        p,
        fit === 'exact' ? formatCount : formatCompact,
        true,
        fit === 'exact' || fit === 'compact',
        false,
        fit === 'bare' || fit === 'wrap',
      )}
      <span ref={exact} className="receipts-counts-measure" aria-hidden="true">
        {items(p, formatCount, false)}
      </span>
      <span ref={compact} className="receipts-counts-measure" aria-hidden="true">
        {items(p, formatCompact, false)}
      </span>
      <span ref={terse} className="receipts-counts-measure" aria-hidden="true">
        {items(p, formatCompact, false, false)}
      </span>
      <span ref={tight} className="receipts-counts-measure" aria-hidden="true">
        {items(p, formatCompact, false, false, true)}
      </span>
      {/* The counts alone, what was not captured on "rows shown"'s hover: with three status
          chips at 1280x720 the line had wrapped, and pressing a chip (one chip left) moved the
          controls and the list up a line and back. */}
      <span ref={bare} className="receipts-counts-measure" aria-hidden="true">
        {items(p, formatCompact, false, false, false, true)}
      </span>
    </div>
  );
}
