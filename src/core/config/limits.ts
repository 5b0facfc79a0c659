// Plain numbers, no zod: the engine's workers import these too.

/** Limits enforced on every import, checked before any expensive work. */
export const LIMITS = {
  /** Text documents (JSON, TOML, decompressed share links), in UTF-16 code units. */
  maxTextLength: 2 * 1024 * 1024,
  /** Object/array nesting. The deepest valid document nests 4 levels. */
  maxDepth: 32,
  /** Values (objects, arrays, scalars) in one document. */
  maxNodes: 1_000_000,
  maxTypes: 10_000,
  maxKernels: 1_000,
  maxRoutes: 10_000,
  maxK2kRoutes: 1_000,
  maxFieldsPerType: 64,
  maxPresets: 100,
  maxMixEntries: 10_000,
  maxLayoutEntries: 11_000,
  maxNameLength: 128,
  maxDescriptionLength: 4_096,
  maxQueueCapacity: 1_048_576,
  maxBytesFieldSize: 65_536,
  /** A generator's messages/s (presets, the Generator form, the engine's own check). */
  maxGeneratorRate: 50_000_000,
  /** A generator's Zipf-skewed account ids. */
  maxGeneratorAccounts: 10_000_000,
} as const;
