import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCoreError } from '../errors.ts';
import { crc32c } from './crc32c.ts';
import {
  createEnvelope,
  createMessageIdSource,
  decodeEnvelope,
  encodeEnvelope,
} from './envelope.ts';
import { HEADER_SIZE, HeaderOffset, MAX_PAYLOAD_SIZE } from './header.ts';
import { parseU64, toU64, u64ToJson } from './u64.ts';

const ts = { physical: 1_700_000_000_000_000, logical: 3, nodeId: 7 };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isCoreError(e) ? e.code : 'not-core-error';
  }
  return undefined;
}

describe('toU64', () => {
  it('normalises numbers and bigints to one representation', () => {
    expect(toU64(1001)).toBe(1001);
    expect(toU64(1001n)).toBe(1001);
    expect(toU64(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(toU64(2n ** 53n)).toBe(2n ** 53n);
    expect(toU64(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
  });
  it('refuses what it cannot hold exactly', () => {
    for (const bad of [-1, 1.5, 2 ** 53, NaN, -1n, 2n ** 64n]) {
      expect(codeOf(() => toU64(bad))).toBe('U64_OUT_OF_RANGE');
    }
  });
  it('parses decimal strings and writes JSON-safe forms', () => {
    expect(parseU64('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(parseU64('42')).toBe(42);
    expect(codeOf(() => parseU64('4x'))).toBe('U64_OUT_OF_RANGE');
    expect(u64ToJson(2n ** 60n)).toBe('1152921504606846976');
    expect(u64ToJson(5)).toBe(5);
  });
});

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });
});

const u64Arb = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 2n ** 53n - 4n, max: 2n ** 53n + 4n }),
  fc.integer({ min: 0, max: 1_000_000 }),
);
const safeArb = fc.maxSafeNat();

describe('envelope codec', () => {
  it('writes the header layout of the semantics table', () => {
    const env = createEnvelope({
      messageType: 1001,
      payload: new Uint8Array([1, 2, 3]),
      timestamp: ts,
      priority: 2,
    });
    const bytes = encodeEnvelope(env);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(HEADER_SIZE + 3);
    expect(view.getBigUint64(0, true)).toBe(0x52494e474b45524en);
    expect(view.getUint32(HeaderOffset.version, true)).toBe(1);
    expect(view.getBigUint64(HeaderOffset.messageType, true)).toBe(1001n);
    expect(view.getUint8(HeaderOffset.priority)).toBe(2);
    expect(view.getBigUint64(HeaderOffset.payloadSize, true)).toBe(3n);
    expect(view.getUint32(HeaderOffset.checksum, true)).toBe(crc32c(new Uint8Array([1, 2, 3])));
    expect(view.getBigUint64(HeaderOffset.timestamp, true)).toBe(BigInt(ts.physical));
    expect(view.getBigUint64(HeaderOffset.timestamp + 16, true)).toBe(7n);
  });

  it('round-trips every field, u64s beyond 2^53 exactly', () => {
    fc.assert(
      fc.property(
        u64Arb,
        u64Arb,
        u64Arb,
        u64Arb,
        u64Arb,
        fc.uint8Array({ maxLength: 300 }),
        fc.record({ physical: safeArb, logical: safeArb, nodeId: safeArb }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (
          messageType,
          messageId,
          correlationId,
          sourceKernel,
          destKernel,
          payload,
          timestamp,
          priority,
          flags,
        ) => {
          const env = createEnvelope({
            messageType,
            messageId,
            correlationId,
            sourceKernel,
            destKernel,
            payload,
            timestamp,
            priority,
            flags,
          });
          const back = decodeEnvelope(encodeEnvelope(env));
          expect(back).toEqual({ ...env, trailingBytes: 0 });
          expect(back.header.messageType).toBe(toU64(messageType));
        },
      ),
    );
  });

  it('keeps 2^53 + 1 exact (a number would round it to 2^53)', () => {
    const env = createEnvelope({ messageType: 2n ** 53n + 1n, timestamp: ts });
    expect(decodeEnvelope(encodeEnvelope(env)).header.messageType).toBe(2n ** 53n + 1n);
  });

  const good = () =>
    encodeEnvelope(
      createEnvelope({ messageType: 5001, payload: new Uint8Array(8).fill(9), timestamp: ts }),
    );

  it('rejects each kind of bad input with its code', () => {
    expect(codeOf(() => decodeEnvelope(new Uint8Array(10)))).toBe('CODEC_TOO_SHORT');
    const magic = good();
    magic[0] = magic[0]! ^ 0xff;
    expect(codeOf(() => decodeEnvelope(magic))).toBe('CODEC_BAD_MAGIC');
    const version = good();
    new DataView(version.buffer).setUint32(HeaderOffset.version, 2, true);
    expect(codeOf(() => decodeEnvelope(version))).toBe('CODEC_BAD_VERSION');
    const size = good();
    new DataView(size.buffer).setBigUint64(
      HeaderOffset.payloadSize,
      BigInt(MAX_PAYLOAD_SIZE + 1),
      true,
    );
    expect(codeOf(() => decodeEnvelope(size))).toBe('CODEC_PAYLOAD_TOO_LARGE');
    expect(codeOf(() => decodeEnvelope(good().subarray(0, HEADER_SIZE + 4)))).toBe(
      'CODEC_LENGTH_MISMATCH',
    );
    const sum = good();
    sum[HEADER_SIZE + 3] = sum[HEADER_SIZE + 3]! ^ 1;
    expect(codeOf(() => decodeEnvelope(sum))).toBe('CODEC_BAD_CHECKSUM');
    const hlc = good();
    new DataView(hlc.buffer).setBigUint64(HeaderOffset.timestamp, 2n ** 60n, true);
    expect(codeOf(() => decodeEnvelope(hlc))).toBe('CODEC_UNSAFE_INTEGER');
  });

  it('rejects any single corrupted payload byte (checksum property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (p, at, x) => {
          const bytes = encodeEnvelope(
            createEnvelope({ messageType: 1, payload: p, timestamp: ts }),
          );
          const i = HEADER_SIZE + (at % p.length);
          bytes[i] = bytes[i]! ^ x;
          expect(codeOf(() => decodeEnvelope(bytes))).toBe('CODEC_BAD_CHECKSUM');
        },
      ),
    );
  });

  it('accepts RingKernel host bytes (zero checksum) only when asked', () => {
    const bytes = good();
    new DataView(bytes.buffer).setUint32(HeaderOffset.checksum, 0, true);
    expect(codeOf(() => decodeEnvelope(bytes))).toBe('CODEC_BAD_CHECKSUM');
    expect(decodeEnvelope(bytes, { allowZeroChecksum: true }).payload.length).toBe(8);
  });

  it('refuses oversized payloads when creating', () => {
    expect(
      codeOf(() =>
        createEnvelope({
          messageType: 1,
          payload: new Uint8Array(MAX_PAYLOAD_SIZE + 1),
          timestamp: ts,
        }),
      ),
    ).toBe('CODEC_PAYLOAD_TOO_LARGE');
  });
});

