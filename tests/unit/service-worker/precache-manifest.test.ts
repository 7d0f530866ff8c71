import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildManifest, shellPaths } from '../../../src/service-worker/precache-plugin.ts';

const HTML = (base: string) => `<!doctype html><html><head>
<link rel="icon" type="image/svg+xml" href="${base}favicon.svg" />
<script type="module" crossorigin src="${base}assets/index-abc.js"></script>
<link rel="modulepreload" crossorigin href="${base}assets/vendor-def.js">
<link rel="stylesheet" crossorigin href="${base}assets/index-ghi.css">
<link rel="preconnect" href="https://huggingface.co">
</head><body><a href="#/playground">x</a></body></html>`;

function fakeBuild(base: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'precache-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'pyodide'));
  writeFileSync(join(dir, 'index.html'), HTML(base));
  for (const file of ['favicon.svg', 'assets/index-abc.js', 'assets/vendor-def.js', 'assets/index-ghi.css', 'assets/Lazy-jkl.js', 'pyodide/pyodide.asm.wasm']) {
    writeFileSync(join(dir, file), `bytes of ${file}`);
  }
  writeFileSync(join(dir, 'assets/index-abc.js.map'), '{}');
  writeFileSync(join(dir, 'sw.js'), 'worker');
  writeFileSync(join(dir, '_headers'), '/*\n  Cross-Origin-Opener-Policy: same-origin\n');
  return dir;
}

describe('the precache manifest', () => {
  for (const base of ['/', '/feedback-lab/', './']) {
    it(`finds the app shell in index.html under base ${base}`, () => {
      expect(shellPaths(HTML(base), base).sort()).toEqual(
        ['assets/index-abc.js', 'assets/index-ghi.css', 'assets/vendor-def.js', 'favicon.svg', 'index.html'].sort(),
      );
    });
  }

  it('lists every served file with a content hash, never source maps, host files or the worker itself', () => {
    const dir = fakeBuild('/feedback-lab/');
    try {
      const manifest = buildManifest(dir, '/feedback-lab/');
      expect(manifest.entries.map((e) => e.path)).toEqual([
        'assets/Lazy-jkl.js',
        'assets/index-abc.js',
        'assets/index-ghi.css',
        'assets/vendor-def.js',
        'favicon.svg',
        'index.html',
        'pyodide/pyodide.asm.wasm',
      ]);
      expect(manifest.entries.filter((e) => e.shell).map((e) => e.path)).not.toContain('assets/Lazy-jkl.js');
      expect(manifest.entries.every((e) => /^[0-9a-f]{16}$/.test(e.rev))).toBe(true);
      // Benchmark and released-results files not in the build are fetched only if the host has them.
      expect(manifest.optional).toEqual([
        'datasets/HumanEval.jsonl.gz',
        'datasets/sanitized-mbpp.json',
        'released/main_results.json',
        'released/iteration_analysis.json',
        'released/error_taxonomy.json',
        'released/neat_runs/temp0_champion.json',
        'released/neat_runs/v2_champion.json',
        'released/neat_runs/v3_champion.json',
      ]);

      const before = manifest.version;
      writeFileSync(join(dir, 'pyodide/pyodide.asm.wasm'), 'other bytes');
      const after = buildManifest(dir, '/feedback-lab/');
      expect(after.version).not.toBe(before);
      expect(after.entries.find((e) => e.path === 'index.html')!.rev).toBe(manifest.entries.find((e) => e.path === 'index.html')!.rev);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a build whose index.html loads a file that is not there', () => {
    const dir = fakeBuild('/');
    try {
      rmSync(join(dir, 'assets/vendor-def.js'));
      expect(() => buildManifest(dir, '/')).toThrow(/assets\/vendor-def\.js/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
