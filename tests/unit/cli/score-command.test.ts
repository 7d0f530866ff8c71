import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CommandIo } from '../../../cli/main.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-score-command-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (text: string) => void (io.out += text) },
    stderr: { write: (text: string) => void (io.err += text) },
    env: {},
    cwd: dir,
  };
  return io;
}

describe('feedback-lab score, before any Python starts', () => {
  it('says the results file cannot be written, with exit code 1 and no stack trace', async () => {
    writeFileSync(join(dir, 'samples.jsonl'), '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n');
    // Something that is not a file already holds the results' name.
    mkdirSync(join(dir, 'samples.jsonl_results.jsonl'));
    const io = capture();
    const code = await main(['score', '--benchmark', 'humaneval', 'samples.jsonl'], io);
    expect(code).toBe(1);
    expect(io.err).toBe(`feedback-lab score: Cannot write the results to ${join(dir, 'samples.jsonl_results.jsonl')}: something other than a file is there.\n`);
    expect(io.out).toBe('');
  });
});
