import { IdentAllocator, pascalCase, screamingCase, snakeCase } from './idents.ts';
import {
  fieldByteSize,
  payloadSize,
  type FieldDef,
  type MessageTypeDef,
  type RouteConfig,
} from './schema.ts';
import { readU64, u64Key } from './u64.ts';

/**
 * How the export maps the workspace onto RingKernel (README "Route config format"):
 * - each message type is a `#[repr(C)]` struct implementing `RingMessage`; a type with a handler
 *   id also implements `PersistentMessage` and is routed with `.route::<T>()` (or
 *   `.route_named`), which registers that handler in its kernel's dispatch table. A type without
 *   one is routed with `.route_raw(T::TYPE_ID, ..)` and registers no handler, as the validator
 *   and the WGSL export (`NO_HANDLER`) say.
 * - kernels are registered in their tenant (`register_tenant`) and K2K next hops are added to the
 *   destination's tenant with `add_route_in`, since RingKernel looks next hops up in the
 *   sender's tenant (`add_route` would file them all under tenant 0).
 * - what RingKernel has no place for (queue capacity, overflow policy, backend, behaviour, names
 *   the identifiers had to change, layout, generator presets) is kept as constants in
 *   `mod workbench` and on each struct, so `readRust` gets the same config back.
 */

const RUST_KEYWORDS = new Set(
  (
    'as async await break const continue crate dyn else enum extern false fn for if impl in let loop ' +
    'match mod move mut pub ref return self Self static struct super trait true type unsafe use where ' +
    'while abstract become box do final gen macro override priv try typeof unsized virtual yield union'
  ).split(' '),
);

/** Names the generated module uses itself; a message struct must not shadow them. */
const USED_NAMES = [
  'DispatcherBuilder',
  'KernelDispatcher',
  'K2KBroker',
  'K2KConfig',
  'KernelId',
  'RingMessage',
  'PersistentMessage',
  'MessageId',
  'CorrelationId',
  'Priority',
  'Result',
  'RingKernelError',
  'MAX_INLINE_PAYLOAD_SIZE',
  'Vec',
  'Option',
  'Some',
  'None',
  'Ok',
  'Err',
  'String',
  'Box',
  'Default',
  'Clone',
  'Copy',
  'Debug',
  'PartialEq',
  'Send',
  'Sync',
  'Sized',
  'Arc',
  'AuditTag',
  'K2KEndpoint',
  'KernelSpec',
  'kernels',
  'workbench',
  'build_dispatcher',
  'register_kernels',
  'add_k2k_routes',
];

/**
 * A Rust string literal for any JS string: quotes, backslashes, control and non-ASCII
 * characters escaped; lone surrogates (not valid `char`s) become U+FFFD.
 */
export function rustString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\u{fffd}';
    else out += `\\u{${cp.toString(16)}}`;
  }
  return `${out}"`;
}

function rustType(f: FieldDef): string {
  return f.type === 'bytes' ? `[u8; ${f.size ?? 0}]` : f.type;
}

interface TypeNames {
  type: MessageTypeDef;
  struct: string;
  fields: string[];
}

function fieldIdents(type: MessageTypeDef): string[] {
  const alloc = new IdentAllocator(RUST_KEYWORDS);
  return type.fields.map((f) => {
    let base = snakeCase(f.name);
    if (base === '') base = 'field';
    if (/^[0-9]/.test(base)) base = `f_${base}`;
    return alloc.take(RUST_KEYWORDS.has(base) ? `${base}_` : base, '_');
  });
}

function readField(f: FieldDef, at: number): string {
  const size = fieldByteSize(f);
  switch (f.type) {
    case 'u8':
      return `bytes[${at}]`;
    case 'bool':
      return `bytes[${at}] != 0`;
    case 'bytes':
      return `bytes[${at}..${at + size}].try_into().unwrap()`;
    default:
      return `${f.type}::from_le_bytes(bytes[${at}..${at + size}].try_into().unwrap())`;
  }
}

function writeField(f: FieldDef, ident: string): string {
  switch (f.type) {
    case 'u8':
      return `out.push(self.${ident});`;
    case 'bool':
      return `out.push(u8::from(self.${ident}));`;
    case 'bytes':
      return `out.extend_from_slice(&self.${ident});`;
    default:
      return `out.extend_from_slice(&self.${ident}.to_le_bytes());`;
  }
}

function u64Literal(id: unknown): string {
  const v = readU64(id);
  return v === undefined ? '0' : v.toString();
}

function optionalStr(v: string | undefined): string {
  return v === undefined ? 'None' : `Some(${rustString(v)})`;
}

