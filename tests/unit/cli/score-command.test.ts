import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { main, type CommandIo } from '../../../cli/main.ts';
import { datasetsDir } from '../../support/datasets.ts';

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

  it('refuses a file with nothing to score in one line, before the interpreters start, with exit code 1', async () => {
    const sample = (id: string) => JSON.stringify({ task_id: id, completion: '    return 1\n' });
    const resultFile = JSON.stringify({ format: 'feedback-lab/results', version: 1, config: {} }, null, 2);
    const samples = [sample('HumanEval/0'), sample('HumanEval/1')].join('\n');
    const cases: [string, string | Uint8Array, string, RegExp][] = [
      ['empty.jsonl', '', 'humaneval', /^feedback-lab score: empty\.jsonl: The samples file is empty/],
      ['blank.jsonl', '  \n\n', 'humaneval', /^feedback-lab score: The samples file is empty/],
      ['results.json', resultFile, 'humaneval', /^feedback-lab score: This is a Feedback Lab result file, not a samples file/],
      ['he.jsonl', samples, 'mbpp', /^feedback-lab score: Every task id in this file is a HumanEval id \(line 1: HumanEval\/0\), but it is being scored as MBPP\. Score it as HumanEval instead\./],
      ['cut.jsonl.gz', gzipSync(samples).subarray(0, 30), 'humaneval', /^feedback-lab score: .*cut\.jsonl\.gz is gzip-compressed but could not be decompressed/],
    ];
    for (const [name, content, benchmark, message] of cases) {
      writeFileSync(join(dir, name), content);
      const io = capture();
      io.env = { DATASETS_DIR: datasetsDir() };
      expect(await main(['score', '--benchmark', benchmark, name], io), name).toBe(1);
      expect(io.err, name).toMatch(message);
      // One line, and no "Scoring … with N worker(s)": it was refused before any interpreter started.
      expect(io.err.trimEnd().split('\n'), name).toHaveLength(1);
      expect(io.out, name).toBe('');
    }
  });

  it('refuses to score a file another live score is writing, naming its process, before anything is read or written', async () => {
    const sample = JSON.stringify({ task_id: 'HumanEval/0', completion: '    return 1\n' });
    writeFileSync(join(dir, 'busy.jsonl'), `${sample}\n`);
    writeFileSync(join(dir, 'busy.jsonl_results.jsonl'), 'the other score\'s results\n');
    // Any live process other than this one stands for the other score.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'busy.jsonl_results.jsonl.lock'), `${other.pid}\n`);
      for (const resume of [[], ['--resume']]) {
        const io = capture();
        io.env = { DATASETS_DIR: datasetsDir() };
        expect(await main(['score', '-b', 'humaneval', ...resume, 'busy.jsonl'], io)).toBe(1);
        expect(io.err).toBe(
          `feedback-lab score: ${join(dir, 'busy.jsonl_results.jsonl')} is being written by another feedback-lab score (process ${other.pid}): ` +
            "two scores of one file would each write their results over the other's. Let that one finish (or stop it with Ctrl+C, then go on with --resume); " +
            `if no such score is going on, delete ${join(dir, 'busy.jsonl_results.jsonl.lock')}.\n`,
        );
        expect(io.out).toBe('');
        expect(readFileSync(join(dir, 'busy.jsonl_results.jsonl'), 'utf8')).toBe('the other score\'s results\n');
        expect(readFileSync(join(dir, 'busy.jsonl_results.jsonl.lock'), 'utf8')).toBe(`${other.pid}\n`);
      }
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a score that was killed (its process is gone), and removes it when done', async () => {
    writeFileSync(join(dir, 'orphan.jsonl'), '');
    // A score killed with kill -9 leaves its lock naming a process that no longer runs.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'orphan.jsonl_results.jsonl.lock'), `${gone}\n`);
    const io = capture();
    io.env = { DATASETS_DIR: datasetsDir() };
    // Refused for being empty, so past the lock, without starting an interpreter.
    expect(await main(['score', '-b', 'humaneval', 'orphan.jsonl'], io)).toBe(1);
    expect(io.err).toMatch(/^feedback-lab score: orphan\.jsonl: The samples file is empty/);
    expect(existsSync(join(dir, 'orphan.jsonl_results.jsonl.lock'))).toBe(false);
  });

  it('refuses --resume over results that are not the samples\', naming the line, with exit code 1 and the results file as it was', async () => {
    const sample = (id: string) => JSON.stringify({ task_id: id, completion: '    return 1\n' });
    writeFileSync(join(dir, 'resume.jsonl'), [sample('HumanEval/0'), sample('HumanEval/1'), sample('HumanEval/2')].join('\n'));
    // Another file's results: its second line is another task's.
    const results = `${JSON.stringify({ task_id: 'HumanEval/0', completion: '    return 1\n', result: 'passed', passed: true })}\n${JSON.stringify({ task_id: 'HumanEval/5', completion: '    return 1\n', result: 'passed', passed: true })}\n`;
    writeFileSync(join(dir, 'resume.jsonl_results.jsonl'), results);
    const io = capture();
    io.env = { DATASETS_DIR: datasetsDir() };
    expect(await main(['score', '-b', 'humaneval', '--resume', 'resume.jsonl'], io)).toBe(1);
    expect(io.err).toBe(
      `feedback-lab score: ${join(dir, 'resume.jsonl_results.jsonl')} line 2 is the result of task_id "HumanEval/5", but the sample in its place, line 2 of resume.jsonl, is "HumanEval/1": ` +
        'these results are not this samples file\'s. Run without --resume to score every sample again (the results file is replaced once the new one is complete).\n',
    );
    expect(io.out).toBe('');
    expect(readFileSync(join(dir, 'resume.jsonl_results.jsonl'), 'utf8')).toBe(results);
  });

  it('on a terminal, says how far the check of a long file is, and erases that line before its verdict', async () => {
    // Every id is MBPP's, so the check refuses the file at its end, before any interpreter starts.
    const line = `${JSON.stringify({ task_id: 'Mbpp/2', completion: 'def f():\n    return 1\n' })}\n`;
    writeFileSync(join(dir, 'long.jsonl'), line.repeat(5_000));
    const io = capture();
    io.env = { DATASETS_DIR: datasetsDir() };
    Object.assign(io.stderr, { isTTY: true, columns: 100 });
    expect(await main(['score', '--benchmark', 'humaneval', 'long.jsonl'], io)).toBe(1);
    expect(io.err).toMatch(/^\rChecking long\.jsonl \(\d+ KB\): 2,000 lines read… \(\d+s\)\x1b\[K/);
    expect(io.err).toMatch(/\r\x1b\[Kfeedback-lab score: Every task id in this file is an MBPP id/);
    expect(io.out).toBe('');
  });
});
