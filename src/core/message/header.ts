/** Header layout constants (see docs/ringkernel-semantics.md section 3). */

/** The header's magic number: ASCII "RINGKERN" read as a little-endian u64. */
export const HEADER_MAGIC = 0x52494e474b45524en;
/** The only header version the core writes; decode accepts versions <= this. */
export const HEADER_VERSION = 1;
/** Header size in bytes. */
export const HEADER_SIZE = 256;
/** Largest payload a message may carry. */
export const MAX_PAYLOAD_SIZE = 65_536;

/** Header flag bits. */
export const MessageFlags = {
  Extended: 0x01,
  HighPriority: 0x02,
  ExternalBuffer: 0x04,
  RequiresResponse: 0x08,
} as const;

/** Header priority scale (u8 at offset 56), RingKernel's `Priority` enum. */
export const HeaderPriority = { Low: 0, Normal: 1, High: 2, Critical: 3 } as const;

/** One of the four {@link HeaderPriority} values. */
export type HeaderPriorityValue = (typeof HeaderPriority)[keyof typeof HeaderPriority];

/**
 * RingKernel's `Priority::from_u8`: 0 low, 1 normal, 2 high, and every other u8 critical
 * (saturating). Throws a RangeError for a value that is not a u8.
 */
export function priorityFromU8(value: number): HeaderPriorityValue {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`priority must be a u8 (0-255), got ${value}`);
  }
  return value <= 2 ? (value as 0 | 1 | 2) : HeaderPriority.Critical;
}

/** The K2K send priority scale (u8, higher first). */
export const K2KPriority = { Low: 0, Normal: 64, High: 128, Critical: 192 } as const;

/** Byte offsets of the header fields. */
export const HeaderOffset = {
  magic: 0,
  version: 8,
  flags: 12,
  messageId: 16,
  correlationId: 24,
  sourceKernel: 32,
  destKernel: 40,
  messageType: 48,
  priority: 56,
  payloadSize: 64,
  checksum: 72,
  timestamp: 80,
  deadline: 104,
} as const;
