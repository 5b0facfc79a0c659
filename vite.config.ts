import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The production page forbids inline script and eval. The dev server needs inline
 * scripts for React Fast Refresh, so the policy is only written into built HTML.
 * 'wasm-unsafe-eval' lets the page compile WebAssembly (the Rust importer's tree-sitter parser,
 * src/interop); it does not allow JavaScript eval.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'workbench-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<!--csp-->',
        `<meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
      );
    },
  };
}

/**
 * zod 4 can compile validators with `new Function` when eval is allowed. The page forbids eval
 * (CSP) and the bundle must not contain it, so the probe and the compiler are cut out at build
 * time; zod then uses its interpreter, as it does under a CSP anyway. The build fails loudly if a
 * zod upgrade moves the code, rather than silently shipping it.
 */
function stripZodJit(): Plugin {
  const patches: { file: RegExp; find: RegExp; replace: string }[] = [
    {
      file: /node_modules\/zod\/v4\/core\/util\.js$/,
      find: /export const allowsEval = \/\* @__PURE__\*\/ cached\(\(\) => \{[\s\S]*?\n\}\);/,
      replace: 'export const allowsEval = /* @__PURE__*/ cached(() => false);',
    },
    {
      file: /node_modules\/zod\/v4\/core\/doc\.js$/,
      find: /compile\(\) \{[\s\S]*?\n {4}\}/,
      replace:
        "compile() {\n        throw new Error('zod JIT is disabled in the workbench (CSP forbids eval)');\n    }",
    },
    // web-tree-sitter's loader evals EM_ASM / EM_JS snippets of side modules; a tree-sitter
    // grammar has none, and the CSP forbids eval, so that path is cut out of the bundle.
    {
      file: /node_modules\/web-tree-sitter\/tree-sitter\.js$/,
      find: /ASM_CONSTS\[start\] = eval\(func\);([\s\S]*?)moduleExports\[name\] = eval\(func\);/,
      replace:
        "throw new Error('EM_ASM in a WebAssembly side module is not supported (CSP forbids eval)');$1throw new Error('EM_JS in a WebAssembly side module is not supported (CSP forbids eval)');",
    },
  ];
  return {
    name: 'workbench-strip-zod-jit',
    enforce: 'pre',
    transform(code, id) {
      const patch = patches.find((p) => p.file.test(id.split('?')[0] ?? id));
      if (!patch) return null;
      if (!patch.find.test(code))
        throw new Error(`stripZodJit: pattern not found in ${id}; update vite.config.ts`);
      return { code: code.replace(patch.find, patch.replace), map: null };
    },
  };
}

/**
 * Cross-origin isolation: everything the page loads is its own, so it can be isolated, and an
 * isolated page's worker reads performance.now() to 5 µs instead of 100 µs. The `auto` backend
 * times the kernels' batches with it (a twin runs a batch in a few µs).
 */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), stripZodJit()],
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  worker: { format: 'es', plugins: () => [stripZodJit()] },
  build: {
    target: 'es2022',
    sourcemap: true,
    // gpu-check.html: the GPU self-check page (GPU kernels against their CPU twins), used by e2e and bench:gpu.
    rollupOptions: { input: { main: 'index.html', gpuCheck: 'gpu-check.html' } },
  },
  test: {
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'bench/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // Component tests run in Chromium through vitest.browser.config.ts.
    exclude: ['**/node_modules/**', 'src/**/*.browser.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