describe('encode refuses headers it could not decode again', () => {
  const ts = { physical: 1, logical: 0, nodeId: 1 };
  it('version, priority and flags out of range are typed errors', () => {
    const env = createEnvelope({ messageType: 1, timestamp: ts });
    const code = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(code(() => encodeEnvelope({ ...env, header: { ...env.header, version: 2 } }))).toBe(
      'CODEC_BAD_VERSION',
    );
    expect(code(() => encodeEnvelope({ ...env, header: { ...env.header, priority: 256 } }))).toBe(
      'CODEC_UNSAFE_INTEGER',
    );
    expect(code(() => createEnvelope({ messageType: 1, timestamp: ts, flags: -1 }))).toBe(
      'CODEC_UNSAFE_INTEGER',
    );
    expect(code(() => createEnvelope({ messageType: 1, timestamp: ts, flags: 2 ** 32 }))).toBe(
      'CODEC_UNSAFE_INTEGER',
    );
    expect(
      decodeEnvelope(encodeEnvelope({ ...env, header: { ...env.header, flags: 0xffff_ffff } }))
        .header.flags,
    ).toBe(0xffff_ffff);
  });
});

describe('RingKernel buffer compatibility', () => {
  const env = () =>
    createEnvelope({
      messageType: 42,
      payload: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      timestamp: ts,
    });

  it('reads a buffer with bytes after the payload, as from_bytes does, and says how many it ignored', () => {
    const wire = encodeEnvelope(env());
    const padded = new Uint8Array(wire.length + 56);
    padded.set(wire);
    padded.fill(0xee, wire.length);
    const back = decodeEnvelope(padded);
    expect(back.payload).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(back.header.payloadSize).toBe(8);
    expect(back.trailingBytes).toBe(56);
    expect(decodeEnvelope(wire).trailingBytes).toBe(0);
  });

  it('keeps a strict option that refuses trailing bytes', () => {
    const wire = encodeEnvelope(env());
    const padded = new Uint8Array(wire.length + 1);
    padded.set(wire);
    expect(codeOf(() => decodeEnvelope(padded, { strict: true }))).toBe('CODEC_LENGTH_MISMATCH');
    expect(decodeEnvelope(wire, { strict: true }).trailingBytes).toBe(0);
  });

  it('still refuses a buffer shorter than the payload the header announces', () => {
    const wire = encodeEnvelope(env());
    expect(codeOf(() => decodeEnvelope(wire.subarray(0, wire.length - 1)))).toBe(
      'CODEC_LENGTH_MISMATCH',
    );
  });

  it('gives every envelope a unique message id by default, as MessageHeader::new does', () => {
    const ids = new Set(
      Array.from({ length: 1000 }, () =>
        String(createEnvelope({ messageType: 1, timestamp: ts }).header.messageId),
      ),
    );
    expect(ids.size).toBe(1000);
    expect(ids.has('0')).toBe(false);
    // An explicit id wins; an injected source makes runs deterministic.
    expect(createEnvelope({ messageType: 1, timestamp: ts, messageId: 0 }).header.messageId).toBe(
      0,
    );
    const a = createMessageIdSource();
    const b = createMessageIdSource();
    const first = [1, 2, 3].map(
      () => createEnvelope({ messageType: 1, timestamp: ts, ids: a }).header.messageId,
    );
    const second = [1, 2, 3].map(
      () => createEnvelope({ messageType: 1, timestamp: ts, ids: b }).header.messageId,
    );
    expect(first).toEqual([1, 2, 3]);
    expect(second).toEqual(first);
  });
});
