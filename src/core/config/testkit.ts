// Test-only helpers (fast-check arbitraries and hostile fixtures). Not exported from index.ts;
// nothing in the app may import this file.
import fc from 'fast-check';
import { demoConfig } from './demo.ts';
import {
  BACKENDS,
  BEHAVIORS,
  CONFIG_VERSION,
  FIELD_TYPES,
  OVERFLOW_POLICIES,
  type FieldDef,
  type GeneratorPreset,
  type KernelDef,
  type MessageTypeDef,
  type RouteConfig,
} from './schema.ts';
import { u64Key } from './u64.ts';

/** Names an attacker might try: markup, code, escapes, keywords, odd Unicode. */
export const HOSTILE_NAMES = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '"; panic!("x"); "',
  '*/ fn evil() {} /*',
  '\\u{0} \\n " \' `',
  'Self',
  'self',
  'type',
  'fn',
  'r#type',
  'KernelId',
  'Result',
  'Vec',
  '__proto__',
  'constructor',
  '123abc',
  '_',
  '🚀 rocket',
  'a-b',
  'a_b',
  'a b',
  'x'.repeat(128),
  '\u2028line\u2029sep',
];

const omitUndefined = <R>(o: object): R =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as R;

const nameArb = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  )
  .filter((s) => /^[^\p{Cc}]+$/u.test(s));

/** A u64 id in canonical form: a number when safe, else a decimal string. */
export const u64IdArb: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer({ min: 0, max: 20_000 }),
  fc.maxSafeNat(),
  fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: (1n << 64n) - 1n }).map(String),
);

const fieldArb: fc.Arbitrary<FieldDef> = fc
  .record({
    name: nameArb,
    type: fc.constantFrom(...FIELD_TYPES),
    size: fc.integer({ min: 1, max: 64 }),
  })
  .map(({ name, type, size }) => (type === 'bytes' ? { name, type, size } : { name, type }));

const typeArb: fc.Arbitrary<MessageTypeDef> = fc
  .record({
    typeId: u64IdArb,
    name: nameArb,
    // Small ids collide often, so kernels get duplicate handler ids RingKernel would drop; the
    // top of the range is the largest id the schema allows (u32::MAX is WGSL's NO_HANDLER).
    handlerId: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constant(4_294_967_294),
      ),
      { nil: undefined },
    ),
    requiresResponse: fc.option(fc.boolean(), { nil: undefined }),
    responseTypeId: fc.option(u64IdArb, { nil: undefined }),
    fields: fc.uniqueArray(fieldArb, { selector: (f) => f.name, maxLength: 8 }),
    description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map((o) => omitUndefined<MessageTypeDef>(o));

const kernelArb: fc.Arbitrary<KernelDef> = fc
  .record({
    id: nameArb,
    queueCapacity: fc.integer({ min: 1, max: 1_048_576 }),
    overflowPolicy: fc.constantFrom(...OVERFLOW_POLICIES),
    tenantId: fc.integer({ min: 0, max: 7 }),
    backend: fc.constantFrom(...BACKENDS),
    behavior: fc.constantFrom(...BEHAVIORS),
    description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  })
  .map((o) => omitUndefined<KernelDef>(o));

const coord = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (x === 0 ? 0 : x));

