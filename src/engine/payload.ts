/**
 * Typed payloads: a message type's field list laid out little-endian in declaration order, each
 * scalar naturally aligned (offset a multiple of its size, as a C struct or WGSL would place it), so
 * the demo Transaction lands exactly on the kernels' 8-word layout. `bytes` fields take their
 * declared `size` (default 8) and need no alignment. Pure functions; the UI imports them too
 * for the receipt detail view.
 */
import type { MessageTypeConfig, PayloadValues } from './protocol';

export type FieldType = MessageTypeConfig['fields'][number]['type'];

export interface FieldSlot {
  name: string;
  type: FieldType;
  offset: number;
  size: number;
}

export interface PayloadLayout {
  size: number;
  fields: FieldSlot[];
}

const SIZES: Record<Exclude<FieldType, 'bytes'>, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  i32: 4,
  i64: 8,
  f32: 4,
  f64: 8,
  bool: 1,
};

/** Default size of a `bytes` field that declares none. */
export const DEFAULT_BYTES_SIZE = 8;
/** The largest finite f32 (3.4028235e38), as the errors for values past it say it. */
export const F32_MAX_TEXT = '3.4028235e38';

export function fieldSize(type: FieldType, size?: number): number {
  return type === 'bytes' ? (size ?? DEFAULT_BYTES_SIZE) : SIZES[type];
}

/** Lays out a field list. */
export function layoutOf(fields: MessageTypeConfig['fields']): PayloadLayout {
  let offset = 0;
  const slots: FieldSlot[] = [];
  for (const f of fields) {
    const size = fieldSize(f.type, f.size);
    if (f.type !== 'bytes') offset = Math.ceil(offset / size) * size;
    slots.push({ name: f.name, type: f.type, offset, size });
    offset += size;
  }
  return { size: offset, fields: slots };
}

export type DecodedValue = number | bigint | boolean | string;

/**
 * The shortest decimal that reads back as the same f32: a field stored as f32 decoded to
 * 524.1099853515625 (its exact double) where 524.11 was sent.
 */
export function formatF32(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) return String(n);
  }
  return String(x);
}

/** Decodes a payload by its layout; `bytes` fields become hex; a short payload decodes what fits. */
export function decodePayload(
  layout: PayloadLayout,
  bytes: Uint8Array,
): Record<string, DecodedValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, DecodedValue> = {};
  for (const f of layout.fields) {
    if (f.offset + f.size > bytes.byteLength) break;
    // Defined, not assigned: a field named `__proto__` must become an own property, not a prototype.
    Object.defineProperty(out, f.name, {
      value: readField(view, f, bytes),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function readField(view: DataView, f: FieldSlot, bytes: Uint8Array): DecodedValue {
  const o = f.offset;
  switch (f.type) {
    default:
    case 'u8':
      return view.getUint8(o);
    case 'u16':
      return view.getUint16(o, true);
    case 'u32':
      return view.getUint32(o, true);
    case 'i32':
      return view.getInt32(o, true);
    case 'u64': {
      const v = view.getBigUint64(o, true);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 'i64': {
      const v = view.getBigInt64(o, true);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(v)
        : v;
    }
    case 'f32':
      return view.getFloat32(o, true);
    case 'f64':
      return view.getFloat64(o, true);
    case 'bool':
      return view.getUint8(o) !== 0;
    case 'bytes':
      return toHex(bytes.subarray(o, o + f.size));
  }
}

/** Writes one field; throws a RangeError naming the field when the value does not fit its type. */
export function writeField(view: DataView, f: FieldSlot, value: DecodedValue): void {
  const o = f.offset;
  const bad = (why: string): never => {
    throw new RangeError(`Field "${f.name}" (${f.type}): ${why} (got ${String(value)}).`);
  };
  const int = (min: number, max: number): number => {
    const n = typeof value === 'boolean' ? Number(value) : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) bad(`needs an integer in ${min}..${max}`);
    return n;
  };
  switch (f.type) {
    case 'u8':
      view.setUint8(o, int(0, 0xff));
      return;
    case 'u16':
      view.setUint16(o, int(0, 0xffff), true);
      return;
    case 'u32':
      view.setUint32(o, int(0, 0xffffffff), true);
      return;
    case 'i32':
      view.setInt32(o, int(-0x80000000, 0x7fffffff), true);
      return;
    case 'u64':
    case 'i64': {
      let v: bigint;
      try {
        v =
          typeof value === 'bigint'
            ? value
            : BigInt(typeof value === 'boolean' ? Number(value) : value);
      } catch {
        return bad('needs an integer');
      }
      if (f.type === 'u64') {
        if (v < 0n || v >= 1n << 64n) bad('needs an integer in 0..2^64-1');
        view.setBigUint64(o, v, true);
      } else {
        if (v < -(1n << 63n) || v >= 1n << 63n) bad('needs an integer in -2^63..2^63-1');
        view.setBigInt64(o, v, true);
      }
      return;
    }
    case 'f32':
    case 'f64': {
      const n = Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(n)) bad('needs a finite number');
      // Past ±3.4e38 an f32 is Infinity: 1e40 was stored as Infinity and raised a fraud alert.
      if (f.type === 'f32' && !Number.isFinite(Math.fround(n)))
        bad(`needs a number within the f32 range (±${F32_MAX_TEXT})`);
      if (f.type === 'f32') view.setFloat32(o, n, true);
      else view.setFloat64(o, n, true);
      return;
    }
    case 'bool':
      view.setUint8(o, value === true || value === 1 || value === 'true' ? 1 : 0);
      return;
    case 'bytes': {
      const hex = String(value).replace(/^0x/i, '').replace(/\s+/g, '');
      if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) bad('needs hex bytes');
      if (hex.length / 2 > f.size) bad(`holds at most ${f.size} bytes`);
      for (let i = 0; i < hex.length / 2; i++) {
        view.setUint8(o + i, parseInt(hex.slice(i * 2, i * 2 + 2), 16));
      }
      return;
    }
  }
}

/** Encodes given field values over a base payload (used for hand injection; missing fields keep the base). */
export function encodePayload(
  layout: PayloadLayout,
  values: PayloadValues,
  base?: Uint8Array,
): Uint8Array {
  const bytes = new Uint8Array(layout.size);
  if (base) bytes.set(base.subarray(0, layout.size));
  const view = new DataView(bytes.buffer);
  const known = new Set(layout.fields.map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name))
      throw new RangeError(
        `Unknown field "${name}"; the type has ${[...known].join(', ') || 'no fields'}.`,
      );
  }
  for (const f of layout.fields) {
    // Own properties only: `constructor` or `toString` must not be read off Object.prototype.
    const v = Object.hasOwn(values, f.name) ? values[f.name] : undefined;
    if (v !== undefined) writeField(view, f, v);
  }
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] ?? 0];
  return s;
}