function messageStruct({ type, struct, fields }: TypeNames): string {
  const size = payloadSize(type);
  const lines: string[] = [];
  if (type.description !== undefined) lines.push(`#[doc = ${rustString(type.description)}]`);
  lines.push('#[derive(Clone, Copy, Debug, PartialEq)]', '#[repr(C)]', `pub struct ${struct} {`);
  type.fields.forEach((f, i) => lines.push(`    pub ${fields[i]!}: ${rustType(f)},`));
  lines.push('}', '');
  const response =
    type.responseTypeId === undefined ? 'None' : `Some(${u64Literal(type.responseTypeId)})`;
  const requires = type.requiresResponse === undefined ? 'None' : `Some(${type.requiresResponse})`;
  lines.push(
    `impl ${struct} {`,
    `    /// Type id the dispatcher routes on.`,
    `    pub const TYPE_ID: u64 = ${u64Literal(type.typeId)};`,
    `    /// The type's name in the workbench.`,
    `    pub const NAME: &'static str = ${rustString(type.name)};`,
    `    /// The fields' names in the workbench, in declaration order.`,
    `    pub const FIELD_NAMES: [&'static str; ${type.fields.length}] = [${type.fields.map((f) => rustString(f.name)).join(', ')}];`,
    `    /// Payload size in bytes: the fields packed little-endian in declaration order.`,
    `    pub const PAYLOAD_SIZE: usize = ${size};`,
    `    /// Type id of the response, when this message declares one.`,
    `    pub const RESPONSE_TYPE_ID: Option<u64> = ${response};`,
    `    /// Whether the workbench marks it as requiring a response (None: not set).`,
    `    pub const REQUIRES_RESPONSE: Option<bool> = ${requires};`,
    `}`,
    '',
  );
  let at = 0;
  const reads = type.fields.map((f, i) => {
    const r = `            ${fields[i]!}: ${readField(f, at)},`;
    at += fieldByteSize(f);
    return r;
  });
  lines.push(
    `impl RingMessage for ${struct} {`,
    `    fn message_type() -> u64 {`,
    `        Self::TYPE_ID`,
    `    }`,
    '',
    `    fn message_id(&self) -> MessageId {`,
    `        MessageId::new(0)`,
    `    }`,
    '',
    `    fn serialize(&self) -> Vec<u8> {`,
    ...(type.fields.length === 0
      ? [`        Vec::new()`]
      : [
          `        let mut out = Vec::with_capacity(Self::PAYLOAD_SIZE);`,
          ...type.fields.map((f, i) => `        ${writeField(f, fields[i]!)}`),
          `        out`,
        ]),
    `    }`,
    '',
    `    fn deserialize(bytes: &[u8]) -> Result<Self> {`,
    `        if bytes.len() < Self::PAYLOAD_SIZE {`,
    `            return Err(RingKernelError::DeserializationError(format!(`,
    `                "{} needs {} payload bytes, got {}",`,
    `                Self::NAME,`,
    `                Self::PAYLOAD_SIZE,`,
    `                bytes.len()`,
    `            )));`,
    `        }`,
    `        Ok(Self {`,
    ...reads,
    `        })`,
    `    }`,
    '',
    `    fn size_hint(&self) -> usize {`,
    `        Self::PAYLOAD_SIZE`,
    `    }`,
    `}`,
    '',
  );
  if (type.handlerId === undefined) return lines.join('\n');
  const inline =
    size <= 32
      ? [
          `        let bytes = self.serialize();`,
          `        let mut payload = [0u8; MAX_INLINE_PAYLOAD_SIZE];`,
          `        payload[..bytes.len()].copy_from_slice(&bytes);`,
          `        Some(payload)`,
        ]
      : [`        // ${size} bytes do not fit the 32-byte inline payload.`, `        None`];
  lines.push(
    `impl PersistentMessage for ${struct} {`,
    `    fn handler_id() -> u32 {`,
    `        ${type.handlerId}`,
    `    }`,
    '',
    ...(type.requiresResponse === true
      ? [`    fn requires_response() -> bool {`, `        true`, `    }`, '']
      : []),
    `    fn to_inline_payload(&self) -> Option<[u8; MAX_INLINE_PAYLOAD_SIZE]> {`,
    ...inline,
    `    }`,
    '',
    `    fn from_inline_payload(payload: &[u8]) -> Result<Self> {`,
    `        Self::deserialize(payload)`,
    `    }`,
    '',
    `    fn payload_size() -> usize {`,
    `        Self::PAYLOAD_SIZE`,
    `    }`,
    `}`,
    '',
  );
  return lines.join('\n');
}

