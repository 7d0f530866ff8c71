import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readResumeFile } from '../../../cli/run/study-source.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import * as importer from '../../../src/core/results/result-file-import.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { studyResultFile } from '../results/result-file-fixtures.ts';

vi.mock('../../../src/core/results/result-file-import.ts', async (original) => {
  const actual = await original<typeof import('../../../src/core/results/result-file-import.ts')>();
  return { ...actual, importResultFile: vi.fn(actual.importResultFile) };
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-import-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a result file too big for the browser', () => {
  it('is refused there with a hint that names what reads it, and the command line reads past those limits', async () => {
    const doc = await studyResultFile();
    const bytes = await exportResultFile(doc, { gzip: false });
    const { importResultFile, DEFAULT_MAX_BYTES, DEFAULT_MAX_STEPS, COMMAND_LINE_LIMITS } = importer;

    // The browser's refusals (limits scaled down to this small file) send people to the command line…
    for (const limits of [{ maxSteps: 3 }, { maxBytes: 1000 }]) {
      const error = await importResultFile(bytes, limits).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).hint).toContain('The command line reads files up to 500 MB with any number of steps: feedback-lab report FILE analyses one, and feedback-lab run --resume FILE continues it.');
    }
    // …which reads with larger limits than the browser's, as the hint says.
    expect(COMMAND_LINE_LIMITS.maxSteps).toBeGreaterThan(DEFAULT_MAX_STEPS);
    expect(COMMAND_LINE_LIMITS.maxBytes).toBe(500 * 1024 * 1024);
    expect(COMMAND_LINE_LIMITS.maxBytes).toBeGreaterThan(DEFAULT_MAX_BYTES);
    writeFileSync(join(dir, 'study.json'), bytes);
    vi.mocked(importResultFile).mockClear();
    await readResumeFile('study.json', dir);
    expect(vi.mocked(importResultFile).mock.calls.map((call) => call[1])).toEqual([expect.objectContaining(COMMAND_LINE_LIMITS)]);
  });
});
