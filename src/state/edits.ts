/**
 * Pure edits of a route config. Each returns a new config (never mutates its input) and a
 * human-readable note for the status line, or an error the user can act on. The store keeps
 * history; these functions know nothing about React or the engine.
 */
import {
  canonicalU64,
  nameCharsProblem,
  readU64,
  showUnseen,
  type RouteConfig,
} from '../core/config';
import { HOST_KERNEL, HOST_KERNEL_RESERVED } from '../core/host';
import { roundCapacity } from '../core/queue/capacity';

export type TypeDef = RouteConfig['messageTypes'][number];
export type KernelDef = RouteConfig['kernels'][number];
export type U64Json = TypeDef['typeId'];

export type EditResult =
  { ok: true; config: RouteConfig; note: string } | { ok: false; error: string };

/** Node ids in the graph: `type:<typeId>` and `kernel:<kernelId>`. */
export const typeNodeId = (typeId: U64Json): string => `type:${String(typeId)}`;
export const kernelNodeId = (kernelId: string): string => `kernel:${kernelId}`;

export function parseNodeId(id: string): { kind: 'type' | 'kernel'; key: string } | null {
  if (id.startsWith('type:')) return { kind: 'type', key: id.slice(5) };
  if (id.startsWith('kernel:')) return { kind: 'kernel', key: id.slice(7) };
  return null;
}

/** Canonical u64 form used in configs (a number while exact, else a decimal string), or null. */
export function canonicalTypeId(value: string | number | bigint): U64Json | null {
  return readU64(typeof value === 'string' ? value.trim() : value) === undefined
    ? null
    : canonicalU64(typeof value === 'string' ? value.trim() : value);
}

export const sameTypeId = (a: U64Json | undefined, b: U64Json | undefined): boolean =>
  a !== undefined && b !== undefined && String(a) === String(b);

export function findType(config: RouteConfig, typeId: U64Json): TypeDef | undefined {
  return config.messageTypes.find((t) => sameTypeId(t.typeId, typeId));
}

/**
 * The types whose names `text` gives in another case, or another Unicode form (NFC both sides: a
 * decomposed "ö" typed on one keyboard is the stored one): Inject's type box takes one that is the
 * only one, and names them where there are more.
 */
export function typesNamedAlike(config: RouteConfig, text: string): TypeDef[] {
  const name = text.trim().normalize('NFC').toLowerCase();
  return name === ''
    ? []
    : config.messageTypes.filter((t) => t.name.normalize('NFC').toLowerCase() === name);
}

/**
 * The type id a typed text names (Inject's type box): an id, or a type's whole name, exactly or
 * in any case ("fraudalert": a name had read "not a type id"); null when it names neither. A
 * name in another case stands for a type only when one type has it: beside "Transaction", a type
 * named "transaction" was never reachable by its name (QA), and "TRANSACTION" names neither.
 */
export function typeIdOfText(config: RouteConfig, text: string): U64Json | null {
  const id = canonicalTypeId(text);
  if (id !== null) return id;
  const typed = text.trim();
  const exact = config.messageTypes.find((t) => t.name === typed);
  if (exact) return canonicalTypeId(exact.typeId);
  const alike = typesNamedAlike(config, typed);
  return alike.length === 1 ? canonicalTypeId(alike[0]!.typeId) : null;
}

export function findKernel(config: RouteConfig, kernelId: string): KernelDef | undefined {
  return config.kernels.find((k) => k.id === kernelId);
}

export function routeOf(config: RouteConfig, typeId: U64Json): string | undefined {
  return config.routes.find((r) => sameTypeId(r.typeId, typeId))?.kernelId;
}

