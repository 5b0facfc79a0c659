import { describe, expect, it } from 'vitest';
import { demoConfig } from '../../core/config';
import { DEFAULT_GENERATOR_FORM } from '../../state/injectForm';
import {
  mixNotes,
  checkGeneratorForm,
  describeSpec,
  generatorSpecOf,
  plainNumber,
  rateNumber,
  routedMix,
  whole,
} from './generatorSpec';

const routes = demoConfig().routes;

describe('generatorSpecOf', () => {
  it('follows the routes until the mix is edited', () => {
    expect(routedMix(routes)).toBe('1001:1, 1002:1, 1003:1, 1010:1');
    const spec = generatorSpecOf(DEFAULT_GENERATOR_FORM, routes);
    expect(spec).toMatchObject({
      ratePerSec: 1000,
      pattern: 'poisson',
      mix: [1001, 1002, 1003, 1010].map((typeId) => ({ typeId, weight: 1 })),
      // Until stopped, as Start and Stop in the toolbar suggest: a first Start that ended by
      // itself after 10 s ("finished · 9,913 sent") looked to a newcomer like something broke.
      durationMs: 0,
      seed: 42,
    });
    expect(describeSpec(spec as Exclude<typeof spec, string>)).toBe(
      '1,000/s poisson until stopped',
    );
  });

  it('names the value that is wrong', () => {
    const bad = (patch: Partial<typeof DEFAULT_GENERATOR_FORM>): unknown =>
      generatorSpecOf({ ...DEFAULT_GENERATOR_FORM, ...patch }, routes);
    expect(bad({ ratePerSec: '0' })).toMatch(/^Rate must be more than 0 and at most/);
    // Not a number: said so, not the range ("1,5" had read "Rate must be more than 0 and at most
    // 50,000,000 messages/s", a range 1.5 is in).
    expect(bad({ ratePerSec: 'fast' })).toMatch(
      /^Rate "fast" is not a number the generator reads: /,
    );
    expect(bad({ ratePerSec: '1,5' })).toMatch(
      /^Rate "1,5" is not a number the generator reads: write messages\/s as 1500, 1,500 \(a comma groups thousands\), 1\.5 K or 1\.5 M\.$/,
    );
    // Each mix entry says what is wrong with it: "must be typeId:weight" blamed the format for a
    // weight of -2.
    expect(bad({ mix: '1001:1, nope' })).toBe(
      'Mix entry "nope": the type id must be a whole number from 0 to 2^64\u00a0−\u00a01.',
    );
    expect(bad({ mix: '1001:-2' })).toBe(
      'Mix entry "1001:-2": the weight must be a number above 0.',
    );
    expect(bad({ mix: '1001:' })).toBe('Mix entry "1001:": the weight must be a number above 0.');
    expect(bad({ mix: '1001:0' })).toBe('Mix entry "1001:0": the weight must be a number above 0.');
    expect(bad({ mix: '1001:1:2' })).toBe('Mix entry "1001:1:2": write it as typeId:weight.');
    expect(
      generatorSpecOf({ ...DEFAULT_GENERATOR_FORM, mix: '1001:2.5, 1002' }, routes),
    ).toMatchObject({
      mix: [
        { typeId: 1001, weight: 2.5 },
        { typeId: 1002, weight: 1 },
      ],
    });
    expect(bad({ seed: '1.5' })).toMatch(/^Seed must be a whole number from /);
    // A whole number out of range: the message says the range, not "must be a whole number".
    expect(bad({ seed: '18446744073709551616' })).toBe(
      'Seed must be a whole number from −9,007,199,254,740,991 to 9,007,199,254,740,991 (2^53\u00a0−\u00a01).',
    );
  });

  it('refuses what it used to clamp, and reads 0 ms as until stopped', () => {
    const form = (patch: Partial<typeof DEFAULT_GENERATOR_FORM>) =>
      checkGeneratorForm({ ...DEFAULT_GENERATOR_FORM, ...patch }, routes);
    expect(form({ durationMs: '0' })).toMatchObject({ ok: true, spec: { durationMs: 0 } });
    // A Duration of -1 became 0: a run until stopped that nobody asked for.
    expect(form({ durationMs: '-1' })).toEqual({
      ok: false,
      errors: [
        { field: 'durationMs', error: 'Duration must be 0 (until stopped) or more milliseconds.' },
      ],
    });
    expect(form({ priority: '900', accounts: '0', zipfS: 'x', durationMs: '' })).toEqual({
      ok: false,
      errors: [
        { field: 'zipfS', error: 'Zipf skew s must be a number, 0 or more.' },
        { field: 'accounts', error: 'Accounts must be a whole number from 1 to 10,000,000.' },
        { field: 'durationMs', error: 'Duration must be 0 (until stopped) or more milliseconds.' },
        { field: 'priority', error: 'Generator priority is a u8 (0 to 255).' },
      ],
    });
    expect(
      generatorSpecOf({ ...DEFAULT_GENERATOR_FORM, ratePerSec: '', seed: 'abc' }, routes),
    ).toBe('Enter a rate: messages/s, as 2000, 2,000, 2 K or 2 M (and 1 more value in the form).');
    expect(describeSpec({ ratePerSec: 2_000_000, durationMs: 0 })).toBe(
      '2.00\u202fM/s constant until stopped',
    );
  });
});

