import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';
import { formatPath, ROOT_PATH, type PathSegment } from './path.ts';
import {
  CONFIG_VERSION,
  FIELD_TYPES,
  LIMITS,
  RouteConfigSchema,
  type GeneratorPreset,
  type MessageTypeDef,
  type RouteConfig,
} from './schema.ts';
import { canonicalU64, isU64, readU64, U64_MAX, u64Key } from './u64.ts';

/** A problem with an imported document, located by a readable path such as `routes[3].typeId`. */
export interface ConfigError {
  path: string;
  message: string;
}

/** The outcome of every import entry point: never a throw. */
export type ParseResult = { ok: true; config: RouteConfig } | { ok: false; errors: ConfigError[] };

/** Text formats accepted by {@link parseConfigText}. */
export type TextFormat = 'json' | 'toml';

/** Most errors listed for one document; the rest are summarised in one line. */
const MAX_ERRORS = 200;

const fail = (errors: ConfigError[]): ParseResult => ({ ok: false, errors: capErrors(errors) });
const one = (path: string, message: string): ParseResult => fail([{ path, message }]);

function capErrors(errors: ConfigError[]): ConfigError[] {
  if (errors.length <= MAX_ERRORS) return errors;
  const rest = errors.length - MAX_ERRORS;
  return [...errors.slice(0, MAX_ERRORS), { path: ROOT_PATH, message: `and ${rest} more errors` }];
}

/** How strict `parseConfig` is where the workbench reads back what it already holds. */
export interface ParseOptions {
  /**
   * `refuse` (the default: imports, share links, Rust, the test API) or `allow` (a workspace
   * saved by an older build, the current workspace as edits change it): there a type id used
   * twice loads, and the Problems panel reports it (`type-id-reused`) for the user to fix, where
   * refused it had set the whole workspace aside as corrupt.
   */
  reusedTypeIds?: 'refuse' | 'allow';
  /** The same for a field name used twice in one type (Problems: `field-name-reused`). */
  reusedFieldNames?: 'refuse' | 'allow';
}

/**
 * Reads a route-config document from an object, JSON text or TOML text, validates it and
 * returns it in canonical form (type ids as numbers when safe, else decimal strings; no
 * `$schema`). Never throws and never mutates `input`.
 */
export function parseConfig(input: unknown, options: ParseOptions = {}): ParseResult {
  try {
    if (typeof input === 'string') return parseConfigText(input, undefined, options);
    const tree = toPlainTree(input);
    return tree.ok ? parseTree(tree.value, options) : fail(tree.errors);
  } catch (e) {
    return one(ROOT_PATH, `could not read the document: ${describe(e)}`);
  }
}

/**
 * Reads a route-config document from text. Without `format`, text whose first non-blank
 * character is `{` is JSON and anything else TOML.
 */