/** Draw a route. A type has at most one route (as in the seed): connecting a routed type moves it. */
export function connectRoute(config: RouteConfig, typeId: U64Json, kernelId: string): EditResult {
  if (!findKernel(config, kernelId)) return { ok: false, error: `No kernel named "${kernelId}".` };
  const previous = routeOf(config, typeId);
  if (previous === kernelId)
    return { ok: false, error: `Type ${String(typeId)} already routes to "${kernelId}".` };
  const routes = config.routes.filter((r) => !sameTypeId(r.typeId, typeId));
  routes.push({ typeId, kernelId });
  const name = findType(config, typeId)?.name ?? String(typeId);
  const note =
    previous === undefined
      ? `Routed ${name} (${String(typeId)}) to "${kernelId}".`
      : `Moved the route of ${name} (${String(typeId)}) from "${previous}" to "${kernelId}": a type has one route.`;
  return { ok: true, config: { ...config, routes }, note };
}

export function removeRoute(config: RouteConfig, typeId: U64Json): EditResult {
  const routes = config.routes.filter((r) => !sameTypeId(r.typeId, typeId));
  const was = config.routes.find((r) => sameTypeId(r.typeId, typeId));
  if (!was) return { ok: false, error: `Type ${String(typeId)} has no route.` };
  // Named as routing names it ("Routed AccountUpdate (1002) to …"): "of type 1002" had left the
  // user to look the type up.
  const name = findType(config, typeId)?.name;
  return {
    ok: true,
    config: { ...config, routes },
    note: `Removed the route of ${name ? `${name} (${String(typeId)})` : `type ${String(typeId)}`} to "${was.kernelId}".`,
  };
}

/**
 * K2K next hop: messages for `dest` travel via `nextHop` whenever the broker cannot deliver to
 * `dest` directly (the seed's rule: next hops are consulted only for a destination not
 * registered). One next hop per destination.
 */
export function connectK2k(config: RouteConfig, dest: string, nextHop: string): EditResult {
  if (dest === nextHop)
    return { ok: false, error: `A kernel cannot be its own next hop ("${dest}").` };
  if (!findKernel(config, dest) || !findKernel(config, nextHop))
    return { ok: false, error: 'Both ends of a K2K route must be kernels.' };
  const k2kRoutes = config.k2kRoutes.filter((r) => r.dest !== dest);
  k2kRoutes.push({ dest, nextHop });
  return {
    ok: true,
    config: { ...config, k2kRoutes },
    // What the hop does, by the seed's rule: "Messages for … now go via …" had promised a relay
    // the broker never makes while the destination is registered (QA: every trace read hops 0).
    note: `Next hop set: messages for "${dest}" go via "${nextHop}" wherever "${dest}" is not registered with the broker (RingKernel consults next hops only then). "${dest}" is registered here, so its messages still go to it directly.`,
  };
}

export function removeK2k(config: RouteConfig, dest: string): EditResult {
  const k2kRoutes = config.k2kRoutes.filter((r) => r.dest !== dest);
  if (k2kRoutes.length === config.k2kRoutes.length)
    return { ok: false, error: `"${dest}" has no K2K route.` };
  return {
    ok: true,
    config: { ...config, k2kRoutes },
    note: `Removed the K2K route for "${dest}".`,
  };
}

function nextFreeTypeId(config: RouteConfig): number {
  let max = 9999; // custom ids start at 10000 (RingKernel's convention)
  for (const t of config.messageTypes) {
    const n = Number(t.typeId);
    if (Number.isSafeInteger(n) && n >= max) max = n;
  }
  return max + 1;
}

/** `base`, or `base` with the first number from 2 after `sep` that `taken` does not hold. */
function firstFree(base: string, taken: (name: string) => boolean, sep: string): string {
  let name = base;
  for (let i = 2; taken(name); i++) name = `${base}${sep}${i}`;
  return name;
}

function uniqueKernelId(config: RouteConfig, base: string): string {
  return firstFree(base, (id) => findKernel(config, id) !== undefined, '_');
}

