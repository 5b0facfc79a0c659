import { IdentAllocator, pascalCase, screamingCase, snakeCase } from './idents.ts';
import {
  fieldByteSize,
  payloadSize,
  type FieldDef,
  type MessageTypeDef,
  type RouteConfig,
} from './schema.ts';
import { readU64, u64Key } from './u64.ts';

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
  'kernels',
  'build_dispatcher',
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

function messageStruct({ type, struct, fields }: TypeNames): string {
  const size = payloadSize(type);
  const lines: string[] = [];
  const doc = type.description ?? `${type.name} (type id ${u64Key(type.typeId)}).`;
  lines.push(`#[doc = ${rustString(doc)}]`);
  lines.push('#[derive(Clone, Copy, Debug, PartialEq)]', '#[repr(C)]', `pub struct ${struct} {`);
  type.fields.forEach((f, i) => {
    lines.push(`    #[doc = ${rustString(`Field ${f.name}.`)}]`);
    lines.push(`    pub ${fields[i]!}: ${rustType(f)},`);
  });
  lines.push('}', '');
  const response =
    type.responseTypeId === undefined ? 'None' : `Some(${u64Literal(type.responseTypeId)})`;
  lines.push(
    `impl ${struct} {`,
    `    /// Type id the dispatcher routes on.`,
    `    pub const TYPE_ID: u64 = ${u64Literal(type.typeId)};`,
    `    /// Payload size in bytes: the fields packed little-endian in declaration order.`,
    `    pub const PAYLOAD_SIZE: usize = ${size};`,
    `    /// Type id of the response, when this message declares one.`,
    `    pub const RESPONSE_TYPE_ID: Option<u64> = ${response};`,
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
    `    fn correlation_id(&self) -> CorrelationId {`,
    `        CorrelationId::none()`,
    `    }`,
    '',
    `    fn priority(&self) -> Priority {`,
    `        Priority::Normal`,
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
    `                ${rustString(type.name)},`,
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
  const inline =
    size <= 32
      ? [
          `        let bytes = self.serialize();`,
          `        let mut payload = [0u8; MAX_INLINE_PAYLOAD_SIZE];`,
          `        payload[..bytes.len()].copy_from_slice(&bytes);`,
          `        Some(payload)`,
        ]
      : [`        // ${size} bytes do not fit the ${32}-byte inline payload.`, `        None`];
  lines.push(
    `impl PersistentMessage for ${struct} {`,
    `    fn handler_id() -> u32 {`,
    `        ${type.handlerId ?? 0}`,
    `    }`,
    '',
    `    fn requires_response() -> bool {`,
    `        ${type.requiresResponse === true}`,
    `    }`,
    '',
    `    fn payload_size() -> usize {`,
    `        Self::PAYLOAD_SIZE`,
    `    }`,
    '',
    `    fn to_inline_payload(&self) -> Option<[u8; MAX_INLINE_PAYLOAD_SIZE]> {`,
    ...inline,
    `    }`,
    '',
    `    fn from_inline_payload(payload: &[u8]) -> Result<Self> {`,
    `        Self::deserialize(payload)`,
    `    }`,
    `}`,
    '',
  );
  return lines.join('\n');
}

/**
 * Rust source for a RingKernel program: a module with one `#[repr(C)]` struct per message type
 * (implementing `RingMessage` and `PersistentMessage`), kernel id constants, `build_dispatcher()`
 * with the `DispatcherBuilder` chain, and `add_k2k_routes()` for the K2K next hops. Every name
 * from the config is escaped into string literals or sanitised into unique identifiers.
 */
export function toRust(config: RouteConfig): string {
  const globals = new IdentAllocator(new Set([...RUST_KEYWORDS, ...USED_NAMES]));
  const types: TypeNames[] = config.messageTypes.map((type) => {
    let base = pascalCase(type.name);
    if (base === '' || /^[0-9]/.test(base)) base = `Msg${base}`;
    return { type, struct: globals.take(base), fields: fieldIdents(type) };
  });
  const structByType = new Map<string, string>();
  for (const t of types) {
    const key = u64Key(t.type.typeId);
    if (!structByType.has(key)) structByType.set(key, t.struct);
  }
  const consts = new IdentAllocator(new Set());
  const kernelConst = new Map<string, string>();
  const kernelLines: string[] = [];
  for (const k of config.kernels) {
    if (kernelConst.has(k.id)) continue;
    const name = consts.take(`KERNEL_${screamingCase(k.id)}`.replace(/_$/, ''), '_');
    kernelConst.set(k.id, `kernels::${name}`);
    const about = `${k.id}: queue ${k.queueCapacity}, overflow ${k.overflowPolicy}, tenant ${k.tenantId}, backend ${k.backend}, behavior ${k.behavior}.`;
    kernelLines.push(
      `    #[doc = ${rustString(about)}]`,
      `    pub const ${name}: &str = ${rustString(k.id)};`,
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
  for (const r of config.routes) {
    const struct = structByType.get(u64Key(r.typeId));
    if (struct === undefined)
      chain.push(`        .route_raw(${u64Literal(r.typeId)}, ${kernelExpr(r.kernelId)})`);
    else if (r.handlerName !== undefined) {
      chain.push(
        `        .route_named::<${struct}>(${kernelExpr(r.kernelId)}, ${rustString(r.handlerName)})`,
      );
    } else chain.push(`        .route::<${struct}>(${kernelExpr(r.kernelId)})`);
  }
  const hops =
    config.k2kRoutes.length === 0
      ? ['    let _ = broker;']
      : config.k2kRoutes.map(
          (r) => `    broker.add_route(${kernelExpr(r.dest)}, ${kernelExpr(r.nextHop)});`,
        );

  return [
    '// Generated by the Ring Dispatcher Workbench from a route config (version 1).',
    '// Edit the workspace and export again rather than editing this file.',
    `#![doc = ${rustString(`Message types and routes of the workspace ${JSON.stringify(config.name)}.`)}]`,
    '#![allow(dead_code, clippy::all)]',
    '',
    'use ringkernel_core::dispatcher::{DispatcherBuilder, KernelDispatcher};',
    ...(types.length > 0 ? ['use ringkernel_core::error::{Result, RingKernelError};'] : []),
    'use ringkernel_core::k2k::{K2KBroker, K2KConfig};',
    ...(types.length > 0
      ? [
          'use ringkernel_core::message::{CorrelationId, MessageId, Priority, RingMessage};',
          'use ringkernel_core::persistent_message::{PersistentMessage, MAX_INLINE_PAYLOAD_SIZE};',
        ]
      : []),
    'use ringkernel_core::runtime::KernelId;',
    '',
    '/// Kernel ids of this workspace.',
    'pub mod kernels {',
    ...kernelLines,
    '}',
    '',
    ...types.map(messageStruct),
    '/// Builds the dispatcher with every route of this workspace, then adds the K2K next hops.',
    'pub fn build_dispatcher() -> KernelDispatcher {',
    '    let dispatcher = DispatcherBuilder::new()',
    ...chain,
    '        .build();',
    '    add_k2k_routes(dispatcher.broker());',
    '    dispatcher',
    '}',
    '',
    "/// Registers this workspace's K2K next-hop routes (destination, next hop) on `broker`.",
    'pub fn add_k2k_routes(broker: &K2KBroker) {',
    ...hops,
    '}',
    '',
  ].join('\n');
}
