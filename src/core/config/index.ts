export {
  CONFIG_VERSION,
  SCHEMA_URL,
  LIMITS,
  INVISIBLE_CHARS,
  nameCharsProblem,
  showUnseen,
  FIELD_TYPES,
  OVERFLOW_POLICIES,
  BACKENDS,
  BEHAVIORS,
  RouteConfigSchema,
  GeneratorPresetSchema,
  fieldByteSize,
  MAX_HANDLER_ID,
  payloadSize,
} from './schema.ts';
export type {
  RouteConfig,
  FieldType,
  FieldDef,
  MessageTypeDef,
  KernelDef,
  RouteDef,
  K2kRouteDef,
  BrokerSettings,
  GeneratorPreset,
  OverflowPolicy,
  Backend,
  Behavior,
  U64Id,
} from './schema.ts';
export { demoConfig } from './demo.ts';
export {
  parseConfig,
  parseConfigText,
  detectFormat,
  canonicalize,
  withLineColumn,
} from './parse.ts';
export type { ConfigError, ParseOptions, ParseResult, TextFormat } from './parse.ts';
export { formatPath, ROOT_PATH } from './path.ts';
export { readU64, isU64, canonicalU64, u64Key, U64_MAX } from './u64.ts';
export { validateWorkspace } from './validate.ts';
export type { Problem, ProblemCode, ProblemTarget } from './validate.ts';
export {
  serializeConfig,
  exportFileName,
  fileStem,
  exportMimeType,
  EXPORT_FORMATS,
} from './serialize.ts';
export type { ExportFormat } from './serialize.ts';
export { toRust, rustString } from './rust.ts';
export { toWgsl } from './wgsl.ts';
export { diffConfigs } from './diff.ts';
export type { ConfigDiff, EntityChange, FieldChange } from './diff.ts';
export { encodeShareFragment, decodeShareFragment, SHARE_PREFIX, SHARE_LIMITS } from './share.ts';
export type { ShareResult } from './share.ts';
export { routeConfigJsonSchema } from './jsonSchema.ts';