const HOST_NOTE = [
  '/// RingKernel has no trusted host. Its `dispatch()` sends as `host`, an unregistered kernel,',
  '/// which the broker files under tenant 0, so a type routed to a kernel of another tenant is',
  '/// refused with `TenantMismatch`. The workbench lets the host reach every tenant; in a real',
  '/// deployment, send traffic for tenant t with `dispatch_from(<a kernel id registered in tenant',
  '/// t>, envelope)`, for example an ingress endpoint registered with',
  '/// `broker.register_tenant(t, AuditTag::unspecified(), KernelId::new("ingress-t"))`.',
];

/**
 * Rust source for a RingKernel program: one `#[repr(C)]` struct per message type, kernel id
 * constants, `build_dispatcher()` with the `DispatcherBuilder` chain and the K2K next hops (each
 * in its tenant), `register_kernels()` that registers every kernel in its tenant, and
 * `mod workbench` with what RingKernel has no place for. Every name from the config is escaped
 * into string literals or sanitised into unique identifiers. `readRust` (src/interop) reads it
 * back into the same config.
 */
export function toRust(config: RouteConfig): string {
  const globals = new IdentAllocator(new Set([...RUST_KEYWORDS, ...USED_NAMES]));
  const types: TypeNames[] = config.messageTypes.map((type) => {
    let base = pascalCase(type.name);
    if (base === '' || /^[0-9]/.test(base)) base = `Msg${base}`;
    return { type, struct: globals.take(base), fields: fieldIdents(type) };
  });
  const typeByKey = new Map<string, TypeNames>();
  for (const t of types) {
    const key = u64Key(t.type.typeId);
    if (!typeByKey.has(key)) typeByKey.set(key, t);
  }
  const consts = new IdentAllocator(new Set());
  const kernelConst = new Map<string, string>();
  const kernelLines: string[] = [];
  const specLines: string[] = [];
  const tenantOf = new Map<string, number>();
  for (const k of config.kernels) {
    if (kernelConst.has(k.id)) continue;
    tenantOf.set(k.id, k.tenantId);
    const name = consts.take(`KERNEL_${screamingCase(k.id)}`.replace(/_$/, ''), '_');
    kernelConst.set(k.id, `kernels::${name}`);
    kernelLines.push(`    pub const ${name}: &str = ${rustString(k.id)};`);
    specLines.push(
      `        KernelSpec {`,
      `            id: ${rustString(k.id)},`,
      `            queue_capacity: ${k.queueCapacity},`,
      `            overflow_policy: ${rustString(k.overflowPolicy)},`,
      `            backend: ${rustString(k.backend)},`,
      `            behavior: ${rustString(k.behavior)},`,
      `            description: ${optionalStr(k.description)},`,
      `        },`,
    );
  }
  const kernelExpr = (id: string): string =>
    `KernelId::new(${kernelConst.get(id) ?? rustString(id)})`;

  const chain: string[] = [
    `        .with_k2k_config(K2KConfig {`,
    `            max_pending_messages: ${config.broker.maxPendingMessages},`,
    `            delivery_timeout_ms: ${config.broker.deliveryTimeoutMs},`,
    `            max_hops: ${config.broker.maxHops},`,
    `            ..Default::default()`,
    `        })`,
    `        .with_priority(${config.broker.defaultPriority})`,
  ];
  const rawNames: string[] = [];
  for (const r of config.routes) {
    const t = typeByKey.get(u64Key(r.typeId));
    const kernel = kernelExpr(r.kernelId);
    if (t !== undefined && t.type.handlerId !== undefined) {
      chain.push(
        r.handlerName === undefined
          ? `        .route::<${t.struct}>(${kernel})`
          : `        .route_named::<${t.struct}>(${kernel}, ${rustString(r.handlerName)})`,
      );
      continue;
    }
    // No handler id: RingKernel's route_raw registers no handler (and names none).
    chain.push(
      `        .route_raw(${t === undefined ? u64Literal(r.typeId) : `${t.struct}::TYPE_ID`}, ${kernel})`,
    );
    if (r.handlerName !== undefined) {
      rawNames.push(`        (${u64Literal(r.typeId)}, ${rustString(r.handlerName)}),`);
    }
  }
  const hops = config.k2kRoutes.map(
    (r) =>
      `    broker.add_route_in(${tenantOf.get(r.dest) ?? 0}, ${kernelExpr(r.dest)}, ${kernelExpr(r.nextHop)});`,
  );
  const registrations = config.kernels
    .filter((k, i) => config.kernels.findIndex((o) => o.id === k.id) === i)
    .map(
      (k) =>
        `        broker.register_tenant(${k.tenantId}, AuditTag::unspecified(), ${kernelExpr(k.id)}),`,
    );
  const usesKernelId =
    registrations.length > 0 || config.routes.length > 0 || config.k2kRoutes.length > 0;
  const hasTypes = types.length > 0;
  const hasHandlers = types.some((t) => t.type.handlerId !== undefined);
  const json = (v: unknown): string =>
    v === undefined ? 'None' : `Some(${rustString(JSON.stringify(v))})`;

  return [
    '// Generated by the Ring Dispatcher Workbench from a route config (version 1).',
    '// Edit the workspace and export again, or import this file back into the workbench.',
    `#![doc = ${rustString(`Message types and routes of the workspace ${JSON.stringify(config.name)}.`)}]`,
    '#![allow(dead_code, clippy::all)]',
    '',
    'use std::sync::Arc;',
    '',
    'use ringkernel_core::dispatcher::{DispatcherBuilder, KernelDispatcher};',
    ...(hasTypes ? ['use ringkernel_core::error::{Result, RingKernelError};'] : []),
    `use ringkernel_core::k2k::{${registrations.length > 0 ? 'AuditTag, ' : ''}K2KBroker, K2KConfig, K2KEndpoint};`,
    ...(hasTypes ? ['use ringkernel_core::message::{MessageId, RingMessage};'] : []),
    ...(hasHandlers
      ? ['use ringkernel_core::persistent_message::{PersistentMessage, MAX_INLINE_PAYLOAD_SIZE};']
      : []),
    ...(usesKernelId ? ['use ringkernel_core::runtime::KernelId;'] : []),
    '',
    '/// Kernel ids of this workspace.',
    'pub mod kernels {',
    ...kernelLines,
    '}',
    '',
    '/// What the workbench keeps that RingKernel has no place for; the workbench reads it back',
    '/// on import.',
    'pub mod workbench {',
    '    /// Per-kernel settings the workbench enforces (RingKernel sizes every queue with',
    '    /// `K2KConfig::max_pending_messages` and has no overflow policy, backend or behaviour).',
    '    pub struct KernelSpec {',
    "        pub id: &'static str,",
    '        pub queue_capacity: usize,',
    "        pub overflow_policy: &'static str,",
    "        pub backend: &'static str,",
    "        pub behavior: &'static str,",
    "        pub description: Option<&'static str>,",
    '    }',
    '',
    `    pub const NAME: &str = ${rustString(config.name)};`,
    '',
    '    pub const KERNELS: &[KernelSpec] = &[',
    ...specLines,
    '    ];',
    '',
    '    /// Handler names of routes that register no handler (RingKernel calls them',
    '    /// `handler_<type id>`), by type id.',
    '    pub const RAW_ROUTE_HANDLER_NAMES: &[(u64, &str)] = &[',
    ...rawNames,
    '    ];',
    '',
    '    /// Generator presets and graph layout, as the JSON the workbench writes.',
    `    pub const GENERATOR_PRESETS_JSON: Option<&str> = ${json(config.generatorPresets)};`,
    `    pub const LAYOUT_JSON: Option<&str> = ${json(config.layout)};`,
    '}',
    '',
    ...types.map(messageStruct),
    '/// Builds the dispatcher with every route of this workspace and adds the K2K next hops.',
    ...HOST_NOTE,
    'pub fn build_dispatcher() -> KernelDispatcher {',
    '    let dispatcher = DispatcherBuilder::new()',
    ...chain,
    '        .build();',
    '    add_k2k_routes(dispatcher.broker());',
    '    dispatcher',
    '}',
    '',
    '/// Registers every kernel of this workspace in its tenant; keep the endpoints to receive.',
    'pub fn register_kernels(broker: &Arc<K2KBroker>) -> Vec<K2KEndpoint> {',
    ...(registrations.length === 0
      ? ['    let _ = broker;', '    Vec::new()']
      : ['    Vec::from([', ...registrations, '    ])']),
    '}',
    '',
    "/// Adds this workspace's K2K next hops (destination, next hop), each in the destination's",
    '/// tenant: RingKernel looks a next hop up in the tenant of the sender.',
    'pub fn add_k2k_routes(broker: &K2KBroker) {',
    ...(hops.length === 0 ? ['    let _ = broker;'] : hops),
    '}',
    '',
  ].join('\n');
}
