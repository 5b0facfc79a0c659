import { describe, expect, it } from 'vitest';
import { demoConfig, diffConfigs } from '../../core/config';
import { describeFieldChange } from './diffText';

describe('describeFieldChange (the import preview)', () => {
  it('names each changed property with its value before and after', () => {
    const before = demoConfig();
    const after = demoConfig();
    const k = after.kernels.find((x) => x.id === 'pattern_detector')!;
    k.queueCapacity = 2048;
    k.overflowPolicy = 'dropOldest';
    const t = after.messageTypes.find((x) => x.typeId === 1001)!;
    t.fields = [...t.fields, { name: 'extra', type: 'u32' }];
    const diff = diffConfigs(before, after);
    const kernel = diff.kernels.find((c) => c.key === 'pattern_detector');
    expect(kernel?.kind).toBe('changed');
    const lines = kernel?.kind === 'changed' ? kernel.fields.map(describeFieldChange) : [];
    expect(lines).toContain('queueCapacity 1,024 → 2,048');
    // An id is not a quantity: not grouped.
    expect(describeFieldChange({ field: 'responseTypeId', before: 1004, after: 1010 })).toBe(
      'responseTypeId 1004 → 1010',
    );
    expect(describeFieldChange({ field: 'seed', before: 12345, after: 7 })).toBe('seed 12345 → 7');
    // A fraction is kept ("zipfS 1 → 1" had hidden a change of skew).
    expect(describeFieldChange({ field: 'zipfS', before: 1.1, after: 1.25 })).toBe(
      'zipfS 1.1 → 1.25',
    );
    expect(describeFieldChange({ field: 'ratePerSec', before: 12500.5, after: 0.25 })).toBe(
      'ratePerSec 12,500.5 → 0.25',
    );
    expect(lines).toContain('overflowPolicy "reject" → "dropOldest"');
    const type = diff.types.find((c) => c.kind === 'changed');
    const fields = type?.kind === 'changed' ? type.fields.map(describeFieldChange) : [];
    expect(fields).toContain('fields: + extra (u32)');
  });

  it("says which of a type's fields were added, removed, retyped or moved", () => {
    const f = (before: unknown, after: unknown) =>
      describeFieldChange({ field: 'fields', before, after });
    const id = { name: 'id', type: 'u64' };
    const note = { name: 'note', type: 'bytes', size: 12 };
    expect(f([id], [id, note])).toBe('fields: + note (bytes 12)');
    expect(f([id, note], [id])).toBe('fields: − note');
    expect(f([id], [{ name: 'id', type: 'u32' }])).toBe('fields: ~ id u64 → u32');
    expect(f([id, note], [note, id])).toBe('fields: reordered');
    // The same field written with its keys the other way round is the same field.
    expect(f([note], [{ size: 12, type: 'bytes', name: 'note' }])).toBe('fields');
    // Moved as well as added: both are said.
    expect(f([id, note], [note, id, { name: 'x', type: 'u8' }])).toBe(
      'fields: + x (u8), reordered',
    );
    // A size of its own changes the layout, so it says so.
    expect(f([note], [{ ...note, size: 16 }])).toBe('fields: ~ note bytes 12 → bytes 16');
  });

  it('says when a value appears or goes, and cuts a long one', () => {
    expect(describeFieldChange({ field: 'handlerId', before: undefined, after: 7 })).toBe(
      'handlerId (none) → 7',
    );
    const long = 'x'.repeat(100);
    const line = describeFieldChange({ field: 'name', before: 'a', after: long });
    expect(line).toBe(`name "a" → "${'x'.repeat(39)}…"`);
    // A structure whose size did not change is named only.
    expect(describeFieldChange({ field: 'fields', before: [{ a: 1 }], after: [{ a: 2 }] })).toBe(
      'fields',
    );
  });
});
