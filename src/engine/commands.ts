/**
 * The command table: one handler per command type, each answering its own result shape
 * (`CommandResults` in protocol.ts). The mapped type makes the compiler check that every command
 * has a handler and that each handler returns what its command's reply promises.
 */
import type { RouteConfig } from '../core/config';
import { err, normU64, type EngineCore } from './context';
import type { DeadLetters } from './dead-letters';
import type { KernelHost } from './kernel-host';
import {
  RECEIPT_STATUSES,
  type CommandOf,
  type CommandResults,
  type EngineCommandType,
} from './protocol';
import type { HandSend } from './hand-send';
import type { Traffic } from './traffic';
import type { DrainCadence } from './cadence';

export type CommandTable = {
  [C in EngineCommandType]: (cmd: CommandOf<C>) => CommandResults[C];
};

/** What the handlers reach besides the shared state. */
export interface CommandDeps {
  c: EngineCore;
  host: KernelHost;
  letters: DeadLetters;
  traffic: Traffic;
  hand: HandSend;
  cadence: DrainCadence;
  applyConfig(config: RouteConfig): void;
  resetMetrics(): void;
  publishSnapshot(): void;
}

const NONE = {};

export function createCommandTable(d: CommandDeps): CommandTable {
  const { c, host, letters, traffic, hand } = d;
  const setConfig = (patch: Partial<RouteConfig>): void => {
    c.config = { ...c.config, ...patch };
  };
  return {
    loadConfig: (cmd) => {
      d.applyConfig(cmd.config);
      return NONE;
    },
    inject: (cmd) => {
      const before = Float64Array.from(c.receipts.byStatus);
      const evictedBefore = letters.droppedOldest();
      const lostBefore = letters.evicted;
      const idBefore = c.broker.lastMessageId;
      const count = hand.inject(cmd);
      const idAfter = c.broker.lastMessageId;
      const atOnce: Record<string, number> = {};
      RECEIPT_STATUSES.forEach((status, i) => {
        const n = c.receipts.byStatus[i]! - before[i]!;
        if (n > 0 && status !== 'Delivered') atOnce[status] = n;
      });
      // A dropOldest queue takes every message and evicts older ones to make room: all are
      // Delivered, and "Sent 10,000." alone hid 5,904 evictions (messages of this send or before).
      const evicted = letters.droppedOldest() - evictedBefore;
      if (evicted > 0) atOnce.DroppedOldest = evicted;
      // The send numbers its messages one after another (nothing else sends meanwhile), so the
      // page can name them: "Sent 1." alone left the message to be found among generated ones.
      const ids = idAfter - idBefore === count ? { first: idBefore + 1, last: idAfter } : null;
      // Letters of this send that found the dead-letter queue full pushed older ones out for good:
      // "Refused on send: QueueFull 5,904" alone hid 5,784 letters lost.
      const lost = letters.evicted - lostBefore;
      return { count, atOnce, ids, ...(lost > 0 ? { lettersLost: lost } : {}) };
    },
    startGenerator: (cmd) => {
      traffic.start(cmd.spec);
      return NONE;
    },
    stopGenerator: () => {
      traffic.stop();
      return NONE;
    },
    resetMetrics: () => {
      d.resetMetrics();
      return NONE;
    },
    setRoute: (cmd) => {
      const id = normU64(cmd.typeId);
      c.typeRec(id);
      c.dispatcher.registerRoute(id, cmd.kernelId);
      c.flowsChanged();
      setConfig({
        routes: [
          ...c.config.routes.filter((r) => normU64(r.typeId) !== id),
          {
            typeId: cmd.typeId as number | string,
            kernelId: cmd.kernelId,
            ...(cmd.handlerName ? { handlerName: cmd.handlerName } : {}),
          },
        ],
      });
      return NONE;
    },
    removeRoute: (cmd) => {
      const id = normU64(cmd.typeId);
      c.dispatcher.unregister(id);
      c.flowsChanged();
      setConfig({ routes: c.config.routes.filter((r) => normU64(r.typeId) !== id) });
      return NONE;
    },
    setK2kRoute: (cmd) => {
      c.broker.addRoute(cmd.dest, cmd.nextHop);
      c.k2k.set(cmd.dest, cmd.nextHop);
      return NONE;
    },
    removeK2kRoute: (cmd) => {
      c.broker.removeRoute(cmd.dest);
      c.k2k.delete(cmd.dest);
      return NONE;
    },
    upsertKernel: (cmd) => {
      host.upsert(cmd.kernel);
      const id = cmd.kernel.id;
      const was = c.config.kernels.findIndex((k) => k.id === id);
      const rest = c.config.kernels.filter((k) => k.id !== id);
      // Where the page has it: an edited kernel had gone to the end of the engine's config, and a
      // renamed one (a new id) to the end of the snapshot's list and of the Queues panel.
      const at =
        cmd.at !== undefined && Number.isInteger(cmd.at)
          ? Math.max(0, Math.min(rest.length, cmd.at))
          : was >= 0
            ? was
            : rest.length;
      setConfig({ kernels: [...rest.slice(0, at), cmd.kernel, ...rest.slice(at)] });
      c.orderKernels(c.config.kernels.map((k) => k.id));
      return NONE;
    },
    removeKernel: (cmd) => {
      if (!host.remove(cmd.kernelId))
        err('UnknownKernel', `There is no kernel "${cmd.kernelId}" to remove.`);
      setConfig({ kernels: c.config.kernels.filter((k) => k.id !== cmd.kernelId) });
      return NONE;
    },
    upsertType: (cmd) => {
      normU64(cmd.messageType.typeId);
      c.setTypeDef(cmd.messageType);
      return NONE;
    },
    removeType: (cmd) => {
      const rec = c.typeByKey.get(normU64(cmd.typeId));
      if (rec) c.clearTypeDef(rec);
      return NONE;
    },
    setBroker: (cmd) => {
      const b = { ...c.config.broker, ...cmd.broker };
      if (!Number.isInteger(b.maxHops) || b.maxHops < 0 || b.maxHops > 255)
        err('InvalidCommand', 'maxHops must be an integer in 0..255.');
      if (!Number.isInteger(b.defaultPriority) || b.defaultPriority < 0 || b.defaultPriority > 255)
        err('InvalidCommand', 'defaultPriority must be an integer in 0..255.');
      setConfig({ broker: b });
      c.broker.setMaxHops(b.maxHops);
      c.dispatcher.setDefaultPriority(b.defaultPriority);
      return NONE;
    },
    redrive: (cmd) => letters.redrive(cmd),
    cancelRedrive: () => ({ progress: letters.cancelRedrive() }),
    purgeDeadLetters: (cmd) => ({ count: letters.purge(cmd.filter) }),
    listDeadLetters: (cmd) => ({
      deadLetters: letters.list(cmd.filter, cmd.offset ?? 0, cmd.limit ?? 100),
    }),
    setReceiptFilter: (cmd) => {
      c.receipts.setFilter(cmd.filter, (ids) => (ids ? new Set(ids.map(normU64)) : null));
      return NONE;
    },
    setSampling: (cmd) => {
      if (!Number.isInteger(cmd.perSnapshotCap) || cmd.perSnapshotCap < 0)
        err('InvalidCommand', 'perSnapshotCap must be a non-negative integer.');
      c.receipts.setCap(cmd.perSnapshotCap);
      return NONE;
    },
    snapshot: () => {
      d.publishSnapshot();
      return NONE;
    },
    routes: () => ({ routes: c.dispatcher.routes() }),
    drainCadence: () => ({ gapsUs: d.cadence.gapsUs() }),
    gpuInfo: () => ({ gpu: c.opts.gpuInfo() }),
    trace: (cmd) => {
      if (!Number.isSafeInteger(cmd.messageId))
        err('InvalidCommand', 'messageId must be an integer.');
      return { trace: { ...c.traces.trace(cmd.messageId), lastMessageId: c.broker.lastMessageId } };
    },
    pin: (cmd) => ({ pinned: c.traces.pin(cmd.messageId) }),
    unpin: (cmd) => ({ pinned: !c.traces.unpin(cmd.messageId) }),
    __failKernel: (cmd) => {
      const k = c.kernels.get(cmd.kernelId);
      if (!k) err('UnknownKernel', `There is no kernel "${String(cmd.kernelId)}" to fail.`);
      if (!Number.isInteger(cmd.count) || cmd.count < 0)
        err('InvalidCommand', 'count must be a non-negative integer.');
      k.failCount = cmd.count;
      k.failReason = String(cmd.reason);
      return NONE;
    },
  };
}
