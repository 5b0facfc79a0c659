/**
 * Turns a config edit into the smallest list of engine commands, so route edits reach the running
 * engine at once without restarting it (queued messages of kernels that stay are kept).
 */
import type { RouteConfig } from '../core/config';
import type { EngineCommand } from '../engine/protocol';

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function syncCommands(prev: RouteConfig, next: RouteConfig): EngineCommand[] {
  const cmds: EngineCommand[] = [];
  const prevRoutes = new Map(prev.routes.map((r) => [String(r.typeId), r]));
  const nextRoutes = new Map(next.routes.map((r) => [String(r.typeId), r]));
  const prevK2k = new Map(prev.k2kRoutes.map((r) => [r.dest, r]));
  const nextK2k = new Map(next.k2kRoutes.map((r) => [r.dest, r]));
  const prevKernels = new Map(prev.kernels.map((k) => [k.id, k]));
  const nextKernels = new Map(next.kernels.map((k) => [k.id, k]));
  const prevTypes = new Map(prev.messageTypes.map((t) => [String(t.typeId), t]));
  const nextTypes = new Map(next.messageTypes.map((t) => [String(t.typeId), t]));

  // Removals first, routes before the kernels they point at.
  for (const [key, r] of prevRoutes)
    if (!nextRoutes.has(key)) cmds.push({ type: 'removeRoute', typeId: r.typeId });
  for (const [dest] of prevK2k) if (!nextK2k.has(dest)) cmds.push({ type: 'removeK2kRoute', dest });
  for (const [id] of prevKernels)
    if (!nextKernels.has(id)) cmds.push({ type: 'removeKernel', kernelId: id });
  for (const [key, t] of prevTypes)
    if (!nextTypes.has(key)) cmds.push({ type: 'removeType', typeId: t.typeId });

  if (!same(prev.broker, next.broker)) cmds.push({ type: 'setBroker', broker: next.broker });
  // In the page's order, each at its place there: the engine lists its kernels so (a kernel
  // renamed had gone to the end of the snapshot's list).
  next.kernels.forEach((k, at) => {
    if (!same(prevKernels.get(k.id), k)) cmds.push({ type: 'upsertKernel', kernel: k, at });
  });
  for (const [key, t] of nextTypes)
    if (!same(prevTypes.get(key), t)) cmds.push({ type: 'upsertType', messageType: t });
  for (const [key, r] of nextRoutes) {
    const before = prevRoutes.get(key);
    if (!before || before.kernelId !== r.kernelId || before.handlerName !== r.handlerName)
      cmds.push({
        type: 'setRoute',
        typeId: r.typeId,
        kernelId: r.kernelId,
        ...(r.handlerName ? { handlerName: r.handlerName } : {}),
      });
  }
  for (const [dest, r] of nextK2k)
    if (prevK2k.get(dest)?.nextHop !== r.nextHop)
      cmds.push({ type: 'setK2kRoute', dest, nextHop: r.nextHop });
  return cmds;
}
