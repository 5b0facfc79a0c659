/**
 * Every error the core throws carries a stable `code` so callers (the engine, the UI, tests)
 * can branch on it without parsing messages.
 */
export type CoreErrorCode =
  | 'U64_OUT_OF_RANGE'
  | 'CODEC_TOO_SHORT'
  | 'CODEC_BAD_MAGIC'
  | 'CODEC_BAD_VERSION'
  | 'CODEC_PAYLOAD_TOO_LARGE'
  | 'CODEC_LENGTH_MISMATCH'
  | 'CODEC_BAD_CHECKSUM'
  | 'CODEC_UNSAFE_INTEGER'
  | 'CLOCK_SKEW'
  | 'TENANT_MISMATCH'
  | 'UNKNOWN_MESSAGE_TYPE'
  | 'DUPLICATE_HANDLER_ID'
  | 'ENDPOINT_CLOSED'
  | 'ALREADY_REGISTERED'
  | 'INVALID_ARGUMENT';

/** Base class of every error thrown by `src/core`. */
export class CoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `e` is a {@link CoreError}, optionally with the given code. */
export function isCoreError(e: unknown, code?: CoreErrorCode): e is CoreError {
  return e instanceof CoreError && (code === undefined || e.code === code);
}

/** A value that should be a u64 (or another bounded integer) is not. */
export class U64RangeError extends CoreError {
  constructor(message: string) {
    super('U64_OUT_OF_RANGE', message);
  }
}

/** An argument is outside what the API accepts (negative capacity, priority > 255, ...). */
export class InvalidArgumentError extends CoreError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