/**
 * Room a node takes on the graph, in flow units, for `freeSpot`: a kernel node (220 wide) and,
 * beside it, 60 for a route's rate label. At 240, a type and a kernel added one after the other
 * sat 20 px apart, the route's "200/s" filling the gap; at the demo's 320 between columns, no
 * room was left in view at 1280x720 and the new node went above the graph.
 */
const NODE_ROOM = { width: 280, height: 100 } as const;

/** A rectangle of the graph in flow units: the part of it in view. */
export interface FlowRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where a new node goes: the first free place in `view` (the part of the graph on screen), read
 * row by row, so nothing moves; else the first place from `at` upwards where it covers no other.
 * + Type pressed four times had put four types on one spot (the user saw one), and a type placed
 * above the graph at 1280x720 pushed three nodes out of view.
 */
export function freeSpot(
  layout: RouteConfig['layout'],
  at: { x: number; y: number },
  view?: FlowRect,
): { x: number; y: number } {
  const taken = Object.values(layout ?? {});
  const clear = (p: { x: number; y: number }) =>
    taken.every(
      (q) => Math.abs(q.x - p.x) >= NODE_ROOM.width || Math.abs(q.y - p.y) >= NODE_ROOM.height,
    );
  if (view) {
    const step = 20;
    for (let y = view.top; y + NODE_ROOM.height <= view.bottom; y += step)
      for (let x = view.left; x + NODE_ROOM.width <= view.right; x += step)
        if (clear({ x, y })) return { x: Math.round(x), y: Math.round(y) };
  }
  let p = at;
  for (let i = 0; i < 1000 && !clear(p); i++) p = { x: at.x, y: p.y - NODE_ROOM.height - 10 };
  return p;
}

export function addType(
  config: RouteConfig,
  at?: { x: number; y: number },
  view?: FlowRect,
): EditResult {
  const typeId = nextFreeTypeId(config);
  const type: TypeDef = {
    typeId,
    name: `Message${typeId}`,
    fields: [{ name: 'value', type: 'u64' }],
  };
  const layout = at
    ? { ...config.layout, [typeNodeId(typeId)]: freeSpot(config.layout, at, view) }
    : config.layout;
  return {
    ok: true,
    config: {
      ...config,
      messageTypes: [...config.messageTypes, type],
      ...(layout ? { layout } : {}),
    },
    note: `Added message type ${typeId}.`,
  };
}

export function addKernel(
  config: RouteConfig,
  at?: { x: number; y: number },
  view?: FlowRect,
): EditResult {
  const id = uniqueKernelId(config, 'kernel');
  const kernel: KernelDef = {
    id,
    queueCapacity: 1024,
    overflowPolicy: 'deadLetter',
    tenantId: 0,
    backend: 'auto',
    behavior: 'generic',
  };
  const layout = at
    ? { ...config.layout, [kernelNodeId(id)]: freeSpot(config.layout, at, view) }
    : config.layout;
  return {
    ok: true,
    config: { ...config, kernels: [...config.kernels, kernel], ...(layout ? { layout } : {}) },
    note: `Added kernel "${id}".`,
  };
}

function renameLayoutKey(
  layout: RouteConfig['layout'],
  from: string,
  to: string,
): RouteConfig['layout'] {
  if (!layout || !(from in layout)) return layout;
  const next: NonNullable<RouteConfig['layout']> = {};
  for (const [k, v] of Object.entries(layout)) next[k === from ? to : k] = v;
  return next;
}

