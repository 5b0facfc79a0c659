import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, toRust } from '../../core/config/index.ts';
import { configArb, hostileConfig } from '../../core/config/testkit.ts';
import { nodeRustWasm } from './node.ts';
import { loadRustParser, type RustParser } from './parser.ts';
import { readRust } from './read.ts';

let parser: RustParser;
beforeAll(async () => {
  parser = await loadRustParser(nodeRustWasm);
});

describe('readRust: the Rust export read back', () => {
  it('export -> import gives the same config for every config configArb draws (property)', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const back = readRust(parser, toRust(config));
        expect(back).toEqual({ ok: true, config, unread: [] });
      }),
      { numRuns: 200, seed: 424242 },
    );
  });

  it('round-trips the demo and the hostile fixture', () => {
    for (const c of [demoConfig(), hostileConfig()]) {
      const canonical = parseConfig(c);
      if (!canonical.ok) throw new Error('fixture invalid');
      expect(readRust(parser, toRust(canonical.config))).toEqual({
        ok: true,
        config: canonical.config,
        unread: [],
      });
    }
  });

  it('reads the Rust constructs, not a copy of the config: editing the chain changes the import', () => {
    const demo = demoConfig();
    const code = toRust(demo)
      .replace(
        '.route::<Transaction>(KernelId::new(kernels::KERNEL_FRAUD_PROCESSOR))',
        '.route::<Transaction>(KernelId::new(kernels::KERNEL_AGGREGATOR))',
      )
      .replace('.with_priority(0)', '.with_priority(3)')
      .replace('pub const TYPE_ID: u64 = 1002;', 'pub const TYPE_ID: u64 = 7_002u64;');
    const back = readRust(parser, code);
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.config.routes.find((r) => r.typeId === 1001)?.kernelId).toBe('aggregator');
    expect(back.config.broker.defaultPriority).toBe(3);
    expect(back.config.messageTypes.map((t) => t.typeId)).toContain(7002);
  });
});

const HAND_WRITTEN = `use ringkernel_core::prelude::*;

/// A card payment to check.
#[derive(RingMessage, PersistentMessage, Clone, Copy)]
#[message(type_id = 1001)]
#[persistent_message(handler_id = 1, requires_response = true)]
pub struct FraudCheckRequest {
    pub transaction_id: u64,
    pub amount: f32,
    pub account_id: u32,
    pub tag: [u8; 4],
    pub note: String,
}

pub struct Aggregate {
    pub account: u32,
}

impl RingMessage for Aggregate {
    fn message_type() -> u64 {
        AGGREGATE_TYPE
    }
    fn message_id(&self) -> MessageId {
        MessageId::new(0)
    }
    fn serialize(&self) -> Vec<u8> {
        Vec::new()
    }
    fn deserialize(_b: &[u8]) -> Result<Self> {
        todo!()
    }
}

impl PersistentMessage for Aggregate {
    fn handler_id() -> u32 {
        2
    }
}

const AGGREGATE_TYPE: u64 = 1002;

pub fn setup(broker: Arc<K2KBroker>) -> KernelDispatcher {
    let _a = broker.register_tenant(1, AuditTag::unspecified(), KernelId::new("fraud"));
    let _b = broker.register_tenant(1, AuditTag::unspecified(), KernelId::new("agg"));
    broker.add_route_in(1, KernelId::new("agg"), KernelId::new("fraud"));
    DispatcherBuilder::new()
        .with_k2k_config(K2KConfig { max_hops: 4, ..Default::default() })
        .route::<FraudCheckRequest>(KernelId::new("fraud"))
        .route_named::<Aggregate>(KernelId::new("agg"), "on_aggregate")
        .route_raw(9999, KernelId::new(lookup("x")))
        .with_metrics_exporter(exporter())
        .build_with_broker(broker)
}
`;

