/**
 * What kernels send besides what they are routed: the demo behaviours' alerts (the fraud
 * processor emits FraudAlert, 1010) and the responses of request types (a kernel routed a type
 * that requires a response answers with the response type, e.g. PatternCheck → PatternResult).
 * The graph draws these as `emits`/`responds` edges and auto-layout places those types after
 * their producers.
 */
import type { RouteConfig } from '../../core/config';
import { BEHAVIOR_EMITS, type KernelBehavior } from '../../gpu/kernels/types';

export interface Emission {
  kernelId: string;
  /** Decimal type id. */
  typeId: string;
  name: string;
  kind: 'emits' | 'responds';
}

export function emissionsOf(config: RouteConfig): Emission[] {
  const names = new Map(config.messageTypes.map((t) => [String(t.typeId), t.name]));
  const out: Emission[] = [];
  const seen = new Set<string>();
  const add = (e: Emission) => {
    const key = `${e.kernelId}\u0000${e.typeId}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const k of config.kernels)
    for (const e of BEHAVIOR_EMITS[k.behavior as KernelBehavior] ?? []) {
      const typeId = String(e.typeId);
      add({ kernelId: k.id, typeId, name: names.get(typeId) ?? e.name, kind: 'emits' });
    }
  const handler = new Map(config.routes.map((r) => [String(r.typeId), r.kernelId]));
  const kernels = new Set(config.kernels.map((k) => k.id));
  for (const t of config.messageTypes) {
    if (!t.requiresResponse || t.responseTypeId === undefined) continue;
    const kernelId = handler.get(String(t.typeId));
    if (kernelId === undefined || !kernels.has(kernelId)) continue;
    const typeId = String(t.responseTypeId);
    add({ kernelId, typeId, name: names.get(typeId) ?? `type ${typeId}`, kind: 'responds' });
  }
  return out;
}
