import { deflateSync, Inflate } from 'fflate';
import { jsonDepthError, parseConfig, type ConfigError } from './parse.ts';
import { formatPath, ROOT_PATH } from './path.ts';
import { GeneratorPresetSchema, LIMITS, type GeneratorPreset, type RouteConfig } from './schema.ts';

/** The fragment key: links look like `https://host/#share=<data>`. */
export const SHARE_PREFIX = 'share=';

export const SHARE_LIMITS = {
  /** Characters of base64url data; browsers keep URLs of a few MB, editors far less. */
  maxEncodedLength: 1_500_000,
  /** Bytes after inflating; a deflate bomb is cut off here, not after it has filled memory. */
  maxInflatedBytes: LIMITS.maxTextLength,
} as const;

/** A decoded share link: the config, and the generator preset when the link carries one. */
export type ShareResult =
  | { ok: true; config: RouteConfig; preset?: GeneratorPreset }
  | { ok: false; errors: ConfigError[] };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += B64[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) out += B64[n & 63]!;
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c = [0, 1, 2, 3].map((j) => (i + j < text.length ? B64.indexOf(text[i + j]!) : 0));
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    out[o++] = n >> 16;
    if (i + 2 < text.length) out[o++] = (n >> 8) & 255;
    if (i + 3 < text.length) out[o++] = n & 255;
  }
  return out.subarray(0, o);
}

/**
 * Encodes a config (and optionally a generator preset) for a URL fragment: JSON, raw deflate,
 * base64url. Returns `share=<data>`; assign it to `location.hash`.
 */
export function encodeShareFragment(config: RouteConfig, preset?: GeneratorPreset): string {
  const { $schema: _ignored, ...doc } = config;
  const payload = preset === undefined ? { v: 1, config: doc } : { v: 1, config: doc, preset };
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  return SHARE_PREFIX + toBase64Url(deflateSync(bytes, { level: 9 }));
}

class TooLarge extends Error {}

function inflateCapped(data: Uint8Array, max: number): Uint8Array | 'too-large' | 'corrupt' {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > max) throw new TooLarge();
    chunks.push(chunk);
  });
  try {
    // Small input steps bound how far past the cap one push can inflate (about 1032:1).
    const step = 4096;
    for (let i = 0; i < data.length; i += step) {
      inflater.push(data.subarray(i, i + step), i + step >= data.length);
    }
    if (data.length === 0) inflater.push(data, true);
  } catch (e) {
    return e instanceof TooLarge ? 'too-large' : 'corrupt';
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const fail = (message: string, path = ROOT_PATH): ShareResult => ({
  ok: false,
  errors: [{ path, message }],
});

/**
 * Decodes `#share=<data>`, `share=<data>` or the bare data. Never throws; applies the same
 * validation as `parseConfig`, with limits on both the encoded and the inflated size.
 */
export function decodeShareFragment(fragment: string): ShareResult {
  try {
    let data = fragment.startsWith('#') ? fragment.slice(1) : fragment;
    if (data.startsWith(SHARE_PREFIX)) data = data.slice(SHARE_PREFIX.length);
    if (data.length > SHARE_LIMITS.maxEncodedLength) {
      return fail(
        `share link is ${data.length} characters; the limit is ${SHARE_LIMITS.maxEncodedLength}`,
      );
    }
    const bytes = fromBase64Url(data);
    if (bytes === undefined) return fail('share link is not valid base64url');
    const inflated = inflateCapped(bytes, SHARE_LIMITS.maxInflatedBytes);
    if (inflated === 'too-large') {
      return fail(`share link inflates past ${SHARE_LIMITS.maxInflatedBytes} bytes; refused`);
    }
    if (inflated === 'corrupt') return fail('share link data is corrupt (not deflate)');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
    } catch {
      return fail('share link data is not UTF-8 text');
    }
    const depth = jsonDepthError(text, LIMITS.maxDepth);
    if (depth !== undefined) return fail(depth);
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return fail('share link data is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return fail('share link data is not a share payload');
    }
    const p = payload as Record<string, unknown>;
    if (p['v'] !== 1) return fail(`unsupported share link version ${JSON.stringify(p['v'])}`);
    const parsed = parseConfig(p['config']);
    if (!parsed.ok) return parsed;
    if (p['preset'] === undefined) return { ok: true, config: parsed.config };
    const preset = GeneratorPresetSchema.safeParse(p['preset']);
    if (!preset.success) {
      return {
        ok: false,
        errors: preset.error.issues.map((i) => ({
          path: formatPath(['preset', ...i.path]),
          message: i.message,
        })),
      };
    }
    return { ok: true, config: parsed.config, preset: preset.data };
  } catch (e) {
    return fail(`could not read the share link: ${e instanceof Error ? e.message : String(e)}`);
  }
}