/** Update a type; changing its id carries its route, layout and response references along. */
export function updateType(
  config: RouteConfig,
  typeId: U64Json,
  patch: Partial<TypeDef>,
): EditResult {
  const current = findType(config, typeId);
  if (!current) return { ok: false, error: `No message type ${String(typeId)}.` };
  const next: TypeDef = { ...current, ...patch };
  const newId = canonicalTypeId(next.typeId);
  if (newId === null) return { ok: false, error: `Type id must be an integer from 0 to 2^64-1.` };
  next.typeId = newId;
  if (!sameTypeId(newId, typeId) && findType(config, newId))
    return {
      ok: false,
      error: `Type id ${String(newId)} is already used by ${findType(config, newId)?.name}.`,
    };
  if (next.name.trim() === '') return { ok: false, error: 'A message type needs a name.' };
  // Said at the field, not as "Change refused: the workspace could not be saved and loaded back
  // (messageTypes[5].name: …)" over the graph (QA).
  const badName = nameCharsProblem(next.name);
  if (badName) return { ok: false, error: `The name ${badName}.` };
  const badField = next.fields.find((f) => nameCharsProblem(f.name) !== null);
  if (badField)
    return {
      ok: false,
      error: `Field name "${showUnseen(badField.name)}" ${nameCharsProblem(badField.name)}.`,
    };
  const renamed = !sameTypeId(newId, typeId);
  const messageTypes = config.messageTypes.map((t) => {
    const base = t === current ? next : t;
    // Types answered by this one keep pointing at it under its new id.
    return renamed && base.responseTypeId !== undefined && sameTypeId(base.responseTypeId, typeId)
      ? { ...base, responseTypeId: newId }
      : base;
  });
  const routes = config.routes.map((r) =>
    sameTypeId(r.typeId, typeId) ? { ...r, typeId: newId } : r,
  );
  const layout = renameLayoutKey(config.layout, typeNodeId(typeId), typeNodeId(newId));
  return {
    ok: true,
    config: { ...config, messageTypes, routes, ...(layout ? { layout } : {}) },
    note: `Updated type ${String(newId)}.`,
  };
}

/** Update a kernel; renaming it rewrites every route, K2K route and layout entry that names it. */
export function updateKernel(
  config: RouteConfig,
  kernelId: string,
  patch: Partial<KernelDef>,
): EditResult {
  const current = findKernel(config, kernelId);
  if (!current) return { ok: false, error: `No kernel "${kernelId}".` };
  const next: KernelDef = { ...current, ...patch };
  if (next.id.trim() === '') return { ok: false, error: 'A kernel needs an id.' };
  const badId = nameCharsProblem(next.id);
  if (badId) return { ok: false, error: `The kernel id ${badId}.` };
  if (next.id === HOST_KERNEL) return { ok: false, error: `${HOST_KERNEL_RESERVED}.` };
  if (next.id !== kernelId && findKernel(config, next.id))
    return { ok: false, error: `A kernel named "${next.id}" already exists.` };
  if (
    !Number.isInteger(next.queueCapacity) ||
    next.queueCapacity < 1 ||
    next.queueCapacity > 1_048_576
  )
    return { ok: false, error: 'Queue capacity must be a whole number from 1 to 1,048,576.' };
  if (!Number.isInteger(next.tenantId) || next.tenantId < 0 || next.tenantId > 0xffff_ffff)
    return { ok: false, error: 'Tenant must be a whole number from 0 to 4294967295.' };
  const rename = (id: string) => (id === kernelId ? next.id : id);
  const kernels = config.kernels.map((k) => (k === current ? next : k));
  const routes = config.routes.map((r) => ({ ...r, kernelId: rename(r.kernelId) }));
  const k2kRoutes = config.k2kRoutes.map((r) => ({
    dest: rename(r.dest),
    nextHop: rename(r.nextHop),
  }));
  const layout = renameLayoutKey(config.layout, kernelNodeId(kernelId), kernelNodeId(next.id));
  return {
    ok: true,
    config: { ...config, kernels, routes, k2kRoutes, ...(layout ? { layout } : {}) },
    note: kernelNote(current, next),
  };
}

/**
 * A capacity as configured, with what it runs as where the core rounds it up ("100 (runs as
 * 128)"): "queue 100" beside the graph's "0 / 128" read as two figures for one queue (QA).
 */
