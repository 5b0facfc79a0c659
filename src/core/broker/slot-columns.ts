import type { K2KMessage } from './types.ts';

/**
 * @internal The structure-of-arrays slot storage of one broker, indexed by the slots of its
 * shared {@link ChunkPool} (every endpoint's queue takes slots from that pool). Per slot: the
 * message object of a per-message send (`msgs`), else the type id, broker id and payload
 * reference of a batch message. Per run start (see `ChunkPool.metaSlot`): source, destination,
 * hops, tenant and send time, shared by the slots of the run.
 */
export class SlotColumns {
  msgs: (K2KMessage | null)[];
  ids: Float64Array;
  typeIds: Float64Array;
  payloadRefs: Uint32Array;
  /** Source kernel, as a number in the broker's name table (run starts). */
  srcNames: Uint32Array;
  /** Destination kernel, as a number in the broker's name table (run starts). */
  dstNames: Uint32Array;
  /** (run starts) */
  hops: Uint8Array;
  /** (run starts) */
  tenants: Int32Array;
  /** (run starts) */
  sentAt: Float64Array;

  constructor(space: number) {
    this.msgs = new Array<K2KMessage | null>(space).fill(null);
    this.ids = new Float64Array(space);
    this.typeIds = new Float64Array(space);
    this.payloadRefs = new Uint32Array(space);
    this.srcNames = new Uint32Array(space);
    this.dstNames = new Uint32Array(space);
    this.hops = new Uint8Array(space);
    this.tenants = new Int32Array(space);
    this.sentAt = new Float64Array(space);
  }

  /** Lengthen every column to `space`, keeping what they hold. */
  grow(space: number): void {
    while (this.msgs.length < space) this.msgs.push(null);
    this.ids = longer(this.ids, new Float64Array(space));
    this.typeIds = longer(this.typeIds, new Float64Array(space));
    this.payloadRefs = longer(this.payloadRefs, new Uint32Array(space));
    this.srcNames = longer(this.srcNames, new Uint32Array(space));
    this.dstNames = longer(this.dstNames, new Uint32Array(space));
    this.hops = longer(this.hops, new Uint8Array(space));
    this.tenants = longer(this.tenants, new Int32Array(space));
    this.sentAt = longer(this.sentAt, new Float64Array(space));
  }
}

function longer<A extends Float64Array | Uint32Array | Uint8Array | Int32Array>(old: A, to: A): A {
  to.set(old);
  return to;
}
