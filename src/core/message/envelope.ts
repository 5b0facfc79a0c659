import { CoreError, type CoreErrorCode } from '../errors.ts';
import { ZERO_HLC, type HlcTimestamp } from '../clock/hlc.ts';
import { crc32c } from './crc32c.ts';
import {
  HEADER_MAGIC,
  HEADER_SIZE,
  HEADER_VERSION,
  HeaderOffset as O,
  HeaderPriority,
  MAX_PAYLOAD_SIZE,
} from './header.ts';
import { toU64, u64ToBigInt, type U64 } from './u64.ts';

/** The decoded 256-byte message header. u64 fields are normalised {@link U64}s. */
export interface MessageHeader {
  version: number;
  /** Bit set of {@link MessageFlags}. */
  flags: number;
  messageId: U64;
  /** 0 = none. */
  correlationId: U64;
  /** Numeric source kernel, 0 = host. */
  sourceKernel: U64;
  /** Numeric destination kernel, 0 = host (the dispatcher ignores it). */
  destKernel: U64;
  /** The type id the dispatcher routes on. */
  messageType: U64;
  /** Header priority scale: 0 low, 1 normal, 2 high, 3 critical. */
  priority: number;
  payloadSize: number;
  /** CRC32-C of the payload. */
  checksum: number;
  timestamp: HlcTimestamp;
  /** All zero = no deadline. */
  deadline: HlcTimestamp;
}

/** A header plus its payload bytes. */
export interface MessageEnvelope {
  header: MessageHeader;
  payload: Uint8Array;
}

/** Input of {@link createEnvelope}. */
export interface CreateEnvelopeInput {
  messageType: number | bigint;
  payload?: Uint8Array;
  timestamp: HlcTimestamp;
  /** Header priority, 0-3 (default 1, normal). */
  priority?: number;
  correlationId?: number | bigint;
  sourceKernel?: number | bigint;
  destKernel?: number | bigint;
  /** Header message id (default: a fresh one from `ids`, as RingKernel's `MessageHeader::new`). */
  messageId?: number | bigint;
  /** Where generated message ids come from (default: {@link defaultMessageIds}). */
  ids?: MessageIdSource;
  flags?: number;
  deadline?: HlcTimestamp;
}

const EMPTY = new Uint8Array(0);

/** Hands out message ids; each call returns one never returned before by that source. */
export interface MessageIdSource {
  next(): number;
}

/**
 * A counter from `start` (default 1), as RingKernel's `MessageId::generate()` (a process-wide
 * atomic counter from 1). Give each deterministic run its own source.
 */
export function createMessageIdSource(start = 1): MessageIdSource {
  let id = start;
  return { next: () => id++ };
}

/** The process-wide source `createEnvelope` uses when given neither `messageId` nor `ids`. */
export const defaultMessageIds: MessageIdSource = createMessageIdSource();

/** Why {@link decodeEnvelope} or {@link encodeEnvelope} refused its input. */
export class CodecError extends CoreError {
  constructor(code: CoreErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Build an envelope with a computed payload size and CRC32-C checksum. Without `messageId` the
 * header gets a fresh unique id, as RingKernel's `MessageHeader::new` always generates one. u64
 * inputs are normalised with `toU64` (throws on values outside u64).
 */
export function createEnvelope(input: CreateEnvelopeInput): MessageEnvelope {
  const payload = input.payload ?? EMPTY;
  if (payload.length > MAX_PAYLOAD_SIZE) {
    throw new CodecError(
      'CODEC_PAYLOAD_TOO_LARGE',
      `payload of ${payload.length} bytes exceeds the ${MAX_PAYLOAD_SIZE}-byte limit; split the message or use an external buffer`,
    );
  }
  const priority = input.priority ?? HeaderPriority.Normal;
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
    throw new CodecError('CODEC_UNSAFE_INTEGER', `header priority must be a u8, got ${priority}`);
  }
  const flags = input.flags ?? 0;
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffff_ffff) {
    throw new CodecError('CODEC_UNSAFE_INTEGER', `header flags must be a u32, got ${flags}`);
  }
  return {
    header: {
      version: HEADER_VERSION,
      flags,
      messageId: toU64(input.messageId ?? (input.ids ?? defaultMessageIds).next()),
      correlationId: toU64(input.correlationId ?? 0),
      sourceKernel: toU64(input.sourceKernel ?? 0),
      destKernel: toU64(input.destKernel ?? 0),
      messageType: toU64(input.messageType),
      priority,
      payloadSize: payload.length,
      checksum: payload.length === 0 ? 0 : crc32c(payload),
      timestamp: input.timestamp,
      deadline: input.deadline ?? ZERO_HLC,
    },
    payload,
  };
}

