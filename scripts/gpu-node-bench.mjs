#!/usr/bin/env node
/**
 * Builds bench/gpu-node.bench.ts (the kernels alone) and bench/gpu-engine-node.bench.ts (the
 * engine end to end with its kernels on the GPU) into .devgpu/*.mjs (one file each; WGSL inlined) next
 * to a trimmed copy of Dawn for Node (the pinned `webgpu` npm package, fetched with `npm pack`
 * on first use: only its index.js and the linux-x64 dawn.node), then runs it, unless
 * `--build-only`. The .devgpu folder is self-contained apart from Node itself, so it can be
 * carried to a GPU machine that has no network and no Chromium. `--engine` runs the engine's
 * bench instead of the kernels'.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEBGPU = 'webgpu@0.6.2';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.devgpu');
const cache = join(root, 'node_modules', '.cache', 'webgpu');

if (!existsSync(join(cache, 'package', 'index.js'))) {
  mkdirSync(cache, { recursive: true });
  const tgz = execFileSync('npm', ['pack', WEBGPU, '--silent', '--pack-destination', cache], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', join(cache, tgz), '-C', cache]);
}
const pkg = join(out, 'node_modules', 'webgpu');
rmSync(pkg, { recursive: true, force: true });
mkdirSync(join(pkg, 'dist', 'linux-x64'), { recursive: true });
for (const f of [
  'index.js',
  'package.json',
  'LICENSE.md',
  join('dist', 'linux-x64', 'dawn.node'),
]) {
  cpSync(join(cache, 'package', f), join(pkg, f));
}

await build({
  entryPoints: [
    join(root, 'bench', 'gpu-node.bench.ts'),
    join(root, 'bench', 'gpu-engine-node.bench.ts'),
  ],
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  logLevel: 'warning',
  plugins: [
    {
      // Vite's `?raw` imports (the WGSL sources) as text.
      name: 'raw',
      setup(b) {
        b.onResolve({ filter: /\?raw$/ }, (args) => ({
          path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)),
          namespace: 'raw',
        }));
        b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({
          contents: readFileSync(args.path, 'utf8'),
          loader: 'text',
        }));
      },
    },
  ],
});

if (!process.argv.includes('--build-only')) {
  const bench = process.argv.includes('--engine')
    ? 'gpu-engine-node.bench.mjs'
    : 'gpu-node.bench.mjs';
  execFileSync(process.execPath, [join(out, bench)], { stdio: 'inherit' });
}
