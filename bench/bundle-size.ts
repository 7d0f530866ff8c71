/**
 * What a first visit downloads before the app can draw: the JavaScript that index.html loads
 * (its module scripts and module preloads), gzipped, against the target of 250 KB. Everything
 * else must be lazy: pages, the Pyodide sandbox and WebLLM load when first used. Prints every
 * chunk with its raw and gzipped size, marks the initial set, and checks that neither Pyodide nor
 * WebLLM is in it. Exits 1 over the target or when either engine is in the initial set.
 *
 *   npm run build && node --import tsx bench/bundle-size.ts [--dir dist] [--top 15]
 *
 * gzip at level 9 (what static hosts and GitHub Pages use for text). Reads the build as written;
 * source maps are not counted (browsers fetch them only with developer tools open).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const TARGET_INITIAL_GZIP_BYTES = 250 * 1024;

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist') },
    top: { type: 'string', default: '15' },
  },
});

interface FileSize {
  path: string;
  raw: number;
  gzip: number;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

function sizeOf(dir: string, path: string): FileSize {
  const bytes = readFileSync(join(dir, path));
  return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Paths (relative to the build) of the module scripts and module preloads in index.html. */
export function initialScripts(html: string): string[] {
  const paths: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isModuleScript = tag.startsWith('<script') && /\btype="module"/.test(tag);
    const isPreload = tag.startsWith('<link') && /\brel="modulepreload"/.test(tag);
    const ref = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (!(isModuleScript || isPreload) || !ref || /^[a-z]+:|^\/\//i.test(ref)) continue;
    // Strip the base (`/`, `/repo/` or `./`): every built script sits under assets/.
    const at = ref.indexOf('assets/');
    paths.push(at >= 0 ? ref.slice(at) : ref.replace(/^\.?\//, ''));
  }
  return paths;
}

/** Static imports of a built chunk (`import … from "./x.js"`), as paths relative to the build. */
function staticImports(dir: string, path: string): string[] {
  const code = readFileSync(join(dir, path), 'utf8');
  const found: string[] = [];
  for (const match of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w$*{}\s,]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = join(path, '..', match[1]!).split(sep).join('/');
    found.push(target);
  }
  return found;
}

function kB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function main(): void {
  const dir = resolve(values.dir);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const scripts = listFiles(dir).filter((path) => /\.(m?js)$/.test(path) && !path.endsWith('.map'));
  const sizes = new Map(scripts.map((path) => [path, sizeOf(dir, path)]));

  // The initial set: index.html's scripts and preloads, closed over static imports (a preload
  // list Vite left out would still be downloaded before the app runs).
  const initial = new Set<string>();
  const queue = initialScripts(html);
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (initial.has(path) || !sizes.has(path)) continue;
    initial.add(path);
    queue.push(...staticImports(dir, path));
  }
  const initialGzip = [...initial].reduce((sum, path) => sum + sizes.get(path)!.gzip, 0);
  const initialRaw = [...initial].reduce((sum, path) => sum + sizes.get(path)!.raw, 0);

  const rows = [...sizes.values()].sort((a, b) => b.gzip - a.gzip);
  const top = Number(values.top);
  console.log(`JavaScript in ${dir} (${rows.length} files), largest first, gzip -9:`);
  console.log('  initial  gzip        raw          file');
  for (const row of rows.slice(0, top)) {
    console.log(`  ${initial.has(row.path) ? '   *   ' : '       '}  ${kB(row.gzip).padStart(10)}  ${kB(row.raw).padStart(11)}  ${row.path}`);
  }
  if (rows.length > top) {
    const rest = rows.slice(top);
    console.log(`  … ${rest.length} more: ${kB(rest.reduce((s, r) => s + r.gzip, 0))} gzipped`);
  }
  const allGzip = rows.reduce((sum, row) => sum + row.gzip, 0);
  console.log(`all JavaScript: ${kB(allGzip)} gzipped`);

  const css = listFiles(dir).filter((path) => path.endsWith('.css') && html.includes(path));
  const cssGzip = css.reduce((sum, path) => sum + sizeOf(dir, path).gzip, 0);

  // The engines are recognised by what only they contain, whatever their chunk is called.
  const initialCode = [...initial].map((path) => readFileSync(join(dir, path), 'utf8')).join('\n');
  const webllmInInitial = /MLCEngine|tvmjs/.test(initialCode);
  const pyodideInInitial = /loadPyodide|pyodide\.asm/.test(initialCode);

  console.log('');
  console.log(`initial JavaScript: ${[...initial].join(', ')}`);
  console.log(`  ${kB(initialGzip)} gzipped (${kB(initialRaw)} raw); target ≤ ${kB(TARGET_INITIAL_GZIP_BYTES)}`);
  console.log(`  ratio initial / target: ${(initialGzip / TARGET_INITIAL_GZIP_BYTES).toFixed(3)}`);
  console.log(`  ratio initial / all JavaScript: ${(initialGzip / allGzip).toFixed(3)}`);
  console.log(`  initial CSS: ${kB(cssGzip)} gzipped`);
  console.log(`  WebLLM in the initial set: ${webllmInInitial ? 'YES' : 'no'}; Pyodide in the initial set: ${pyodideInInitial ? 'YES' : 'no'}`);

  if (initialGzip > TARGET_INITIAL_GZIP_BYTES || webllmInInitial || pyodideInInitial) process.exitCode = 1;
}

main();
