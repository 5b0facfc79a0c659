import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { decodeShareFragment, encodeShareFragment, SHARE_LIMITS } from './share.ts';
import { configArb, hostileConfig } from './testkit.ts';

const b64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('share links', () => {
  it('round-trip configs, with and without a preset, with or without #', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const frag = encodeShareFragment(config);
        expect(frag).toMatch(/^share=[A-Za-z0-9_-]+$/);
        expect(decodeShareFragment(frag)).toEqual({ ok: true, config });
        expect(decodeShareFragment(`#${frag}`)).toEqual({ ok: true, config });
      }),
      { numRuns: 100, seed: 5 },
    );
    const demo = demoConfig();
    const preset = demo.generatorPresets![0]!;
    expect(decodeShareFragment(encodeShareFragment(demo, preset))).toEqual({
      ok: true,
      config: demo,
      preset,
    });
    const hostile = hostileConfig();
    const r = decodeShareFragment(encodeShareFragment(hostile));
    expect(r.ok && r.config.kernels[0]!.id).toBe('<img src=x onerror=alert(1)>');
  });

  it('compresses the demo into a short link', () => {
    expect(encodeShareFragment(demoConfig()).length).toBeLessThan(2500);
  });

  it('refuses a deflate bomb without inflating it all', () => {
    const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024).fill(32), { level: 9 });
    const frag = b64url(bomb);
    expect(frag.length).toBeLessThan(SHARE_LIMITS.maxEncodedLength);
    const r = decodeShareFragment(frag);
    expect(r).toEqual({
      ok: false,
      errors: [{ path: '(document)', message: expect.stringMatching(/inflates past/) }],
    });
  });

  it('refuses oversized, corrupt and non-config data with messages', () => {
    const cases: [string, RegExp][] = [
      ['A'.repeat(SHARE_LIMITS.maxEncodedLength + 1), /limit/],
      ['not base64!', /base64url/],
      ['AAAA', /corrupt|JSON|UTF-8/],
      [b64url(deflateSync(new TextEncoder().encode('[1,2]'))), /not a share payload/],
      [b64url(deflateSync(new TextEncoder().encode('{"v":2}'))), /version/],
      [b64url(deflateSync(new TextEncoder().encode('['.repeat(5000)))), /deeper than/],
    ];
    for (const [frag, msg] of cases) {
      const r = decodeShareFragment(frag);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.message).toMatch(msg);
    }
  });

  it('reports config and preset errors by path', () => {
    const demo = demoConfig();
    const payload = {
      v: 1,
      config: { ...demo, routes: [{ typeId: -1, kernelId: 'aggregator' }] },
      preset: { name: 'x' },
    };
    const r = decodeShareFragment(
      b64url(deflateSync(new TextEncoder().encode(JSON.stringify(payload)))),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.path).toBe('routes[0].typeId');
    const p2 = { v: 1, config: demo, preset: { name: 'x' } };
    const r2 = decodeShareFragment(
      b64url(deflateSync(new TextEncoder().encode(JSON.stringify(p2)))),
    );
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.errors.map((e) => e.path)).toContain('preset.ratePerSec');
  });
});
