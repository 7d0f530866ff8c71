import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/serve.mjs', import.meta.url));

/** serve.mjs run with `args`, expected to refuse: its exit code and what it said. */
function refusal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)(process.execPath, [script, ...args], { timeout: 20_000, env: { ...process.env, ...env } }).then(
    () => {
      throw new Error(`serve.mjs started with ${args.join(' ')}`);
    },
    (error: unknown) => error as { code: number; stderr: string },
  );
}

/** Starts serve.mjs with `args` on a free port, hands `use` what it printed up to "Press Ctrl+C", then stops it. */
async function whileServing<T>(args: string[], use: (printed: string) => Promise<T>): Promise<T> {
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
    return await use(printed);
  } finally {
    child.kill('SIGTERM');
  }
}

describe('npm start (scripts/serve.mjs) on a port already taken', () => {
  it('says how to pick another port in a way npm start passes on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'serve-root-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const failed = await refusal(['--root', root, '--port', String(address.port)]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`port ${address.port} is in use`);
      // `npm start --port N` would give --port to npm itself, not to the server.
      expect(failed.stderr).toContain('npm start -- --port N');
      expect(failed.stderr).toContain('PORT=N npm start');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe('npm start (scripts/serve.mjs) with a command line it cannot act on', () => {
  it('says what is wrong in one sentence with the usage, exit code 2, no stack trace', async () => {
    for (const [args, said] of [
      [['--port', 'abc'], 'the port must be a whole number from 0 to 65535 (0 picks a free one), not "abc"'],
      [['--port', '70000'], 'the port must be a whole number from 0 to 65535 (0 picks a free one), not "70000"'],
      [['--prot', '0'], "Unknown option '--prot'"],
    ] as const) {
      const failed = await refusal([...args]);
      expect(failed.code, args.join(' ')).toBe(2);
      expect(failed.stderr).toContain(`serve: ${said}`);
      expect(failed.stderr).toContain('Usage: node scripts/serve.mjs');
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
    const fromEnv = await refusal([], { PORT: 'eighty' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('not "eighty"');
  });
});

describe('npm start -- --host 0.0.0.0 (scripts/serve.mjs listening for other machines)', () => {
  /** The lines it prints before "Press Ctrl+C", then stops it. */
  async function startupOutput(host: string): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), 'serve-root-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    return whileServing(['--root', root, '--host', host], async (printed) => printed);
  }

  it('prints the 127.0.0.1 address to open here, never http://0.0.0.0, and says the LAN ones lack WebGPU', async () => {
    const output = await startupOutput('0.0.0.0');
    expect(output).not.toContain('http://0.0.0.0');
    expect(output).toMatch(/running at http:\/\/127\.0\.0\.1:\d+\/ \(open this one on this machine\)/);
    const lan = Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry && !entry.internal && entry.family === 'IPv4');
    if (lan.length === 0) {
      expect(output).toContain('No other network address was found');
    } else {
      for (const entry of lan) expect(output).toContain(`http://${entry?.address}:`);
      expect(output).toContain('plain http');
      expect(output).toContain('no in-browser models (WebGPU)');
      expect(output).toContain('OpenAI-compatible endpoint');
      // An endpoint on the browsing computer's localhost is out of reach of a plain-http page.
      expect(output.replace(/\s+/g, ' ')).toContain("but not one on the browsing computer's own localhost");
    }
  });

  it('keeps the one address line for the default loopback host', async () => {
    const output = await startupOutput('127.0.0.1');
    expect(output).toMatch(/^Feedback Lab is running at http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(output).not.toContain('other machines');
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

/** The address serve.mjs prints for `args`, and the status of `path` there. */
function serveAndFetch(args: string[], path: (url: string) => string): Promise<{ printed: string; status: number }> {
  return whileServing(args, async (printed) => {
    const url = /running at (\S+)/.exec(printed)?.[1] ?? '';
    const response = await fetch(path(url));
    await response.arrayBuffer();
    return { printed, status: response.status };
  });
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
      const failed = await refusal(['--root', buildFor(built), '--base', asked, '--port', '0']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`was built to be served at ${built} (BASE_PATH), so its pages would not load at ${asked}.`);
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('scripts/serve.mjs and revalidation', () => {
  it('answers a revalidation of an unchanged file with 304 and no body, so the offline copy does not download Python a second time (R183-3)', async () => {
    const root = buildFor('/');
    writeFileSync(join(root, 'big.wasm'), new Uint8Array(100_000));
    await whileServing(['--root', root], async (printed) => {
      const url = `${/running at (\S+)/.exec(printed)?.[1] ?? ''}big.wasm`;
      const first = await fetch(url);
      expect(first.status).toBe(200);
      expect((await first.arrayBuffer()).byteLength).toBe(100_000);
      const etag = first.headers.get('etag');
      expect(etag).toBeTruthy();
      const again = await fetch(url, { headers: { 'If-None-Match': etag! } });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      // The isolation headers come with it: a browser merges the 304's headers into its copy.
      expect(again.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      // A file changed since: its whole new bytes.
      writeFileSync(join(root, 'big.wasm'), new Uint8Array(100_001));
      const changed = await fetch(url, { headers: { 'If-None-Match': etag! } });
      expect(changed.status).toBe(200);
      expect((await changed.arrayBuffer()).byteLength).toBe(100_001);
    });
  });
});
