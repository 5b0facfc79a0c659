/**
 * How a snapshot crosses from the engine's worker to the page. The sampled receipt rows and the
 * new dead-letter rows travel as columns (one Float64Array, one byte buffer, both transferred,
 * and a small string table), not as objects: a `postMessage` of ~80 rows, each an object with
 * three HLC objects and a payload of its own, cost the engine's worker 10 % of its time at
 * saturation (Chromium's profile: `postMessage` 7 %, `post` 3 %) and the page as much again to
 * read back, where the rest of the snapshot costs a fifteenth of that. The page rebuilds the
 * same rows (`fromWire`), so nothing past the client sees a difference.
 */
import type {
  DeadLetterReason,
  DeadLetterRow,
  EngineEvent,
  EngineSnapshot,
  HlcRow,
  ReceiptRow,
} from './protocol';

/**
 * A field's kind in the columns: `num` one number; `num?` a number or null; `u64` a number or a
 * bigint; `str` a string; `str?` a string or absent; `bytes` a Uint8Array; `hlc` / `hlc?` an HLC
 * stamp (or null).
 */
type Kind = 'num' | 'num?' | 'u64' | 'str' | 'str?' | 'bytes' | 'hlc' | 'hlc?';

type Schema<R> = { readonly [K in keyof Required<R>]: Kind };

/** Every field of a receipt row; the mapped type fails to compile when the row gains one. */
const RECEIPT: Schema<ReceiptRow> = {
  seq: 'num',
  hlc: 'hlc',
  messageId: 'num',
  typeId: 'u64',
  source: 'str',
  destination: 'str',
  status: 'str',
  hops: 'num',
  latencyUs: 'num?',
  priority: 'num',
  correlationId: 'num',
  parentId: 'num?',
  payload: 'bytes',
  injectedAt: 'hlc',
  deliveredAt: 'hlc?',
  processedAt: 'hlc?',
  thenLost: 'str?',
};

const LETTER: Schema<DeadLetterRow> = {
  id: 'num',
  messageId: 'num',
  typeId: 'u64',
  reason: 'str',
  source: 'str',
  destination: 'str',
  tenantId: 'num',
  attempts: 'num',
  priority: 'num',
  correlationId: 'num',
  parentId: 'num?',
  atUs: 'num',
  payload: 'bytes',
  detail: 'str?',
};

/** Rows as columns: `nums` row-major by the schema's fields, payloads end to end in `bytes`. */
export interface PackedRows {
  count: number;
  nums: Float64Array<ArrayBuffer>;
  bytes: Uint8Array<ArrayBuffer>;
  /** Distinct strings, referred to by index from `nums`. */
  strings: string[];
  /** Type ids too large for a number, referred to by index from `nums`. */
  bigints: bigint[];
}

/** Number slots a field takes per row. */
const SLOTS: Record<Kind, number> = {
  num: 1,
  'num?': 2,
  u64: 2,
  str: 1,
  'str?': 1,
  bytes: 1,
  hlc: 3,
  'hlc?': 4,
};

function entriesOf<R>(schema: Schema<R>): [string, Kind][] {
  return Object.entries(schema) as [string, Kind][];
}

const RECEIPT_FIELDS = entriesOf(RECEIPT);
const LETTER_FIELDS = entriesOf(LETTER);
const slotsOf = (fields: [string, Kind][]): number =>
  fields.reduce((n, [, kind]) => n + SLOTS[kind], 0);
const RECEIPT_SLOTS = slotsOf(RECEIPT_FIELDS);

/** Writes an HLC stamp's three numbers at `at` (zeros for null); returns the next slot. */
function stamp(nums: Float64Array, at: number, h: HlcRow | null): number {
  nums[at] = h?.physical ?? 0;
  nums[at + 1] = h?.logical ?? 0;
  nums[at + 2] = h?.nodeId ?? 0;
  return at + 3;
}

function pack<R extends object>(rows: readonly R[], fields: [string, Kind][]): PackedRows {
  const per = slotsOf(fields);
  const nums = new Float64Array(rows.length * per);
  let byteLen = 0;
  for (const row of rows) {
    for (const [k, kind] of fields) {
      if (kind === 'bytes') byteLen += (row as Record<string, Uint8Array>)[k]!.length;
    }
  }
  const bytes = new Uint8Array(byteLen);
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const bigints: bigint[] = [];
  const str = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      stringIndex.set(s, i);
    }
    return i;
  };
  let at = 0;
  let byteAt = 0;
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const [k, kind] of fields) {
      const v = r[k];
      switch (kind) {
        case 'num':
          nums[at++] = v as number;
          break;
        case 'num?':
          nums[at++] = v === null ? 0 : 1;
          nums[at++] = v === null ? 0 : (v as number);
          break;
        case 'u64':
          if (typeof v === 'bigint') {
            nums[at++] = 1;
            nums[at++] = bigints.push(v) - 1;
          } else {
            nums[at++] = 0;
            nums[at++] = v as number;
          }
          break;
        case 'str':
          nums[at++] = str(v as string);
          break;
        case 'str?':
          nums[at++] = v === undefined ? -1 : str(v as string);
          break;
        case 'bytes': {
          const b = v as Uint8Array;
          bytes.set(b, byteAt);
          byteAt += b.length;
          nums[at++] = b.length;
          break;
        }
        case 'hlc?':
          nums[at++] = v === null ? 0 : 1;
          at = stamp(nums, at, v as HlcRow | null);
          break;
        case 'hlc':
          at = stamp(nums, at, v as HlcRow);
          break;
      }
    }
  }
  return { count: rows.length, nums, bytes, strings, bigints };
}

