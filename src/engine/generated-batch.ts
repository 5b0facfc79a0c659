/**
 * The structure-of-arrays batch a traffic generator fills (`TrafficGenerator.fill`), and the
 * transferable buffers it travels in between the generator's worker and the engine's.
 */
import { type Views, viewsOf } from './generator-fields';

/**
 * Preallocated output of `TrafficGenerator.fill` (generators.ts). Payload of message i is at `i * stride`,
 * or, with a {@link RowTarget} set, at byte `rowAt[i]` of the target's views.
 */
export class GeneratedBatch {
  count = 0;
  /**
   * Where payloads go instead of `payload` (the engine's message store: each message's fields
   * written once, where they will stay). Rows must be aligned as the stride would be.
   */
  target: RowTarget | null = null;
  readonly timeUs: Float64Array;
  readonly mixIndex: Uint16Array;
  readonly account: Uint32Array;
  readonly payload: Uint8Array;
  readonly view: DataView;
  /** Typed-array views of `payload`, for the generator's aligned stores. */
  readonly views: Views;

  /**
   * `buffers`: the arrays' storage, given instead of allocated (a chunk's buffers travelling
   * between the generator's worker and the engine's).
   */
  constructor(
    readonly capacity: number,
    readonly stride: number,
    buffers?: BatchBuffers,
  ) {
    const b = buffers ?? {
      timeUs: new ArrayBuffer(capacity * 8),
      mixIndex: new ArrayBuffer(capacity * 2),
      payload: new ArrayBuffer(capacity * stride),
    };
    this.timeUs = new Float64Array(b.timeUs, 0, capacity);
    this.mixIndex = new Uint16Array(b.mixIndex, 0, capacity);
    this.account = new Uint32Array(capacity);
    this.payload = new Uint8Array(b.payload, 0, capacity * stride);
    this.view = new DataView(this.payload.buffer);
    this.views = viewsOf(this.payload);
  }
}

/** The transferable storage of a {@link GeneratedBatch}: arrival times, mix indexes, payloads. */
export interface BatchBuffers {
  timeUs: ArrayBuffer;
  mixIndex: ArrayBuffer;
  payload: ArrayBuffer;
}

/** Payload rows elsewhere: views of the buffer and each row's byte offset in it. */
export interface RowTarget {
  views: Views;
  rowAt: Int32Array;
}
