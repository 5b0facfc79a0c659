/**
 * Hostile input is inert (issue 8): markup, script URLs, right-to-left text, prototype keys and names at
 * the length limit, used as kernel ids, type names, field names, workspace names and payload text,
 * arrive through loadConfig, the Import dialog, a share link and a reload. Each must show as
 * literal text (graph, inspector, receipts, notices, exports) and run nothing: no `__pwned`, no
 * dialog, no event-handler attribute or inline script in the DOM, no inline-script CSP violation.
 * Bidi overrides in names are refused, saying where (they made a name read as another).
 */
import type { Page } from '@playwright/test';
import { parse as parseToml } from 'smol-toml';
import {
  demoConfig,
  encodeShareFragment,
  rustString,
  type RouteConfig,
} from '../src/core/config/index.ts';
import { test, expect } from './workbench';

const NAME_LIMIT = 128;
const LONG_TAIL = '<img src=x onerror=window.__pwned=1>';

/** Every hostile string; each becomes a kernel id, a type name and that type's field name. */
const HOSTILE: readonly string[] = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  '"><svg onload=window.__pwned=1>',
  "'-alert(1)-'",
  '{{constructor.constructor("window.__pwned=1")()}}',
  '${window.__pwned=1}',
  // Right-to-left letters are names like any other; bidi controls are refused (a test below).
  'مرحبا <b>rtl</b> שלום',
  '__proto__',
  'constructor',
  `${'W'.repeat(NAME_LIMIT - LONG_TAIL.length)}${LONG_TAIL}`,
];
const FIRST_TYPE_ID = 5000;

function hostileConfig(name = HOSTILE[0]!): RouteConfig {
  const c = demoConfig();
  c.name = name;
  HOSTILE.forEach((h, i) => {
    c.kernels.push({
      id: h,
      queueCapacity: 1024,
      overflowPolicy: 'deadLetter',
      tenantId: 0,
      backend: 'cpu',
      behavior: 'generic',
      description: h,
    });
    c.messageTypes.push({
      typeId: FIRST_TYPE_ID + i,
      name: h,
      fields: [{ name: h, type: 'u32' }],
      description: h,
    });
    c.routes.push({ typeId: FIRST_TYPE_ID + i, kernelId: h, handlerName: h });
  });
  return c;
}

/** Records what a successful injection would leave behind; installed before any page script. */
async function arm(page: Page): Promise<{ dialogs: string[]; pageErrors: string[] }> {
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: { directive: string; blocked: string }[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
    });
  });
  return { dialogs, pageErrors };
}

interface Inertness {
  pwned: unknown;
  handlerAttrs: string[];
  inlineScripts: number;
  scriptUrls: number;
  inlineViolations: number;
}

/** What the page holds that could run code: all must be empty. */
function inertness(page: Page): Promise<Inertness> {
  return page.evaluate(() => {
    const handlerAttrs: string[] = [];
    let scriptUrls = 0;
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) handlerAttrs.push(`${el.tagName}[${a.name}]`);
        if (
          /^(href|src|action|formaction|xlink:href)$/i.test(a.name) &&
          /^\s*javascript:/i.test(a.value)
        )
          scriptUrls++;
      }
    }
    const w = window as unknown as {
      __pwned?: unknown;
      __csp?: { directive: string; blocked: string }[];
    };
    return {
      pwned: w.__pwned,
      handlerAttrs,
      inlineScripts: document.querySelectorAll('script:not([src])').length,
      scriptUrls,
      inlineViolations: (w.__csp ?? []).filter((v) => v.blocked === 'inline').length,
    };
  });
}

async function expectInert(page: Page, armed: { dialogs: string[] }) {
  expect(await inertness(page)).toEqual({
    pwned: undefined,
    handlerAttrs: [],
    inlineScripts: 0,
    scriptUrls: 0,
    inlineViolations: 0,
  });
  expect(armed.dialogs).toEqual([]);
}

