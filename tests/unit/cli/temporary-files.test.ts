/**
 * A command that quits mid-write (a second Ctrl+C, or Ctrl+C before anything is kept, both end
 * in process.exit) leaves no temporary file beside its output, and the file that was there
 * before is as it was. Run in a process of its own, since the test is that process ending.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-quit-mid-write-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` (TypeScript, through tsx as bin/feedback-lab.mjs does) to its end; its exit code. */
function runScript(script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('quitting in the middle of writing a file', () => {
  it('removes the half-written temporary and leaves the earlier file whole', async () => {
    const target = join(dir, 'results.json');
    writeFileSync(target, '{"earlier": true}\n');
    const ran = await runScript(`
      import { existsSync, readdirSync } from 'node:fs';
      import { writeFileWhole } from ${JSON.stringify(join(REPO, 'cli/output-file.ts'))};
      const dir = ${JSON.stringify(dir)};
      // 128 MB: long enough to be caught half-written.
      void writeFileWhole(${JSON.stringify(target)}, new Uint8Array(128 * 1024 * 1024).fill(120));
      const poll = () => {
        if (readdirSync(dir).some((name) => name.endsWith('.partial'))) process.exit(130);
        else setImmediate(poll);
      };
      poll();
    `);
    expect(ran.code, ran.stderr).toBe(130);
    expect(readdirSync(dir).filter((name) => !name.startsWith('script-'))).toEqual(['results.json']);
    expect(readFileSync(target, 'utf8')).toBe('{"earlier": true}\n');
  });

  it('removes the half-written temporary when Ctrl+C or SIGTERM ends a command that does not handle them, and still ends it by that signal', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const target = join(dir, `report-${signal}.json`);
      writeFileSync(target, '{"earlier": true}\n');
      const ran = await runScript(`
        import { readdirSync } from 'node:fs';
        import { writeFileWhole } from ${JSON.stringify(join(REPO, 'cli/output-file.ts'))};
        const dir = ${JSON.stringify(dir)};
        void writeFileWhole(${JSON.stringify(target)}, new Uint8Array(128 * 1024 * 1024).fill(120));
        const poll = () => {
          if (readdirSync(dir).some((name) => name.endsWith('.partial'))) process.kill(process.pid, ${JSON.stringify(signal)});
          else setImmediate(poll);
        };
        poll();
      `);
      expect(ran.signal, ran.stderr).toBe(signal);
      expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
      expect(readFileSync(target, 'utf8')).toBe('{"earlier": true}\n');
    }
  });

  it('leaves Ctrl+C to a command that handles it itself, even mid-write', async () => {
    const target = join(dir, 'scored.json');
    const ran = await runScript(`
      import { readdirSync } from 'node:fs';
      import { writeFileWhole } from ${JSON.stringify(join(REPO, 'cli/output-file.ts'))};
      const dir = ${JSON.stringify(dir)};
      let told = false;
      process.on('SIGINT', () => (told = true));
      const writing = writeFileWhole(${JSON.stringify(target)}, new Uint8Array(32 * 1024 * 1024).fill(120));
      const poll = () => {
        if (readdirSync(dir).some((name) => name.endsWith('.partial'))) process.kill(process.pid, 'SIGINT');
        else setImmediate(poll);
      };
      poll();
      await writing;
      // The command's handler heard it, and the write it let go on finished whole.
      process.exit(told ? 0 : 3);
    `);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readFileSync(target).length).toBe(32 * 1024 * 1024);
  });

  it('leaves a file whose write finished, and forgets a write that failed, when the process exits after them', async () => {
    const target = join(dir, 'whole.json');
    const ran = await runScript(`
      import { writeFileWhole } from ${JSON.stringify(join(REPO, 'cli/output-file.ts'))};
      await writeFileWhole(${JSON.stringify(target)}, 'whole\\n');
      await writeFileWhole(${JSON.stringify(join(dir, 'no-such-folder', 'x.json'))}, 'x').catch(() => undefined);
      process.exit(0);
    `);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('whole\n');
  });
});
