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

/** Names Windows keeps for devices, even with an extension after them (`con.routes.json`). */
const RESERVED_STEMS = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/;

/**
 * A file name's stem made of `name` (safe on every OS): its letters, marks and digits in any
 * script (`zahlungsströme`, `支付路由`), lower case and NFC, every run of anything else one
 * hyphen, at most 60 code points; `fallback` when nothing is left.
 */
export function fileStem(name: string, fallback: string): string {
  const slug = Array.from(
    name
      .toLowerCase()
      .normalize('NFC')
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
      // Not begun with a hyphen, nor with a mark that has no letter to sit on.
      .replace(/^[-\p{M}]+|-+$/gu, ''),
  )
    .slice(0, 60)
    .join('')
    .replace(/-+$/, '');
  return slug === '' ? fallback : RESERVED_STEMS.test(slug) ? `${slug}-file` : slug;
}

/** A download file name such as `fraud-detection-demo.routes.json`. */
export function exportFileName(config: RouteConfig, format: ExportFormat): string {
  return `${fileStem(config.name, 'workspace')}.${EXTENSIONS[format]}`;
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