describe('readRust: hand-written RingKernel code', () => {
  it('reads derived and implemented messages, the chain, tenants and next hops; lists what it could not read by line', () => {
    const r = readRust(parser, HAND_WRITTEN);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.messageTypes).toEqual([
      {
        typeId: 1001,
        name: 'FraudCheckRequest',
        handlerId: 1,
        requiresResponse: true,
        fields: [
          { name: 'transaction_id', type: 'u64' },
          { name: 'amount', type: 'f32' },
          { name: 'account_id', type: 'u32' },
          { name: 'tag', type: 'bytes', size: 4 },
        ],
        description: 'A card payment to check.',
      },
      { typeId: 1002, name: 'Aggregate', handlerId: 2, fields: [{ name: 'account', type: 'u32' }] },
    ]);
    expect(r.config.routes).toEqual([
      { typeId: 1001, kernelId: 'fraud' },
      { typeId: 1002, kernelId: 'agg', handlerName: 'on_aggregate' },
    ]);
    expect(r.config.kernels.map((k) => [k.id, k.tenantId, k.queueCapacity])).toEqual([
      ['fraud', 1, 1024],
      ['agg', 1, 1024],
    ]);
    expect(r.config.k2kRoutes).toEqual([{ dest: 'agg', nextHop: 'fraud' }]);
    expect(r.config.broker.maxHops).toBe(4);
    const lines = HAND_WRITTEN.split('\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(r.unread.map((u) => u.line).sort((a, b) => a - b)).toEqual(
      [
        lineOf('pub note: String'),
        lineOf('.route_raw(9999'),
        lineOf('.with_metrics_exporter'),
      ].sort((a, b) => a - b),
    );
    expect(r.unread.find((u) => u.line === lineOf('pub note'))?.reason).toMatch(/only u8/);
  });

  // QA: a Rust program of another kind read as an empty config, whose Apply emptied the
  // workspace; and a chain begun with DispatcherBuilder::new(broker) kept its unknown methods out
  // of the list of what was not read.
  it('refuses Rust with no route config in it, and lists unknown builder methods whatever the constructor got', () => {
    const other = readRust(
      parser,
      'use std::io;\nfn main() {\n    let x = 5;\n    println!("hello {}", x);\n}\n',
    );
    expect(other.ok).toBe(false);
    if (!other.ok)
      expect(other.errors).toEqual([
        {
          path: '(document)',
          message: expect.stringMatching(/^no RingKernel route config in this Rust source: /),
        },
      ]);
    const chain = [
      'fn build(broker: Arc<K2KBroker>) -> KernelDispatcher {',
      '    DispatcherBuilder::new(broker)',
      '        .route_raw(1001, KernelId::new("fraud"))',
      '        .frobnicate(3)',
      '        .build()',
      '}',
    ].join('\n');
    const r = readRust(parser, chain);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.routes).toEqual([{ typeId: 1001, kernelId: 'fraud' }]);
    expect(r.unread.map((u) => [u.line, u.reason])).toEqual([
      [4, 'frobnicate: not a DispatcherBuilder method the workbench reads'],
    ]);
    // The workbench's own export of an empty workspace still reads back.
    const empty = { ...demoConfig(), messageTypes: [], kernels: [], routes: [], k2kRoutes: [] };
    const back = readRust(parser, toRust(empty));
    expect(back.ok).toBe(true);
  });

  it('refuses malformed Rust with every syntax error by line, and no config', () => {
    const broken =
      'pub struct A {\n    x: u8,\n}\nfn f() {\n    let d = DispatcherBuilder::new(.build();\n}\n';
    const r = readRust(parser, broken);
    expect(r.ok).toBe(false);
    expect(r.unread.length).toBeGreaterThan(0);
    expect(r.unread.every((u) => u.line === 5)).toBe(true);
    if (!r.ok) expect(r.errors[0]!.path).toBe('line 5');
  });
});

describe('looksLikeRust', () => {
  it('tells Rust from JSON and TOML configs', async () => {
    const { looksLikeRust } = await import('./detect.ts');
    const { serializeConfig } = await import('../../core/config/index.ts');
    expect(looksLikeRust(toRust(demoConfig()))).toBe(true);
    expect(looksLikeRust(HAND_WRITTEN)).toBe(true);
    expect(looksLikeRust(serializeConfig(demoConfig(), 'json'))).toBe(false);
    expect(looksLikeRust(serializeConfig(demoConfig(), 'toml'))).toBe(false);
    expect(looksLikeRust('anything', 'routes.rs')).toBe(true);
  });

  it("tells the workbench's own WGSL export from Rust: its fn and struct lines had read as Rust", async () => {
    const { looksLikeRust, looksLikeWgsl } = await import('./detect.ts');
    const { serializeConfig } = await import('../../core/config/index.ts');
    for (const c of [demoConfig(), hostileConfig()]) {
      const wgsl = serializeConfig(c, 'wgsl');
      expect(looksLikeWgsl(wgsl)).toBe(true);
      expect(looksLikeRust(wgsl)).toBe(false);
    }
    expect(looksLikeWgsl('anything', 'demo.dispatch.wgsl')).toBe(true);
    for (const format of ['json', 'toml', 'rust'] as const)
      expect(looksLikeWgsl(serializeConfig(demoConfig(), format))).toBe(false);
    expect(looksLikeWgsl(HAND_WRITTEN)).toBe(false);
    // Shader words in a name or a string are not WGSL (a review: all three had been refused).
    const named = serializeConfig(
      { ...demoConfig(), name: 'GPU @compute var<storage> pipeline' },
      'json',
    );
    expect(looksLikeWgsl(named)).toBe(false);
    expect(looksLikeWgsl(named, 'w.routes.json')).toBe(false);
    const toml = serializeConfig({ ...demoConfig(), name: 'shader var<storage> test' }, 'toml');
    expect(looksLikeWgsl(toml)).toBe(false);
    expect(looksLikeRust(toml)).toBe(false);
    const wgpu = `${HAND_WRITTEN}\nconst SHADER: &str = r#"@group(0) @binding(0) var<storage, read> a: array<u32>;"#;\n`;
    expect(looksLikeWgsl(wgpu)).toBe(false);
    expect(looksLikeRust(wgpu)).toBe(true);
    // A shader with no RingKernel in it, outside any string: WGSL.
    expect(
      looksLikeWgsl('@group(0) @binding(0) var<storage, read> a: array<u32>;\nfn main() {}'),
    ).toBe(true);
    // Any config: its Rust reads as Rust, its WGSL as WGSL.
    fc.assert(
      fc.property(configArb, (c) => {
        const rust = serializeConfig(c, 'rust');
        const wgsl = serializeConfig(c, 'wgsl');
        return (
          looksLikeRust(rust) && !looksLikeWgsl(rust) && looksLikeWgsl(wgsl) && !looksLikeRust(wgsl)
        );
      }),
      { numRuns: 60 },
    );
  });
});
