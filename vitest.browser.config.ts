/**
 * Component tests in a real browser: Vitest browser mode with the Playwright provider, driving
 * Debian's Chromium (never a downloaded one) with the flags the e2e suite uses. Runs
 * `src/**\/*.browser.test.tsx`; `npm run test:browser` (part of `npm run test:unit`).
 */
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium';

export default defineConfig({
  plugins: [react()],
  // Pre-bundled up front: a dependency discovered mid-run makes Vite reload the page, and a
  // reload mid-test loads React twice.
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
      '@xyflow/react',
      '@tanstack/react-virtual',
      'zustand',
      'zustand/vanilla',
      'zod',
      'smol-toml',
      'fflate',
      'react-resizable-panels',
      '@radix-ui/react-dropdown-menu',
      '@radix-ui/react-dialog',
      // Auto-layout's, loaded when a config without positions is imported.
      'elkjs/lib/elk.bundled.js',
    ],
  },
  test: {
    include: ['src/**/*.browser.test.tsx'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      }),
      instances: [{ browser: 'chromium', viewport: { width: 1280, height: 800 } }],
    },
  },
});
