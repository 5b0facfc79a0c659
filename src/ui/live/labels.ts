/**
 * Words for the numbers the live panels show: type names with ids, HLC stamps as time of day,
 * dead letters' details.
 */
import type { DeadLetterReason, DeadLetterRow, HlcRow, U64 } from '../../engine/protocol';
import type { RouteConfig } from '../../core/config';
import { formatClock, formatCount } from '../design/format';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * An HLC stamp as local time of day with microseconds, then the logical counter:
 * `12:03:04.123456 · 3`. The physical part is microseconds since the Unix epoch.
 */
export function formatHlc(h: Pick<HlcRow, 'physical' | 'logical'>): string {
  return `${formatHlcTime(h)} · ${h.logical}`;
}

/** An HLC's physical part as local time of day to the microsecond: `15:42:35.933619`. */
export function formatHlcTime(h: Pick<HlcRow, 'physical'>): string {
  const us = Math.floor(h.physical);
  const frac = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return `${formatClock(us)}.${pad(frac, 6)}`;
}

/** A message type as its name and id (`FraudAlert (1010)`), or the bare id when none defines it. */
export function typeLabel(types: RouteConfig['messageTypes'], typeId: U64): string {
  const id = String(typeId);
  const type = types.find((t) => String(t.typeId) === id);
  return type ? `${type.name} (${id})` : `${id} (not in the config)`;
}

/**
 * A letter's detail as its row shows it. The core words a full queue `queue of "pattern_detector"
 * is full (1024)`, which repeats the destination beside it and wrapped each row onto three lines
 * in the half-width pane at 1280x720 (a row and a half in view): there it reads `queue full
 * (1,024)`, the core's words on hover. Any other detail is shown as it is.
 */
export function detailText(r: Pick<DeadLetterRow, 'detail' | 'destination'>): string {
  const d = r.detail ?? '';
  const prefix = `queue of ${JSON.stringify(r.destination)} is full (`;
  if (!d.startsWith(prefix) || !d.endsWith(')')) return d;
  const n = Number(d.slice(prefix.length, -1));
  return Number.isInteger(n) ? `queue full (${formatCount(n)})` : d;
}

/**
 * What became of a message delivered to its queue and lost there (`ReceiptRow.thenLost`): a
 * word for the status cell and the whole story for its title and the detail.
 */
export function lostText(
  reason: DeadLetterReason,
  destination: string,
): { short: string; long: string } {
  if (reason === 'DroppedOldest')
    return {
      short: 'evicted',
      long: `Delivered to ${destination}'s queue, then evicted by newer messages (dropOldest) before it ran: its dead letter reads DroppedOldest`,
    };
  if (reason === 'Unregistered')
    return {
      short: 'kernel removed',
      long: `Delivered to ${destination}'s queue; the kernel was removed before it ran: its dead letter reads Unregistered`,
    };
  return { short: reason, long: `Delivered, then lost before it ran: ${reason}` };
}
