import { CoreError } from '../errors.ts';
import type { U64 } from '../message/u64.ts';

/**
 * A message type as the dispatcher sees it (the TypeScript face of RingKernel's
 * `PersistentMessage`): a type id to route on, plus what the GPU handler table needs.
 */
export interface MessageType {
  typeId: number | bigint;
  name: string;
  /** GPU handler id (u32); types without one get a route but no handler registration. */
  handlerId?: number;
  requiresResponse?: boolean;
  /** The response's type id (RingKernel convention: request type + 1). */
  responseTypeId?: number | bigint;
  /** Payload size in bytes. */
  payloadSize?: number;
}

/** Dispatcher configuration (RingKernel's DispatcherConfig). */
export interface DispatcherConfig {
  /** Recorded for parity; nothing reads it. */
  enableLogging: boolean;
  /** Recorded for parity; metrics are always kept. */
  enableMetrics: boolean;
  /** K2K priority (u8) given to every dispatched message (default 0). */
  defaultPriority: number;
}

/** Default {@link DispatcherConfig}. */
export const DEFAULT_DISPATCHER_CONFIG: Readonly<DispatcherConfig> = Object.freeze({
  enableLogging: false,
  enableMetrics: true,
  defaultPriority: 0,
});

/** Dispatcher counters (a copy). */
export interface DispatcherMetrics {
  /** Every dispatch that got past the broker or failed for want of a route. */
  messagesDispatched: number;
  /** Dispatches with status `Delivered`. */
  messagesDelivered: number;
  /** Dispatches with no route for their type id. */
  unknownTypeErrors: number;
  /** Dispatches with a failure status (`QueueFull`, `NotFound`, `MaxHopsExceeded`). */
  deliveryErrors: number;
}

/** No route for a message's type id. */
export class UnknownMessageTypeError extends CoreError {
  constructor(readonly typeId: U64) {
    super(
      'UNKNOWN_MESSAGE_TYPE',
      `No route for message type_id: ${typeId}; register the type or add a route for it`,
    );
  }
}

/** A kernel's dispatch table already has a handler with this id. */
export class DuplicateHandlerIdError extends CoreError {
  constructor(
    readonly kernelId: string,
    readonly handlerId: number,
    readonly existing: string,
  ) {
    super(
      'DUPLICATE_HANDLER_ID',
      `duplicate handler id ${handlerId} in the dispatch table of "${kernelId}" (already used by "${existing}"); give the type another handlerId`,
    );
  }
}
