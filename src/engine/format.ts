/**
 * One number formatter for every table and badge: thousands separators, a unit after a thin space,
 * compact forms (12.3 K, 4.56 M) where a column would otherwise grow with the value. Locale is
 * fixed to en-US so numbers read the same on every machine (and screenshots stay stable).
 *
 * Here in the engine, not in the UI's design folder (which re-exports it), because the engine
 * words some numbers itself (placement's reason, beside the columns the page formats with the
 * same functions) and may not import the UI.
 */
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fixed = [0, 1, 2, 3].map(
  (d) => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }),
);

/** Thin no-break space between a number and its unit. */
const SEP = '\u202f';

/** `1234567` → `1,234,567`; `digits` fixes the decimals; non-finite values read `—`. */
export function formatNumber(n: number | bigint, digits = 0): string {
  if (typeof n === 'bigint') return whole.format(n);
  if (!Number.isFinite(n)) return '—';
  return (fixed[Math.min(3, Math.max(0, digits))] ?? whole).format(n);
}

/** A count with an optional unit: `formatCount(4096, 'msgs')` → `4,096 msgs`. */
export function formatCount(n: number | bigint, unit?: string): string {
  const s = formatNumber(n);
  return unit ? `${s}${SEP}${unit}` : s;
}

/** A count and its noun, plural unless 1: `countOf(1, 'letter')` → `1 letter`, 4,096 → `4,096 letters`. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

const AND = new Intl.ListFormat('en', { type: 'conjunction' });

/** Items as a sentence lists them: `['a', 'b', 'c']` → `a, b, and c`. */
export function listOf(items: readonly string[]): string {
  return AND.format(items);
}

/**
 * Counts by name, those above zero, in order: `{ Delivered: 4490, QueueFull: 0, NoRoute: 3 }` →
 * `Delivered 4,490, NoRoute 3`; empty when none is.
 */
export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${formatCount(n)}`)
    .join(', ');
}

/** Compact: `999` → `999`, `12_345` → `12.3 K`, `4_560_000` → `4.56 M`, `7.1e9` → `7.10 G`. */
export function formatCompact(n: number, unit?: string): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  // A value that would round up to 1,000 of a unit is shown in the next one (999,600 reads
  // 1.00 M, not 1,000 K): the whole-number digits of K and M round at .5.
  const [v, suffix] =
    a >= 999.5e6
      ? [n / 1e9, 'G']
      : a >= 999.5e3
        ? [n / 1e6, 'M']
        : a >= 1e4
          ? [n / 1e3, 'K']
          : [n, ''];
  const digits =
    suffix === ''
      ? Number.isInteger(v)
        ? 0
        : 1
      : // By the value as it rounds: 99.96 K shown with one decimal read "100.0 K", beside the
        // "100 K" and "99.9 K" of the snapshots around it (a rate steady at 100 K/s changed width).
        Math.abs(v) >= 99.95
        ? 0
        : Math.abs(v) >= 9.995
          ? 1
          : 2;
  const s = formatNumber(v, digits);
  const tail = `${suffix}${unit ?? ''}`;
  return tail ? `${s}${SEP}${tail}` : s;
}

/** A rate per second: `formatRate(1234.5)` → `1,235/s`; compact above 10,000: `12.3 K/s`. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '—';
  const a = Math.abs(perSec);
  // By the value as it rounds, as formatCompact does: 9,999.6 read "10,000/s" beside "10.0 K/s".
  if (a >= 9_999.5) return formatCompact(a < 1e4 ? Math.sign(perSec) * 1e4 : perSec, '/s');
  // Under 10 a second a fraction is a tenth of the value or more: a rate of 2.5 asked read "3/s"
  // in the generator's line (QA), and one message every 2.5 s "0/s" as if nothing came. The
  // decimals by the value as it rounds too (9.96 is "10/s", not "10.0/s"); under a hundredth,
  // "<0.01/s", not a zero.
  if (Number.isInteger(perSec) || a >= 9.95) return `${formatNumber(perSec)}/s`;
  if (a < 0.005) return '<0.01/s';
  return `${formatNumber(perSec, a >= 0.095 ? 1 : 2)}/s`;
}

/** A measured rate, or that it is not measured yet. */
export function measuredRate(r: number | null): string {
  return r === null ? 'not measured' : formatRate(r);
}

/** A duration from microseconds: `850` → `850 µs`, `12_400` → `12.40 ms`, `3.2e6` → `3.20 s`. */
export function formatMicros(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '—';
  const a = Math.abs(us);
  // By the value as it rounds, as formatCompact does: 999.6 µs read "1,000 µs" between "866 µs"
  // and "1.08 ms" (QA), and 999,996 µs "1,000.00 ms".
  if (a >= 999_995) return `${formatNumber(us / 1e6, 2)}${SEP}s`;
  if (a >= 999.5) return `${formatNumber(us / 1e3, 2)}${SEP}ms`;
  return `${formatNumber(us)}${SEP}µs`;
}

/** A share: `0.4567` → `45.7 %`. */
export function formatPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—';
  return `${formatNumber(fraction * 100, digits)}${SEP}%`;
}

/** Where a send that found no destination went, in every table (its status, NoRoute, says so too). */
export const NO_DESTINATION = '(no route)';

/**
 * A message's way as every table words it: `host → alert_sink`, and `host → (no route)` for a
 * send that found no destination (Receipts, Dead letters, Trace and What-if had said "(no route)",
 * "no route" and "(none)" for the same thing).
 */
export function routeText(source: string, destination: string): string {
  return `${source} → ${destination || NO_DESTINATION}`;
}
