import { describe, expect, it } from 'vitest';
import { detachOneViewOfEachKind } from './detach-views';

describe('detachOneViewOfEachKind', () => {
  it('detaches a view of every typed-array kind (each kind has a map of its own in V8)', () => {
    expect(detachOneViewOfEachKind()).toBe(11);
  });
});
