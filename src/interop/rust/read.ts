import type { Node } from 'web-tree-sitter';
import {
  BACKENDS,
  BEHAVIORS,
  CONFIG_VERSION,
  FIELD_TYPES,
  LIMITS,
  OVERFLOW_POLICIES,
  parseConfig,
  type ConfigError,
  type FieldDef,
  type FieldType,
  type RouteConfig,
} from '../../core/config/index.ts';
import type { RustParser } from './parser.ts';

/** A construct the reader saw and could not turn into config, located by line (1-based). */
export interface Unread {
  line: number;
  /** The construct's source, shortened to one line. */
  text: string;
  reason: string;
}

/**
 * The outcome of reading Rust: a config (checked by `parseConfig`) plus everything not read,
 * or errors (syntax errors or a config that does not validate) and nothing to apply.
 */
export type RustReadResult =
  | { ok: true; config: RouteConfig; unread: Unread[] }
  | { ok: false; errors: ConfigError[]; unread: Unread[] };

type Value =
  | { kind: 'int'; v: bigint }
  | { kind: 'str'; v: string }
  | { kind: 'bool'; v: boolean }
  | { kind: 'none' }
  | { kind: 'some'; v: Value }
  | { kind: 'kernel'; id: string }
  | { kind: 'struct'; name: string; fields: Map<string, Value> }
  | { kind: 'list'; items: Value[] };

/** RingKernel's `K2KConfig::default()`. */
const K2K_DEFAULTS = { maxPendingMessages: 1024, deliveryTimeoutMs: 5000, maxHops: 8 };
const DEFAULT_NAME = 'Imported from Rust';

const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);
const line = (n: Node): number => n.startPosition.row + 1;
const oneLine = (n: Node): string => {
  const t = n.text.replace(/\s+/g, ' ').trim();
  return t.length > 100 ? `${t.slice(0, 100)}…` : t;
};

function parseIntLit(text: string): bigint | undefined {
  const t = text.replace(/_/g, '').replace(/(?:[ui](?:8|16|32|64|128|size))$/, '');
  try {
    if (/^0x[0-9a-f]+$/i.test(t) || /^0o[0-7]+$/.test(t) || /^0b[01]+$/.test(t)) return BigInt(t);
    if (/^[0-9]+$/.test(t)) return BigInt(t);
  } catch {
    return undefined;
  }
  return undefined;
}

/** The value of a Rust string literal (escapes, `\` line continuations) or raw string. */
function stringValue(n: Node): string | undefined {
  if (n.type === 'raw_string_literal') {
    const m = /^r(#*)"([\s\S]*)"\1$/.exec(n.text);
    return m?.[2];
  }
  if (n.type !== 'string_literal') return undefined;
  const body = n.text.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 't') out += '\t';
    else if (e === '0') out += '\0';
    else if (e === '\\' || e === '"' || e === "'") out += e;
    else if (e === 'x') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u') {
      const close = body.indexOf('}', i);
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 2, close), 16));
      i = close;
    } else if (e === '\n' || e === '\r') {
      while (i + 1 < body.length && /\s/.test(body[i + 1]!)) i++;
    } else return undefined;
  }
  return out;
}

interface MethodCall {
  method: string;
  turbofish: string | undefined;
  args: Node[];
  node: Node;
  text: string;
  /** Called on a `DispatcherBuilder` chain. */
  inBuilder: boolean;
}

const BUILDER_METHODS = new Set([
  'route',
  'route_named',
  'route_raw',
  'with_config',
  'with_k2k_config',
  'with_logging',
  'with_priority',
  'build',
  'build_with_broker',
]);

interface StructInfo {
  node: Node;
  ident: string;
  /** Doc text from `#[doc = ..]` or `///` lines before the struct. */
  doc: string | undefined;
  /** `#[message(..)]` / `#[persistent_message(..)]` arguments, when derived. */
  attrs: Map<string, Value>;
  derives: Set<string>;
  ringImpl: Node | undefined;
  persistentImpl: Node | undefined;
}

