import { validateWorkspace } from './validate.ts';
import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { parseConfig, parseConfigText, withLineColumn } from './parse.ts';
import { LIMITS } from './schema.ts';

const LAYOUT_KEY =
  'not a layout key: keys are "type:<type id>" or "kernel:<kernel id>", without control, bidirectional or invisible characters';

describe('parseConfig', () => {
  it('accepts the demo as object and as JSON text, unchanged', () => {
    const demo = demoConfig();
    for (const input of [demo, JSON.stringify(demo), JSON.stringify(demo, null, 2)]) {
      const r = parseConfig(input);
      expect(r).toEqual({ ok: true, config: demo });
    }
  });

  it('refuses a newer version by name', () => {
    const r = parseConfig({ ...demoConfig(), version: 2 });
    expect(r).toEqual({
      ok: false,
      errors: [
        { path: 'version', message: 'version 2 is newer than this workbench understands (1)' },
      ],
    });
  });

  it('lists every problem with a path', () => {
    const demo = demoConfig();
    const r = parseConfig({
      ...demo,
      routes: [...demo.routes, { typeId: -3, kernelId: 'x' }],
      kernels: [{ ...demo.kernels[0]!, queueCapacity: 0 }, ...demo.kernels.slice(1)],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.errors.map((e) => e.path);
    expect(paths).toContain('routes[4].typeId');
    expect(paths).toContain('kernels[0].queueCapacity');
  });

  it('checks semantics: unique route type ids, known kernels, bytes sizes', () => {
    const demo = demoConfig();
    const r = parseConfig({
      ...demo,
      routes: [...demo.routes, { typeId: '1001', kernelId: 'nowhere' }],
      k2kRoutes: [{ dest: 'aggregator', nextHop: 'ghost' }],
      messageTypes: [
        {
          typeId: 5,
          name: 'Blob',
          fields: [
            { name: 'data', type: 'bytes' },
            { name: 'n', type: 'u8', size: 3 },
          ],
        },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: 'routes[4].typeId', message: expect.stringContaining('already has a route') },
        { path: 'routes[4].kernelId', message: 'no kernel with id "nowhere"' },
        { path: 'k2kRoutes[0].nextHop', message: 'no kernel with id "ghost"' },
        {
          path: 'messageTypes[0].fields[0].size',
          message: expect.stringContaining('needs a size'),
        },
        {
          path: 'messageTypes[0].fields[1].size',
          message: expect.stringContaining('only to bytes'),
        },
      ]),
    );
  });

  it('refuses a second message type with a taken id, naming both entries', () => {
    const demo = demoConfig();
    const first = demo.messageTypes[0]!;
    const r = parseConfig({
      ...demo,
      // The same id written another way (a string) is the same id.
      messageTypes: [...demo.messageTypes, { ...first, name: 'Dup', typeId: String(first.typeId) }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const n = demo.messageTypes.length;
    expect(r.errors).toEqual([
      {
        path: `messageTypes[${n}].typeId`,
        message: `type id ${String(first.typeId)} is already used by messageTypes[0] (${JSON.stringify(first.name)}); each message type needs its own id`,
      },
    ]);
    // Read back from what the workbench holds (a workspace an older build saved), it loads.
    const held = parseConfig(
      { ...demo, messageTypes: [...demo.messageTypes, { ...first, name: 'Dup' }] },
      { reusedTypeIds: 'allow' },
    );
    expect(held.ok).toBe(true);
    // Distinct ids are fine, however close.
    const ok = parseConfig({
      ...demo,
      messageTypes: [...demo.messageTypes, { ...first, name: 'Other', typeId: 4242 }],
    });
    expect(ok.ok).toBe(true);
  });

  // Payload values go by field name: a second field of one name could never be set, and the
  // Rust export renamed it account_2 while FIELD_NAMES listed "account" twice.
  it('refuses a field name used twice in one type, where it is; a saved workspace still loads', () => {
    const demo = demoConfig();
    const t = demo.messageTypes[1]!;
    const f0 = t.fields[0]!;
    const dup = {
      ...demo,
      messageTypes: demo.messageTypes.map((x, i) =>
        i === 1 ? { ...x, fields: [...x.fields, { ...f0 }] } : x,
      ),
    };
    const r = parseConfig(dup);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      {
        path: `messageTypes[1].fields[${t.fields.length}].name`,
        message: `field name ${JSON.stringify(f0.name)} is already used by fields[0]; each field of a type needs its own name`,
      },
    ]);
    // The same name in two types is fine.
    const across = {
      ...demo,
      messageTypes: demo.messageTypes.map((x, i) =>
        i < 2 ? { ...x, fields: [...x.fields, { name: 'shared', type: 'u8' as const }] } : x,
      ),
    };
    expect(parseConfig(across).ok).toBe(true);
    const held = parseConfig(dup, { reusedFieldNames: 'allow' });
    expect(held.ok).toBe(true);
    if (held.ok)
      expect(validateWorkspace(held.config)).toContainEqual(
        expect.objectContaining({
          code: 'field-name-reused',
          severity: 'error',
          target: { kind: 'type', id: String(t.typeId) },
        }),
      );
  });

  it('lists the cross-checks with the schema errors, each path once', () => {
    const demo = demoConfig();
    const r = parseConfig({
      ...demo,
      // Schema errors: a capacity of 0 and a kernel id that is not a string.
      kernels: [{ ...demo.kernels[0]!, queueCapacity: 0 }, ...demo.kernels.slice(1), { id: 7 }],
      routes: [
        ...demo.routes,
        // Cross-checks: a kernel nobody defined, a type routed twice.
        { typeId: 4242, kernelId: 'nowhere' },
        { typeId: demo.routes[0]!.typeId, kernelId: demo.routes[0]!.kernelId },
        // Both: an empty kernel id is a schema error, and no such kernel; flagged once.
        { typeId: 4343, kernelId: '' },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const n = demo.routes.length;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: 'kernels[0].queueCapacity', message: expect.any(String) },
        { path: `routes[${n}].kernelId`, message: 'no kernel with id "nowhere"' },
        {
          path: `routes[${n + 1}].typeId`,
          message: expect.stringContaining('already has a route'),
        },
      ]),
    );
    // The kernel whose capacity is wrong still counts as defined: its routes are not flagged.
    expect(r.errors.filter((e) => e.message.includes(JSON.stringify(demo.kernels[0]!.id)))).toEqual(
      [],
    );
    const paths = r.errors.map((e) => e.path);
    expect(r.errors.filter((e) => e.path === `routes[${n + 2}].kernelId`)).toEqual([
      { path: `routes[${n + 2}].kernelId`, message: 'must not be empty' },
    ]);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("words the schema's checks plainly where it gives no message of its own", () => {
    const demo = demoConfig();
    const r = parseConfig({
      ...demo,
      name: 5,
      kernels: [
        { ...demo.kernels[0]!, queueCapacity: 0, overflowPolicy: 'nope' },
        { id: 'k2' },
        ...demo.kernels.slice(1),
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (path: string) => r.errors.filter((e) => e.path === path).map((e) => e.message);
    expect(at('name')).toEqual(['expected text, got a number']);
    expect(at('kernels[0].queueCapacity')).toEqual(['must be at least 1']);
    expect(at('kernels[0].overflowPolicy')).toEqual([
      'must be one of "reject", "dropOldest", "deadLetter"',
    ]);
    expect(at('kernels[1].queueCapacity')).toEqual(['missing: expected a number']);
    expect(at('kernels[1].behavior')).toEqual([
      'missing: expected one of "fraud", "aggregator", "pattern", "generic"',
    ]);
    // No validator's words anywhere.
    expect(r.errors.some((e) => /Too small|Invalid input|expected number/.test(e.message))).toBe(
      false,
    );
  });

  it('canonicalises u64 ids: safe integers as numbers, larger as decimal strings', () => {
    const demo = demoConfig();
    const r = parseConfig({
      ...demo,
      messageTypes: [
        { typeId: '0042', name: 'A', fields: [] },
        {
          typeId: '18446744073709551615',
          name: 'B',
          fields: [],
          responseTypeId: '9007199254740993',
        },
      ],
      routes: [{ typeId: '42', kernelId: 'aggregator' }],
      layout: { 'type:0042': { x: 1, y: 2 } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.messageTypes.map((t) => t.typeId)).toEqual([42, '18446744073709551615']);
    expect(r.config.messageTypes[1]!.responseTypeId).toBe('9007199254740993');
    expect(r.config.routes[0]!.typeId).toBe(42);
    expect(Object.keys(r.config.layout!)).toEqual(['type:42']);
  });

  it('refuses type ids beyond u64 and unsafe JSON numbers', () => {
    const demo = demoConfig();
    for (const typeId of ['18446744073709551616', 2 ** 53, -1, 1.5, '12a']) {
      const r = parseConfig({ ...demo, routes: [{ typeId, kernelId: 'aggregator' }] });
      expect(r.ok, String(typeId)).toBe(false);
      if (!r.ok) expect(r.errors[0]!.path).toBe('routes[0].typeId');
    }
  });

  it('says what a u64 id must be, once per id, without the pattern behind it', () => {
    const demo = demoConfig();
    for (const typeId of ['abc', '18446744073709551616', -1, 1.5, '12a']) {
      const r = parseConfig({ ...demo, routes: [{ typeId, kernelId: 'aggregator' }] });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      const at = r.errors.filter((e) => e.path === 'routes[0].typeId');
      expect(at, String(typeId)).toHaveLength(1);
      expect(at[0]!.message).toMatch(/^expected a u64: a non-negative integer/);
    }
  });

  it('gives a number over two limits the tighter one, and a huge id one line (QA)', () => {
    const demo = demoConfig();
    const text = JSON.stringify({
      ...demo,
      broker: { ...demo.broker, deliveryTimeoutMs: 1 },
      kernels: demo.kernels.map((k, i) => (i === 0 ? { ...k, queueCapacity: 7 } : k)),
      messageTypes: demo.messageTypes.map((t, i) => (i === 0 ? { ...t, typeId: 7 } : t)),
    })
      .replace('"deliveryTimeoutMs":1', '"deliveryTimeoutMs":99999999999999999999')
      .replace('"queueCapacity":7', '"queueCapacity":1e308')
      .replace('"typeId":7', '"typeId":1e30');
    const r = parseConfig(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (path: string) => r.errors.filter((e) => e.path === path).map((e) => e.message);
    expect(at('broker.deliveryTimeoutMs')).toEqual(['must be at most 86,400,000']);
    expect(at('kernels[0].queueCapacity')).toEqual(['must be at most 1,048,576']);
    expect(at('messageTypes[0].typeId')).toHaveLength(1);
  });

  it('lists every other problem with a missing version (a document that is no route config)', () => {
    const r = parseConfig({ types: [{ id: 1001 }], kernels: [{ id: '', capacity: -3 }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toEqual({
      path: 'version',
      message: 'missing; this workbench reads version 1 documents',
    });
    const text = r.errors.map((e) => `${e.path}: ${e.message}`).join('\n');
    expect(text).toContain('unknown key "types"');
    expect(text).toContain('messageTypes');
    expect(text).toContain('kernels[0].id');
    // A config with only its version missing says just that.
    const { version: _, ...rest } = demoConfig();
    expect(parseConfig(rest)).toEqual({
      ok: false,
      errors: [{ path: 'version', message: 'missing; this workbench reads version 1 documents' }],
    });
  });

  it('refuses oversized and deeply nested text before parsing', () => {
    const big = parseConfigText(' '.repeat(LIMITS.maxTextLength + 1));
    expect(big.ok).toBe(false);
    if (!big.ok) expect(big.errors[0]!.message).toMatch(/limit/);
    const deep = parseConfig('{"a":' + '['.repeat(200_000));
    expect(deep.ok).toBe(false);
    if (!deep.ok) expect(deep.errors[0]!.message).toMatch(/deeper than 32/);
  });

  it('refuses deeply nested objects without recursion', () => {
    let o: Record<string, unknown> = {};
    const root = o;
    for (let i = 0; i < 100_000; i++) {
      const next = {};
      o['x'] = next;
      o = next;
    }
    const r = parseConfig(root);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/deeper than 32/);
  });

  it("holds a generator preset to the generator's own limits, so an imported one can start", () => {
    const demo = demoConfig();
    const preset = demo.generatorPresets![0]!;
    const withPreset = (p: Partial<typeof preset>) =>
      parseConfig({ ...demo, generatorPresets: [{ ...preset, ...p }] });
    // An imported preset of 1e9 messages/s had imported and then refused to start.
    for (const [p, path, message] of [
      [{ ratePerSec: 60_000_000 }, 'generatorPresets[0].ratePerSec', 'must be at most 50,000,000'],
      [{ ratePerSec: 0 }, 'generatorPresets[0].ratePerSec', 'must be more than 0'],
      [{ accounts: 20_000_000 }, 'generatorPresets[0].accounts', 'must be at most 10,000,000'],
    ] as const) {
      const r = withPreset(p);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors).toContainEqual({ path, message });
    }
    expect(withPreset({ ratePerSec: 50_000_000, accounts: 10_000_000 }).ok).toBe(true);
  });

  it('enforces counts with clear messages', () => {
    const demo = demoConfig();
    const kernels = Array.from({ length: LIMITS.maxKernels + 1 }, (_, i) => ({
      ...demo.kernels[0]!,
      id: `k${i}`,
    }));
    const r = parseConfig({ ...demo, kernels });
    expect(r).toEqual({
      ok: false,
      errors: [{ path: 'kernels', message: '1001 kernels; the limit is 1000' }],
    });
  });

  it('keeps hostile names as plain strings and reports prototype keys', () => {
    const demo = demoConfig();
    const hostile = '<img src=x onerror=alert(1)>';
    const ok = parseConfig({
      ...demo,
      kernels: [...demo.kernels, { ...demo.kernels[0]!, id: hostile }],
    });
    expect(ok.ok && ok.config.kernels[4]!.id).toBe(hostile);
    const bad = parseConfig(
      '{"version":1,"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
    );
    expect(bad.ok).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const ctrl = parseConfig({ ...demo, kernels: [{ ...demo.kernels[0]!, id: 'a\u0000b' }] });
    expect(ctrl.ok).toBe(false);
  });

  // A kernel id "\u202Ekcatta_rossecorp" read "processor_attack" on the graph, in the Inspector
  // and in the import preview (Trojan Source; Rust denies these in literals too).
  it('refuses bidirectional text controls in names and ids, saying where', () => {
    const demo = demoConfig();
    for (const ch of ['\u202E', '\u202A', '\u2066', '\u2069', '\u200F', '\u061C']) {
      const r = parseConfig({
        ...demo,
        name: `cfg${ch}`,
        kernels: [{ ...demo.kernels[0]!, id: `${ch}kcatta_rossecorp` }, ...demo.kernels.slice(1)],
      });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      const paths = r.errors.map((e) => e.path);
      expect(paths).toContain('name');
      expect(paths).toContain('kernels[0].id');
      expect(r.errors.find((e) => e.path === 'name')!.message).toMatch(
        /bidirectional text controls \(such as U\+202E\)/,
      );
    }
    // Right-to-left letters are names like any other.
    const rtl = parseConfig({ ...demo, name: 'מסלולים עربي' });
    expect(rtl.ok).toBe(true);
  });

  // QA: "fraud_proc\u200Bessor" and "fraudprocessor\u00AD" were taken beside "fraud_processor",
  // each drawn the same.
  it('refuses invisible characters in names, keeping the joiners scripts and emoji need', () => {
    const demo = demoConfig();
    for (const ch of ['\u200B', '\u00AD', '\u2060', '\uFEFF', '\u180E', '\u2062']) {
      const r = parseConfig({
        ...demo,
        kernels: [...demo.kernels, { ...demo.kernels[0]!, id: `fraud_proc${ch}essor` }],
      });
      expect(r.ok, JSON.stringify(ch)).toBe(false);
      if (!r.ok)
        expect(r.errors).toContainEqual({
          path: 'kernels[4].id',
          message: expect.stringMatching(/invisible characters \(such as U\+200B/),
        });
    }
    for (const name of [
      '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645',
      '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
    ])
      expect(parseConfig({ ...demo, name }).ok, name).toBe(true);
  });

  // "[1,2,3]" in a .json file read "invalid TOML: illegal character in key"; an empty file said
  // nothing at all.
  it('says a JSON document that is not an object is JSON, and what it should be', () => {
    for (const [text, what] of [
      ['[1,2,3]', 'an array'],
      ['  "config"', 'a string'],
      ['42', 'a number'],
      ['null', 'null'],
    ] as const) {
      const r = parseConfig(text);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors).toEqual([
        {
          path: '(document)',
          message: `the document is JSON, but ${what}: a route config is a JSON object ({ "version": 1, … }) or a TOML document`,
        },
      ]);
    }
    for (const text of ['', '  \n\t ']) {
      const r = parseConfig(text);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.errors).toEqual([
          {
            path: '(document)',
            message: 'the document is empty: a route config is a JSON object or a TOML document',
          },
        ]);
    }
  });

  it('reads TOML text', () => {
    const r = parseConfigText(
      [
        'version = 1',
        'name = "t"',
        'messageTypes = []',
        'routes = []',
        'k2kRoutes = []',
        '[broker]',
        'maxPendingMessages = 1024',
        'deliveryTimeoutMs = 5000',
        'maxHops = 8',
        'defaultPriority = 0',
        '[[kernels]]',
        'id = "k"',
        'queueCapacity = 1024',
        'overflowPolicy = "reject"',
        'tenantId = 0',
        'backend = "cpu"',
        'behavior = "generic"',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.kernels[0]!.id).toBe('k');
  });

  // QA: "invalid TOML: Invalid TOML document: expected end of table array declaration 42:
  // [[messageTypes] ^" for a paste cut short.
  it('says a TOML error in one line, with its place, and that a text cut there may be cut short', () => {
    const cut = parseConfigText('version = 1\nname = "t"\n[[messageTypes]');
    expect(cut.ok === false && cut.errors[0]!.message).toBe(
      'invalid TOML: expected end of table array declaration (line 3, column 16): the text ends there, it may be cut short',
    );
    const string = parseConfigText('version = 1\nname = "the demo');
    expect(string.ok === false && string.errors[0]!.message).toMatch(/may be cut short$/);
    // A typo on the last line of a whole document is no cut.
    const typo = parseConfigText('version = 1\nname = "t"\nkernelId = aggregator\n');
    expect(typo.ok === false && typo.errors[0]!.message).not.toMatch(/cut short/);
    const mid = parseConfigText('version = 1\nname = = "t"\n[broker]\nmaxHops = 8\n');
    expect(mid.ok === false && mid.errors[0]!.message).toMatch(
      /^invalid TOML: [^\n]* \(line 2, column \d+\)$/,
    );
  });

  it('reports invalid syntax at the document path', () => {
    for (const text of ['{"version": 1,', 'version = = 1', '{']) {
      const r = parseConfig(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.path).toBe('(document)');
    }
  });
});

describe('parseConfigText, malformed JSON', () => {
  it('says at which line and column the JSON went wrong', () => {
    const r = parseConfigText('{\n  "version": 1,\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.message).toMatch(/^invalid JSON: .*\(?line 3,? column 1\)?/);
  });

  // QA: 100,000 "[" read "invalid TOML: illegal character in key", a JSON file with a leading
  // // comment "invalid TOML", and 1e309 "expected a number, got a number".
  it('names JSON nested too deep, a // comment and a number too large for what they are', () => {
    const deep = parseConfigText('['.repeat(100_000));
    expect(deep.ok === false && deep.errors[0]!.message).toMatch(
      /^document nests deeper than 32 levels/,
    );
    const commented = parseConfigText('// my config\n{ "version": 1 }');
    expect(commented.ok === false && commented.errors[0]!.message).toMatch(
      /starts with a \/\/ or \/\* \*\/ comment, which neither format allows/,
    );
    // A TOML table header still reads as TOML.
    const toml = parseConfigText('[broker]\nmaxHops = 4\n');
    expect(toml.ok === false && toml.errors.map((e) => e.path)).toContain('version');
    const huge = parseConfigText(
      JSON.stringify({ ...demoConfig(), layout: { 'type:1001': { x: 1, y: 2 } } }).replace(
        '"x":1',
        '"x":1e309',
      ),
    );
    expect(huge.ok === false && huge.errors).toContainEqual({
      path: 'layout["type:1001"].x',
      message: 'expected a number, got a number too large to hold (it reads as infinity)',
    });
  });

  it('lists the other problems beside a wrong version, and says what a layout key must be', () => {
    const r = parseConfig({ ...demoConfig(), version: '1', name: 5 });
    expect(r.ok === false && r.errors.map((e) => e.path)).toEqual(['version', 'name']);
    const k = parseConfig({ ...demoConfig(), layout: { 'foo:bar': { x: 1, y: 2 } } });
    expect(k.ok === false && k.errors).toEqual([
      {
        path: 'layout["foo:bar"]',
        message: LAYOUT_KEY,
      },
    ]);
  });

  it('refuses a __proto__ layout key, which the schema alone dropped without a word', () => {
    const text = JSON.stringify(demoConfig()).replace(
      '"layout":{',
      '"layout":{"__proto__":{"x":1,"y":2},',
    );
    const r = parseConfigText(text);
    expect(r.ok === false && r.errors).toEqual([{ path: 'layout.__proto__', message: LAYOUT_KEY }]);
    // Listed with the document's other problems, not alone.
    const both = parseConfigText(text.replace('"version":1', '"version":"1"'));
    expect(both.ok === false && both.errors.map((e) => e.path)).toEqual([
      'version',
      'layout.__proto__',
    ]);
  });

  it('refuses a layout key with characters names refuse, and shows them escaped in its path', () => {
    for (const [key, shown] of [
      ['kernel:fraud\u200Bprocessor', 'layout["kernel:fraud\\u200bprocessor"]'],
      ['kernel:\u202Erossecorp', 'layout["kernel:\\u202erossecorp"]'],
      ['type:1001\u0085', 'layout["type:1001\\u0085"]'],
    ] as const) {
      const r = parseConfig({ ...demoConfig(), layout: { [key]: { x: 1, y: 2 } } });
      expect(r.ok === false && r.errors).toEqual([{ path: shown, message: LAYOUT_KEY }]);
    }
    // Right-to-left letters and joiners are names' own: such a key is taken.
    const ok = parseConfig({ ...demoConfig(), layout: { 'kernel:\u05D0\u200D': { x: 1, y: 2 } } });
    expect(ok.ok).toBe(true);
  });

  it('adds them to an "at position" message once, and leaves one that has them', () => {
    expect(withLineColumn('Unexpected token in JSON at position 4', 'ab\ncd')).toBe(
      'Unexpected token in JSON at position 4 (line 2, column 2)',
    );
    const said = 'Bad JSON at position 4 (line 2 column 2)';
    expect(withLineColumn(said, 'ab\ncd')).toBe(said);
    // No position in it: the text's end is the place, and said so.
    expect(withLineColumn('Unexpected end of JSON input', '{\n  "a": [1,')).toBe(
      'Unexpected end of JSON input (the text ends at line 2, column 11: it may be cut short)',
    );
    // Cut mid-object, the parser says what it expected there: at the text's end (white space
    // after it aside), that is said too (QA: "line 138 column 4" of a 137-line file, no more).
    const text = '{\n  "a": 1\n  ';
    let said2 = '';
    try {
      JSON.parse(text);
    } catch (e) {
      said2 = (e as Error).message;
    }
    expect(withLineColumn(said2, text)).toMatch(/: the text ends there, it may be cut short$/);
    expect(
      withLineColumn(`Expected ',' or '}' after property value in JSON at position 13`, text),
    ).toBe(
      "Expected ',' or '}' after property value in JSON at position 13 (line 3, column 3): the text ends there, it may be cut short",
    );
    // A no-break space after the document is not JSON's white space: no such words either.
    expect(
      withLineColumn(
        'Unexpected non-whitespace character after JSON at position 7',
        '{"a":1}\u00a0',
      ),
    ).not.toMatch(/cut short/);
    // Not at the end: no such words.
    expect(withLineColumn('Unexpected token in JSON at position 4', 'ab\ncd  ')).not.toMatch(
      /cut short/,
    );
  });
});
