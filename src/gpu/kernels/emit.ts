import { ACCOUNT_SLOTS } from './params.ts';
import {
  PAYLOAD_WORDS,
  createOutputBatch,
  type KernelTwin,
  type MessageBatch,
  type OutputBatch,
} from './types.ts';

/**
 * The account slot a row's state lives in, for the kernels keyed by account (fraud processor,
 * aggregator: Transaction / AccountUpdate layout, account at payload word 3). Their wrappers
 * shard by it too.
 */
export function accountSlot(batch: MessageBatch, row: number): number {
  return (batch.payload[row * PAYLOAD_WORDS + 3] ?? 0) & (ACCOUNT_SLOTS - 1);
}

/**
 * Output writing shared by the CPU twins: grows the twin's reusable output batch when an input
 * batch is larger than any before, and copies the causing row's header fields.
 */
export function ensureOutput(out: OutputBatch, capacity: number): OutputBatch {
  const o = out.capacity >= capacity ? out : createOutputBatch(capacity);
  o.count = 0;
  return o;
}

/** Append an output row caused by input `row`; returns the payload base index to fill. */
export function emitRow(
  out: OutputBatch,
  input: MessageBatch,
  row: number,
  typeLo: number,
  typeHi: number,
  dest: number,
  flags: number,
): number {
  const k = out.count++;
  out.typeLo[k] = typeLo;
  out.typeHi[k] = typeHi;
  out.idLo[k] = input.idLo[row] ?? 0;
  out.idHi[k] = input.idHi[row] ?? 0;
  out.source[k] = input.source[row] ?? 0;
  out.priority[k] = input.priority[row] ?? 0;
  out.flags[k] = flags;
  out.dest[k] = dest;
  out.parentRow[k] = row;
  return k * PAYLOAD_WORDS;
}

/** Checks an imported state's size; a wrong size is a programming error, reported with both sizes. */
export function checkStateSize(kernel: string, expected: number, got: number): void {
  if (expected !== got) {
    throw new RangeError(
      `${kernel}: state has ${got} words, expected ${expected}; export it from the same kernel kind`,
    );
  }
}

/**
 * What every CPU twin shares: its state words (persisting across batches), a reusable output
 * batch, and state export, import and reset. A twin adds its `behavior` and `process`.
 */
export abstract class StatefulTwin implements KernelTwin {
  abstract readonly behavior: KernelTwin['behavior'];
  protected readonly state: Uint32Array;
  protected out: OutputBatch = createOutputBatch(1);

  constructor(stateWords: number) {
    this.state = new Uint32Array(stateWords);
  }

  abstract process(batch: MessageBatch): OutputBatch;

  exportState(into?: Uint32Array): Uint32Array {
    if (into?.length !== this.state.length) return this.state.slice();
    into.set(this.state);
    return into;
  }

  importState(state: Uint32Array): void {
    checkStateSize(this.behavior, this.state.length, state.length);
    this.state.set(state);
  }

  reset(): void {
    this.state.fill(0);
  }
}
