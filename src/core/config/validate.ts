import type { KernelDef, RouteConfig } from './schema.ts';
import { readU64, u64Key } from './u64.ts';

/** Codes of the problems {@link validateWorkspace} reports. */
export type ProblemCode =
  | 'unrouted-type'
  | 'kernel-no-incoming'
  | 'duplicate-handler-id'
  | 'type-id-out-of-range'
  | 'type-id-reused'
  | 'field-name-reused'
  | 'route-unknown-kernel'
  | 'k2k-unknown-kernel'
  | 'cross-tenant-route'
  | 'k2k-max-hops'
  | 'k2k-loop';

/** What a problem points at, so the UI can select the culprit. */
export interface ProblemTarget {
  kind: 'type' | 'kernel' | 'route' | 'k2k';
  /** Type id as a decimal string for `type` and `route`, kernel id for `kernel`, dest for `k2k`. */
  id: string;
}

/** One finding about a workspace, shown on the graph and in the problems list. */
export interface Problem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  message: string;
  target: ProblemTarget;
}

const show = (s: string): string => JSON.stringify(s);

/** Message types each kernel behaviour emits and that the dispatcher routes on. */
const EMITTED_BY_BEHAVIOR: Partial<Record<KernelDef['behavior'], readonly number[]>> = {
  fraud: [1010],
};

/**
 * Checks a workspace for routing problems while it is edited. It never throws, and it accepts
 * configs that have not been through `parseConfig` (the editor may hold an out-of-range id).
 *
 * Definitions:
 * - A type needs a route unless it is another type's `responseTypeId`: responses travel back
 *   to the requester's source, not through the route table.
 * - A kernel has incoming traffic when a type routes to it or it is some K2K route's next hop.
 * - Handler ids must be unique within one kernel's dispatch table: RingKernel's `build()` logs
 *   "Duplicate handler ID" and drops every registration after the first, in route order. Types
 *   without a handler id register no handler (the Rust export routes them with `route_raw`,
 *   the WGSL export answers `NO_HANDLER`), so they never collide.
 * - Tenancy: the host is trusted (the engine's broker lists it in `trustedSources`), so type
 *   routes from the host reach any tenant. Kernel-to-kernel traffic must stay within one tenant
 *   (tenant 0 included): a K2K route between kernels of different tenants, or an alert type a
 *   kernel emits that is routed into another tenant, would be refused (TenantMismatch): an error.
 * - Hop chains: traffic for `dest` goes to `nextHop`; if that kernel is itself only reachable
 *   through a K2K route, the chain continues. A chain longer than `broker.maxHops`, or one that
 *   comes back to a kernel it already visited, is an error.
 */
