import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { parseConfig, parseConfigText } from './parse.ts';
import { serializeConfig } from './serialize.ts';
import { configArb, hostileConfig } from './testkit.ts';

describe('export then import', () => {
  it('JSON and TOML give the identical config (property)', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const pre = parseConfig(config);
        expect(pre).toEqual({ ok: true, config });
        for (const format of ['json', 'toml'] as const) {
          const text = serializeConfig(config, format);
          const back = parseConfigText(text, format);
          expect(back).toEqual({ ok: true, config });
          // Auto-detection picks the same format.
          expect(parseConfig(text)).toEqual({ ok: true, config });
        }
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  it('round-trips the demo and the hostile fixture exactly', () => {
    for (const config of [demoConfig(), hostileConfig()]) {
      const canonical = parseConfig(config);
      expect(canonical.ok).toBe(true);
      if (!canonical.ok) return;
      for (const format of ['json', 'toml'] as const) {
        expect(parseConfig(serializeConfig(canonical.config, format))).toEqual(canonical);
      }
    }
  });

  it('writes $schema first in JSON and a schema directive in TOML', () => {
    const json = serializeConfig(demoConfig(), 'json');
    expect(Object.keys(JSON.parse(json) as object)[0]).toBe('$schema');
    expect(json).toMatch(/^\{\n {2}"\$schema": "\.\/route-config\.schema\.json",/);
    expect(serializeConfig(demoConfig(), 'toml').split('\n')[0]).toBe(
      '#:schema ./route-config.schema.json',
    );
  });

  it('keeps u64 ids beyond 2^53 exact in both formats', () => {
    const demo = demoConfig();
    const config = {
      ...demo,
      messageTypes: [{ typeId: '18446744073709551615', name: 'Max', fields: [] }],
      routes: [{ typeId: '18446744073709551615', kernelId: 'aggregator' }],
    };
    for (const format of ['json', 'toml'] as const) {
      const back = parseConfig(serializeConfig(config, format));
      expect(back.ok && back.config.routes[0]!.typeId).toBe('18446744073709551615');
    }
  });
});
