import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { parseConfig } from './parse.ts';
import { rustString, toRust } from './rust.ts';
import type { RouteConfig } from './schema.ts';
import { configArb, hostileConfig } from './testkit.ts';
import { validateWorkspace } from './validate.ts';

function findRustc(): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter);
  if (process.env['HOME'] !== undefined) dirs.push(join(process.env['HOME'], '.cargo', 'bin'));
  dirs.push('/root/.cargo/bin');
  return dirs.map((d) => join(d, 'rustc')).find((p) => existsSync(p));
}

const rustc = findRustc();
if (rustc === undefined) {
  console.warn(
    'rustc not found on PATH or in ~/.cargo/bin: the Rust export compile check is skipped',
  );
}
const stub = fileURLToPath(new URL('./testdata/ringkernel_core_stub.rs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rk-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Lower-case hex of a string's UTF-8 bytes: how the harness prints names, so nothing needs escaping. */
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

const HARNESS_HELPERS = `
use ringkernel_core::runtime::KernelId;

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{:02x}", b)).collect()
}
`;

/** Rust that builds config i's dispatcher and prints what RingKernel's API reads back. */
function harnessCall(i: number): string {
  return `
    {
        use gen${i} as g;
        eprintln!("cfg ${i}");
        println!("cfg ${i}");
        let d = g::build_dispatcher();
        let _endpoints = g::register_kernels(d.broker());
        let mut routes = d.routes();
        routes.sort();
        for (t, k) in routes {
            println!("route {} {}", t, hex(k.as_str()));
        }
        println!("priority {}", d.default_priority());
        for spec in g::workbench::KERNELS {
            let id = KernelId::new(spec.id);
            let ids: Vec<String> = d
                .get_dispatch_table(&id)
                .map(|t| t.handlers().iter().map(|h| h.handler_id.to_string()).collect())
                .unwrap_or_default();
            println!("kernel {} tenant {} handlers [{}]", hex(spec.id), d.broker().tenant_of(&id).unwrap_or(u64::MAX), ids.join(","));
            for tenant in 0..8u64 {
                if let Some(next) = d.broker().next_hop_in(tenant, &id) {
                    println!("hop {} {} {}", tenant, hex(spec.id), hex(next.as_str()));
                }
            }
        }
    }`;
}

/** What the harness must print for a config, by the workbench's own definitions. */
function expectedReadBack(c: RouteConfig, i: number): string[] {
  const out = [`cfg ${i}`];
  const routes = c.routes
    .map((r) => [BigInt(r.typeId), r.kernelId] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  for (const [t, k] of routes) out.push(`route ${t} ${hex(k)}`);
  out.push(`priority ${c.broker.defaultPriority}`);
  const firstType = new Map<string, RouteConfig['messageTypes'][number]>();
  for (const t of c.messageTypes)
    if (!firstType.has(String(t.typeId))) firstType.set(String(t.typeId), t);
  for (const k of c.kernels) {
    const ids: number[] = [];
    for (const r of c.routes) {
      const h = firstType.get(String(r.typeId))?.handlerId;
      if (r.kernelId === k.id && h !== undefined && !ids.includes(h)) ids.push(h);
    }
    out.push(`kernel ${hex(k.id)} tenant ${k.tenantId} handlers [${ids.join(',')}]`);
    const hop = c.k2kRoutes.find((r) => r.dest === k.id);
    if (hop !== undefined) out.push(`hop ${k.tenantId} ${hex(k.id)} ${hex(hop.nextHop)}`);
  }
  return out;
}

function rustcRun(args: string[]): void {
  try {
    execFileSync(rustc!, args, { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`rustc rejected the export:\n${err.stderr?.toString() ?? String(e)}`);
  }
}

function stubLib(): string {
  const lib = join(work, 'libringkernel_core.rlib');
  if (!existsSync(lib)) {
    rustcRun([
      '--edition',
      '2021',
      '--crate-type',
      'rlib',
      '--crate-name',
      'ringkernel_core',
      '-D',
      'warnings',
      '-o',
      lib,
      stub,
    ]);
  }
  return lib;
}

/**
 * Compiles every config's export as a module of one binary against the stub ringkernel_core with
 * -D warnings, runs it, and returns what it printed (stdout, stderr).
 */
function compileAndRun(configs: RouteConfig[]): { stdout: string; stderr: string } {
  const lib = stubLib();
  const mods = configs.map((c, i) => {
    writeFileSync(join(work, `gen${i}.rs`), toRust(c));
    return `#[path = "gen${i}.rs"]\nmod gen${i};`;
  });
  const root = join(work, `harness${configs.length}.rs`);
  writeFileSync(
    root,
    `${mods.join('\n')}\n${HARNESS_HELPERS}\nfn main() {${configs.map((_, i) => harnessCall(i)).join('')}\n}\n`,
  );
  const bin = join(work, `harness${configs.length}`);
  rustcRun([
    '--edition',
    '2021',
    '--crate-name',
    'harness',
    '-D',
    'warnings',
    '--extern',
    `ringkernel_core=${lib}`,
    '-o',
    bin,
    root,
  ]);
  const run = spawnSync(bin, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`harness failed: ${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** Splits harness output into one block of lines per config. */
function blocks(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('cfg ')) out.push([line]);
    else if (line !== '') out[out.length - 1]?.push(line);
  }
  return out;
}

const emptyWorkspace = (): RouteConfig => ({
  ...demoConfig(),
  name: '',
  messageTypes: [],
  kernels: [],
  routes: [],
  k2kRoutes: [],
  generatorPresets: [],
  layout: {},
});

/** Hand-made cases the issue names: no handler ids, shared handler ids, tenants, max ids. */
function edgeConfigs(): RouteConfig[] {
  const demo = demoConfig();
  const empty = emptyWorkspace();
  const kernel = (id: string, tenantId: number): RouteConfig['kernels'][number] => ({
    id,
    queueCapacity: 64,
    overflowPolicy: 'reject',
    tenantId,
    backend: 'cpu',
    behavior: 'generic',
  });
  return [
    empty,
    { ...empty, kernels: [kernel('lonely', 3)] },
    {
      ...empty,
      name: 'no handler ids',
      messageTypes: [
        { typeId: 1, name: 'A', fields: [] },
        { typeId: 2, name: 'B', fields: [{ name: 'x', type: 'u8' }] },
        { typeId: 3, name: 'C', handlerId: 0, fields: [] },
        { typeId: 4, name: 'D', handlerId: 0, requiresResponse: true, fields: [] },
        { typeId: 5, name: 'E', handlerId: 4_294_967_294, fields: [] },
      ],
      kernels: [kernel('k', 0), kernel('t1a', 1), kernel('t1b', 1)],
      routes: [
        { typeId: 1, kernelId: 'k' },
        { typeId: 2, kernelId: 'k', handlerName: 'named_raw' },
        { typeId: 3, kernelId: 'k' },
        { typeId: 4, kernelId: 'k' },
        { typeId: 5, kernelId: 't1a' },
        { typeId: '18446744073709551615', kernelId: 't1b' },
      ],
      k2kRoutes: [
        { dest: 't1a', nextHop: 't1b' },
        { dest: 'k', nextHop: 't1a' },
      ],
    },
    { ...demo, k2kRoutes: [{ dest: 'alert_sink', nextHop: 'aggregator' }] },
  ];
}
describe('Rust export', () => {
  it('escapes every string into a valid Rust literal', () => {
    expect(rustString('a"b\\c\n\u0000\u{1F680}\ud800')).toBe(
      '"a\\"b\\\\c\\n\\u{0}\\u{1f680}\\u{fffd}"',
    );
  });

  it('writes the builder chain the seed expects, next hops in their tenant', () => {
    const demo = demoConfig();
    const code = toRust({
      ...demo,
      kernels: demo.kernels.map((k) =>
        k.id === 'alert_sink' || k.id === 'aggregator' ? { ...k, tenantId: 5 } : k,
      ),
      routes: [...demo.routes, { typeId: 9999, kernelId: 'aggregator' }],
      k2kRoutes: [{ dest: 'alert_sink', nextHop: 'aggregator' }],
    });
    expect(code).toContain('.route::<Transaction>(KernelId::new(kernels::KERNEL_FRAUD_PROCESSOR))');
    expect(code).toContain(
      '.route_named::<FraudAlert>(KernelId::new(kernels::KERNEL_ALERT_SINK), "on_fraud_alert")',
    );
    expect(code).toContain('.route_raw(9999, KernelId::new(kernels::KERNEL_AGGREGATOR))');
    expect(code).toContain('max_hops: 8,');
    expect(code).toContain('.with_priority(0)');
    // Point 3: the next hop goes into the tenant RingKernel looks it up in, never add_route.
    expect(code).toContain(
      'broker.add_route_in(5, KernelId::new(kernels::KERNEL_ALERT_SINK), KernelId::new(kernels::KERNEL_AGGREGATOR));',
    );
    expect(code).not.toContain('broker.add_route(');
    expect(code).toContain(
      'broker.register_tenant(5, AuditTag::unspecified(), KernelId::new(kernels::KERNEL_ALERT_SINK)),',
    );
    expect(code).toContain('RingKernel has no trusted host');
    expect(code).toContain('pub const RESPONSE_TYPE_ID: Option<u64> = Some(1004);');
  });

  it('routes a type without a handler id with route_raw and gives it no PersistentMessage impl', () => {
    const code = toRust(edgeConfigs()[2]!);
    expect(code).toContain('.route_raw(A::TYPE_ID, KernelId::new(kernels::KERNEL_K))');
    expect(code).toContain('.route_raw(B::TYPE_ID, KernelId::new(kernels::KERNEL_K))');
    expect(code).not.toContain('impl PersistentMessage for A ');
    expect(code).not.toMatch(
      /handler_id\(\) -> u32 \{\s+0\s+\}[\s\S]*impl PersistentMessage for A\b/,
    );
    expect(code).toContain('.route::<C>(KernelId::new(kernels::KERNEL_K))');
    expect(code).toContain('(2, "named_raw"),');
  });

  it('validation reports the duplicate handler ids RingKernel drops, and only those', () => {
    const dup = validateWorkspace(edgeConfigs()[2]!).filter(
      (p) => p.code === 'duplicate-handler-id',
    );
    // C and D share handler 0 on kernel k; A and B have none and collide with nothing.
    expect(dup).toHaveLength(1);
    expect(dup[0]!.message).toContain('Duplicate handler ID: 0');
  });

  it('refuses handler id 4294967295, the WGSL NO_HANDLER', () => {
    const demo = demoConfig();
    const bad = parseConfig({
      ...demo,
      messageTypes: [{ ...demo.messageTypes[0]!, handlerId: 4_294_967_295 }],
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]!.message).toContain('NO_HANDLER');
  });

  it.runIf(rustc !== undefined)(
    "compiles with rustc -D warnings and reads back through RingKernel's API as the workbench defines it",
    () => {
      const generated = fc.sample(configArb, { numRuns: 40, seed: 99 });
      const hostile = parseConfig(hostileConfig());
      expect(hostile.ok).toBe(true);
      const configs = [
        demoConfig(),
        ...edgeConfigs(),
        ...(hostile.ok ? [hostile.config] : []),
        ...generated,
      ];
      // The draws include what the issue names: an empty workspace, shared handler ids, tenants.
      expect(generated.some((c) => c.routes.length === 0 && c.k2kRoutes.length === 0)).toBe(true);
      expect(
        generated.some((c) => c.kernels.some((k) => k.tenantId > 0) && c.k2kRoutes.length > 0),
      ).toBe(true);
      expect(
        generated.some((c) => validateWorkspace(c).some((p) => p.code === 'duplicate-handler-id')),
      ).toBe(true);
      const { stdout, stderr } = compileAndRun(configs);
      const got = blocks(stdout);
      const warned = blocks(stderr);
      configs.forEach((c, i) => {
        expect(got[i]).toEqual(expectedReadBack(c, i));
        // build() logs one warning per registration it drops; validation flags each of them.
        const drops = (warned[i] ?? []).filter((l) => l.includes('Duplicate handler ID')).length;
        const flagged = validateWorkspace(c).filter(
          (p) => p.code === 'duplicate-handler-id',
        ).length;
        expect(drops).toBe(flagged);
      });
    },
    180_000,
  );

  it.runIf(rustc !== undefined)(
    'fails the build on a real type error (the check has teeth)',
    () => {
      const lib = stubLib();
      const broken = toRust(demoConfig()).replace('.with_priority(0)', '.with_priority("high")');
      writeFileSync(join(work, 'broken.rs'), broken);
      expect(() =>
        execFileSync(
          rustc!,
          [
            '--edition',
            '2021',
            '--crate-type',
            'lib',
            '--extern',
            `ringkernel_core=${lib}`,
            '-o',
            join(work, 'libbroken.rlib'),
            join(work, 'broken.rs'),
          ],
          { stdio: 'pipe' },
        ),
      ).toThrow();
    },
    60_000,
  );
});