export function validateWorkspace(config: RouteConfig): Problem[] {
  const problems: Problem[] = [];
  const kernels = new Map(config.kernels.map((k) => [k.id, k]));
  const responseIds = new Set<string>();
  for (const t of config.messageTypes) {
    if (t.responseTypeId !== undefined) responseIds.add(u64Key(t.responseTypeId));
  }

  const typeSeen = new Map<string, string>();
  for (const t of config.messageTypes) {
    const key = u64Key(t.typeId);
    if (readU64(t.typeId) === undefined) {
      problems.push({
        code: 'type-id-out-of-range',
        severity: 'error',
        message: `${show(t.name)}: type id ${String(t.typeId)} is not a u64 (0 to 18446744073709551615)`,
        target: { kind: 'type', id: String(t.typeId) },
      });
      continue;
    }
    const prev = typeSeen.get(key);
    if (prev !== undefined) {
      problems.push({
        code: 'type-id-reused',
        severity: 'error',
        message: `type id ${key} is used by both ${show(prev)} and ${show(t.name)}`,
        target: { kind: 'type', id: key },
      });
    } else typeSeen.set(key, t.name);
    // Payload values go by field name: the second of two fields of one name can never be set.
    const fieldCount = new Map<string, number>();
    for (const f of t.fields) fieldCount.set(f.name, (fieldCount.get(f.name) ?? 0) + 1);
    for (const [field, n] of fieldCount)
      if (n > 1)
        problems.push({
          code: 'field-name-reused',
          severity: 'error',
          message: `type ${show(t.name)} has ${n} fields named ${show(field)}; payload values go by field name, so only the first can be set: rename the others`,
          target: { kind: 'type', id: key },
        });
  }

  const routed = new Set<string>();
  const incoming = new Set<string>();
  const tables = new Map<string, Map<number, string>>();
  // The first type with an id is the one the exports use (a reused id is reported above).
  const typeByKey = new Map<string, (typeof config.messageTypes)[number]>();
  for (const t of config.messageTypes) {
    const key = u64Key(t.typeId);
    if (!typeByKey.has(key)) typeByKey.set(key, t);
  }
  for (const r of config.routes) {
    const key = u64Key(r.typeId);
    if (readU64(r.typeId) === undefined) {
      problems.push({
        code: 'type-id-out-of-range',
        severity: 'error',
        message: `route type id ${String(r.typeId)} is not a u64`,
        target: { kind: 'route', id: String(r.typeId) },
      });
      continue;
    }
    routed.add(key);
    if (!kernels.has(r.kernelId)) {
      problems.push({
        code: 'route-unknown-kernel',
        severity: 'error',
        message: `type ${key} routes to ${show(r.kernelId)}, which is not a kernel`,
        target: { kind: 'route', id: key },
      });
      continue;
    }
    incoming.add(r.kernelId);
    const type = typeByKey.get(key);
    if (type?.handlerId === undefined) continue;
    let table = tables.get(r.kernelId);
    if (table === undefined) tables.set(r.kernelId, (table = new Map()));
    const holder = table.get(type.handlerId);
    if (holder !== undefined) {
      problems.push({
        code: 'duplicate-handler-id',
        severity: 'error',
        message: `duplicate handler id ${type.handlerId} in ${show(r.kernelId)}'s dispatch table: ${show(holder)} and ${show(type.name)}; RingKernel's build() logs "Duplicate handler ID: ${type.handlerId}" and drops ${show(type.name)}'s handler`,
        target: { kind: 'type', id: key },
      });
    } else table.set(type.handlerId, type.name);
  }

  for (const t of config.messageTypes) {
    const key = u64Key(t.typeId);
    if (readU64(t.typeId) === undefined || routed.has(key) || responseIds.has(key)) continue;
    problems.push({
      code: 'unrouted-type',
      severity: 'warning',
      message: `${show(t.name)} (${key}) has no route; dispatching it fails with "no route"`,
      target: { kind: 'type', id: key },
    });
  }

  const nextHop = new Map<string, string>();
  for (const r of config.k2kRoutes) {
    const missing = [r.dest, r.nextHop].filter((id) => !kernels.has(id));
    if (missing.length > 0) {
      problems.push({
        code: 'k2k-unknown-kernel',
        severity: 'error',
        message: `K2K route ${show(r.dest)} -> ${show(r.nextHop)} names no kernel ${missing.map(show).join(' or ')}`,
        target: { kind: 'k2k', id: r.dest },
      });
      continue;
    }
    if (!nextHop.has(r.dest)) nextHop.set(r.dest, r.nextHop);
    incoming.add(r.nextHop);
    const a = kernels.get(r.dest)!.tenantId;
    const b = kernels.get(r.nextHop)!.tenantId;
    if (a !== b) {
      problems.push({
        code: 'cross-tenant-route',
        severity: 'error',
        message: `K2K route ${show(r.dest)} (tenant ${a}) -> ${show(r.nextHop)} (tenant ${b}) crosses tenants; the broker refuses it`,
        target: { kind: 'k2k', id: r.dest },
      });
    }
  }

  // Types a kernel behaviour emits and routes on (kernel to kernel, so tenants must match). Kept in
  // step with src/gpu/kernels/types.ts (DemoTypes.FraudAlert); responses go back to their source.
  for (const k of config.kernels) {
    for (const typeId of EMITTED_BY_BEHAVIOR[k.behavior] ?? []) {
      const route = config.routes.find((r) => String(r.typeId) === String(typeId));
      const target = route ? kernels.get(route.kernelId) : undefined;
      if (route && target && target.tenantId !== k.tenantId) {
        problems.push({
          code: 'cross-tenant-route',
          severity: 'error',
          message: `${show(k.id)} (tenant ${k.tenantId}) emits type ${typeId}, routed to ${show(route.kernelId)} (tenant ${target.tenantId}): the broker refuses every one across tenants`,
          target: { kind: 'route', id: String(typeId) },
        });
      }
    }
  }

  for (const k of config.kernels) {
    if (incoming.has(k.id)) continue;
    problems.push({
      code: 'kernel-no-incoming',
      severity: 'warning',
      message: `kernel ${show(k.id)} has no incoming route (no type routes to it and it is no K2K next hop)`,
      target: { kind: 'kernel', id: k.id },
    });
  }

  const maxHops = config.broker.maxHops;
  for (const dest of nextHop.keys()) {
    const visited = new Set<string>([dest]);
    let at = dest;
    let hops = 0;
    for (;;) {
      const next = nextHop.get(at);
      if (next === undefined) break;
      hops++;
      if (visited.has(next)) {
        problems.push({
          code: 'k2k-loop',
          severity: 'error',
          message: `K2K hop chain for ${show(dest)} loops: ${[...visited, next].map(show).join(' -> ')}`,
          target: { kind: 'k2k', id: dest },
        });
        break;
      }
      if (hops > maxHops) {
        problems.push({
          code: 'k2k-max-hops',
          severity: 'error',
          message: `K2K hop chain for ${show(dest)} takes ${hops}+ hops; broker.maxHops is ${maxHops}`,
          target: { kind: 'k2k', id: dest },
        });
        break;
      }
      visited.add(next);
      at = next;
    }
  }
  return problems;
}
