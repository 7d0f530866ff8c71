import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/serve.mjs', import.meta.url));

describe('npm start (scripts/serve.mjs) on a port already taken', () => {
  it('says how to pick another port in a way npm start passes on', async () => {
    const root = mkdtempSync(join(tmpdir(), 'serve-root-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const run = promisify(execFile)(process.execPath, [script, '--root', root, '--port', String(address.port)], { timeout: 20_000 });
      const failed = (await run.then(
        () => {
          throw new Error('serve.mjs started on a taken port');
        },
        (error: unknown) => error,
      )) as { code: number; stderr: string };
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
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    promisify(execFile)(process.execPath, [script, ...args], { timeout: 20_000, env: { ...process.env, ...env } }).then(
      () => {
        throw new Error(`serve.mjs started with ${args.join(' ')}`);
      },
      (error: unknown) => error as { code: number; stderr: string },
    );

  it('says what is wrong in one sentence with the usage, exit code 2, no stack trace', async () => {
    for (const [args, said] of [
      [['--port', 'abc'], 'the port must be a whole number from 0 to 65535 (0 picks a free one), not "abc"'],
      [['--port', '70000'], 'the port must be a whole number from 0 to 65535 (0 picks a free one), not "70000"'],
      [['--prot', '0'], "Unknown option '--prot'"],
    ] as const) {
      const failed = await run([...args]);
      expect(failed.code, args.join(' ')).toBe(2);
      expect(failed.stderr).toContain(`serve: ${said}`);
      expect(failed.stderr).toContain('Usage: node scripts/serve.mjs');
      expect(failed.stderr).not.toMatch(/\n\s+at /);
    }
    const fromEnv = await run([], { PORT: 'eighty' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('not "eighty"');
  });
});