/** Reads `name = literal` pairs out of an attribute's token tree. */
function attrArgs(tokens: Node | null): Map<string, Value> {
  const out = new Map<string, Value>();
  if (tokens === null) return out;
  const kids = named(tokens);
  for (let i = 0; i + 1 < kids.length; i++) {
    const k = kids[i]!;
    const v = kids[i + 1]!;
    if (k.type !== 'identifier') continue;
    if (v.type === 'integer_literal') {
      const n = parseIntLit(v.text);
      if (n !== undefined) out.set(k.text, { kind: 'int', v: n });
    } else if (v.type === 'boolean_literal')
      out.set(k.text, { kind: 'bool', v: v.text === 'true' });
    else if (v.type === 'string_literal' || v.type === 'raw_string_literal') {
      const s = stringValue(v);
      if (s !== undefined) out.set(k.text, { kind: 'str', v: s });
    }
  }
  return out;
}

/**
 * Reads a RingKernel program into a route config: `#[derive]`d or hand-implemented message
 * structs (`message_type()`, `handler_id()`, fields), the `DispatcherBuilder` chain, kernel
 * registrations (`register_tenant`), K2K next hops (`add_route` / `add_route_in`), and the
 * workbench's own constants when the file came from its export. Everything it could not read
 * is listed by line; syntax errors refuse the whole file.
 */
export function readRust(parser: RustParser, text: string): RustReadResult {
  if (text.length > LIMITS.maxTextLength) {
    const message = `the file is ${text.length} characters; the limit is ${LIMITS.maxTextLength} (2 MiB)`;
    return { ok: false, errors: [{ path: '(document)', message }], unread: [] };
  }
  const root = parser.parse(text);
  return new Reader(root).read();
}

class Reader {
  private readonly unread: Unread[] = [];
  private readonly consts = new Map<string, Node>();
  private readonly structs = new Map<string, StructInfo>();
  private readonly structOrder: string[] = [];

  constructor(private readonly root: Node) {}

  private skip(n: Node, reason: string): void {
    this.unread.push({ line: line(n), text: oneLine(n), reason });
  }

  read(): RustReadResult {
    this.syntaxErrors(this.root);
    if (this.unread.length > 0) {
      return {
        ok: false,
        errors: this.unread.map((u) => ({
          path: `line ${u.line}`,
          message: `${u.reason}: ${u.text}`,
        })),
        unread: this.unread,
      };
    }
    this.collect(this.root, []);
    const config = this.build();
    // Nothing of a route config in it (a Rust file of another program): it had read as an empty
    // config, and its Apply took every type, kernel and route out of the workspace (QA).
    // (The workbench's own export of an empty workspace names it: that one reads back.)
    const found =
      this.workbench('NAME') !== undefined ||
      ['messageTypes', 'kernels', 'routes', 'k2kRoutes'].some(
        (k) => ((config[k] as unknown[] | undefined)?.length ?? 0) > 0,
      );
    if (!found)
      return {
        ok: false,
        errors: [
          {
            path: '(document)',
            message:
              'no RingKernel route config in this Rust source: no message type, kernel, route or K2K route was read from it (RingKernel declares them with #[derive(RingMessage)] or impl RingMessage structs, a DispatcherBuilder chain of route calls, register or register_tenant, and add_route)',
          },
        ],
        unread: this.unread,
      };
    const parsed = parseConfig(config);
    return parsed.ok
      ? { ok: true, config: parsed.config, unread: this.unread }
      : { ok: false, errors: parsed.errors, unread: this.unread };
  }

  private syntaxErrors(n: Node): void {
    if (n.isError || n.isMissing) {
      this.skip(n, n.isMissing ? `syntax error: missing ${n.type}` : 'syntax error');
      return;
    }
    if (!n.hasError) return;
    for (const c of named(n)) this.syntaxErrors(c);
  }

  /** Walks items: consts (by module path), structs with their attributes, impls. */
  private collect(list: Node, path: string[]): void {
    let attrs: Node[] = [];
    for (const item of named(list)) {
      if (item.type === 'attribute_item' || item.type === 'line_comment') {
        attrs.push(item);
        continue;
      }
      const before = attrs;
      attrs = [];
      switch (item.type) {
        case 'const_item':
        case 'static_item': {
          const name = item.childForFieldName('name')?.text;
          const value = item.childForFieldName('value');
          if (name !== undefined && value !== null)
            this.consts.set([...path, name].join('::'), value);
          break;
        }
        case 'mod_item': {
          const name = item.childForFieldName('name')?.text;
          const body = item.childForFieldName('body');
          if (name !== undefined && body !== null) this.collect(body, [...path, name]);
          break;
        }
        case 'struct_item':
          this.struct(item, before);
          break;
        case 'impl_item':
          this.impl(item);
          break;
        default:
          break;
      }
    }
  }