/** Rust/WGSL text with string literals and comments blanked: what a compiler would read as code. */
function codeOnly(src: string): string {
  return src
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Case-sensitive: identifiers made from names (`ImgSrcX…`) are fine; markup is what must not leak.
const MARKUP = /<script|<img|<svg|onerror\s*=|onload\s*=|javascript:|\u202E|window\.__pwned/;

async function engineHasKernels(page: Page, n: number) {
  await expect
    .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.kernels.length ?? 0)
    .toBeGreaterThanOrEqual(n);
}

/** Graph, inspector, receipts and exports show every hostile name as text. */
async function expectShownAsText(page: Page, cfg: RouteConfig) {
  await page.getByRole('button', { name: /fit view/i }).click();
  for (const [i, h] of HOSTILE.entries()) {
    await expect(page.getByTestId(`node-kernel-${h}`).locator('.node-title')).toHaveText(h, {
      useInnerText: true,
    });
    await expect(
      page.getByTestId(`node-type-${FIRST_TYPE_ID + i}`).locator('.node-title'),
    ).toHaveText(h, { useInnerText: true });
  }
  // Inspector: select a type node and a kernel node by clicking them.
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  for (const [i, h] of HOSTILE.entries()) {
    await page
      .getByTestId(`node-type-${FIRST_TYPE_ID + i}`)
      .locator('.node-title')
      .click();
    await expect(inspector.getByLabel('Name', { exact: true })).toHaveValue(h);
    await expect(inspector.getByLabel('Field 1 name')).toHaveValue(h);
    await page.getByTestId(`node-kernel-${h}`).locator('.node-title').click();
    await expect(inspector.getByLabel('Kernel id')).toHaveValue(h);
  }
  // Exports: the names survive exactly (json, toml) or only inside literals/comments (rust, wgsl).
  const out = await page.evaluate(() =>
    (['json', 'toml', 'rust', 'wgsl'] as const).map((f) => window.workbench.exportConfig(f)),
  );
  const [json, toml, rust, wgsl] = out as [string, string, string, string];
  const fromJson = JSON.parse(json) as RouteConfig;
  const fromToml = parseToml(toml) as unknown as RouteConfig;
  for (const doc of [fromJson, fromToml]) {
    expect(doc.name).toBe(cfg.name);
    for (const h of HOSTILE) {
      expect(doc.kernels.some((k) => k.id === h)).toBe(true);
      const t = doc.messageTypes.find((m) => m.name === h);
      expect(t?.fields[0]?.name).toBe(h);
    }
  }
  for (const h of HOSTILE) expect(rust).toContain(rustString(h));
  expect(codeOnly(rust)).not.toMatch(MARKUP);
  expect(codeOnly(wgsl)).not.toMatch(MARKUP);
  // Comments in generated code must not be closable or broken by a name.
  for (const line of wgsl.split('\n')) if (line.includes('//')) expect(line).not.toContain('*/');
}

