import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webllmPrebuilt } from './src/llm/webllm-prebuilt-plugin.ts';
import { ensureSnapshotFile } from './src/sandbox/snapshot-file.ts';
import { SNAPSHOT_FILE } from './src/sandbox/worker-protocol.ts';
import { serviceWorker } from './src/service-worker/precache-plugin.ts';
import { gzipAsBytes } from './src/ui/datasets/gzip-as-bytes-plugin.ts';

const root = dirname(fileURLToPath(import.meta.url));

// Pyodide is served from the app's own origin (no CDN): these are the only files it needs,
// since both benchmarks use the standard library alone and we never call loadPackage.
const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

function selfHostedPyodide(): Plugin {
  const copy = () => {
    const from = join(root, 'node_modules/pyodide');
    const to = join(root, 'public/pyodide');
    mkdirSync(to, { recursive: true });
    for (const file of PYODIDE_FILES) {
      const src = join(from, file);
      const dst = join(to, file);
      if (!existsSync(dst) || statSync(dst).size !== statSync(src).size) copyFileSync(src, dst);
    }
  };
  // Workers start from a memory snapshot of this Pyodide (src/sandbox/snapshot.ts): made here
  // once, then again only when Pyodide or the snapshot's prelude changes.
  const snapshot = () => ensureSnapshotFile(join(root, 'public/pyodide', SNAPSHOT_FILE), join(root, 'node_modules/pyodide'));
  return {
    name: 'feedback-lab:self-hosted-pyodide',
    async config(_config, env) {
      // `vite preview` serves a finished build: nothing of public/ is read.
      if (env.isPreview) return;
      copy();
      await snapshot();
    },
  };
}

// Cross-origin isolation lets the sandbox interrupt Python through a SharedArrayBuffer.
// The app works without it (a deadline getter and worker termination stop runaway code).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * BASE_PATH as the app needs it, a path with a slash at each end. Vite adds a missing end slash to
 * index.html's links but not to `import.meta.env.BASE_URL`, so `BASE_PATH=/feedback-lab` built an
 * app whose page loaded and then asked for `/feedback-labsw.js`, `/feedback-labpyodide/` and
 * `/feedback-labdatasets/`: no Python, no benchmark files, no offline copy. Unset or empty is the
 * root. A relative (`./`) or full-URL base is Vite's to read, left as given.
 */
export function basePath(value: string | undefined): string {
  const given = (value ?? '').trim();
  if (given.startsWith('.') || /^[a-z][a-z0-9+.-]*:/i.test(given)) return given;
  const path = given.replace(/^\/+|\/+$/g, '');
  return path === '' ? '/' : `/${path}/`;
}

export default defineConfig({
  base: basePath(process.env.BASE_PATH),
  // 'mpa' answers a missing file with a real 404. The SPA fallback answers with index.html and
  // status 200, which WebLLM would cache as a model config.
  appType: 'mpa',
  plugins: [selfHostedPyodide(), webllmPrebuilt(), svelte(), serviceWorker(), gzipAsBytes()],
  server: { headers: isolationHeaders, port: 5173 },
  // PREVIEW_ISOLATION=off makes `vite preview` a host that sends no isolation headers (like GitHub
  // Pages), to try the service worker's shim. It is `{}` rather than absent: an absent
  // preview.headers falls back to server.headers.
  preview: { headers: process.env.PREVIEW_ISOLATION === 'off' ? {} : isolationHeaders, port: 4173 },
  // Workers are bundled by a rolldown run of their own, which reads worker.rolldownOptions, not
  // build.rolldownOptions: without this, a slow machine's `npm start` printed the timing report
  // for the 6 MB WebLLM worker.
  worker: { format: 'es', rolldownOptions: { checks: { bundlerTimings: false } } },
  optimizeDeps: { exclude: ['pyodide', '@mlc-ai/web-llm'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // `npm start` is most people's first command: keep its output to what needs reading.
      // Pyodide's module names node: built-ins it uses only under Node (the sandbox loads it in
      // a browser worker, where those branches never run), and the per-plugin timing report is
      // for whoever profiles the build.
      checks: { bundlerTimings: false },
      onwarn(warning, warn) {
        if (/externalized for browser compatibility, imported by ".*\/pyodide\/pyodide\.mjs"/.test(warning.message)) return;
        warn(warning);
      },
    },
  },
});