  private struct(item: Node, attrs: Node[]): void {
    const ident = item.childForFieldName('name')?.text;
    if (ident === undefined) return;
    const info: StructInfo = {
      node: item,
      ident,
      doc: undefined,
      attrs: new Map(),
      derives: new Set(),
      ringImpl: undefined,
      persistentImpl: undefined,
    };
    const docs: string[] = [];
    for (const a of attrs) {
      if (a.type === 'line_comment') {
        const doc = a.childForFieldName('doc');
        if (doc !== null && a.childForFieldName('outer') !== null)
          docs.push(doc.text.replace(/^ /, '').replace(/\r?\n$/, ''));
        continue;
      }
      const attr = named(a).find((c) => c.type === 'attribute');
      if (attr === undefined) continue;
      const name = named(attr)[0]?.text;
      const value = attr.childForFieldName('value');
      const args = attr.childForFieldName('arguments');
      if (name === 'doc' && value !== null) {
        const s = stringValue(value);
        if (s === undefined) this.skip(a, 'doc attribute that is not a string literal');
        else docs.push(s);
      } else if (name === 'derive' && args !== null) {
        for (const d of named(args)) if (d.type === 'identifier') info.derives.add(d.text);
      } else if (name === 'message' || name === 'persistent_message' || name === 'ring_message') {
        for (const [k, v] of attrArgs(args)) info.attrs.set(k, v);
      }
    }
    if (docs.length > 0) info.doc = docs.join('\n');
    this.structs.set(ident, info);
    this.structOrder.push(ident);
  }

  private impl(item: Node): void {
    const type = item.childForFieldName('type')?.text;
    const trait = item.childForFieldName('trait')?.text.split('::').pop();
    const body = item.childForFieldName('body');
    if (type === undefined || body === null) return;
    if (trait === undefined) {
      for (const c of named(body)) {
        if (c.type !== 'const_item') continue;
        const name = c.childForFieldName('name')?.text;
        const value = c.childForFieldName('value');
        if (name !== undefined && value !== null) this.consts.set(`${type}::${name}`, value);
      }
      return;
    }
    const info = this.structs.get(type);
    if (info === undefined) return;
    if (trait === 'RingMessage') info.ringImpl = body;
    else if (trait === 'PersistentMessage') info.persistentImpl = body;
  }

  /** Resolves a path to a const: exact (after crate/self/super), else a unique suffix match. */
  private resolve(path: string, selfType: string | undefined): Node | undefined {
    let p = path.replace(/\s+/g, '').replace(/^(?:crate|self|super)::/g, '');
    while (/^(?:crate|self|super)::/.test(p)) p = p.replace(/^(?:crate|self|super)::/, '');
    if (selfType !== undefined) p = p.replace(/^Self::/, `${selfType}::`);
    const exact = this.consts.get(p);
    if (exact !== undefined) return exact;
    const matches = [...this.consts.keys()].filter((k) => k.endsWith(`::${p}`));
    return matches.length === 1 ? this.consts.get(matches[0]!) : undefined;
  }

