import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const REACT = 'This layer runs without React (see its CONTEXT.md).';

/**
 * A pattern that forbids importing the given top-level src folders from a layer, whatever the
 * relative depth (`../ui/x`, `../../ui/x`). Folder names inside src/ui (analysis, gpu) only
 * collide with src folders a UI file may import anyway.
 */
function layer(from, folders) {
  return {
    group: folders.flatMap((f) => [
      `../${f}`,
      `../${f}/*`,
      `../../${f}`,
      `../../${f}/*`,
      `../../../${f}`,
      `../../../${f}/*`,
      `../../../../${f}/*`,
    ]),
    message: `${from} must not import from these folders: ${folders.join(', ')} (see ${from}/CONTEXT.md).`,
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      '.devgpu',
      '.gl',
      'node_modules',
      'playwright-report',
      'test-results',
      'coverage',
      'public',
      '.scratch',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Playwright fixtures call `use`, which is not React's hook.
    files: ['e2e/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // The core runs in Node, a worker and the page: nothing from React, the DOM, WebGPU or any
    // other src folder.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand', 'zustand/*'], message: REACT },
            layer('src/core', ['ui', 'gpu', 'engine', 'state', 'app', 'analysis', 'interop']),
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'self'],
    },
  },
  {
    // src/gpu/CONTEXT.md: nothing here imports React, the store, the UI or src/engine.
    files: ['src/gpu/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand', 'zustand/*'], message: REACT },
            layer('src/gpu', ['ui', 'engine', 'state', 'app', 'analysis']),
          ],
        },
      ],
    },
  },
  {
    // src/engine/CONTEXT.md: the worker side; never the page's layers.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand', 'zustand/*'], message: REACT },
            layer('src/engine', ['ui', 'state', 'app', 'analysis']),
          ],
        },
      ],
    },
  },
  {
    // src/interop/CONTEXT.md: readers of other tools' files; core only, no React, no page layers.
    files: ['src/interop/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand', 'zustand/*'], message: REACT },
            layer('src/interop', ['ui', 'gpu', 'engine', 'state', 'app', 'analysis']),
          ],
        },
      ],
    },
  },
  {
    // src/analysis/CONTEXT.md: pure analyses over core and engine; no React, no page layers.
    files: ['src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', '@xyflow/*', 'zustand', 'zustand/*'], message: REACT },
            layer('src/analysis', ['ui', 'state', 'app']),
          ],
        },
      ],
    },
  },
  {
    // src/state/CONTEXT.md: the store and its sinks; never the UI or the page's entry.
    files: ['src/state/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer('src/state', ['ui', 'app', 'gpu'])] }],
    },
  },
  {
    // src/ui/CONTEXT.md: thin shells over the store; the engine client and services come through
    // context from src/app, never by importing it; gpu/check is the self-check page's code.
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('src/ui', ['app']),
            {
              group: ['**/gpu/check', '**/gpu/check/*'],
              message:
                'src/ui must not import src/gpu/check (the self-check page); the app provides what the UI needs through context.',
            },
            {
              group: ['**/engine/worker', '**/engine/engine', '**/engine/engine.ts'],
              message:
                'src/ui talks to the engine through the client from EngineContext, not its internals.',
            },
          ],
        },
      ],
    },
  },
);