test.describe('hostile input is inert', () => {
  let tried = 0;
  test.afterAll(() => {
    // One line for the log: how much hostile input these tests pushed through the app.
    console.log(`hostile inputs tried: ${tried}; ran anything: 0 (asserted per test)`);
  });

  test('via loadConfig: graph, inspector, receipts, notices and exports show text; survives reload', async ({
    wb,
    page,
  }) => {
    const armed = await arm(page);
    await wb.open();
    const cfg = hostileConfig();
    expect(await page.evaluate((c) => window.workbench.loadConfig(c), cfg)).toEqual({ ok: true });
    tried += HOSTILE.length * 4 + 1;
    await expect(page.getByTestId('notices')).toContainText(cfg.name, { useInnerText: true });
    await engineHasKernels(page, cfg.kernels.length);
    await expectShownAsText(page, cfg);

    // Receipts: one message into every hostile kernel, each shows source → destination as text.
    const injected = await page.evaluate(
      async ({ first, n }) => {
        const out: { typeId: number; ok: boolean; error?: string }[] = [];
        for (let i = 0; i < n; i++) {
          const r = await window.workbench.inject({ typeId: first + i, count: 1 });
          out.push({ typeId: first + i, ok: r.ok, ...(r.error ? { error: r.error } : {}) });
        }
        return out;
      },
      { first: FIRST_TYPE_ID, n: HOSTILE.length },
    );
    tried += HOSTILE.length;
    // Known bug (engine/payload.ts): a field named `constructor` or `__proto__` reads the
    // inherited Object.prototype member as its value and the injection is refused.
    expect.soft(injected.filter((r) => !r.ok)).toEqual([]);
    // Whatever the field-value path refused still gets a message in, as raw payload bytes, so the
    // receipt checks below cover every name.
    for (const r of injected.filter((x) => !x.ok)) {
      const raw = await page.evaluate(
        (typeId) =>
          window.workbench.inject({
            typeId,
            payload: new Uint8Array([1, 2, 3, 4]) as unknown as Record<string, number>,
          }),
        r.typeId,
      );
      expect(raw.ok).toBe(true);
      r.ok = true;
    }
    await page.getByRole('tab', { name: 'Receipts' }).click();
    const list = page.getByTestId('receipt-list');
    // Cells run together in the row's text: "host → <id>Delivered…".
    const rowOf = (h: string) =>
      list
        .locator('[role="row"][data-status]')
        .filter({ hasText: new RegExp(`→ ${escapeRegExp(h)}Delivered`) })
        .first();
    // Every receipt is in the tail before the first click: an open detail (and the pointer over
    // the rows) holds the tail still, so a receipt that came later would wait behind the hold.
    for (const [i, h] of HOSTILE.entries()) {
      if (injected[i]?.ok) await expect(rowOf(h)).toBeVisible();
    }
    for (const [i, h] of HOSTILE.entries()) {
      if (!injected[i]?.ok) continue;
      const row = rowOf(h);
      await expect(row).toBeVisible();
      const detail = page.getByRole('complementary', { name: 'Receipt detail' });
      // Scrolled to the list's last row, the tail holds and its note takes a strip under the rows
      // (`.receipt-list.held`): on a busy machine that landed between Playwright's hit check and
      // its click, and the click met the strip, not the row. Click again until the detail opens.
      let clicked = false;
      await expect(async () => {
        const open = (await detail.isVisible()) && (await detail.innerText()).includes(`(${h})`);
        if (!clicked || !open) await row.click();
        clicked = true;
        await expect(detail).toContainText(`(${h})`, { useInnerText: true, timeout: 2_000 });
      }).toPass({ timeout: 15_000 });
      // Known bug (engine/payload.ts decodePayload): a field named `__proto__` is assigned as the
      // prototype of the decoded object and never shown.
      await expect.soft(detail.locator('table.fields th').first()).toHaveText(h, {
        useInnerText: true,
      });
    }
    // Payload text: a hostile string where a number or hex is expected is refused with a message.
    const refused = await page.evaluate(
      async ({ id, field, text }) =>
        window.workbench.inject({ typeId: id, payload: { [field]: text } }),
      { id: FIRST_TYPE_ID, field: HOSTILE[0]!, text: HOSTILE[1]! },
    );
    tried++;
    expect(refused.ok).toBe(false);
    await expectInert(page, armed);

    // Reload: the autosaved workspace comes back with the same names, still inert.
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('rdw:v1:ws:demo') ?? ''))
      .toContain('__pwned');
    await page.reload();
    await expect(page.getByTestId('graph')).toBeVisible();
    await page.waitForFunction(() => typeof window.workbench?.getConfig === 'function');
    expect(await wb.config()).toEqual(await page.evaluate(() => window.workbench.getConfig()));
    expect((await wb.config()).kernels.map((k) => k.id)).toEqual(cfg.kernels.map((k) => k.id));
    await engineHasKernels(page, cfg.kernels.length);
    await expectShownAsText(page, cfg);
    await expectInert(page, armed);
    expect(armed.pageErrors).toEqual([]);
  });

  test('via the Import dialog (paste): preview, problems and the applied config are text', async ({
    wb,
    page,
  }) => {
    const armed = await arm(page);
    await wb.open();
    const cfg = hostileConfig(HOSTILE[1]!);
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    // First an invalid hostile document: the problems list quotes it as text.
    const bad = {
      ...cfg,
      kernels: [...cfg.kernels, { ...cfg.kernels[0]!, id: `${'x'.repeat(200)}${HOSTILE[0]!}` }],
    };
    await imp.getByLabel('Config text').fill(JSON.stringify(bad));
    tried++;
    await expect(imp.getByTestId('import-errors')).toBeVisible();
    await expect(imp.getByRole('button', { name: 'Apply import' })).toBeDisabled();
    await expectInert(page, armed);
    // Then the valid one.
    await imp.getByLabel('Config text').fill(JSON.stringify(cfg));
    tried += HOSTILE.length * 4 + 1;
    await expect(imp.getByTestId('import-diff')).toContainText(HOSTILE[0]!, { useInnerText: true });
    await expectInert(page, armed);
    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect(imp).toBeHidden();
    await expect.poll(async () => (await wb.config()).name).toBe(cfg.name);
    await engineHasKernels(page, cfg.kernels.length);
    await expectShownAsText(page, cfg);
    await expectInert(page, armed);
    expect(armed.pageErrors).toEqual([]);
  });

  test('via a share link: the preview opens, Apply import, names are text', async ({
    wb,
    page,
  }) => {
    const armed = await arm(page);
    await wb.open();
    const cfg = hostileConfig(HOSTILE[3]!);
    await page.goto(`/#${encodeShareFragment(cfg)}`);
    tried += HOSTILE.length * 4 + 1;
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await expect(imp).toBeVisible();
    await expectInert(page, armed);
    await imp.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(async () => (await wb.config()).name).toBe(cfg.name);
    await engineHasKernels(page, cfg.kernels.length);
    await expectShownAsText(page, cfg);
    await expectInert(page, armed);
    // A share link whose fragment itself is markup is refused with a text notice.
    await page.goto(`/#share=${encodeURIComponent(HOSTILE[0]!)}`);
    tried++;
    await expect(page.getByTestId('notices')).toContainText('share link');
    await expectInert(page, armed);
    expect(armed.pageErrors).toEqual([]);
  });

  // "\u202Ekcatta_rossecorp" had read "processor_attack" on the graph, in the Inspector and in
  // the import preview.
  test('a name with a bidi override is refused at the Import dialog, saying where; nothing changes', async ({
    wb,
    page,
  }) => {
    await wb.open();
    const before = await wb.config();
    const cfg = demoConfig();
    cfg.kernels.push({ ...cfg.kernels[0]!, id: '\u202Ekcatta_rossecorp' });
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config text').fill(JSON.stringify(cfg));
    tried++;
    const errors = imp.getByTestId('import-errors');
    await expect(errors).toContainText('kernels[4].id');
    await expect(errors).toContainText('bidirectional text controls (such as U+202E)');
    await expect(imp.getByRole('button', { name: 'Apply import' })).toBeDisabled();
    expect(await wb.config()).toEqual(before);
  });

  test('names over the limit are refused, not truncated', async ({ wb, page }) => {
    await wb.open();
    const before = await wb.config();
    const cfg = hostileConfig();
    cfg.kernels[cfg.kernels.length - 1]!.id = `X${cfg.kernels[cfg.kernels.length - 1]!.id}`;
    cfg.routes[cfg.routes.length - 1]!.kernelId = cfg.kernels[cfg.kernels.length - 1]!.id;
    tried++;
    const r = await page.evaluate((c) => window.workbench.loadConfig(c), cfg);
    expect(r.ok).toBe(false);
    expect(await wb.config()).toEqual(before);
  });

  test('oversized and deeply nested documents are refused with a message; the page stays responsive', async ({
    wb,
    page,
  }) => {
    const armed = await arm(page);
    await wb.open();
    const before = await wb.config();
    const results = await page.evaluate(() => {
      const huge = `{"version":1,"name":"${'x'.repeat(3 * 1024 * 1024)}"}`;
      const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const deepObjText = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      let deepObj: unknown = 1;
      for (let i = 0; i < 100_000; i++) deepObj = { a: deepObj };
      const deepToml = `${'a = ['.repeat(50_000)}1${']'.repeat(50_000)}`;
      return [huge, deepText, deepObjText, deepObj, deepToml].map((input) => {
        try {
          return window.workbench.loadConfig(input);
        } catch (e) {
          return { threw: String(e) };
        }
      });
    });
    tried += results.length;
    for (const r of results) {
      expect(r).toMatchObject({ ok: false });
      const errors = (r as { errors: { message: string }[] }).errors;
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]!.message.length).toBeGreaterThan(0);
    }
    // Responsive: the next evaluate comes back, and nothing changed.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    expect(await wb.config()).toEqual(before);
    // The file picker refuses a 3 MB file before reading it.
    await page.getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('dialog', { name: 'Import config' });
    await imp.getByLabel('Config file').setInputFiles({
      name: 'big.json',
      mimeType: 'application/json',
      buffer: Buffer.alloc(3 * 1024 * 1024, 0x20),
    });
    tried++;
    await expect(imp.getByRole('alert').filter({ hasText: 'big.json' })).toContainText(
      'Nothing was changed',
    );
    expect(await wb.config()).toEqual(before);
    // A binary file (an image's header, then NUL bytes) is refused as not text, and the text box
    // keeps what it held instead of filling with replacement characters.
    const box = imp.getByLabel('Config text');
    // Text with problems of its own, typed before the wrong file is picked.
    await box.fill('{"version": 1,');
    await expect(imp.getByTestId('import-errors')).toBeVisible();
    const held = await box.inputValue();
    await imp.getByLabel('Config file').setInputFiles({
      name: 'picture.png',
      mimeType: 'image/png',
      buffer: Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe,
      ]),
    });
    tried++;
    const refusal = imp.getByRole('alert').filter({ hasText: 'picture.png' });
    await expect(refusal).toContainText('is not a text file (a NUL byte at offset 8)');
    // The problems listed below belong to the text that stayed, not to the refused file.
    await expect(refusal).toContainText('the text below, and what it says, is still from');
    await expect(box).toHaveValue(held);
    await expect(imp.getByTestId('import-origin')).not.toContainText('picture.png');
    // UTF-16 text (a BOM, then NULs between ASCII letters) is named as such.
    await imp.getByLabel('Config file').setInputFiles({
      name: 'notepad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('\ufeff{"version": 1}', 'utf16le'),
    });
    tried++;
    await expect(imp.getByRole('alert').filter({ hasText: 'notepad.json' })).toContainText(
      'is UTF-16 text; save it as UTF-8',
    );
    await expect(box).toHaveValue(held);
    // The file box names no file the dialog refused.
    expect(await imp.getByLabel('Config file').inputValue()).toBe('');
    // New text replaces what the refusal was about: its alert had stayed, "Nothing was changed",
    // over a valid diff and an enabled Apply import.
    await box.fill(JSON.stringify(before));
    await expect(imp.getByTestId('import-diff')).toContainText('Identical');
    await expect(imp.getByRole('alert')).toHaveCount(0);
    expect(await wb.config()).toEqual(before);
    await expectInert(page, armed);
  });

  test('the built page causes no CSP violation at all (no eval probe, no inline script)', async ({
    wb,
    page,
  }) => {
    await arm(page);
    await wb.open();
    // Exercise the config parser (zod) and the engine path, then look at what the CSP blocked.
    expect(
      await page.evaluate(() => window.workbench.loadConfig(window.workbench.getConfig())),
    ).toEqual({
      ok: true,
    });
    await page.evaluate(() => window.workbench.inject({ typeId: 1001, count: 1 }));
    await expect
      .poll(async () => (await page.evaluate(() => window.workbench.snapshot()))?.injected ?? 0)
      .toBeGreaterThan(0);
    // Known bug: zod 4 probes `new Function('')` (util.allowsEval) on the first object parse; the
    // CSP blocks it and reports an 'eval' violation. Fix: z.config({ jitless: true }).
    const violations = await page.evaluate(
      () => (window as unknown as { __csp: { directive: string; blocked: string }[] }).__csp,
    );
    expect(violations).toEqual([]);
  });
});