// "10,000,000" in Rate read "Rate must be more than 0 and at most 50,000,000 messages/s", and
// "10,000" as a burst was "not a whole number", while the app writes every number that way.
describe('numbers as people type them', () => {
  it('takes digit groups of three (commas, spaces) and underscores between digits', () => {
    expect(plainNumber('10,000,000')).toBe('10000000');
    expect(plainNumber(' 10 000 ')).toBe('10000');
    expect(plainNumber('10_000_000')).toBe('10000000');
    expect(plainNumber('6,942.15')).toBe('6942.15');
    expect(plainNumber('-1,024')).toBe('-1024');
    expect(whole('10,000', 1, 1_000_000)).toBe(10_000);
    // Not groups of three: not a number (a decimal comma is not guessed at).
    for (const t of ['1,5', '1,0000', '10,00,000', ',100', '100,', '1__0', '_10'])
      expect(whole(t, 0, 1e9)).toBeNaN();
    const r = checkGeneratorForm(
      { ...DEFAULT_GENERATOR_FORM, ratePerSec: '10,000,000' },
      demoConfig().routes,
    );
    expect(r.ok && r.spec.ratePerSec).toBe(10_000_000);
  });

  // The app writes rates as "5.00 M/s"; "5M" typed into Rate was refused (QA).
  it('takes a rate with K or M, and /s, as the app writes rates', () => {
    expect(rateNumber('5M')).toBe(5_000_000);
    expect(rateNumber('5.00 M/s')).toBe(5_000_000);
    expect(rateNumber('2.5k')).toBe(2_500);
    expect(rateNumber('250 K/s')).toBe(250_000);
    expect(rateNumber('1,000/s')).toBe(1_000);
    expect(rateNumber('1e6')).toBe(1_000_000);
    expect(rateNumber('2.5')).toBe(2.5);
    expect(rateNumber('1.005M')).toBe(1_005_000);
    expect(rateNumber('1e3k')).toBe(1_000_000);
    for (const t of ['', 'M', '5 G', '5MM', 'fast', '5 per s', '/s'])
      expect(rateNumber(t)).toBeNaN();
    const r = checkGeneratorForm(
      { ...DEFAULT_GENERATOR_FORM, ratePerSec: '5M' },
      demoConfig().routes,
    );
    expect(r.ok && r.spec.ratePerSec).toBe(5_000_000);
  });
});

// The generator started with 999:1 (or a response type) and said nothing while every message of it
// became NoRoute and a dead letter; Publish says so for a type it sends.
describe('mixNotes', () => {
  const demo = demoConfig();
  it('names the types a mix sends that are routed nowhere, and a type listed twice', () => {
    expect(mixNotes('1001:1, 1002:1, 1003:1, 1010:1', demo)).toBeNull();
    expect(mixNotes('999:1', demo)).toBe(
      '999 (not defined here) is routed nowhere: its messages get NoRoute and a dead letter each.',
    );
    expect(mixNotes('1001:5, 1004:1, 999', demo)).toBe(
      '1004 (PatternResult) and 999 (not defined here) are routed nowhere: their messages get NoRoute and a dead letter each.',
    );
    expect(mixNotes('1001:1, 1001:2, 1001:3', demo)).toBe(
      '1001 is listed more than once: the weights of its entries add up.',
    );
    // What the form refuses is its error's to say.
    expect(mixNotes('abc:1, 1001:x', demo)).toBeNull();
  });
});
