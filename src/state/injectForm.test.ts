import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR_FORM, restoreGeneratorForm } from './injectForm';

describe('restoreGeneratorForm (the generator form kept across reloads)', () => {
  it('takes back every field as typed, invalid values included (Start checks them)', () => {
    const typed = {
      ...DEFAULT_GENERATOR_FORM,
      ratePerSec: '5000',
      pattern: 'bursts' as const,
      mix: '1001:3, 1002:1',
      seed: 'not a number',
    };
    expect(restoreGeneratorForm(JSON.parse(JSON.stringify(typed)))).toEqual(typed);
  });

  it('falls back to the default for each field that is missing, mistyped or too long', () => {
    const form = restoreGeneratorForm({
      ratePerSec: 5000,
      pattern: 'sideways',
      mix: { a: 1 },
      zipfS: '0.8',
      name: 'x'.repeat(20_000),
      __proto__: { seed: '13' },
    });
    expect(form).toEqual({ ...DEFAULT_GENERATOR_FORM, zipfS: '0.8' });
    for (const raw of [null, 'text', 42, [1, 2], undefined])
      expect(restoreGeneratorForm(raw)).toEqual(DEFAULT_GENERATOR_FORM);
  });
});
