import { stringify as stringifyToml } from 'smol-toml';
import { toRust } from './rust.ts';
import { SCHEMA_URL, type RouteConfig } from './schema.ts';
import { toWgsl } from './wgsl.ts';

/** Export formats of {@link serializeConfig}. */
export type ExportFormat = 'json' | 'toml' | 'rust' | 'wgsl';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'toml', 'rust', 'wgsl'];

function withoutSchema(config: RouteConfig): RouteConfig {
  const { $schema: _ignored, ...rest } = config;
  return rest;
}

/**
 * Writes a config as JSON (pretty, `$schema` first), TOML (with a `#:schema` directive, since
 * TOML has no `$schema` key convention), Rust (see `toRust`) or WGSL (see `toWgsl`). Expects a
 * valid config, such as `parseConfig` returns.
 */
export function serializeConfig(config: RouteConfig, format: ExportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ $schema: SCHEMA_URL, ...withoutSchema(config) }, null, 2)}\n`;
    case 'toml':
      return `#:schema ${SCHEMA_URL}\n${stringifyToml(withoutSchema(config))}`;
    case 'rust':
      return toRust(config);
    case 'wgsl':
      return toWgsl(config);
  }
}

const EXTENSIONS: Record<ExportFormat, string> = {
  json: 'routes.json',
  toml: 'routes.toml',
  rust: 'routes.rs',
  wgsl: 'dispatch.wgsl',
};

/** A download file name such as `fraud-detection-demo.routes.json` (safe on every OS). */
export function exportFileName(config: RouteConfig, format: ExportFormat): string {
  const slug = config.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug === '' ? 'workspace' : slug}.${EXTENSIONS[format]}`;
}

/** MIME type for a download of `format`. */
export function exportMimeType(format: ExportFormat): string {
  switch (format) {
    case 'json':
      return 'application/json';
    case 'toml':
      return 'application/toml';
    case 'rust':
      return 'text/x-rust';
    case 'wgsl':
      return 'text/wgsl';
  }
}
