/**
 * Vite plugin (build time, Node): builds `src/service-worker/sw.ts` into `sw.js` at the root of
 * the output, then writes into it the precache manifest of the files actually written — every
 * built chunk and asset, the self-hosted Pyodide files and any benchmark or released-results
 * files shipped in `public/datasets/` and `public/released/`, each with a hash of its bytes. The
 * app shell (index.html and what it loads) is marked so the worker can cache it before it installs.
 *
 * The manifest is read from disk after writing because the bytes served (with source-map
 * comments, after every plugin) are the ones the worker checks against the hashes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { DATASET_FILES } from '../core/benchmarks/datasets.ts';
import { RELEASED_SOURCE_FILES } from '../core/reproduce/released-sources.ts';
import type { PrecacheEntry, PrecacheManifest } from './protocol.ts';

export const SERVICE_WORKER_FILE = 'sw.js';
const PLACEHOLDER = /([`"'])__FEEDBACK_LAB_PRECACHE_MANIFEST__\1/;

/** Host configuration files (Netlify, Cloudflare Pages) that hosts read but never serve. */
const HOST_FILES = new Set(['_headers', '_redirects']);

/** Files that are never served to the app: source maps, Vite's metadata, host files, the worker itself. */
function isPrecached(path: string): boolean {
  const name = posix.basename(path);
  return !path.endsWith('.map') && !path.startsWith('.vite/') && path !== SERVICE_WORKER_FILE && !name.startsWith('.') && !HOST_FILES.has(path);
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/**
 * Paths (relative to the base) that index.html loads: its scripts, module preloads, styles and
 * icon. `base` is Vite's resolved base: absolute (`/`, `/repo/`) or relative (`./`).
 */
export function shellPaths(html: string, base: string): string[] {
  const basePath = base.startsWith('/') ? base : '/';
  const paths = new Set<string>(['index.html']);
  for (const match of html.matchAll(/\s(?:src|href)="([^"]+)"/g)) {
    const ref = match[1]!;
    if (/^[a-z]+:|^\/\//i.test(ref) || ref.startsWith('#')) continue;
    const pathname = new URL(ref, `http://app${basePath}`).pathname;
    if (pathname.startsWith(basePath)) paths.add(decodeURIComponent(pathname.slice(basePath.length)));
  }
  return [...paths];
}

export function buildManifest(outDir: string, base: string): PrecacheManifest {
  const files = listFiles(outDir).filter(isPrecached);
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const shell = new Set(shellPaths(html, base));
  const missingShell = [...shell].filter((path) => !files.includes(path));
  if (missingShell.length > 0) throw new Error(`index.html loads files the build did not write: ${missingShell.join(', ')}`);
  const entries: PrecacheEntry[] = files.map((path) => {
    const bytes = readFileSync(join(outDir, path));
    const rev = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    return { path, rev, bytes: bytes.length, shell: shell.has(path) };
  });
  const version = createHash('sha256')
    .update(entries.map((entry) => `${entry.path} ${entry.rev}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  // Files a host may serve beside the build (scripts/serve.mjs does, from the datasets folder):
  // cached when there, so the Playground and Reproduce's "Load the released files" work offline.
  const optional = [...Object.values(DATASET_FILES).map((file) => file.sameOriginPath), ...RELEASED_SOURCE_FILES.map((file) => `released/${file.path}`)].filter(
    (path) => !files.includes(path),
  );
  return { version, entries, optional };
}

function kB(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} kB`;
}

export function serviceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'feedback-lab:service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    buildStart() {
      this.emitFile({ type: 'chunk', id: join(config.root, 'src/service-worker/sw.ts'), fileName: SERVICE_WORKER_FILE });
    },
    generateBundle(_options, bundle) {
      const chunk = bundle[SERVICE_WORKER_FILE];
      if (chunk?.type !== 'chunk') return this.error(`${SERVICE_WORKER_FILE} was not built.`);
      // A classic service worker cannot import: sw.ts must use types from the app, never values.
      if (chunk.imports.length > 0 || chunk.dynamicImports.length > 0 || chunk.exports.length > 0) {
        return this.error(`${SERVICE_WORKER_FILE} imports or exports (${[...chunk.imports, ...chunk.dynamicImports, ...chunk.exports].join(', ')}); it must be self-contained.`);
      }
      if (!PLACEHOLDER.test(chunk.code)) return this.error(`${SERVICE_WORKER_FILE} lost its manifest placeholder.`);
    },
    writeBundle: {
      order: 'post',
      handler(options) {
        const outDir = options.dir ?? config.build.outDir;
        const manifest = buildManifest(outDir, config.base);
        const swPath = join(outDir, SERVICE_WORKER_FILE);
        if (!existsSync(swPath)) return this.error(`${swPath} is missing after the build.`);
        const code = readFileSync(swPath, 'utf8');
        // A JS string literal holding the JSON, as JSON.parse in sw.ts expects.
        writeFileSync(swPath, code.replace(PLACEHOLDER, () => JSON.stringify(JSON.stringify(manifest))));
        const total = manifest.entries.reduce((sum, entry) => sum + entry.bytes, 0);
        const shell = manifest.entries.filter((entry) => entry.shell).reduce((sum, entry) => sum + entry.bytes, 0);
        config.logger.info(
          `service worker: ${manifest.entries.length} files to cache for offline use (${kB(total)}; app shell ${kB(shell)}), build ${manifest.version}`,
        );
      },
    },
  };
}
