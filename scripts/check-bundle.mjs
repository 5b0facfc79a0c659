#!/usr/bin/env node
/**
 * Bundle hygiene gate, run after `vite build`: every built JS file must be free of `eval(` calls
 * and `new Function`/`Function(...)` constructors, and every built HTML page must carry a
 * Content-Security-Policy meta whose script-src allows neither 'unsafe-inline' nor 'unsafe-eval',
 * and must hold no inline <script> (one without src). Exits 1 listing every offence with context.
 *
 * Usage: node scripts/check-bundle.mjs [distDir]   (default: dist)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const dist = path.resolve(process.argv[2] ?? 'dist');

/** Recursively lists files under `dir`. */
async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** True when a `/` after the code in `out` starts a regex literal rather than a division. */
function regexAllowedAfter(out) {
  const t = out.trimEnd();
  if (t === '') return true;
  if (/[(,=:[!&|?{};+\-*%<>~^]$/.test(t)) return true;
  return /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(
    t,
  );
}

/**
 * Blanks out string literals, template literal text, regex literals and comments so a word like
 * "eval(" in an error message does not count, while real calls do. A small lexer, not a parser: a
 * misread `/` can at worst hide the rest of one line.
 */
function stripStringsAndComments(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      out += ' ';
      continue;
    }
    if (c === '/' && regexAllowedAfter(out)) {
      // A regex literal: skip to its closing slash (classes may hold an unescaped slash).
      let inClass = false;
      i++;
      while (i < n && src[i] !== '\n') {
        const ch = src[i];
        if (ch === '\\') {
          i += 2;
          continue;
        }
        if (ch === '[') inClass = true;
        else if (ch === ']') inClass = false;
        else if (ch === '/' && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(src[i])) i++;
      out += '/r/';
      continue;
    }
    if (c === '"' || c === "'") {
      const q = c;
      i++;
      while (i < n && src[i] !== q && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
      continue;
    }
    if (c === '`') {
      // Template text is blanked; `${...}` expressions are kept (they are code).
      i++;
      out += '`';
      while (i < n && src[i] !== '`') {
        if (src[i] === '\\') {
          i += 2;
          continue;
        }
        if (src[i] === '$' && src[i + 1] === '{') {
          let depth = 1;
          let j = i + 2;
          while (j < n && depth > 0) {
            if (src[j] === '{') depth++;
            else if (src[j] === '}') depth--;
            j++;
          }
          out += ` ${stripStringsAndComments(src.slice(i + 2, j - 1))} `;
          i = j;
          continue;
        }
        i++;
      }
      i++;
      out += '`';
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Code patterns that evaluate strings as code. `\beval\s*\(` excludes `.evaluate(` and `medieval(`. */
const JS_PATTERNS = [
  { name: 'eval(', re: /(?<![\w$.])eval\s*\(/g },
  { name: 'indirect eval (0, eval)(', re: /\(\s*0\s*,\s*eval\s*\)/g },
  { name: 'window/globalThis.eval(', re: /\b(?:window|globalThis|self)\s*\.\s*eval\s*\(/g },
  { name: 'new Function', re: /\bnew\s+Function\s*\(/g },
  { name: 'Function( constructor call', re: /(?<![\w$.])Function\s*\(/g },
  // `const F = Function; new F(src)` hides the constructor behind an alias (zod 4's JIT does this).
  { name: 'Function constructor aliased', re: /(?<![=!<>])=\s*Function\s*(?=[,;)}\n])/g },
  {
    name: 'setTimeout/setInterval with string code',
    re: /\bset(?:Timeout|Interval)\s*\(\s*["'`]/g,
  },
];

function context(src, index, width = 60) {
  const from = Math.max(0, index - width);
  return src.slice(from, index + width).replace(/\s+/g, ' ');
}

/** Returns offences in one JS file. */
export function scanJs(src) {
  const offences = [];
  const code = stripStringsAndComments(src);
  for (const { name, re } of JS_PATTERNS) {
    // Context comes from the stripped code (string text blanked), the text that actually matched.
    for (const m of code.matchAll(re)) {
      offences.push(`${name}: …${context(code, m.index)}…`);
    }
  }
  return offences;
}

/** Parses attributes of a tag's text (`<meta a="b" c='d'>`). */
function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    out[m[1].toLowerCase()] = m[3] ?? m[4] ?? m[5] ?? '';
  }
  for (const m of tag.matchAll(/\s([\w:-]+)(?=\s|\/?>)/g)) {
    const k = m[1].toLowerCase();
    if (!(k in out)) out[k] = '';
  }
  return out;
}

function decodeEntities(s) {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Returns offences in one HTML page. */
export function scanHtml(html) {
  const offences = [];
  const metas = [...html.matchAll(/<meta\b[^>]*>/gi)]
    .map((m) => attrs(m[0]))
    .filter((a) => (a['http-equiv'] ?? '').toLowerCase() === 'content-security-policy');
  if (metas.length === 0) offences.push('no <meta http-equiv="Content-Security-Policy">');
  for (const meta of metas) {
    const policy = decodeEntities(meta.content ?? '');
    const directives = new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([k, ...v]) => [k.toLowerCase(), v]),
    );
    // script-src falls back to default-src when absent.
    const script = directives.get('script-src') ?? directives.get('default-src');
    if (!script) offences.push(`CSP has neither script-src nor default-src: "${policy}"`);
    else {
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", '*', 'data:']) {
        if (script.includes(bad)) offences.push(`CSP script-src allows ${bad}: "${policy}"`);
      }
    }
    const elem = directives.get('script-src-elem');
    if (elem?.includes("'unsafe-inline'"))
      offences.push(`CSP script-src-elem allows 'unsafe-inline': "${policy}"`);
  }
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const a = attrs(`<script ${m[1]}>`);
    if (!('src' in a) || a.src === '') {
      offences.push(`inline <script> without src: ${context(m[0], 0, 80)}`);
    } else if (m[2].trim() !== '') {
      offences.push(`<script src> with inline body: ${context(m[0], 0, 80)}`);
    }
  }
  // Inline event handler attributes also need 'unsafe-inline'; they would be dead code or a bug.
  for (const m of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=/gi)) {
    offences.push(`inline event handler attribute: ${context(m[0], 0, 80)}`);
  }
  for (const m of html.matchAll(/\bjavascript:/gi)) {
    offences.push(`javascript: URL: ${context(html, m.index, 40)}`);
  }
  return offences;
}

async function main() {
  try {
    await stat(dist);
  } catch {
    console.error(`check-bundle: ${dist} does not exist; run \`npx vite build\` first.`);
    process.exit(1);
  }
  const files = await walk(dist);
  const js = files.filter((f) => /\.(m?js|cjs)$/.test(f));
  const html = files.filter((f) => f.endsWith('.html'));
  const problems = [];
  for (const f of js) {
    const src = await readFile(f, 'utf8');
    for (const o of scanJs(src)) problems.push(`${path.relative(process.cwd(), f)}: ${o}`);
  }
  for (const f of html) {
    const src = await readFile(f, 'utf8');
    for (const o of scanHtml(src)) problems.push(`${path.relative(process.cwd(), f)}: ${o}`);
  }
  if (js.length === 0) problems.push(`${dist}: no JS files found (did the build run?)`);
  if (html.length === 0) problems.push(`${dist}: no HTML files found (did the build run?)`);
  if (problems.length > 0) {
    console.error(`check-bundle: FAILED, ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    console.error(
      'The built app must run under a CSP without inline script or eval; remove the offending code or dependency.',
    );
    process.exit(1);
  }
  console.log(
    `check-bundle: ok, ${js.length} JS file(s) free of eval/new Function, ${html.length} HTML page(s) with a strict CSP and no inline script.`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
