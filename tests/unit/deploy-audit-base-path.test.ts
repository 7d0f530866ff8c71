/**
 * A build for a sub-path (docs/deploy.md), from BASE_PATH to the server that tries it:
 * - BASE_PATH without its end slash built an app whose page loaded and then asked for
 *   `/feedback-labsw.js` and `/feedback-labpyodide/…` (no Python, no benchmark files);
 * - `BASE_PATH=/feedback-lab/ npm start` (or `node scripts/serve.mjs` after such a build) served it
 *   at `/`, where none of its scripts loaded and the page said to update the browser.
 */
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { basePath } from '../../vite.config.ts';

const script = fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url));

describe('BASE_PATH (vite.config.ts)', () => {
  it('is a path with a slash at each end, however it was typed', () => {
    for (const typed of ['/feedback-lab/', '/feedback-lab', 'feedback-lab/', 'feedback-lab', ' /feedback-lab/ ', '//feedback-lab//']) {
      expect(basePath(typed), typed).toBe('/feedback-lab/');
    }
    expect(basePath('/org/feedback-lab')).toBe('/org/feedback-lab/');
  });

  it('is the root when unset, empty or a lone slash (the Pages workflow gives "/" for a user site)', () => {
    for (const typed of [undefined, '', '/', '//']) expect(basePath(typed), String(typed)).toBe('/');
  });

  it('leaves a relative or full-URL base to Vite', () => {
    expect(basePath('./')).toBe('./');
    expect(basePath('https://cdn.example.org/lab/')).toBe('https://cdn.example.org/lab/');
  });
});

/** A build's index.html as Vite writes it for `base`, with the entry script it names. */
function buildFor(base: string): string {
  const root = mkdtempSync(join(tmpdir(), 'serve-base-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};\n');
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><html><head><link rel="icon" href="${base}favicon.svg" />` +
      `<script type="module" crossorigin src="${base}assets/index-abc.js"></script></head>` +
      `<body><script>(function () {})();</script></body></html>`,
  );
  return root;
}

/** Starts serve.mjs, returns the address it prints, fetches `path` there, then stops it. */
async function serveAndFetch(args: string[], path: (url: string) => string): Promise<{ printed: string; status: number }> {
  const child = spawn(process.execPath, [script, ...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const printed = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Press Ctrl+C')) resolve(output);
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}):\n${output}`)));
    });
    const url = /running at (\S+)/.exec(printed)?.[1] ?? '';
    const response = await fetch(path(url));
    await response.arrayBuffer();
    return { printed, status: response.status };
  } finally {
    child.kill('SIGTERM');
  }
}

describe('scripts/serve.mjs and the sub-path the build was made for', () => {
  it('serves a BASE_PATH build under its sub-path when --base is left out (BASE_PATH=/feedback-lab/ npm start)', async () => {
    const { printed, status } = await serveAndFetch(['--root', buildFor('/feedback-lab/')], (url) => `${url}assets/index-abc.js`);
    expect(printed).toMatch(/running at http:\/\/127\.0\.0\.1:\d+\/feedback-lab\/\n/);
    expect(status).toBe(200);
  });

  it('serves a root build at the root, as before', async () => {
    const { printed, status } = await serveAndFetch(['--root', buildFor('/')], (url) => `${url}assets/index-abc.js`);
    expect(printed).toMatch(/running at http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(status).toBe(200);
  });

  it('still takes --base, with or without its slashes, when it is the build\'s own', async () => {
    const { printed, status } = await serveAndFetch(['--root', buildFor('/feedback-lab/'), '--base', 'feedback-lab'], (url) => `${url}assets/index-abc.js`);
    expect(printed).toMatch(/\/feedback-lab\/\n/);
    expect(status).toBe(200);
  });

  it('refuses a --base the build was not made for, saying which one it was, rather than serve a page that cannot start', async () => {
    for (const [built, asked] of [
      ['/feedback-lab/', '/'],
      ['/', '/feedback-lab/'],
    ] as const) {
      const failed = (await promisify(execFile)(process.execPath, [script, '--root', buildFor(built), '--base', asked, '--port', '0'], { timeout: 20_000 }).then(
        () => {
          throw new Error(`serve.mjs served a ${built} build at ${asked}`);
        },
        (error: unknown) => error,
      )) as { code: number; stderr: string };
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`was built to be served at ${built} (BASE_PATH), so its pages would not load at ${asked}.`);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
