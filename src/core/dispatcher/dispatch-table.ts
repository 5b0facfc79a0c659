import { InvalidArgumentError } from '../errors.ts';
import { toU64, type U64 } from '../message/u64.ts';
import { DuplicateHandlerIdError, type MessageType } from './types.ts';

/** One handler of a kernel's dispatch table (what GPU handler code is generated from). */
export interface HandlerRegistration {
  handlerId: number;
  handlerName: string;
  messageTypeId: U64;
  requiresResponse: boolean;
  /** The response type, when the handler produces one (0 if the type did not declare it). */
  responseTypeId: U64 | null;
}

/**
 * A kernel's handler registrations by handler id. Used to generate handler code; never read while
 * dispatching.
 */
export class DispatchTable {
  private readonly byId = new Map<number, HandlerRegistration>();

  constructor(readonly kernelId: string) {}

  /** Add a registration; throws {@link DuplicateHandlerIdError} if its id is taken. */
  register(reg: HandlerRegistration): void {
    const existing = this.byId.get(reg.handlerId);
    if (existing !== undefined) {
      throw new DuplicateHandlerIdError(this.kernelId, reg.handlerId, existing.handlerName);
    }
    this.byId.set(reg.handlerId, reg);
  }

  /** Register a message type's handler under `handlerName` (no-op for types without a handler id). */
  registerMessage(type: MessageType, handlerName: string): void {
    if (type.handlerId === undefined) return;
    if (!Number.isInteger(type.handlerId) || type.handlerId < 0 || type.handlerId > 0xffffffff) {
      throw new InvalidArgumentError(`handlerId must be a u32, got ${type.handlerId}`);
    }
    const requiresResponse = type.requiresResponse === true;
    this.register({
      handlerId: type.handlerId,
      handlerName,
      messageTypeId: toU64(type.typeId),
      requiresResponse,
      responseTypeId: requiresResponse
        ? type.responseTypeId === undefined
          ? 0
          : toU64(type.responseTypeId)
        : null,
    });
  }

  /** The registration with this handler id. */
  get(handlerId: number): HandlerRegistration | undefined {
    return this.byId.get(handlerId);
  }

  /** All registrations, in registration order. */
  handlers(): HandlerRegistration[] {
    return [...this.byId.values()];
  }

  /** Number of registrations. */
  get size(): number {
    return this.byId.size;
  }

  /** Number of registrations (the seed's `len()`). */
  len(): number {
    return this.byId.size;
  }

  /** A deep copy (the seed's `get_dispatch_table` returns a clone). */
  clone(): DispatchTable {
    const t = new DispatchTable(this.kernelId);
    for (const r of this.byId.values()) t.byId.set(r.handlerId, { ...r });
    return t;
  }
}
