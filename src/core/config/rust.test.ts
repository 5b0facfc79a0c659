import { execFileSync } from 'node:child_process';
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

/** Compiles each config's export as a module of one crate against the stub ringkernel_core. */
function compile(configs: RouteConfig[]): void {
  const lib = join(work, 'libringkernel_core.rlib');
  if (!existsSync(lib)) {
    execFileSync(rustc!, [
      '--edition',
      '2021',
      '--crate-type',
      'rlib',
      '--crate-name',
      'ringkernel_core',
      '-o',
      lib,
      stub,
    ]);
  }
  const mods = configs.map((c, i) => {
    writeFileSync(join(work, `gen${i}.rs`), toRust(c));
    return `#[path = "gen${i}.rs"]\npub mod gen${i};`;
  });
  const root = join(work, `exports${configs.length}.rs`);
  writeFileSync(root, `${mods.join('\n')}\n`);
  try {
    execFileSync(
      rustc!,
      [
        '--edition',
        '2021',
        '--crate-type',
        'lib',
        '--crate-name',
        'exports',
        '-D',
        'warnings',
        '--extern',
        `ringkernel_core=${lib}`,
        '-o',
        join(work, 'libexports.rlib'),
        root,
      ],
      { stdio: 'pipe' },
    );
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`rustc rejected the export:\n${err.stderr?.toString() ?? String(e)}`);
  }
}

describe('Rust export', () => {
  it('escapes every string into a valid Rust literal', () => {
    expect(rustString('a"b\\c\n\u0000\u{1F680}\ud800')).toBe(
      '"a\\"b\\\\c\\n\\u{0}\\u{1f680}\\u{fffd}"',
    );
  });

  it('writes the builder chain the seed expects', () => {
    const demo = demoConfig();
    const code = toRust({
      ...demo,
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
    expect(code).toContain(
      'broker.add_route(KernelId::new(kernels::KERNEL_ALERT_SINK), KernelId::new(kernels::KERNEL_AGGREGATOR));',
    );
    expect(code).toContain('pub const RESPONSE_TYPE_ID: Option<u64> = Some(1004);');
  });

  it.runIf(rustc !== undefined)(
    'compiles with rustc: demo, hostile names and generated configs',
    () => {
      const generated = fc.sample(configArb, { numRuns: 12, seed: 99 });
      const hostile = parseConfig(hostileConfig());
      expect(hostile.ok).toBe(true);
      const demo = demoConfig();
      const withK2k: RouteConfig = {
        ...demo,
        k2kRoutes: [{ dest: 'alert_sink', nextHop: 'aggregator' }],
        routes: [...demo.routes, { typeId: '18446744073709551615', kernelId: 'aggregator' }],
      };
      compile([demo, withK2k, ...(hostile.ok ? [hostile.config] : []), ...generated]);
    },
    120_000,
  );

  it.runIf(rustc !== undefined)(
    'fails the build on a real type error (the check has teeth)',
    () => {
      const broken = toRust(demoConfig()).replace('.with_priority(0)', '.with_priority("high")');
      writeFileSync(join(work, 'broken.rs'), broken);
      const lib = join(work, 'libringkernel_core.rlib');
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
