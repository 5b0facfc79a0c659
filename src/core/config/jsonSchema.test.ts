import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { routeConfigJsonSchema } from './jsonSchema.ts';
import { parseConfig } from './parse.ts';
import { serializeConfig } from './serialize.ts';
import { configArb, hostileConfig } from './testkit.ts';

describe('JSON Schema', () => {
  it('the committed public/route-config.schema.json equals the generated one (npm run gen:schema)', () => {
    const file = new URL('../../../public/route-config.schema.json', import.meta.url);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(routeConfigJsonSchema());
  });

  it('describes the document strictly, with u64 ids as integers or decimal strings', () => {
    const schema = routeConfigJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { items?: { properties: Record<string, unknown> } }>;
    };
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'version',
        'broker',
        'messageTypes',
        'kernels',
        'routes',
        'k2kRoutes',
      ]),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['routes']!.items!.properties['typeId']).toEqual({
      anyOf: [
        { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        { type: 'string', pattern: expect.stringMatching(/^\^\(\?:\[0-9\]\{1,19\}\|/) as string },
      ],
    });
  });
});

const PYTHON = process.env['SCHEMA_PYTHON'] ?? '/usr/bin/python3';
const hasPythonJsonschema =
  spawnSync(PYTHON, ['-c', 'import jsonschema'], { stdio: 'ignore' }).status === 0;

/** Python's jsonschema (Debian's python3-jsonschema): check_schema, then one verdict per document. */
function pythonVerdicts(schema: unknown, docs: unknown[]): boolean[] {
  const script = [
    'import json, sys',
    'from jsonschema import Draft202012Validator',
    'data = json.load(sys.stdin)',
    "Draft202012Validator.check_schema(data['schema'])",
    "v = Draft202012Validator(data['schema'])",
    "print(json.dumps([v.is_valid(d) for d in data['docs']]))",
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify({ schema, docs }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python jsonschema failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as boolean[];
}

describe('JSON Schema in a second, non-JavaScript validator (Python jsonschema)', () => {
  it('is installed (scripts/ensure-python-jsonschema.mjs runs before the unit tests)', () => {
    expect(
      hasPythonJsonschema,
      `${PYTHON} cannot import jsonschema; run node scripts/ensure-python-jsonschema.mjs`,
    ).toBe(true);
  });

  it.runIf(hasPythonJsonschema)(
    'accepts the schema, every valid document, and refuses what parseConfig refuses where the schema can say it',
    () => {
      const schema = routeConfigJsonSchema();
      const valid = [
        demoConfig(),
        hostileConfig(),
        ...fc.sample(configArb, { numRuns: 60, seed: 7 }),
      ].map((c) => JSON.parse(serializeConfig(c, 'json')) as unknown);
      const demo = demoConfig();
      const k0 = demo.kernels[0]!;
      const t0 = demo.messageTypes[0]!;
      const invalid: unknown[] = [
        { ...demo, kernels: [{ ...k0, id: 'host' }] },
        { ...demo, routes: [{ typeId: 1001, kernelId: 'host' }] },
        { ...demo, k2kRoutes: [{ dest: 'host', nextHop: k0.id }] },
        { ...demo, messageTypes: [{ ...t0, fields: [{ name: 'b', type: 'bytes' }] }] },
        { ...demo, messageTypes: [{ ...t0, fields: [{ name: 'b', type: 'u8', size: 4 }] }] },
        { ...demo, messageTypes: [{ ...t0, typeId: '18446744073709551616' }] },
        { ...demo, messageTypes: [{ ...t0, typeId: '99999999999999999999' }] },
        { ...demo, messageTypes: [{ ...t0, handlerId: 4_294_967_295 }] },
        { ...demo, messageTypes: [{ ...t0, name: 'bell\u0007' }] },
        { ...demo, messageTypes: [{ ...t0, name: 'c1\u0085' }] },
        { ...demo, messageTypes: [{ ...t0, name: 'lone \ud800' }] },
        { ...demo, layout: { 'kernel:x\u0001': { x: 0, y: 0 } } },
      ];
      for (const doc of invalid) expect(parseConfig(doc).ok).toBe(false);
      const edge = [
        { ...demo, messageTypes: [{ ...t0, typeId: '18446744073709551615' }] },
        { ...demo, messageTypes: [{ ...t0, typeId: '09999999999999999999' }] },
        { ...demo, messageTypes: [{ ...t0, name: 'rocket 🚀 ok' }] },
      ];
      for (const doc of edge) expect(parseConfig(doc).ok).toBe(true);
      const verdicts = pythonVerdicts(schema, [...valid, ...edge, ...invalid]);
      expect(verdicts).toEqual([
        ...valid.map(() => true),
        ...edge.map(() => true),
        ...invalid.map(() => false),
      ]);
    },
    60_000,
  );
});