/** Valid route configs in canonical form (what `parseConfig` returns). */
export const configArb: fc.Arbitrary<RouteConfig> = fc
  .record({
    name: fc.oneof(fc.constant(''), nameArb),
    broker: fc.record({
      maxPendingMessages: fc.integer({ min: 1, max: 1_048_576 }),
      deliveryTimeoutMs: fc.integer({ min: 0, max: 86_400_000 }),
      maxHops: fc.integer({ min: 1, max: 255 }),
      defaultPriority: fc.integer({ min: 0, max: 255 }),
    }),
    // One type per id, as `parseConfig` has it.
    messageTypes: fc.uniqueArray(typeArb, { selector: (t) => u64Key(t.typeId), maxLength: 8 }),
    // No kernels at all is the empty workspace (no routes, no K2K routes).
    kernels: fc.uniqueArray(kernelArb, { selector: (k) => k.id, minLength: 0, maxLength: 6 }),
  })
  .chain((base) => {
    const kernelIds = base.kernels.map((k) => k.id);
    const none = fc.constant([]);
    const kernelIdArb = kernelIds.length > 0 ? fc.constantFrom(...kernelIds) : fc.constant('');
    const typeIds = [...base.messageTypes.map((t) => t.typeId), 9999];
    const routeArb = fc
      .record({
        typeId: fc.oneof(fc.constantFrom(...typeIds), u64IdArb),
        kernelId: kernelIdArb,
        handlerName: fc.option(nameArb, { nil: undefined }),
      })
      .map((o) => omitUndefined<RouteConfig['routes'][number]>(o));
    const presetArb: fc.Arbitrary<GeneratorPreset> = fc.record({
      name: nameArb,
      ratePerSec: fc.double({ min: 0.001, max: 1e6, noNaN: true }),
      pattern: fc.constantFrom('constant' as const, 'poisson' as const, 'bursts' as const),
      mix: fc.array(
        fc.record({
          typeId: fc.constantFrom(...typeIds),
          weight: fc.integer({ min: 0, max: 100 }),
        }),
        { maxLength: 4 },
      ),
      zipfS: fc.double({ min: 0, max: 5, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
      accounts: fc.integer({ min: 1, max: 100_000 }),
      durationMs: fc.integer({ min: 0, max: 600_000 }),
      priority: fc.integer({ min: 0, max: 255 }),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    });
    const layoutKeys = [
      ...base.messageTypes.map((t) => `type:${u64Key(t.typeId)}`),
      ...kernelIds.map((id) => `kernel:${id}`),
    ];
    return fc
      .record({
        routes:
          kernelIds.length === 0
            ? none
            : fc.uniqueArray(routeArb, { selector: (r) => u64Key(r.typeId), maxLength: 10 }),
        k2kRoutes:
          kernelIds.length === 0
            ? none
            : fc.uniqueArray(
                fc.record({
                  dest: kernelIdArb,
                  nextHop: kernelIdArb,
                }),
                { selector: (r) => r.dest, maxLength: kernelIds.length },
              ),
        generatorPresets: fc.option(fc.array(presetArb, { maxLength: 2 }), { nil: undefined }),
        layout: fc.option(
          layoutKeys.length === 0
            ? fc.constant({})
            : fc.dictionary(fc.constantFrom(...layoutKeys), fc.record({ x: coord, y: coord }), {
                maxKeys: layoutKeys.length,
              }),
          { nil: undefined },
        ),
      })
      .map((rest) => omitUndefined({ version: CONFIG_VERSION, ...base, ...rest } as RouteConfig));
  });

/** The demo with hostile names everywhere: kernel ids, type and field names, handler names. */
export function hostileConfig(): RouteConfig {
  const demo = demoConfig();
  const kernels: KernelDef[] = HOSTILE_NAMES.map((id, i) => ({
    ...demo.kernels[i % demo.kernels.length]!,
    id,
    description: `${id}\n*/ "#`,
  }));
  const messageTypes: MessageTypeDef[] = HOSTILE_NAMES.map((name, i) => ({
    typeId: i === 0 ? '18446744073709551615' : 4_294_967_296 * i + 7,
    name,
    handlerId: i,
    requiresResponse: i % 2 === 0,
    responseTypeId: i + 1,
    fields: [
      ...HOSTILE_NAMES.slice(0, 6).map((n, j): FieldDef => ({ name: n, type: FIELD_TYPES[j]! })),
      // Names of their own (payload values go by name) that meet once made identifiers:
      // `type` a keyword, `Type` and the type's own name, made snake case, beside it.
      { name: 'type', type: 'bytes', size: i + 1 },
      { name: 'Type', type: 'bool' },
      // (Its last character swapped where it is the longest name there may be.)
      { name: name.length < 128 ? `${name}!` : `${name.slice(0, -1)}!`, type: 'f64' },
    ],
    description: `${name}\r\n"#; */`,
  }));
  return {
    ...demo,
    name: '<b>hostile</b> "workspace" \\',
    messageTypes,
    kernels,
    routes: [
      ...messageTypes.map((t, i) => ({
        typeId: t.typeId,
        kernelId: kernels[(i * 7) % kernels.length]!.id,
        ...(i % 3 === 0 ? { handlerName: HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length]! } : {}),
      })),
      { typeId: '9223372036854775808', kernelId: kernels[1]!.id },
    ],
    k2kRoutes: kernels.slice(0, 5).map((k, i) => ({ dest: k.id, nextHop: kernels[i + 5]!.id })),
    layout: {},
  };
}
