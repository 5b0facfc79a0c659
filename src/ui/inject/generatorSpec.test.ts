import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../core/config';
import { DEFAULT_GENERATOR_FORM } from '../../state/injectForm';
import { describeSpec, generatorSpecOf, routedMix } from './generatorSpec';

const routes = demoConfig().routes;

describe('generatorSpecOf', () => {
  it('follows the routes until the mix is edited', () => {
    expect(routedMix(routes)).toBe('1001:1, 1002:1, 1003:1, 1010:1');
    const spec = generatorSpecOf(DEFAULT_GENERATOR_FORM, routes);
    expect(spec).toMatchObject({
      ratePerSec: 1000,
      pattern: 'poisson',
      mix: [1001, 1002, 1003, 1010].map((typeId) => ({ typeId, weight: 1 })),
      durationMs: 10_000,
      seed: 42,
    });
    expect(describeSpec(spec as Exclude<typeof spec, string>)).toBe('1,000/s poisson for 10 s');
  });

  it('names the value that is wrong', () => {
    const bad = (patch: Partial<typeof DEFAULT_GENERATOR_FORM>): unknown =>
      generatorSpecOf({ ...DEFAULT_GENERATOR_FORM, ...patch }, routes);
    expect(bad({ ratePerSec: '0' })).toMatch(/^Rate must be more than 0 and at most/);
    expect(bad({ ratePerSec: 'fast' })).toMatch(/^Rate must be more than 0 and at most/);
    expect(bad({ mix: '1001:1, nope' })).toBe('Mix entry "nope" must be typeId:weight.');
    expect(bad({ mix: '1001:-2' })).toBe('Mix entry "1001:-2" must be typeId:weight.');
    expect(bad({ seed: '1.5' })).toBe('Seed must be a whole number.');
  });

  it('clamps priority and accounts, and reads 0 ms as until stopped', () => {
    const spec = generatorSpecOf(
      { ...DEFAULT_GENERATOR_FORM, priority: '900', accounts: '0', durationMs: '0' },
      routes,
    );
    expect(spec).toMatchObject({ priority: 255, accounts: 1, durationMs: 0 });
    expect(describeSpec({ ratePerSec: 2_000_000, durationMs: 0 })).toBe(
      '2.00\u202fM/s constant until stopped',
    );
  });
});