function unpack<R>(p: PackedRows, fields: [string, Kind][]): R[] {
  const { nums, bytes, strings, bigints } = p;
  const out: R[] = new Array<R>(p.count);
  let at = 0;
  let byteAt = 0;
  for (let i = 0; i < p.count; i++) {
    const r: Record<string, unknown> = {};
    for (const [k, kind] of fields) {
      switch (kind) {
        case 'num':
          r[k] = nums[at++];
          break;
        case 'num?': {
          const present = nums[at++] === 1;
          const v = nums[at++];
          r[k] = present ? v : null;
          break;
        }
        case 'u64': {
          const big = nums[at++] === 1;
          const v = nums[at++]!;
          r[k] = big ? bigints[v] : v;
          break;
        }
        case 'str':
          r[k] = strings[nums[at++]!];
          break;
        case 'str?': {
          const s = nums[at++]!;
          if (s >= 0) r[k] = strings[s];
          break;
        }
        case 'bytes': {
          const n = nums[at++]!;
          r[k] = bytes.slice(byteAt, byteAt + n);
          byteAt += n;
          break;
        }
        case 'hlc':
          r[k] = { physical: nums[at], logical: nums[at + 1], nodeId: nums[at + 2] };
          at += 3;
          break;
        case 'hlc?':
          r[k] =
            nums[at] === 1
              ? { physical: nums[at + 1], logical: nums[at + 2], nodeId: nums[at + 3] }
              : null;
          at += 4;
          break;
      }
    }
    out[i] = r as R;
  }
  return out;
}

export const packReceipts = (rows: readonly ReceiptRow[]): PackedRows => pack(rows, RECEIPT_FIELDS);
/**
 * The receipt rows back, written out field by field in `RECEIPT`'s order: the page reads ~5,000
 * a second, and the generic `unpack` (a keyed store per field) costs more. `wire.test.ts` checks
 * that every row comes back field for field, so a field added to `RECEIPT` and not here fails.
 */
export function unpackReceipts(p: PackedRows): ReceiptRow[] {
  const { nums: v, bytes, strings, bigints } = p;
  const out: ReceiptRow[] = new Array<ReceiptRow>(p.count);
  const hlcAt = (at: number): HlcRow => ({
    physical: v[at]!,
    logical: v[at + 1]!,
    nodeId: v[at + 2]!,
  });
  // Slots: seq 0, hlc 1-3, messageId 4, typeId 5-6, source 7, destination 8, status 9, hops 10,
  // latencyUs 11-12, priority 13, correlationId 14, parentId 15-16, payload length 17,
  // injectedAt 18-20, deliveredAt 21-24, processedAt 25-28, thenLost 29.
  let a = 0;
  let b = 0;
  for (let i = 0; i < p.count; i++) {
    const n = v[a + 17]!;
    const payload = bytes.slice(b, b + n);
    b += n;
    const lost = v[a + 29]!;
    const row: ReceiptRow = {
      seq: v[a]!,
      hlc: hlcAt(a + 1),
      messageId: v[a + 4]!,
      typeId: v[a + 5] === 1 ? bigints[v[a + 6]!]! : v[a + 6]!,
      source: strings[v[a + 7]!]!,
      destination: strings[v[a + 8]!]!,
      status: strings[v[a + 9]!] as ReceiptRow['status'],
      hops: v[a + 10]!,
      latencyUs: v[a + 11] === 1 ? v[a + 12]! : null,
      priority: v[a + 13]!,
      correlationId: v[a + 14]!,
      parentId: v[a + 15] === 1 ? v[a + 16]! : null,
      payload,
      injectedAt: hlcAt(a + 18),
      deliveredAt: v[a + 21] === 1 ? hlcAt(a + 22) : null,
      processedAt: v[a + 25] === 1 ? hlcAt(a + 26) : null,
    };
    if (lost >= 0) row.thenLost = strings[lost] as DeadLetterReason;
    out[i] = row;
    a += RECEIPT_SLOTS;
  }
  return out;
}
export const packLetters = (rows: readonly DeadLetterRow[]): PackedRows =>
  pack(rows, LETTER_FIELDS);
export const unpackLetters = (p: PackedRows): DeadLetterRow[] => unpack(p, LETTER_FIELDS);

/** A snapshot as posted: its row lists empty, their rows in `receipts` and `letters`. */
export interface WireSnapshot {
  type: 'snapshot';
  snapshot: EngineSnapshot;
  packed: { receipts: PackedRows; letters: PackedRows };
}

/** What the engine's worker posts: an event, a snapshot in its wire form among them. */
export type WireEvent = Exclude<EngineEvent, { type: 'snapshot' }> | WireSnapshot;

/** The snapshot event to post, and the buffers to transfer with it. */
export function toWire(s: EngineSnapshot): { event: WireSnapshot; transfer: ArrayBuffer[] } {
  const receipts = packReceipts(s.receipts.recent);
  const letters = packLetters(s.deadLetters.recent);
  return {
    event: {
      type: 'snapshot',
      snapshot: {
        ...s,
        receipts: { ...s.receipts, recent: [] },
        deadLetters: { ...s.deadLetters, recent: [] },
      },
      packed: { receipts, letters },
    },
    transfer: [
      receipts.nums.buffer,
      receipts.bytes.buffer,
      letters.nums.buffer,
      letters.bytes.buffer,
    ],
  };
}

/** The engine's event as it left the engine (a snapshot with its rows back in place). */
export function fromWire(e: WireEvent | EngineEvent): EngineEvent {
  if (e.type !== 'snapshot' || !('packed' in e)) return e;
  const s = e.snapshot;
  return {
    type: 'snapshot',
    snapshot: {
      ...s,
      receipts: { ...s.receipts, recent: unpackReceipts(e.packed.receipts) },
      deadLetters: { ...s.deadLetters, recent: unpackLetters(e.packed.letters) },
    },
  };
}
