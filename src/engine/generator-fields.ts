/**
 * The generator's payload fields compiled ahead: each field's role (id, account, amount, …) and
 * type become one op code with its offset, so filling a message is one switch per field writing
 * through typed-array views (no DataView); plus the amounts' distribution.
 */
import type { FieldSlot, PayloadLayout } from './payload';

/** How generated amounts are drawn: mostly ordinary, a few over and just under the fraud threshold. */
export const AMOUNT_OVER_P = 0.01;
export const AMOUNT_STRUCTURING_P = 0.02;
export const AMOUNT_MEAN = 800;

/** Field roles, as small integers so the per-message loop switches on numbers. */
export const R_ID = 0;
export const R_ACCOUNT = 1;
export const R_COUNTERPARTY = 2;
export const R_AMOUNT = 3;
export const R_COUNTRY = 4;
export const R_TIME = 5;
export const R_RANDOM = 6;

export function roleOf(f: FieldSlot): number {
  const n = f.name.toLowerCase();
  if (n === 'id' || n === 'messageid' || n === 'txid') return R_ID;
  if (n.includes('counterparty') || n === 'to' || n.includes('dest')) return R_COUNTERPARTY;
  if (n.includes('account')) return R_ACCOUNT;
  if (n.includes('amount') || n.includes('value')) return R_AMOUNT;
  if (n.includes('country')) return R_COUNTRY;
  if (n.includes('time')) return R_TIME;
  return R_RANDOM;
}

/**
 * Field operations: what a field's value is (its role) and how it is stored (its type), as one
 * code, so the per-message loop takes one switch per field. The common pairs have their own code;
 * any other pair goes through {@link OP_GENERIC} (role switch, then type switch).
 */
export const OP_ID_U64 = 0;
export const OP_TIME_U64 = 1;
export const OP_ACCOUNT_U32 = 2;
export const OP_COUNTERPARTY_U32 = 3;
export const OP_AMOUNT_F32 = 4;
export const OP_COUNTRY_U16 = 5;
export const OP_RANDOM_U32 = 6;
export const OP_RANDOM_U8 = 7;
export const OP_GENERIC = 8;
/** Bytes field: `skip` words the role would have drawn (unused), then one word per byte. */
export const OP_BYTES = 9;

/** Field types as small integers. */
export const T_U8 = 0;
export const T_U16 = 1;
export const T_U32 = 2;
export const T_I32 = 3;
export const T_U64 = 4;
export const T_F32 = 5;
export const T_F64 = 6;
export const T_BYTES = 7;
export const T_BOOL = 8;
export const T_I64 = 9;
export const TYPE_CODE: Record<FieldSlot['type'], number> = {
  u8: T_U8,
  bool: T_BOOL,
  u16: T_U16,
  u32: T_U32,
  i32: T_I32,
  u64: T_U64,
  i64: T_I64,
  f32: T_F32,
  f64: T_F64,
  bytes: T_BYTES,
};

/** Words a role draws for its value (an amount always takes two). */
export function drawsOf(role: number): number {
  return role === R_AMOUNT ? 2 : role === R_COUNTERPARTY || role === R_COUNTRY ? 1 : 0;
}

/** Words of one compiled field in {@link CompiledFields.ops}. */
export const OP_WORDS = 7;

/**
 * A mix entry's fields compiled to one Int32Array of (op, offset, role, type, size, skip, element
 * size) septuples: no objects or strings per message. `skip` is what a bytes field's role draws
 * before its bytes; `element size` the unit whose bytes a big-endian host must reverse.
 */
export interface CompiledFields {
  count: number;
  ops: Int32Array;
  /** Most random words one message of this entry can draw (for the buffer's headroom). */
  maxDraws: number;
}

export function opOf(role: number, type: number): number {
  if (type === T_BYTES) return OP_BYTES;
  if (role === R_ID && type === T_U64) return OP_ID_U64;
  if (role === R_TIME && type === T_U64) return OP_TIME_U64;
  if (role === R_ACCOUNT && type === T_U32) return OP_ACCOUNT_U32;
  if (role === R_COUNTERPARTY && type === T_U32) return OP_COUNTERPARTY_U32;
  if (role === R_AMOUNT && type === T_F32) return OP_AMOUNT_F32;
  if (role === R_COUNTRY && type === T_U16) return OP_COUNTRY_U16;
  if (role === R_RANDOM && type === T_U32) return OP_RANDOM_U32;
  if (role === R_RANDOM && type === T_U8) return OP_RANDOM_U8;
  return OP_GENERIC;
}

export function compileFields(layout: PayloadLayout): CompiledFields {
  const fs = layout.fields;
  const ops = new Int32Array(fs.length * OP_WORDS);
  let maxDraws = 0;
  fs.forEach((f, k) => {
    const role = roleOf(f);
    const type = TYPE_CODE[f.type];
    const op = opOf(role, type);
    const o = k * OP_WORDS;
    ops[o] = op;
    ops[o + 1] = f.offset;
    ops[o + 2] = role;
    ops[o + 3] = type;
    ops[o + 4] = f.size;
    // A bytes field draws its role's words (unused; a random role draws none), then one per byte.
    ops[o + 5] = op === OP_BYTES ? drawsOf(role) : 0;
    ops[o + 6] = type === T_BYTES ? 1 : type === T_U64 || type === T_I64 ? 4 : f.size;
    // amount: up to 2 draws, others at most one; bytes fields one more per byte.
    maxDraws += (role === R_AMOUNT ? 2 : 1) + (type === T_BYTES ? f.size : 0);
  });
  return { count: fs.length, ops, maxDraws };
}

/**
 * Typed-array views of a batch's payload bytes (little-endian hosts only), so aligned fields are
 * stored without a DataView.
 */
export interface Views {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
}

export function viewsOf(bytes: Uint8Array): Views {
  const b = bytes.buffer;
  const o = bytes.byteOffset;
  const n = bytes.byteLength;
  // Lengths rounded down: a view covers every whole element of the payload.
  return {
    u8: bytes,
    u16: new Uint16Array(b, o, n >> 1),
    u32: new Uint32Array(b, o, n >> 2),
    i32: new Int32Array(b, o, n >> 2),
    f32: new Float32Array(b, o, n >> 2),
    f64: new Float64Array(b, o, n >> 3),
  };
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Largest alignment the layout's stores need (u64 goes as two u32 words; 1 when no scalars). */
export function alignOf(layout: PayloadLayout): number {
  let a = 1;
  for (const f of layout.fields) {
    if (f.type !== 'bytes') a = Math.max(a, f.type === 'u64' || f.type === 'i64' ? 4 : f.size);
  }
  return a;
}

/**
 * Copies the field bytes of one message assembled at `src[0..)` to `dst` at `at` (little-endian:
 * a big-endian host's elements are reversed on the way). Padding is left alone.
 */
export function copyFields(f: CompiledFields, src: Uint8Array, dst: Uint8Array, at: number): void {
  const ops = f.ops;
  for (let k = 0; k < f.count * OP_WORDS; k += OP_WORDS) {
    const off = ops[k + 1]!;
    const size = ops[k + 4]!;
    const elem = ops[k + 6]!;
    for (let j = 0; j < size; j++) {
      const from = LITTLE_ENDIAN ? j : j - (j % elem) + (elem - 1 - (j % elem));
      dst[at + off + j] = src[off + from]!;
    }
  }
}