function writeHlc(view: DataView, at: number, ts: HlcTimestamp, field: string): void {
  view.setBigUint64(at, hlcPart(ts.physical, field, 'physical'), true);
  view.setBigUint64(at + 8, hlcPart(ts.logical, field, 'logical'), true);
  view.setBigUint64(at + 16, hlcPart(ts.nodeId, field, 'nodeId'), true);
}

function hlcPart(v: number, field: string, part: string): bigint {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new CodecError('CODEC_UNSAFE_INTEGER', `${field}.${part} = ${v} is not a u64 integer`);
  }
  return BigInt(v);
}

/**
 * Encode to the wire form: the 256-byte little-endian header, then the payload. The checksum
 * and payload size are recomputed from the payload so the bytes are always self-consistent.
 */
export function encodeEnvelope(env: MessageEnvelope): Uint8Array {
  const { header: h, payload } = env;
  if (payload.length > MAX_PAYLOAD_SIZE) {
    throw new CodecError(
      'CODEC_PAYLOAD_TOO_LARGE',
      `payload of ${payload.length} bytes exceeds the ${MAX_PAYLOAD_SIZE}-byte limit`,
    );
  }
  // Bytes this codec could not decode again are refused here, not discovered by the reader.
  if (!Number.isInteger(h.version) || h.version < 0 || h.version > HEADER_VERSION) {
    throw new CodecError(
      'CODEC_BAD_VERSION',
      `header version ${h.version} is not one this codec writes (<= ${HEADER_VERSION})`,
    );
  }
  if (!Number.isInteger(h.priority) || h.priority < 0 || h.priority > 255) {
    throw new CodecError('CODEC_UNSAFE_INTEGER', `header priority must be a u8, got ${h.priority}`);
  }
  if (!Number.isInteger(h.flags) || h.flags < 0 || h.flags > 0xffff_ffff) {
    throw new CodecError('CODEC_UNSAFE_INTEGER', `header flags must be a u32, got ${h.flags}`);
  }
  const out = new Uint8Array(HEADER_SIZE + payload.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(O.magic, HEADER_MAGIC, true);
  view.setUint32(O.version, h.version, true);
  view.setUint32(O.flags, h.flags, true);
  view.setBigUint64(O.messageId, u64ToBigInt(toU64(h.messageId)), true);
  view.setBigUint64(O.correlationId, u64ToBigInt(toU64(h.correlationId)), true);
  view.setBigUint64(O.sourceKernel, u64ToBigInt(toU64(h.sourceKernel)), true);
  view.setBigUint64(O.destKernel, u64ToBigInt(toU64(h.destKernel)), true);
  view.setBigUint64(O.messageType, u64ToBigInt(toU64(h.messageType)), true);
  view.setUint8(O.priority, h.priority);
  view.setBigUint64(O.payloadSize, BigInt(payload.length), true);
  view.setUint32(O.checksum, payload.length === 0 ? 0 : crc32c(payload), true);
  writeHlc(view, O.timestamp, h.timestamp, 'timestamp');
  writeHlc(view, O.deadline, h.deadline, 'deadline');
  out.set(payload, HEADER_SIZE);
  return out;
}

/** Options of {@link decodeEnvelope}. */
export interface DecodeOptions {
  /**
   * Accept a zero checksum on a non-empty payload (RingKernel's host writes 0). Default false:
   * the workbench always writes the real CRC32-C.
   */
  allowZeroChecksum?: boolean;
  /**
   * Refuse bytes after the payload (`CODEC_LENGTH_MISMATCH`). Default false: like RingKernel's
   * `MessageEnvelope::from_bytes`, the header's payload size is authoritative and anything
   * after the payload (padding of a larger buffer) is ignored and counted in `trailingBytes`.
   */
  strict?: boolean;
}

/** What {@link decodeEnvelope} returns: the envelope, and how many bytes after it were ignored. */
export interface DecodedEnvelope extends MessageEnvelope {
  /** Bytes after the payload that were not read (always 0 with `strict`). */
  trailingBytes: number;
}

function readU64(view: DataView, at: number): U64 {
  return toU64(view.getBigUint64(at, true));
}

function readHlc(view: DataView, at: number, field: string): HlcTimestamp {
  const parts = [0, 8, 16].map((d) => {
    const v = view.getBigUint64(at + d, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CodecError(
        'CODEC_UNSAFE_INTEGER',
        `${field} part at byte ${at + d} is ${v}, beyond 2^53 - 1; HLC fields are numbers and would be rounded`,
      );
    }
    return Number(v);
  });
  return { physical: parts[0]!, logical: parts[1]!, nodeId: parts[2]! };
}

/**
 * Decode and validate wire bytes: the header, then the `payloadSize` bytes it announces; bytes
 * after those are ignored (and counted in `trailingBytes`) unless `strict` is set. Throws
 * {@link CodecError} with code `CODEC_TOO_SHORT`,
 * `CODEC_BAD_MAGIC`, `CODEC_BAD_VERSION`, `CODEC_PAYLOAD_TOO_LARGE`, `CODEC_LENGTH_MISMATCH`,
 * `CODEC_BAD_CHECKSUM` or `CODEC_UNSAFE_INTEGER` (an HLC field beyond 2^53 - 1). u64 id fields
 * beyond 2^53 - 1 come back as exact bigints. The payload is a copy.
 */
export function decodeEnvelope(bytes: Uint8Array, options: DecodeOptions = {}): DecodedEnvelope {
  if (bytes.length < HEADER_SIZE) {
    throw new CodecError(
      'CODEC_TOO_SHORT',
      `got ${bytes.length} bytes; a message needs at least the ${HEADER_SIZE}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getBigUint64(O.magic, true);
  if (magic !== HEADER_MAGIC) {
    throw new CodecError(
      'CODEC_BAD_MAGIC',
      `bad magic 0x${magic.toString(16)} (expected 0x${HEADER_MAGIC.toString(16)}); these bytes are not a RingKernel message`,
    );
  }
  const version = view.getUint32(O.version, true);
  if (version > HEADER_VERSION) {
    throw new CodecError(
      'CODEC_BAD_VERSION',
      `header version ${version} is newer than the supported version ${HEADER_VERSION}`,
    );
  }
  const size = view.getBigUint64(O.payloadSize, true);
  if (size > BigInt(MAX_PAYLOAD_SIZE)) {
    throw new CodecError(
      'CODEC_PAYLOAD_TOO_LARGE',
      `payloadSize ${size} exceeds the ${MAX_PAYLOAD_SIZE}-byte limit`,
    );
  }
  const payloadSize = Number(size);
  const end = HEADER_SIZE + payloadSize;
  if (bytes.length < end || (options.strict === true && bytes.length !== end)) {
    throw new CodecError(
      'CODEC_LENGTH_MISMATCH',
      `header says ${payloadSize} payload bytes but ${bytes.length - HEADER_SIZE} follow the header${bytes.length > end ? ' (strict decoding refuses trailing bytes)' : ''}`,
    );
  }
  const checksum = view.getUint32(O.checksum, true);
  const payload = bytes.slice(HEADER_SIZE, end);
  const actual = payloadSize === 0 ? 0 : crc32c(payload);
  if (checksum !== actual && !(options.allowZeroChecksum === true && checksum === 0)) {
    throw new CodecError(
      'CODEC_BAD_CHECKSUM',
      `checksum 0x${checksum.toString(16)} does not match the payload's CRC32-C 0x${actual.toString(16)}; the payload is corrupt`,
    );
  }
  return {
    header: {
      version,
      flags: view.getUint32(O.flags, true),
      messageId: readU64(view, O.messageId),
      correlationId: readU64(view, O.correlationId),
      sourceKernel: readU64(view, O.sourceKernel),
      destKernel: readU64(view, O.destKernel),
      messageType: readU64(view, O.messageType),
      priority: view.getUint8(O.priority),
      payloadSize,
      checksum,
      timestamp: readHlc(view, O.timestamp, 'timestamp'),
      deadline: readHlc(view, O.deadline, 'deadline'),
    },
    payload,
    trailingBytes: bytes.length - end,
  };
}
