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
