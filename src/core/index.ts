/**
 * The workbench core: RingKernel's dispatcher, broker, clock, queues and codec in pure
 * TypeScript. Nothing here touches React, the DOM, workers or WebGPU.
 */
export * from './errors.ts';
export * from './host.ts';
export * from './clock/hlc.ts';
export * from './clock/wall-clock.ts';
export * from './message/u64.ts';
export * from './message/crc32c.ts';
export * from './message/header.ts';
export * from './message/envelope.ts';
export * from './queue/capacity.ts';
export * from './queue/ring-buffer.ts';
export * from './queue/chunk-pool.ts';
export * from './queue/slot-queue.ts';
export * from './broker/types.ts';
export * from './broker/dead-letter.ts';
export * from './broker/endpoint.ts';
export * from './broker/broker.ts';
export * from './dispatcher/types.ts';
export * from './dispatcher/dispatch-table.ts';
export * from './dispatcher/dispatcher.ts';
export * from './dispatcher/builder.ts';
export * from './config/index.ts';
// Both the core and the config module name these; the core's definitions are the same values.
export { U64_MAX } from './message/u64.ts';
export type { OverflowPolicy } from './broker/types.ts';