export function parseConfigText(
  text: string,
  format?: TextFormat,
  options: ParseOptions = {},
): ParseResult {
  try {
    if (typeof text !== 'string') return one(ROOT_PATH, 'expected text');
    if (text.length > LIMITS.maxTextLength) {
      return one(
        ROOT_PATH,
        `document is ${text.length} characters; the limit is ${LIMITS.maxTextLength} (2 MiB)`,
      );
    }
    if (/^[\s\uFEFF]*$/.test(text))
      return one(
        ROOT_PATH,
        'the document is empty: a route config is a JSON object or a TOML document',
      );
    const fmt = format ?? detectFormat(text);
    let raw: unknown;
    if (fmt === 'json') {
      const depthError = jsonDepthError(text, LIMITS.maxDepth);
      if (depthError !== undefined) return one(ROOT_PATH, depthError);
      try {
        raw = JSON.parse(text);
      } catch (e) {
        return one(ROOT_PATH, `invalid JSON: ${withLineColumn(describe(e), text)}`);
      }
    } else {
      try {
        raw = parseToml(text, {
          integersAsBigInt: 'asNeeded',
          maxDepth: LIMITS.maxDepth,
          unsafeKeyBehaviour: 'keep',
        });
      } catch (e) {
        // Brackets nested past the limit ("[[[[…") are JSON's, not a TOML table header: the
        // depth limit says so, where "invalid TOML: illegal character in key" named the wrong
        // format (QA).
        const deep = /^[\s\uFEFF]*\[\[\[/.test(text)
          ? jsonDepthError(text, LIMITS.maxDepth)
          : undefined;
        if (deep !== undefined) return one(ROOT_PATH, deep);
        // A comment in the JSON way: TOML's begin with #, and JSON has none (QA: "invalid TOML").
        if (/^[\s\uFEFF]*(?:\/\/|\/\*)/.test(text))
          return one(
            ROOT_PATH,
            "the document starts with a // or /* */ comment, which neither format allows: JSON has no comments and TOML's start with #; remove it",
          );
        // JSON that is no object ("[1,2,3]") is not TOML either; say what it is.
        const json = jsonKind(text);
        if (json !== null)
          return one(
            ROOT_PATH,
            `the document is JSON, but ${json}: a route config is a JSON object ({ "version": 1, … }) or a TOML document`,
          );
        return one(ROOT_PATH, `invalid TOML: ${tomlWhy(e, text)}`);
      }
    }
    const tree = toPlainTree(raw);
    return tree.ok ? parseTree(tree.value, options) : fail(tree.errors);
  } catch (e) {
    return one(ROOT_PATH, `could not read the document: ${describe(e)}`);
  }
}

/** What a JSON text that is not an object holds ("an array"), or null when it is not JSON. */
function jsonKind(text: string): string | null {
  if (jsonDepthError(text, LIMITS.maxDepth) !== undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? null : `a ${typeof v}`;
}

/** Guesses the text format: JSON documents are objects, so they start with `{`. */
export function detectFormat(text: string): TextFormat {
  const m = /^[\s\uFEFF]*(\S)/.exec(text);
  return m?.[1] === '{' ? 'json' : 'toml';
}

/** What an error at a text's end adds: a file cut short ends in one. */
const CUT_SHORT = ': the text ends there, it may be cut short';

/**
 * The text without the white space at its end, JSON's and TOML's own only: a trailing no-break
 * space or BOM is an error of its own, not the end.
 */
const withoutTrailingSpace = (text: string) => text.replace(/[ \t\n\r]+$/, '');

/**
 * A JSON error "at position 1234" with the line and column too, which is what an editor shows
 * (some engines say it themselves: then the message is left as it is).
 */
export function withLineColumn(message: string, text: string): string {
  const where = (at: number) => {
    const before = text.slice(0, at);
    return `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
  };
  // Cut short: "Unexpected end of JSON input" names no position, and the end is the place.
  if (/^Unexpected end of JSON input/.test(message))
    return `${message} (the text ends at ${where(text.length)}: it may be cut short)`;
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const at = Math.min(Number(m[1]), text.length);
  // At the text's end (nothing but white space after): a file cut short, whatever the parser
  // expected there. Cut mid-object it said "Expected ',' or '}' after property value … (line 138
  // column 4)" of a 137-line file, and nothing of an end (QA).
  const cut = at >= withoutTrailingSpace(text).length ? CUT_SHORT : '';
  if (/line \d+/.test(message)) return `${message}${cut}`;
  return `${message} (${where(at)})${cut}`;
}

/**
 * A TOML error as one line with its place: smol-toml's "Invalid TOML document: expected end of
 * table array declaration" and a code frame ("42:  [[messageTypes]" and a caret) had read
 * "invalid TOML: Invalid TOML document: … 42: [[messageTypes] ^" on one line (QA). Where the
 * place is the text's last line, it may be cut short, as a JSON error says.
 */
function tomlWhy(e: unknown, text: string): string {
  if (!(e instanceof Error)) return describe(e);
  const why = e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
  const { line, column } = e as { line?: unknown; column?: unknown };
  if (typeof line !== 'number' || typeof column !== 'number') return describe(new Error(why));
  // Cut short: the place is the text's end, or its last line holds something left open (smol-toml
  // puts an unfinished string's error at its start). A plain typo on the last line is not a cut.
  const body = withoutTrailingSpace(text);
  const lines = body.split('\n');
  const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const open = /unfinished|cannot find end|end of table|unterminated|eof/i.test(why);
  const cut = at >= body.length || (line >= lines.length && open) ? CUT_SHORT : '';
  return `${describe(new Error(why))} (line ${line}, column ${column})${cut}`;
}

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.length > 300 ? `${msg.slice(0, 300)}...` : msg;
}

/**
 * Scans JSON text for bracket depth without parsing, so a megabyte of `[` is refused in one
 * linear pass before JSON.parse builds anything.
 */
export function jsonDepthError(text: string, maxDepth: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) {
        return `document nests deeper than ${maxDepth} levels (at character ${i})`;
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}

type TreeResult = { ok: true; value: unknown } | { ok: false; errors: ConfigError[] };

interface Pending {
  src: unknown;
  depth: number;
  path: PathSegment[];
  put: (v: unknown) => void;
}

/**
 * Copies `input` into fresh plain data (objects, arrays, strings, finite numbers, booleans,
 * null) with an explicit stack, enforcing depth and size limits. Undefined properties are
 * dropped, bigints become decimal strings, and every key (`__proto__` included) becomes an own
 * property, so later stages see neither the caller's objects nor prototype tricks.
 */
function toPlainTree(input: unknown): TreeResult {
  const errors: ConfigError[] = [];
  let result: unknown;
  let nodes = 0;
  const stack: Pending[] = [{ src: input, depth: 0, path: [], put: (v) => (result = v) }];
  while (stack.length > 0) {
    const { src, depth, path, put } = stack.pop()!;
    if (++nodes > LIMITS.maxNodes) {
      return {
        ok: false,
        errors: [{ path: ROOT_PATH, message: `document has more than ${LIMITS.maxNodes} values` }],
      };
    }
    if (src === null || typeof src === 'boolean' || typeof src === 'number') {
      put(src);
      continue;
    }
    if (typeof src === 'string') {
      if (src.length > LIMITS.maxTextLength) {
        errors.push({ path: formatPath(path), message: 'string is longer than the 2 MiB limit' });
      } else put(src);
      continue;
    }
    if (typeof src === 'bigint') {
      if (src < 0n || src > U64_MAX) {
        errors.push({ path: formatPath(path), message: `integer ${src} is outside u64` });
      } else put(src.toString());
      continue;
    }
    if (typeof src !== 'object') {
      errors.push({ path: formatPath(path), message: `unsupported value of type ${typeof src}` });
      continue;
    }
    if (depth >= LIMITS.maxDepth) {
      return {
        ok: false,
        errors: [
          {
            path: formatPath(path),
            message: `document nests deeper than ${LIMITS.maxDepth} levels`,
          },
        ],
      };
    }
    if (Array.isArray(src)) {
      if (src.length > LIMITS.maxNodes) {
        return {
          ok: false,
          errors: [{ path: formatPath(path), message: `array is too long (${src.length})` }],
        };
      }
      const out: unknown[] = new Array<unknown>(src.length);
      put(out);
      for (let i = src.length - 1; i >= 0; i--) {
        stack.push({ src: src[i], depth: depth + 1, path: [...path, i], put: (v) => (out[i] = v) });
      }
      continue;
    }
    const tag = Object.prototype.toString.call(src);
    if (tag !== '[object Object]') {
      errors.push({ path: formatPath(path), message: `unsupported value ${tag}` });
      continue;
    }
    const out: Record<string, unknown> = {};
    put(out);
    const keys = Object.keys(src);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const value: unknown = (src as Record<string, unknown>)[key];
      if (value === undefined) continue;
      stack.push({
        src: value,
        depth: depth + 1,
        path: [...path, key],
        put: (v) =>
          Object.defineProperty(out, key, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          }),
      });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: result };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const COUNT_LIMITS: readonly [key: string, limit: number, what: string][] = [
  ['messageTypes', LIMITS.maxTypes, 'message types'],
  ['kernels', LIMITS.maxKernels, 'kernels'],
  ['routes', LIMITS.maxRoutes, 'routes'],
  ['k2kRoutes', LIMITS.maxK2kRoutes, 'K2K routes'],
  ['generatorPresets', LIMITS.maxPresets, 'generator presets'],
];

function parseTree(tree: unknown, options: ParseOptions): ParseResult {
  if (!isRecord(tree)) return one(ROOT_PATH, 'expected a route-config object');
  const version = tree['version'];
  /**
   * `first`, then the document's other problems, read as the current version: a document that is
   * not a route config at all gets its unknown and missing keys, not one line, and "version": "1"
   * had hidden the four other problems of its document (QA).
   */
  const withTheRest = (first: ConfigError): ParseResult => {
    const rest = parseTree({ ...tree, version: CONFIG_VERSION }, options);
    return fail(rest.ok ? [first] : [first, ...rest.errors]);
  };
  if (version === undefined)
    return withTheRest({
      path: 'version',
      message: `missing; this workbench reads version ${CONFIG_VERSION} documents`,
    });
  if (typeof version === 'number' && Number.isInteger(version) && version > CONFIG_VERSION) {
    return one(
      'version',
      `version ${version} is newer than this workbench understands (${CONFIG_VERSION})`,
    );
  }
  if (version !== CONFIG_VERSION)
    return withTheRest({
      path: 'version',
      message: `unsupported version ${JSON.stringify(version)}; expected ${CONFIG_VERSION}`,
    });
  // Counts first: a 10^6-element array is refused before the schema walks it.
  const countErrors: ConfigError[] = [];
  for (const [key, limit, what] of COUNT_LIMITS) {
    const arr = tree[key];
    if (Array.isArray(arr) && arr.length > limit) {
      countErrors.push({ path: key, message: `${arr.length} ${what}; the limit is ${limit}` });
    }
  }
  const types = tree['messageTypes'];
  if (Array.isArray(types)) {
    types.forEach((t, i) => {
      const fields = isRecord(t) ? t['fields'] : undefined;
      if (Array.isArray(fields) && fields.length > LIMITS.maxFieldsPerType) {
        countErrors.push({
          path: `messageTypes[${i}].fields`,
          message: `${fields.length} fields; the limit is ${LIMITS.maxFieldsPerType} per type`,
        });
      }
    });
  }
  const layout = tree['layout'];
  if (isRecord(layout) && Object.keys(layout).length > LIMITS.maxLayoutEntries) {
    countErrors.push({ path: 'layout', message: `more than ${LIMITS.maxLayoutEntries} entries` });
  }
  if (countErrors.length > 0) return fail(countErrors);

  const parsed = RouteConfigSchema.safeParse(tree, { error: plainMessage });
  // zod's record drops a `__proto__` key without a word (it guards its output's prototype).
  const semantic = [
    ...(isRecord(layout) && Object.hasOwn(layout, '__proto__')
      ? [{ path: formatPath(['layout', '__proto__']), message: LAYOUT_KEY_MESSAGE }]
      : []),
    ...semanticErrors(tree, options),
  ];
  if (!parsed.success) {
    // The cross-checks are listed with the schema's errors, so one import shows everything to
    // fix; a path the schema already flagged is not flagged twice.
    const structural = tightest(parsed.error.issues).map(issueToError);
    const flagged = new Set(structural.map((e) => e.path));
    return fail([...structural, ...semantic.filter((e) => !flagged.has(e.path))]);
  }
  if (semantic.length > 0) return fail(semantic);
  return { ok: true, config: canonicalize(parsed.data) };
}

const LAYOUT_KEY_MESSAGE =
  'not a layout key: keys are "type:<type id>" or "kernel:<kernel id>", without control, bidirectional or invisible characters';

/** A value's kind in words, for "expected a number, got text". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return 'text';
    case 'number':
      // 1e309 in JSON reads as Infinity: "expected a number, got a number" said nothing.
      return Number.isFinite(v)
        ? 'a number'
        : Number.isNaN(v)
          ? 'NaN, not a number'
          : 'a number too large to hold (it reads as infinity)';
    case 'boolean':
      return 'true/false';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/**
 * The words for the schema's own checks where it names none ("Too small: expected number to be
 * >=1" read as a validator's, not the workbench's): a per-parse error map, so the messages the
 * schema gives itself (names, handler ids) stay as they are.
 */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const n = (v: unknown) =>
    typeof v === 'number' || typeof v === 'bigint' ? Number(v).toLocaleString('en-US') : String(v);
  switch (issue.code) {
    case 'too_small': {
      const min = n(issue.minimum);
      if (issue.origin === 'string') return `must be at least ${min} characters long`;
      if (issue.origin === 'array') return `must have at least ${min} entries`;
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = n(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters long`;
      if (issue.origin === 'array') return `must have at most ${max} entries`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    // The layout's keys, the one record ("Invalid key in record" said nothing of what is valid).
    case 'invalid_key':
      return LAYOUT_KEY_MESSAGE;
    case 'invalid_type': {
      const want = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.expected === 'int') return `must be a whole number, got ${kindOf(issue.input)}`;
      return issue.input === undefined
        ? `missing: expected ${want}`
        : `expected ${want}, got ${kindOf(issue.input)}`;
    }
    case 'invalid_value': {
      const one = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return issue.input === undefined ? `missing: expected ${one}` : `must be ${one}`;
    }
    default:
      return undefined;
  }
}

/**
 * The schema's issues, once each: of two limits a number broke at one path (a safe integer's and
 * the field's own) the tighter, and an issue said twice (the u64 check) once. "must be at most
 * 9,007,199,254,740,991" had come before "must be at most 86,400,000" for the same value.
 */
function tightest(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  const at = new Map<string, number>();
  for (const issue of issues) {
    const bound = issue.code === 'too_big' || issue.code === 'too_small';
    const key = `${formatPath(issue.path)}\u0000${issue.code}${bound ? '' : `\u0000${issue.message}`}`;
    const j = at.get(key);
    if (j === undefined) {
      at.set(key, out.length);
      out.push(issue);
      continue;
    }
    const kept = out[j]!;
    if (issue.code === 'too_big' && kept.code === 'too_big') {
      if (Number(issue.maximum) < Number(kept.maximum)) out[j] = issue;
    } else if (issue.code === 'too_small' && kept.code === 'too_small') {
      if (Number(issue.minimum) > Number(kept.minimum)) out[j] = issue;
    }
  }
  return out;
}

function issueToError(issue: z.core.$ZodIssue): ConfigError {
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return { path: formatPath(issue.path), message };
}

/** The objects of the array `tree[key]`, each with its index (anything else is the schema's to flag). */
function records(tree: Record<string, unknown>, key: string): [Record<string, unknown>, number][] {
  const arr = tree[key];
  if (!Array.isArray(arr)) return [];
  const out: [Record<string, unknown>, number][] = [];
  arr.forEach((v: unknown, i) => {
    if (isRecord(v)) out.push([v, i]);
  });
  return out;
}

const FIELD_TYPE_NAMES: ReadonlySet<unknown> = new Set(FIELD_TYPES);

/**
 * The checks across entries that the schema cannot make: unique kernel and type ids, one route per type,
 * routes and next hops to known kernels, bytes sizes. They read the document as it is, before
 * or without a valid schema parse, so each check looks only at values of the right kind; a
 * kernel whose id is a string counts as known even when its other keys are wrong, so no route is
 * flagged for a mistake elsewhere.
 */
function semanticErrors(tree: Record<string, unknown>, options: ParseOptions): ConfigError[] {
  const errors: ConfigError[] = [];
  const kernelAt = new Map<string, number>();
  for (const [k, i] of records(tree, 'kernels')) {
    const id = k['id'];
    if (typeof id !== 'string') continue;
    const prev = kernelAt.get(id);
    if (prev !== undefined) {
      errors.push({
        path: `kernels[${i}].id`,
        message: `duplicate kernel id ${JSON.stringify(id)} (also kernels[${prev}])`,
      });
    } else kernelAt.set(id, i);
  }
  const knownKernel = (path: string, id: unknown): void => {
    if (typeof id === 'string' && !kernelAt.has(id)) {
      errors.push({ path, message: `no kernel with id ${JSON.stringify(id)}` });
    }
  };
  // One type per id, as one kernel per id: a second type with a taken id had been imported as
  // a problem, drawn as one node (the later type's name over the first's form) and edited as the
  // first, and the engine routes by id, so it could never receive a message of its own.
  const typeAt = new Map<string, [number, unknown]>();
  for (const [t, i] of records(tree, 'messageTypes')) {
    if (options.reusedTypeIds !== 'allow' && isU64(t['typeId'])) {
      const key = u64Key(t['typeId']);
      const prev = typeAt.get(key);
      if (prev !== undefined) {
        const [at, name] = prev;
        errors.push({
          path: `messageTypes[${i}].typeId`,
          message: `type id ${key} is already used by messageTypes[${at}]${typeof name === 'string' ? ` (${JSON.stringify(name)})` : ''}; each message type needs its own id`,
        });
      } else typeAt.set(key, [i, t['name']]);
    }
    const fieldAt = new Map<string, number>();
    for (const [f, j] of records(t, 'fields')) {
      const name = f['name'];
      if (options.reusedFieldNames !== 'allow' && typeof name === 'string') {
        const prev = fieldAt.get(name);
        // Payload values go by field name: the second of two could never be set, and the Rust
        // export had renamed it (account_2).
        if (prev !== undefined)
          errors.push({
            path: `messageTypes[${i}].fields[${j}].name`,
            message: `field name ${JSON.stringify(name)} is already used by fields[${prev}]; each field of a type needs its own name`,
          });
        else fieldAt.set(name, j);
      }
      const type = f['type'];
      if (!FIELD_TYPE_NAMES.has(type)) continue;
      const path = `messageTypes[${i}].fields[${j}].size`;
      if (type === 'bytes' && f['size'] === undefined) {
        errors.push({ path, message: 'a bytes field needs a size (1 to 65536)' });
      } else if (type !== 'bytes' && f['size'] !== undefined) {
        errors.push({ path, message: `size applies only to bytes fields, not ${String(type)}` });
      }
    }
  }
  const routeAt = new Map<string, number>();
  for (const [r, i] of records(tree, 'routes')) {
    if (isU64(r['typeId'])) {
      const key = u64Key(r['typeId']);
      const prev = routeAt.get(key);
      if (prev !== undefined) {
        errors.push({
          path: `routes[${i}].typeId`,
          message: `type id ${key} already has a route (routes[${prev}]); a type has at most one route`,
        });
      } else routeAt.set(key, i);
    }
    knownKernel(`routes[${i}].kernelId`, r['kernelId']);
  }
  const destAt = new Map<string, number>();
  for (const [r, i] of records(tree, 'k2kRoutes')) {
    const dest = r['dest'];
    knownKernel(`k2kRoutes[${i}].dest`, dest);
    knownKernel(`k2kRoutes[${i}].nextHop`, r['nextHop']);
    if (typeof dest !== 'string') continue;
    const prev = destAt.get(dest);
    if (prev !== undefined) {
      errors.push({
        path: `k2kRoutes[${i}].dest`,
        message: `${JSON.stringify(dest)} already has a next hop (k2kRoutes[${prev}])`,
      });
    } else destAt.set(dest, i);
  }
  return errors;
}

function canonicalType(t: MessageTypeDef): MessageTypeDef {
  return {
    typeId: canonicalU64(t.typeId),
    name: t.name,
    ...(t.handlerId !== undefined ? { handlerId: t.handlerId } : {}),
    ...(t.requiresResponse !== undefined ? { requiresResponse: t.requiresResponse } : {}),
    ...(t.responseTypeId !== undefined ? { responseTypeId: canonicalU64(t.responseTypeId) } : {}),
    fields: t.fields.map((f) =>
      f.size === undefined
        ? { name: f.name, type: f.type }
        : { name: f.name, type: f.type, size: f.size },
    ),
    ...(t.description !== undefined ? { description: t.description } : {}),
  };
}

function canonicalPreset(p: GeneratorPreset): GeneratorPreset {
  return { ...p, mix: p.mix.map((m) => ({ typeId: canonicalU64(m.typeId), weight: m.weight })) };
}

/** Puts a schema-valid config into canonical form: key order, u64 ids, layout keys. */
export function canonicalize(c: RouteConfig): RouteConfig {
  const out: RouteConfig = {
    version: CONFIG_VERSION,
    name: c.name,
    broker: { ...c.broker },
    messageTypes: c.messageTypes.map(canonicalType),
    kernels: c.kernels.map((k) => ({ ...k })),
    routes: c.routes.map((r) => ({ ...r, typeId: canonicalU64(r.typeId) })),
    k2kRoutes: c.k2kRoutes.map((r) => ({ dest: r.dest, nextHop: r.nextHop })),
  };
  if (c.generatorPresets !== undefined)
    out.generatorPresets = c.generatorPresets.map(canonicalPreset);
  if (c.layout !== undefined) {
    const layout: Record<string, { x: number; y: number }> = {};
    for (const [key, p] of Object.entries(c.layout)) {
      layout[canonicalLayoutKey(key)] = { x: p.x, y: p.y };
    }
    out.layout = layout;
  }
  return out;
}

function canonicalLayoutKey(key: string): string {
  if (!key.startsWith('type:')) return key;
  const id = readU64(key.slice(5));
  return id === undefined ? key : `type:${id.toString()}`;
}
