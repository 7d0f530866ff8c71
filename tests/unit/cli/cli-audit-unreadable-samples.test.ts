/**
 * `feedback-lab score` on a samples file it may not read (another user's, mode 600): one line
 * naming the file and why, exit code 1, rather than "score failed: EACCES …" with the advice to
 * report a bug, followed by a crash on the read stream's unhandled 'error' event.
 *
 * The tests run as root in CI, where a mode-600 file is still readable, so the permission check
 * is made to fail for one file name; the stream left behind is shown with a file that is not there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const accessSync: typeof fs.accessSync = (path, mode) => {
    if (String(path).endsWith('locked.jsonl') && mode !== undefined && (mode & fs.constants.R_OK) !== 0) {
      throw Object.assign(new Error(`EACCES: permission denied, access '${String(path)}'`), { code: 'EACCES' });
    }
    fs.accessSync(path, mode);
  };
  return { ...fs, default: { ...fs, accessSync }, accessSync };
});

const { main } = await import('../../../cli/main.ts');
const { readLines } = await import('../../../cli/read-lines.ts');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-cli-audit-unreadable-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feedback-lab score on a samples file it may not read', () => {
  it('says so in one line with exit code 1, before anything else', async () => {
    writeFileSync(join(dir, 'locked.jsonl'), '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n');
    const io = { out: '', err: '', cwd: dir, env: {} as NodeJS.ProcessEnv, stdout: { write: (t: string) => void (io.out += t) }, stderr: { write: (t: string) => void (io.err += t) } };
    expect(await main(['score', '--benchmark', 'humaneval', 'locked.jsonl'], io)).toBe(1);
    expect(io.err).toBe(`feedback-lab score: Cannot read ${join(dir, 'locked.jsonl')}: permission denied.\n`);
    expect(io.out).toBe('');
  });

  it('reading a file that cannot be opened fails once, leaving no stream to fail again unhandled', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const reading = (async () => {
        for await (const line of readLines(join(dir, 'gone.jsonl'))) void line;
      })();
      await expect(reading).rejects.toMatchObject({ code: 'ENOENT' });
      // A stream opened before the failure reports its own ENOENT a moment later.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
