import { z } from 'zod';
import { HOST_KERNEL, HOST_KERNEL_RESERVED } from '../host.ts';
import { LIMITS } from './limits.ts';
import { isU64 } from './u64.ts';

// The workbench runs under a CSP without eval: never let zod probe for or use its JIT.
z.config({ jitless: true });

/** The route-config document version this workbench reads and writes. */
export const CONFIG_VERSION = 1;

/** Where exported files point editors for validation; served beside the app. */
export const SCHEMA_URL = './route-config.schema.json';

export { LIMITS } from './limits.ts';

/**
 * Decimal strings of 1 to 20 digits whose value fits u64 (at most 18446744073709551615), as a
 * pattern every JSON Schema validator can check: any 19 digits, or 20 digits that are not more
 * than u64::MAX digit by digit.
 */
function decimalAtMostPattern(max: string): string {
  const alts = [`[0-9]{1,${max.length - 1}}`];
  for (let i = 0; i < max.length; i++) {
    const d = Number(max[i]);
    const rest = max.length - i - 1;
    if (d === 0) continue;
    const lower = d === 1 ? '0' : `[0-${d - 1}]`;
    alts.push(`${max.slice(0, i)}${lower}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  alts.push(max);
  return `^(?:${alts.join('|')})$`;
}
const U64_DECIMAL = new RegExp(decimalAtMostPattern('18446744073709551615'));

// Character classes as code-point ranges rather than \p{Cc} / \p{Cs}: Unicode property escapes
// are ECMAScript-only, and validators in other languages (Python's jsonschema, for one) refuse
// the schema over them. Cc is U+0000-U+001F and U+007F-U+009F; Cs (surrogates) U+D800-U+DFFF.
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
const SURROGATE = '\\ud800-\\udfff';
// Bidi_Control: embeddings, overrides and isolates, the marks. In a name they reorder what is shown
// ("\u202Ekcatta_rossecorp" reads "processor_attack"; Trojan Source), so names refuse them, as
// rustc refuses them in literals. Right-to-left letters are fine.
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
// Invisible: the soft hyphen, zero-width space, word joiner and invisible operators, the BOM. In a
// name they make one that looks like another ("fraud_proc\u200Bessor" beside "fraud_processor",
// QA). ZWNJ and ZWJ stay: scripts and emoji sequences need them.
const INVISIBLE = '\\u00ad\\u180e\\u200b\\u2060-\\u2064\\ufeff';
/** Every character names refuse, as a class's contents: controls, bidi, invisible, surrogates. */
const REFUSED = `${CONTROL}${BIDI}${INVISIBLE}${SURROGATE}`;
const NAME_CHARS = new RegExp(`^[^${REFUSED}]*$`, 'u');
/**
 * Every invisible character names refuse (a workspace saved before they were refused is loaded
 * with them taken out: `mendStored` in src/state/persistence.ts).
 */
export const INVISIBLE_CHARS = new RegExp(`[${INVISIBLE}]`, 'gu');
/** One character of those names refuse (controls, bidi controls, invisible ones, a lone surrogate). */
const UNSEEN_CHAR = new RegExp(`[${REFUSED}]`, 'gu');
/** A UTF-16 code unit's number in four hex digits: `200b` for a zero-width space. */
const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * `text` with the characters names refuse written as `\u200b` escapes, so a path or a message
 * quoting it shows what it names: raw, a zero-width space read "fraudprocessor", and U+202E
 * turned the rest of the message around.
 */
export function showUnseen(text: string): string {
  return text.replace(UNSEEN_CHAR, (c) => `\\u${hex4(c)}`);
}
const NAME_CHARS_MESSAGE =
  'names must not contain control characters, bidirectional text controls (such as U+202E), invisible characters (such as U+200B, a zero-width space) or unpaired surrogates';

/**
 * Why a name or id is refused for its characters ("must not contain control characters, …"), or
 * null: what an edit says at its field, as an import says it at its path.
 */
export function nameCharsProblem(text: string): string | null {
  // Which one, and where (by code points): with a zero-width space the box looks like the name
  // it imitates.
  const points = [...text];
  const at = points.findIndex((c) => c.replace(UNSEEN_CHAR, '') === '');
  if (at < 0) return null;
  const here = `U+${hex4(points[at]!).toUpperCase()}, character ${at + 1}`;
  return `${NAME_CHARS_MESSAGE.replace(/^names /, '')} (here ${here})`;
}

const U64_MESSAGE =
  'expected a u64: a non-negative integer up to 9007199254740991 as a number, or a decimal string up to 18446744073709551615';

/** A u64 id: a JSON number when it is a safe integer, else a decimal string. */
export const U64IdSchema = z.union(
  [
    z
      .number()
      .int({ error: U64_MESSAGE })
      .min(0, { error: U64_MESSAGE })
      .max(Number.MAX_SAFE_INTEGER, { error: U64_MESSAGE }),
    // One message, not the pattern's 700 characters of regular expression.
    z
      .string()
      .regex(U64_DECIMAL, { error: U64_MESSAGE })
      .refine((s) => isU64(s), { error: U64_MESSAGE, abort: true }),
  ],
  { error: U64_MESSAGE },
);

const u8 = z.number().int().min(0).max(255);
const u32 = z.number().int().min(0).max(4_294_967_295);
/** Largest handler id: u32::MAX is the WGSL export's `NO_HANDLER`, so no handler may have it. */
export const MAX_HANDLER_ID = 4_294_967_294;
const handlerId = z
  .number()
  .int()
  .min(0)
  .max(MAX_HANDLER_ID, {
    message: `handler ids go up to ${MAX_HANDLER_ID}; 4294967295 (u32::MAX) is NO_HANDLER in the WGSL export`,
  });
// Names are data: hostile markup is allowed (the UI renders text), control characters are not.
const name = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(LIMITS.maxNameLength)
  // `*`, not `+`: an empty name is the length check's to flag, once, not also this one's.
  .regex(NAME_CHARS, { message: NAME_CHARS_MESSAGE });
// Unpaired surrogates cannot be written as UTF-8, so they would not survive an export.
const description = z
  .string()
  .max(LIMITS.maxDescriptionLength)
  .regex(new RegExp(`^[^${SURROGATE}]*$`, 'u'), {
    message: 'text must not contain unpaired surrogates',
  });
/** A kernel id: a name other than the host's (the JSON Schema says so with `not: { const }`). */
export const KernelIdSchema = name.refine((s) => s !== HOST_KERNEL, {
  message: HOST_KERNEL_RESERVED,
});
const kernelId = KernelIdSchema;

export const FIELD_TYPES = [
  'u8',
  'u16',
  'u32',
  'u64',
  'i32',
  'i64',
  'f32',
  'f64',
  'bool',
  'bytes',
] as const;

export const FieldSchema = z.strictObject({
  name,
  type: z.enum(FIELD_TYPES),
  /** Byte length; required for `bytes`, not allowed otherwise. */
  size: z.number().int().min(1).max(LIMITS.maxBytesFieldSize).exactOptional(),
});

export const MessageTypeSchema = z.strictObject({
  typeId: U64IdSchema,
  name,
  handlerId: handlerId.exactOptional(),
  requiresResponse: z.boolean().exactOptional(),
  responseTypeId: U64IdSchema.exactOptional(),
  fields: z.array(FieldSchema).max(LIMITS.maxFieldsPerType),
  description: description.exactOptional(),
});

export const OVERFLOW_POLICIES = ['reject', 'dropOldest', 'deadLetter'] as const;
export const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;
export const BEHAVIORS = ['fraud', 'aggregator', 'pattern', 'generic'] as const;

export const KernelSchema = z.strictObject({
  id: kernelId,
  queueCapacity: z.number().int().min(1).max(LIMITS.maxQueueCapacity),
  overflowPolicy: z.enum(OVERFLOW_POLICIES),
  tenantId: u32,
  backend: z.enum(BACKENDS),
  behavior: z.enum(BEHAVIORS),
  description: description.exactOptional(),
});

export const RouteSchema = z.strictObject({
  typeId: U64IdSchema,
  kernelId,
  handlerName: name.exactOptional(),
});

export const K2kRouteSchema = z.strictObject({
  dest: kernelId,
  nextHop: kernelId,
});

export const BrokerSchema = z.strictObject({
  maxPendingMessages: z.number().int().min(1).max(LIMITS.maxQueueCapacity),
  deliveryTimeoutMs: z.number().int().min(0).max(86_400_000),
  maxHops: z.number().int().min(1).max(255),
  defaultPriority: u8,
});

export const GeneratorPresetSchema = z.strictObject({
  name,
  // The engine's own limits: a preset outside them had imported and then refused to start.
  ratePerSec: z.number().positive().max(LIMITS.maxGeneratorRate),
  pattern: z.enum(['constant', 'poisson', 'bursts']),
  mix: z
    .array(z.strictObject({ typeId: U64IdSchema, weight: z.number().min(0).max(1_000_000) }))
    .max(LIMITS.maxMixEntries),
  zipfS: z.number().min(0).max(100),
  accounts: z.number().int().min(1).max(LIMITS.maxGeneratorAccounts),
  durationMs: z.number().int().min(0).max(86_400_000),
  priority: u8,
  seed: u32,
});

export const LayoutPointSchema = z.strictObject({ x: z.number(), y: z.number() });

/** The route-config document, version 1. Defined once; the JSON Schema is generated from it. */
export const RouteConfigSchema = z.strictObject({
  $schema: z.string().max(1024).exactOptional(),
  version: z.literal(CONFIG_VERSION),
  name: z.string().max(LIMITS.maxNameLength).regex(NAME_CHARS, { message: NAME_CHARS_MESSAGE }),
  broker: BrokerSchema,
  messageTypes: z.array(MessageTypeSchema).max(LIMITS.maxTypes),
  kernels: z.array(KernelSchema).max(LIMITS.maxKernels),
  routes: z.array(RouteSchema).max(LIMITS.maxRoutes),
  k2kRoutes: z.array(K2kRouteSchema).max(LIMITS.maxK2kRoutes),
  generatorPresets: z.array(GeneratorPresetSchema).max(LIMITS.maxPresets).exactOptional(),
  // Keys are `type:<id>` or `kernel:<id>`, the id without the characters names refuse (a key
  // with them names no node). zod's record skips a `__proto__` key without a word: `parseTree`
  // refuses it first.
  layout: z
    .record(z.string().regex(new RegExp(`^(type|kernel):[^${REFUSED}]+$`, 'u')), LayoutPointSchema)
    .exactOptional(),
});

export type RouteConfig = z.infer<typeof RouteConfigSchema>;
export type FieldType = (typeof FIELD_TYPES)[number];
export type FieldDef = z.infer<typeof FieldSchema>;
export type MessageTypeDef = z.infer<typeof MessageTypeSchema>;
export type KernelDef = z.infer<typeof KernelSchema>;
export type RouteDef = z.infer<typeof RouteSchema>;
export type K2kRouteDef = z.infer<typeof K2kRouteSchema>;
export type BrokerSettings = z.infer<typeof BrokerSchema>;
export type GeneratorPreset = z.infer<typeof GeneratorPresetSchema>;
export type OverflowPolicy = (typeof OVERFLOW_POLICIES)[number];
export type Backend = (typeof BACKENDS)[number];
export type Behavior = (typeof BEHAVIORS)[number];
/** A u64 id as the document writes it. */
export type U64Id = number | string;

/** Byte width of a fixed-size field type; `bytes` takes its `size`. */
export function fieldByteSize(field: FieldDef): number {
  switch (field.type) {
    case 'u8':
    case 'bool':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'i32':
    case 'f32':
      return 4;
    case 'u64':
    case 'i64':
    case 'f64':
      return 8;
    case 'bytes':
      return field.size ?? 0;
  }
}

/** Payload size of a message type: its fields packed little-endian without padding. */
export function payloadSize(type: MessageTypeDef): number {
  return type.fields.reduce((sum, f) => sum + fieldByteSize(f), 0);
}