export function capacityText(n: number): string {
  const runs = roundCapacity(n);
  const f = (v: number) => v.toLocaleString('en-US');
  return runs === n ? f(n) : `${f(n)} (runs as ${f(runs)})`;
}

/**
 * What an edit of a kernel changed, every part of it: a rename with a new capacity had said only
 * `Renamed kernel "kernel" to "payments".`
 */
function kernelNote(was: KernelDef, now: KernelDef): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const changes = [
    was.queueCapacity !== now.queueCapacity
      ? `queue capacity ${n(was.queueCapacity)} → ${capacityText(now.queueCapacity)}`
      : '',
    was.overflowPolicy !== now.overflowPolicy
      ? `overflow policy ${was.overflowPolicy} → ${now.overflowPolicy}`
      : '',
    was.tenantId !== now.tenantId ? `tenant ${n(was.tenantId)} → ${n(now.tenantId)}` : '',
    was.backend !== now.backend ? `backend ${was.backend} → ${now.backend}` : '',
    was.behavior !== now.behavior ? `behaviour ${was.behavior} → ${now.behavior}` : '',
  ].filter(Boolean);
  const head =
    was.id !== now.id ? `Renamed kernel "${was.id}" to "${now.id}"` : `Updated kernel "${now.id}"`;
  return changes.length ? `${head}: ${changes.join(', ')}.` : `${head}.`;
}

/** Delete graph nodes; routes that touch them go with them. */
export function deleteNodes(config: RouteConfig, nodeIds: readonly string[]): EditResult {
  const typeKeys = new Set<string>();
  const kernelKeys = new Set<string>();
  for (const id of nodeIds) {
    const p = parseNodeId(id);
    if (p?.kind === 'type') typeKeys.add(p.key);
    else if (p?.kind === 'kernel') kernelKeys.add(p.key);
  }
  if (typeKeys.size + kernelKeys.size === 0)
    return { ok: false, error: 'Nothing selected to delete.' };
  const layout = config.layout
    ? Object.fromEntries(Object.entries(config.layout).filter(([k]) => !nodeIds.includes(k)))
    : undefined;
  const next: RouteConfig = {
    ...config,
    messageTypes: config.messageTypes.filter((t) => !typeKeys.has(String(t.typeId))),
    kernels: config.kernels.filter((k) => !kernelKeys.has(k.id)),
    routes: config.routes.filter(
      (r) => !typeKeys.has(String(r.typeId)) && !kernelKeys.has(r.kernelId),
    ),
    k2kRoutes: config.k2kRoutes.filter(
      (r) => !kernelKeys.has(r.dest) && !kernelKeys.has(r.nextHop),
    ),
    ...(layout ? { layout } : {}),
  };
  // Named, where few: "Deleted 1 kernel." after a Delete pressed on a node reached with Tab did
  // not say which.
  const parts: string[] = [];
  if (typeKeys.size + kernelKeys.size <= 3) {
    for (const t of config.messageTypes)
      if (typeKeys.has(String(t.typeId))) parts.push(`type ${t.name} (${String(t.typeId)})`);
    // Quoted, as the other notes quote a kernel: a new one, "kernel", read "Deleted kernel kernel".
    for (const k of config.kernels) if (kernelKeys.has(k.id)) parts.push(`kernel "${k.id}"`);
  } else {
    if (typeKeys.size) parts.push(`${typeKeys.size} type${typeKeys.size > 1 ? 's' : ''}`);
    if (kernelKeys.size) parts.push(`${kernelKeys.size} kernel${kernelKeys.size > 1 ? 's' : ''}`);
  }
  const routes =
    config.routes.length - next.routes.length + config.k2kRoutes.length - next.k2kRoutes.length;
  const withRoutes = routes ? ` with ${routes} route${routes > 1 ? 's' : ''}` : '';
  return {
    ok: true,
    config: next,
    note: `Deleted ${parts.join(' and ')}${withRoutes} (Ctrl+Z undoes it).`,
  };
}

