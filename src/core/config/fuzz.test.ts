import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfig } from './demo.ts';
import { parseConfig, type ParseResult } from './parse.ts';
import { LIMITS, type RouteConfig } from './schema.ts';
import { decodeShareFragment, encodeShareFragment } from './share.ts';
import { HOSTILE_NAMES } from './testkit.ts';

function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
      Object.freeze(v);
      stack.push(...Object.values(v));
    }
  }
  return value;
}

/** The current workspace the app holds while an import is attempted. */
const current: RouteConfig = deepFreeze(demoConfig());
const snapshot = JSON.stringify(current);

function checkResult(r: ParseResult): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(typeof e.path).toBe('string');
    expect(e.path.length).toBeGreaterThan(0);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const keyArb = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...POLLUTION_KEYS));
const hostileValue = fc.oneof(
  fc.anything({
    key: keyArb,
    maxDepth: 4,
    withBigInt: true,
    withNullPrototype: true,
    withMap: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
  }),
  fc.constantFrom<unknown>(...HOSTILE_NAMES, -1, 2 ** 64, NaN, Infinity, 1.5, '', null, [], {}),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
    }
  }
  return out;
}

/** A deep copy of `base` with the value at `path` replaced (or a key injected at it). */
function mutate(base: unknown, path: Path, value: unknown, inject: string | undefined): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  if (path.length === 0) return value;
  let at: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) at = at[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (inject !== undefined && typeof at[last] === 'object' && at[last] !== null) {
    Object.defineProperty(at[last], inject, {
      value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  } else at[last] = value;
  return copy;
}

const demoPaths = pathsOf(demoConfig());

const isPlainObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

describe('parseConfig fuzz', () => {
  it('never throws on arbitrary values and never touches the current config', () => {
    fc.assert(
      fc.property(hostileValue, (input) => {
        checkResult(parseConfig(input));
      }),
      { numRuns: 1500, seed: 1 },
    );
    expect(JSON.stringify(current)).toBe(snapshot);
  });

  it('mistyped and injected fields are refused with paths', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...demoPaths),
        hostileValue,
        fc.option(fc.constantFrom(...POLLUTION_KEYS, 'extra'), { nil: undefined }),
        (path, value, inject) => {
          const input = mutate(current, path, value, inject);
          const r = parseConfig(input);
          checkResult(r);
          const r2 = parseConfig(
            JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ??
              'null',
          );
          checkResult(r2);
          // Every object in the document is strict, so an injected key is always refused
          // (arrays keep only their elements, as JSON does).
          const target = path.reduce<unknown>(
            (o, seg) => (o as Record<string | number, unknown>)[seg],
            current,
          );
          if (inject !== undefined && path.length > 0 && isPlainObject(target)) {
            expect(r.ok).toBe(false);
          }
        },
      ),
      { numRuns: 1500, seed: 2 },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(current)).toBe(snapshot);
  });

  it('truncated JSON and TOML text never throw', () => {
    const json = JSON.stringify(current, null, 2);
    const toml = encodeShareFragment(current);
    fc.assert(
      fc.property(fc.nat(json.length), fc.string({ maxLength: 4 }), (cut, tail) => {
        checkResult(parseConfig(json.slice(0, cut) + tail));
        checkResult(parseConfig(json.slice(cut)));
        checkResult(decodeShareFragment(toml.slice(0, Math.min(cut, toml.length)) + tail));
      }),
      { numRuns: 700, seed: 3 },
    );
  });

  it('deeply nested documents are refused quickly with a message', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: LIMITS.maxDepth + 1, max: 100_000 }),
        fc.boolean(),
        (depth, obj) => {
          const open = obj ? '{"a":' : '[';
          const text = `{"version":1,"name":${open.repeat(depth)}`;
          const r = parseConfig(text);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.errors[0]!.message).toMatch(/deeper than/);
          let nested: unknown = 1;
          for (let i = 0; i < depth; i++) nested = obj ? { a: nested } : [nested];
          const r2 = parseConfig({ ...current, name: nested });
          expect(r2.ok).toBe(false);
          const toml = `version = 1\nname = ${'['.repeat(depth)}`;
          checkResult(parseConfig(toml));
        },
      ),
      { numRuns: 40, seed: 4 },
    );
  });

  it('oversized documents are refused by count, length or size', () => {
    const tooLongName = parseConfig({ ...current, name: 'x'.repeat(LIMITS.maxNameLength + 1) });
    expect(tooLongName.ok).toBe(false);
    if (!tooLongName.ok) expect(tooLongName.errors[0]!.path).toBe('name');
    const manyFields = parseConfig({
      ...current,
      messageTypes: [
        {
          typeId: 1,
          name: 'T',
          fields: Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, type: 'u8' })),
        },
      ],
    });
    expect(manyFields).toEqual({
      ok: false,
      errors: [{ path: 'messageTypes[0].fields', message: '65 fields; the limit is 64 per type' }],
    });
    const manyRoutes = parseConfig({
      ...current,
      routes: Array.from({ length: 10_001 }, (_, i) => ({ typeId: i, kernelId: 'aggregator' })),
    });
    expect(manyRoutes.ok).toBe(false);
    const huge = parseConfig(`{"version":1,"name":"${'a'.repeat(LIMITS.maxTextLength)}"}`);
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.errors[0]!.message).toMatch(/2 MiB/);
  });

  it('a hostile getter or proxy cannot make it throw', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    checkResult(parseConfig(trap));
    const getter = { ...demoConfig() };
    Object.defineProperty(getter, 'name', {
      enumerable: true,
      get: () => {
        throw new Error('nope');
      },
    });
    checkResult(parseConfig(getter));
    const cyclic: Record<string, unknown> = { version: 1 };
    cyclic['name'] = cyclic;
    checkResult(parseConfig(cyclic));
  });

  it('returns a fresh object that shares nothing with the input', () => {
    const r = parseConfig(current);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toEqual(current);
    expect(r.config).not.toBe(current);
    r.config.kernels[0]!.queueCapacity = 1;
    r.config.routes.push({ typeId: 77, kernelId: 'aggregator' });
    expect(JSON.stringify(current)).toBe(snapshot);
  });
});