  private evalExpr(n: Node, selfType?: string, depth = 0): Value | undefined {
    if (depth > 32) return undefined;
    const ev = (c: Node | null | undefined): Value | undefined =>
      c ? this.evalExpr(c, selfType, depth + 1) : undefined;
    switch (n.type) {
      case 'integer_literal': {
        const v = parseIntLit(n.text);
        return v === undefined ? undefined : { kind: 'int', v };
      }
      case 'string_literal':
      case 'raw_string_literal': {
        const v = stringValue(n);
        return v === undefined ? undefined : { kind: 'str', v };
      }
      case 'boolean_literal':
        return { kind: 'bool', v: n.text === 'true' };
      case 'parenthesized_expression':
      case 'reference_expression':
        return ev(n.childForFieldName('value') ?? named(n)[0]);
      case 'block': {
        const last = named(n).at(-1);
        return last === undefined || last.type === 'expression_statement' ? undefined : ev(last);
      }
      case 'array_expression': {
        const items = named(n).map((c) => ev(c));
        return items.every((v) => v !== undefined)
          ? { kind: 'list', items: items as Value[] }
          : undefined;
      }
      case 'tuple_expression': {
        const items = named(n).map((c) => ev(c));
        return items.every((v) => v !== undefined)
          ? { kind: 'list', items: items as Value[] }
          : undefined;
      }
      case 'identifier':
      case 'scoped_identifier': {
        if (n.text === 'None') return { kind: 'none' };
        const target = this.resolve(n.text, selfType);
        if (target === undefined) return undefined;
        const owner = n.text.includes('::') ? n.text.split('::').slice(-2, -1)[0] : undefined;
        return this.evalExpr(target, owner === 'Self' ? selfType : (owner ?? selfType), depth + 1);
      }
      case 'struct_expression': {
        const name = n.childForFieldName('name')?.text ?? '';
        const fields = new Map<string, Value>();
        for (const f of named(n.childForFieldName('body') ?? n)) {
          if (f.type !== 'field_initializer') continue;
          const key = f.childForFieldName('field')?.text;
          const v = ev(f.childForFieldName('value'));
          if (key !== undefined && v !== undefined) fields.set(key, v);
        }
        return { kind: 'struct', name: name.split('::').pop() ?? name, fields };
      }
      case 'call_expression': {
        const fn = n.childForFieldName('function')?.text.replace(/\s+/g, '');
        const args = named(n.childForFieldName('arguments') ?? n);
        if (fn === 'Some' && args.length === 1) {
          const v = ev(args[0]);
          return v === undefined ? undefined : { kind: 'some', v };
        }
        if (fn !== undefined && /(?:^|::)KernelId::new$/.test(fn) && args.length === 1) {
          const v = ev(args[0]);
          return v?.kind === 'str' ? { kind: 'kernel', id: v.v } : undefined;
        }
        return undefined;
      }
      case 'field_expression': {
        // "id".to_string() / .into() reads as the string itself.
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private fnBody(impl: Node | undefined, name: string): Node | undefined {
    if (impl === undefined) return undefined;
    const f = named(impl).find(
      (c) => c.type === 'function_item' && c.childForFieldName('name')?.text === name,
    );
    return f?.childForFieldName('body') ?? undefined;
  }

  private constValue(owner: string, name: string): Value | undefined {
    const n = this.consts.get(`${owner}::${name}`);
    return n === undefined ? undefined : this.evalExpr(n, owner);
  }

  private workbench(name: string): Value | undefined {
    const n = this.resolve(`workbench::${name}`, undefined);
    return n === undefined ? undefined : this.evalExpr(n);
  }

  private build(): Record<string, unknown> {
    const messageTypes = this.messageTypes();
    const broker = { ...K2K_DEFAULTS, defaultPriority: 0 };
    const routes: Record<string, unknown>[] = [];
    const k2kRoutes: { dest: string; nextHop: string }[] = [];
    const kernelOrder: string[] = [];
    const tenants = new Map<string, number>();
    const seeKernel = (id: string): void => {
      if (!kernelOrder.includes(id)) kernelOrder.push(id);
    };
    const specs = this.workbench('KERNELS');
    const specById = new Map<string, Map<string, Value>>();
    if (specs?.kind === 'list') {
      for (const s of specs.items) {
        const id = s.kind === 'struct' ? s.fields.get('id') : undefined;
        if (s.kind === 'struct' && id?.kind === 'str') {
          specById.set(id.v, s.fields);
          seeKernel(id.v);
        }
      }
    }
    const structTypeId = new Map(messageTypes.map((t) => [t.ident, t.typeId]));
    const kernelArg = (n: Node | undefined): string | undefined => {
      const v = n ? this.evalExpr(n) : undefined;
      return v?.kind === 'kernel' ? v.id : undefined;
    };
    const intArg = (n: Node | undefined): bigint | undefined => {
      const v = n ? this.evalExpr(n) : undefined;
      return v?.kind === 'int' ? v.v : undefined;
    };

    const calls = this.methodCalls(this.root);
    for (const call of calls) {
      const { method, turbofish, args, node } = call;
      const skip = (reason: string): void => {
        this.unread.push({
          line: line(node),
          text: call.text.replace(/\s+/g, ' ').slice(0, 100),
          reason,
        });
      };
      if (call.inBuilder && !BUILDER_METHODS.has(method)) {
        skip(`${method}: not a DispatcherBuilder method the workbench reads`);
        continue;
      }
      const route = (
        typeId: bigint | undefined,
        kernel: string | undefined,
        handlerName?: string,
      ): void => {
        if (typeId === undefined || kernel === undefined) {
          skip(`${method}: could not read its type id or kernel id`);
          return;
        }
        seeKernel(kernel);
        routes.push({
          typeId: typeId.toString(),
          kernelId: kernel,
          ...(handlerName !== undefined ? { handlerName } : {}),
        });
      };
      const typeOf = (t: string | undefined): bigint | undefined => {
        const id = t === undefined ? undefined : structTypeId.get(t);
        return id;
      };
      switch (method) {
        case 'route':
        case 'register':
          if (method === 'register' && turbofish === undefined) {
            const k = kernelArg(args[0]);
            if (k === undefined) skip('register: could not read the kernel id');
            else {
              seeKernel(k);
              if (!tenants.has(k)) tenants.set(k, 0);
            }
            break;
          }
          if (typeOf(turbofish) === undefined) {
            skip(`${method}::<${turbofish ?? '?'}>: no message struct of that name was read`);
            break;
          }
          route(typeOf(turbofish), kernelArg(args[0]));
          break;
        case 'route_named':
        case 'register_with_name': {
          const name = args[1] ? this.evalExpr(args[1]) : undefined;
          if (typeOf(turbofish) === undefined || name?.kind !== 'str') {
            skip(`${method}: could not read its message struct or handler name`);
            break;
          }
          route(typeOf(turbofish), kernelArg(args[0]), name.v);
          break;
        }
        case 'route_raw':
        case 'register_route':
          route(intArg(args[0]), kernelArg(args[1]));
          break;
        case 'with_priority': {
          const p = intArg(args[0]);
          if (p === undefined) skip('with_priority: not a constant');
          else broker.defaultPriority = Number(p);
          break;
        }
        case 'with_k2k_config': {
          const v = args[0] ? this.evalExpr(args[0]) : undefined;
          if (v?.kind !== 'struct') {
            skip('with_k2k_config: not a K2KConfig { .. } literal');
            break;
          }
          const num = (k: string): number | undefined => {
            const f = v.fields.get(k);
            return f?.kind === 'int' ? Number(f.v) : undefined;
          };
          broker.maxPendingMessages = num('max_pending_messages') ?? broker.maxPendingMessages;
          broker.deliveryTimeoutMs = num('delivery_timeout_ms') ?? broker.deliveryTimeoutMs;
          broker.maxHops = num('max_hops') ?? broker.maxHops;
          break;
        }
        case 'with_config': {
          const v = args[0] ? this.evalExpr(args[0]) : undefined;
          const p = v?.kind === 'struct' ? v.fields.get('default_priority') : undefined;
          if (p?.kind === 'int') broker.defaultPriority = Number(p.v);
          else if (v?.kind !== 'struct') skip('with_config: not a DispatcherConfig { .. } literal');
          break;
        }
        case 'register_tenant': {
          const t = intArg(args[0]);
          const k = kernelArg(args[2]);
          if (t === undefined || k === undefined)
            skip('register_tenant: could not read the tenant or kernel id');
          else {
            seeKernel(k);
            tenants.set(k, Number(t));
          }
          break;
        }
        case 'add_route':
        case 'add_route_in': {
          const inTenant = method === 'add_route_in';
          const t = inTenant ? intArg(args[0]) : 0n;
          const dest = kernelArg(args[inTenant ? 1 : 0]);
          const next = kernelArg(args[inTenant ? 2 : 1]);
          if (t === undefined || dest === undefined || next === undefined) {
            skip(`${method}: could not read the tenant or kernel ids`);
            break;
          }
          seeKernel(dest);
          seeKernel(next);
          if (!tenants.has(dest)) tenants.set(dest, Number(t));
          k2kRoutes.push({ dest, nextHop: next });
          break;
        }
        default:
          break;
      }
    }

    const rawNames = this.workbench('RAW_ROUTE_HANDLER_NAMES');
    if (rawNames?.kind === 'list') {
      for (const pair of rawNames.items) {
        if (pair.kind !== 'list') continue;
        const [id, name] = pair.items;
        if (id?.kind !== 'int' || name?.kind !== 'str') continue;
        const r = routes.find((x) => x['typeId'] === id.v.toString());
        if (r !== undefined) r['handlerName'] = name.v;
      }
    }

    const kernels = kernelOrder.map((id) => {
      const spec = specById.get(id);
      const str = (k: string, allowed: readonly string[], fallback: string): string => {
        const v = spec?.get(k);
        return v?.kind === 'str' && allowed.includes(v.v) ? v.v : fallback;
      };
      const cap = spec?.get('queue_capacity');
      const desc = spec?.get('description');
      return {
        id,
        // RingKernel sizes every receiver's queue with max_pending_messages.
        queueCapacity: cap?.kind === 'int' ? Number(cap.v) : broker.maxPendingMessages,
        overflowPolicy: str('overflow_policy', OVERFLOW_POLICIES, 'reject'),
        tenantId: tenants.get(id) ?? 0,
        backend: str('backend', BACKENDS, 'auto'),
        behavior: str('behavior', BEHAVIORS, 'generic'),
        ...(desc?.kind === 'some' && desc.v.kind === 'str' ? { description: desc.v.v } : {}),
      };
    });

    const name = this.workbench('NAME');
    const config: Record<string, unknown> = {
      version: CONFIG_VERSION,
      name: name?.kind === 'str' ? name.v : DEFAULT_NAME,
      broker,
      messageTypes: messageTypes.map((t) => t.def),
      kernels,
      routes,
      k2kRoutes,
    };
    for (const [key, constName] of [
      ['generatorPresets', 'GENERATOR_PRESETS_JSON'],
      ['layout', 'LAYOUT_JSON'],
    ] as const) {
      const v = this.workbench(constName);
      if (v?.kind !== 'some' || v.v.kind !== 'str') continue;
      try {
        config[key] = JSON.parse(v.v.v) as unknown;
      } catch {
        const node = this.resolve(`workbench::${constName}`, undefined);
        if (node) this.skip(node, `workbench::${constName} is not JSON`);
      }
    }
    return config;
  }

  private messageTypes(): { ident: string; typeId: bigint; def: Record<string, unknown> }[] {
    const out: { ident: string; typeId: bigint; def: Record<string, unknown> }[] = [];
    for (const ident of this.structOrder) {
      const s = this.structs.get(ident)!;
      const isMessage =
        s.ringImpl !== undefined || s.derives.has('RingMessage') || s.attrs.has('type_id');
      if (!isMessage) continue;
      let typeId: bigint | undefined;
      const attrId = s.attrs.get('type_id');
      if (attrId?.kind === 'int') typeId = attrId.v;
      const body = this.fnBody(s.ringImpl, 'message_type');
      if (typeId === undefined && body !== undefined) {
        const v = this.evalExpr(body, ident);
        if (v?.kind === 'int') typeId = v.v;
      }
      if (typeId === undefined) {
        this.skip(body ?? s.node, `message struct ${ident}: could not read its type id`);
        continue;
      }
      let handlerId: number | undefined;
      const attrHandler = s.attrs.get('handler_id');
      if (attrHandler?.kind === 'int') handlerId = Number(attrHandler.v);
      const hBody = this.fnBody(s.persistentImpl, 'handler_id');
      if (hBody !== undefined) {
        const v = this.evalExpr(hBody, ident);
        if (v?.kind === 'int') handlerId = Number(v.v);
        else this.skip(hBody, `${ident}::handler_id(): not a constant`);
      }
      let requiresResponse: boolean | undefined;
      const attrReq = s.attrs.get('requires_response');
      if (attrReq?.kind === 'bool') requiresResponse = attrReq.v;
      const rBody = this.fnBody(s.persistentImpl, 'requires_response');
      if (rBody !== undefined) {
        const v = this.evalExpr(rBody, ident);
        if (v?.kind === 'bool') requiresResponse = v.v;
        else this.skip(rBody, `${ident}::requires_response(): not a constant`);
      }
      const req = this.constValue(ident, 'REQUIRES_RESPONSE');
      if (req?.kind === 'none') requiresResponse = undefined;
      else if (req?.kind === 'some' && req.v.kind === 'bool') requiresResponse = req.v.v;
      let responseTypeId: bigint | undefined;
      const attrResp = s.attrs.get('response_type_id');
      if (attrResp?.kind === 'int') responseTypeId = attrResp.v;
      const resp = this.constValue(ident, 'RESPONSE_TYPE_ID');
      if (resp?.kind === 'some' && resp.v.kind === 'int') responseTypeId = resp.v.v;
      const nameConst = this.constValue(ident, 'NAME');
      const fields = this.fields(s);
      const def: Record<string, unknown> = {
        typeId: typeId.toString(),
        name: nameConst?.kind === 'str' ? nameConst.v : ident,
        ...(handlerId !== undefined ? { handlerId } : {}),
        ...(requiresResponse !== undefined ? { requiresResponse } : {}),
        ...(responseTypeId !== undefined ? { responseTypeId: responseTypeId.toString() } : {}),
        fields,
        ...(s.doc !== undefined ? { description: s.doc } : {}),
      };
      out.push({ ident, typeId, def });
    }
    return out;
  }

  private fields(s: StructInfo): FieldDef[] {
    const body = s.node.childForFieldName('body');
    if (body === null) return [];
    if (body.type !== 'field_declaration_list') {
      this.skip(body, `${s.ident}: tuple structs are not read; name the fields`);
      return [];
    }
    const names = this.constValue(s.ident, 'FIELD_NAMES');
    const decls = named(body).filter((c) => c.type === 'field_declaration');
    const out: FieldDef[] = [];
    decls.forEach((d, i) => {
      const ident = (d.childForFieldName('name')?.text ?? '').replace(/^r#/, '');
      const type = d.childForFieldName('type');
      const given =
        names?.kind === 'list' && names.items.length === decls.length ? names.items[i] : undefined;
      const name = given?.kind === 'str' ? given.v : ident;
      if (
        type?.type === 'primitive_type' &&
        (FIELD_TYPES as readonly string[]).includes(type.text) &&
        type.text !== 'bytes'
      ) {
        out.push({ name, type: type.text as FieldType });
        return;
      }
      if (type?.type === 'array_type' && type.childForFieldName('element')?.text === 'u8') {
        const len = type.childForFieldName('length');
        const size = len ? this.evalExpr(len, s.ident) : undefined;
        if (size?.kind === 'int') {
          out.push({ name, type: 'bytes', size: Number(size.v) });
          return;
        }
      }
      this.skip(
        d,
        `field ${ident} of ${s.ident}: only u8, u16, u32, u64, i32, i64, f32, f64, bool and [u8; N] fields are read`,
      );
    });
    return out;
  }

  /** Every method call in the file, innermost first along each chain, in source order. */
  private methodCalls(rootNode: Node): MethodCall[] {
    const out: (MethodCall & { at: number })[] = [];
    const visit = (n: Node): void => {
      for (const c of named(n)) visit(c);
      if (n.type !== 'call_expression') return;
      let fn = n.childForFieldName('function');
      let turbofish: string | undefined;
      if (fn?.type === 'generic_function') {
        turbofish = named(fn.childForFieldName('type_arguments') ?? fn)[0]
          ?.text.split('::')
          .pop();
        fn = fn.childForFieldName('function');
      }
      if (fn?.type !== 'field_expression') return;
      const method = fn.childForFieldName('field')?.text;
      if (method === undefined) return;
      const field = fn.childForFieldName('field')!;
      const args = n.childForFieldName('arguments');
      const receiver = fn.childForFieldName('value')?.text.replace(/\s+/g, '') ?? '';
      out.push({
        method,
        turbofish,
        args: args === null ? [] : named(args),
        // Located at the method name, so a call in a chain reports its own line.
        node: field,
        text: `.${method}${turbofish === undefined ? '' : `::<${turbofish}>`}${args?.text ?? '()'}`,
        // Whatever its constructor was given: a chain from `DispatcherBuilder::new(broker)` had
        // its unknown methods left out of the list of what was not read (QA).
        inBuilder: /^(?:DispatcherBuilder::(?:new|default)|KernelDispatcher::builder)\(/.test(
          receiver,
        ),
        at: field.startIndex,
      });
    };
    visit(rootNode);
    // A chain's calls nest outermost-first in the tree; the method names appear in call order.
    return out.sort((a, b) => a.at - b.at);
  }
}
