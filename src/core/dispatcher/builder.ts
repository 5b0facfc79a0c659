import { K2KBroker } from '../broker/broker.ts';
import type { K2KBrokerOptions } from '../broker/types.ts';
import { DuplicateHandlerIdError } from './types.ts';
import { toU64, type U64 } from '../message/u64.ts';
import { KernelDispatcher } from './dispatcher.ts';
import { DEFAULT_DISPATCHER_CONFIG, type DispatcherConfig, type MessageType } from './types.ts';

interface PendingRoute {
  typeId: U64;
  kernelId: string;
  handlerName: string;
  type: MessageType | null;
}

/**
 * Builds a {@link KernelDispatcher} (RingKernel's DispatcherBuilder). Routes apply in order; the
 * last one for a type id wins. Duplicate handler ids only warn (see `warnings`).
 *
 * @example
 * const d = new DispatcherBuilder()
 *   .route({ typeId: 5001, name: 'TestRequest', handlerId: 1 }, 'test_kernel')
 *   .routeRaw(9999, 'kernel_b')
 *   .build();
 */
export class DispatcherBuilder {
  private readonly pending: PendingRoute[] = [];
  private config: DispatcherConfig = { ...DEFAULT_DISPATCHER_CONFIG };
  private k2kConfig: K2KBrokerOptions = {};
  /** Warnings from the last build (duplicate handler ids). */
  readonly warnings: string[] = [];

  /** Route a message type, registering its handler under the type's name. */
  route(type: MessageType, kernelId: string): this {
    return this.routeNamed(type, kernelId, type.name);
  }

  /** Route a message type with a custom handler name. */
  routeNamed(type: MessageType, kernelId: string, handlerName: string): this {
    this.pending.push({ typeId: toU64(type.typeId), kernelId, handlerName, type });
    return this;
  }

  /** Route a raw type id (handler name `handler_<typeId>`, no handler registration). */
  routeRaw(typeId: number | bigint, kernelId: string): this {
    const id = toU64(typeId);
    this.pending.push({ typeId: id, kernelId, handlerName: `handler_${id}`, type: null });
    return this;
  }

  /** Replace the dispatcher configuration. */
  withConfig(config: Partial<DispatcherConfig>): this {
    this.config = { ...DEFAULT_DISPATCHER_CONFIG, ...config };
    return this;
  }

  /** Broker configuration used by {@link DispatcherBuilder.build}. */
  withK2KConfig(config: K2KBrokerOptions): this {
    this.k2kConfig = { ...config };
    return this;
  }

  /** Enable logging (recorded only). */
  withLogging(): this {
    this.config = { ...this.config, enableLogging: true };
    return this;
  }

  /** Default K2K priority (u8) for dispatched messages. */
  withPriority(priority: number): this {
    this.config = { ...this.config, defaultPriority: priority };
    return this;
  }

  /** Build with a new broker made from the K2K configuration. */
  build(): KernelDispatcher {
    return this.buildWithBroker(new K2KBroker(this.k2kConfig));
  }

  /** Build on an existing broker. */
  buildWithBroker(broker: K2KBroker): KernelDispatcher {
    const d = new KernelDispatcher(broker, this.config);
    this.warnings.length = 0;
    for (const r of this.pending) {
      d.registerRoute(r.typeId, r.kernelId);
      if (r.type === null) continue;
      try {
        d.tableFor(r.kernelId).registerMessage(r.type, r.handlerName);
      } catch (e) {
        if (!(e instanceof DuplicateHandlerIdError)) throw e;
        this.warnings.push(e.message);
      }
    }
    return d;
  }
}
