import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeConfigJsonSchema } from './jsonSchema.ts';

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
        { type: 'string', pattern: '^[0-9]{1,20}$' },
      ],
    });
  });
});