/** What copy puts on the clipboard: the selected types and kernels and the routes among them. */
export interface Fragment {
  kind: 'ring-dispatcher-workbench/fragment';
  messageTypes: TypeDef[];
  kernels: KernelDef[];
  routes: RouteConfig['routes'];
  layout: Record<string, { x: number; y: number }>;
}

export function copyNodes(config: RouteConfig, nodeIds: readonly string[]): Fragment {
  const ids = new Set(nodeIds);
  const messageTypes = config.messageTypes.filter((t) => ids.has(typeNodeId(t.typeId)));
  const kernels = config.kernels.filter((k) => ids.has(kernelNodeId(k.id)));
  const kernelSet = new Set(kernels.map((k) => k.id));
  const routes = config.routes.filter(
    (r) => ids.has(typeNodeId(r.typeId)) && kernelSet.has(r.kernelId),
  );
  const layout: Fragment['layout'] = {};
  for (const id of ids) {
    const p = config.layout?.[id];
    if (p) layout[id] = p;
  }
  return { kind: 'ring-dispatcher-workbench/fragment', messageTypes, kernels, routes, layout };
}

/**
 * A pasted type's name: its own among the types (`TransactionCopy`, then `TransactionCopy2`), as
 * the Inspector asks of a name given there; two pastes had made two `TransactionCopy` types.
 */
function uniqueTypeName(config: RouteConfig, name: string): string {
  const taken = new Set(config.messageTypes.map((t) => t.name));
  return firstFree(`${name.slice(0, 120)}Copy`, (n) => taken.has(n), '');
}

/** Paste gives every pasted node a fresh id so nothing collides; routes inside the fragment follow. */
export function pasteFragment(
  config: RouteConfig,
  fragment: Fragment,
  offset = 40,
): EditResult & { nodeIds?: string[] } {
  let next = config;
  const typeMap = new Map<string, U64Json>();
  const kernelMap = new Map<string, string>();
  const layout: NonNullable<RouteConfig['layout']> = { ...(config.layout ?? {}) };
  const nodeIds: string[] = [];
  for (const k of fragment.kernels) {
    const id = uniqueKernelId(next, `${k.id.slice(0, 110)}_copy`);
    kernelMap.set(k.id, id);
    next = { ...next, kernels: [...next.kernels, { ...k, id }] };
    const p = fragment.layout[kernelNodeId(k.id)];
    if (p) layout[kernelNodeId(id)] = { x: p.x + offset, y: p.y + offset };
    nodeIds.push(kernelNodeId(id));
  }
  for (const t of fragment.messageTypes) {
    const typeId = nextFreeTypeId(next);
    typeMap.set(String(t.typeId), typeId);
    next = {
      ...next,
      messageTypes: [...next.messageTypes, { ...t, typeId, name: uniqueTypeName(next, t.name) }],
    };
    const p = fragment.layout[typeNodeId(t.typeId)];
    if (p) layout[typeNodeId(typeId)] = { x: p.x + offset, y: p.y + offset };
    nodeIds.push(typeNodeId(typeId));
  }
  const routes = [...next.routes];
  for (const r of fragment.routes) {
    const typeId = typeMap.get(String(r.typeId));
    const kernelId = kernelMap.get(r.kernelId);
    if (typeId !== undefined && kernelId !== undefined) routes.push({ ...r, typeId, kernelId });
  }
  if (nodeIds.length === 0) return { ok: false, error: 'The clipboard holds no workbench nodes.' };
  return {
    ok: true,
    config: { ...next, routes, layout },
    note: `Pasted ${nodeIds.length} node${nodeIds.length > 1 ? 's' : ''}.`,
    nodeIds,
  };
}

export function setPositions(
  config: RouteConfig,
  positions: Record<string, { x: number; y: number }>,
): RouteConfig {
  return { ...config, layout: { ...(config.layout ?? {}), ...positions } };
}
