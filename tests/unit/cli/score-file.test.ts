import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSamplesFile, ResultsWriteError, scoreSamplesFile, type ScoreFileOptions } from '../../../cli/score/score-file.ts';
import { countLines } from '../../../cli/read-lines.ts';
import { InputError } from '../../../cli/usage-error.ts';
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { Sandbox } from '../../../src/core/ports.ts';
import { DAMAGED_GZIP, type SampleLineError } from '../../../src/core/results/samples.ts';
import { loadTestProblems } from '../../support/datasets.ts';

/**
 * A sandbox that reads the verdict off the completion: FAIL raises, SLOW answers after a delay,
 * anything else passes. The command's file handling is what is under test here; real Python
 * runs in tests/integration/scoring.
 */
function scriptedSandbox(): Sandbox & { runs: number } {
  const sandbox = {
    runs: 0,
    async run(program: string): Promise<RunResult> {
      sandbox.runs++;
      const delayMs = /SLOW(\d+)/.exec(program)?.[1];
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, Number(delayMs)));
      if (program.includes('FAIL')) {
        return { status: 'error', durationMs: 1, stdout: '', errorType: 'AssertionError', message: '', traceback: '' };
      }
      return { status: 'passed', durationMs: 1, stdout: '' };
    },
    async close() {},
  };
  return sandbox;
}

let dir: string;
let humaneval: Problem[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-score-'));
  humaneval = await loadTestProblems('humaneval');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function samplesFile(lines: string[]): string {
  const path = join(dir, `samples-${fileCount++}.jsonl`);
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}
const sample = (taskId: string | number, completion: string, extra: object = {}) => JSON.stringify({ task_id: taskId, completion, ...extra });

async function score(path: string, overrides: Partial<ScoreFileOptions> = {}) {
  const errors: SampleLineError[] = [];
  const report = await scoreSamplesFile({
    samplesPath: path,
    resultsPath: `${path}_results.jsonl`,
    benchmark: 'humaneval',
    problems: humaneval,
    mode: 'standard',
    timeoutS: null,
    sandbox: scriptedSandbox(),
    concurrency: 4,
    onLineError: (error) => errors.push(error),
    ...overrides,
  });
  const resultsPath = `${path}_results.jsonl`;
  // []: no results file (nothing was written, and an earlier one would have been left alone).
  return { report, errors, results: existsSync(resultsPath) ? readResults(resultsPath) : [], resultsPath };
}

function readResults(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('scoring a samples file', () => {
  it('writes every input field plus result and passed, in input order', async () => {
    const path = samplesFile([
      sample('HumanEval/0', '    return SLOW30\n', { model: 'm1' }),
      sample('HumanEval/1', '    FAIL\n'),
      sample('HumanEval/2', '    return 1\n'),
    ]);
    const { report, results } = await score(path);
    expect(results.map((r) => r['task_id'])).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/2']);
    expect(results[0]).toEqual({ task_id: 'HumanEval/0', completion: '    return SLOW30\n', model: 'm1', result: 'passed', passed: true });
    expect(results[1]).toMatchObject({ passed: false, result: expect.stringMatching(/^failed: /) });
    expect(report).toMatchObject({ passed: 2, failed: 1, badLines: 0, interrupted: false });
    expect(report.missingTaskIds).toHaveLength(161);
  });

  it('reports a malformed line by number and scores the others', async () => {
    const path = samplesFile([sample('HumanEval/0', 'x'), '{"task_id": "HumanEval/1", "completion": ', sample('HumanEval/2', 'x')]);
    const { report, errors, results } = await score(path);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^line 2: not valid JSON/);
    expect(results.map((r) => r['task_id'])).toEqual(['HumanEval/0', 'HumanEval/2']);
    expect(report).toMatchObject({ passed: 2, badLines: 1 });
  });

  it('names unknown task ids, missing fields and non-string completions', async () => {
    const path = samplesFile([
      sample('HumanEval/999', 'x'),
      JSON.stringify({ task_id: 'HumanEval/1' }),
      JSON.stringify({ completion: 'x' }),
      JSON.stringify({ task_id: 'HumanEval/3', completion: 42 }),
      '[1, 2]',
      sample('HumanEval/5', 'x'),
    ]);
    const { errors, results } = await score(path);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^line 1: unknown task id "HumanEval\/999"/),
      'line 2: no "completion" field (nor an EvalPlus "solution").',
      'line 3: no "task_id" field.',
      'line 4: "completion" is not a string.',
      'line 5: not a JSON object.',
    ]);
    expect(results).toHaveLength(1);
  });

  it('refuses a file from the other benchmark with one clear sentence', async () => {
    const path = samplesFile([sample('Mbpp/2', 'def f(): pass'), sample(3, 'def g(): pass')]);
    const failure = await score(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toMatch(/MBPP id .*scored as HumanEval.*Score it as MBPP instead/);
    expect(existsSync(`${path}_results.jsonl`)).toBe(false);
  });

  it('reads a gzipped samples file (samples.jsonl.gz, as openai/human-eval does) and writes plain results beside it', async () => {
    const path = join(dir, 'samples.jsonl.gz');
    writeFileSync(path, gzipSync([sample('HumanEval/0', 'x', { model: 'm1' }), sample('HumanEval/1', '    FAIL\n'), ''].join('\n')));
    expect(await countLines(path)).toBe(2);
    const { report, errors, results } = await score(path);
    expect(errors).toEqual([]);
    expect(results).toEqual([
      { task_id: 'HumanEval/0', completion: 'x', model: 'm1', result: 'passed', passed: true },
      { task_id: 'HumanEval/1', completion: '    FAIL\n', result: expect.stringMatching(/^failed: /), passed: false },
    ]);
    expect(report).toMatchObject({ passed: 1, failed: 1, badLines: 0 });
  });

  it('says a gzipped file is cut short, rather than scoring its bytes as lines', async () => {
    const path = join(dir, 'cut.jsonl.gz');
    writeFileSync(path, gzipSync(humaneval.map((p) => sample(p.id, 'x')).join('\n')).subarray(0, 100));
    const failure = await score(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toMatch(new RegExp(`cut\\.jsonl\\.gz ${DAMAGED_GZIP.replace(/[.()]/g, '\\$&')}$`));
  });

  it('refuses an empty file', async () => {
    const path = samplesFile(['', '   ']);
    await expect(score(path)).rejects.toThrow(/The samples file is empty/);
  });

  it('rejects a 100 MB line by its number and goes on with the next one', async () => {
    // 100 MB on one line, between two good ones: streamed to disk, never built as one string.
    const path = join(dir, 'huge.jsonl');
    const out = createWriteStream(path);
    const head = '{"task_id": "HumanEval/1", "completion": "';
    out.write(`${sample('HumanEval/0', 'x')}\n${head}`);
    const block = 'x'.repeat(1 << 20);
    for (let i = 0; i < 100; i++) if (!out.write(block)) await once(out, 'drain');
    out.end(`"}\n${sample('HumanEval/2', 'x')}\n`);
    await once(out, 'finish');

    const { report, errors, results } = await score(path);
    expect(errors.map((e) => e.message)).toEqual([
      `line 2: longer than 1,000,000 characters (${(head.length + 100 * (1 << 20) + 2).toLocaleString('en-US')}); not read.`,
    ]);
    expect(results.map((r) => r['task_id'])).toEqual(['HumanEval/0', 'HumanEval/2']);
    expect(report).toMatchObject({ passed: 2, badLines: 1 });
  });

  it('names a result file exported on one line, too long to read as a line', async () => {
    const path = join(dir, 'study.json');
    writeFileSync(path, JSON.stringify({ format: 'feedback-lab/results', version: 1, padding: 'x'.repeat(1_100_000) }));
    await expect(score(path)).rejects.toThrow(/^This is a Feedback Lab result file, not a samples file/);
    expect(existsSync(`${path}_results.jsonl`)).toBe(false);
  });

  it('keeps an earlier results file whole until the new one is complete, and leaves nothing beside it', async () => {
    const path = samplesFile(humaneval.slice(0, 6).map((p) => sample(p.id, '    SLOW20\n')));
    writeFileSync(`${path}_results.jsonl`, 'earlier results\n');
    const seenWhileScoring: string[] = [];
    const { results } = await score(path, {
      concurrency: 2,
      onProgress: () => seenWhileScoring.push(readFileSync(`${path}_results.jsonl`, 'utf8')),
    });
    expect(new Set(seenWhileScoring)).toEqual(new Set(['earlier results\n']));
    expect(results).toHaveLength(6);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('scores every sample of a task that has several (a pass@k file), counting them per task', async () => {
    const [a, b] = humaneval as [Problem, Problem];
    const path = samplesFile([sample(a.id, 'x'), sample(a.id, 'FAIL'), sample(b.id, 'FAIL'), sample(a.id, 'x'), sample(b.id, 'x')]);
    const { report, results } = await score(path);
    expect(results.map((r) => [r['task_id'], r['passed']])).toEqual([
      [a.id, true],
      [a.id, false],
      [b.id, false],
      [a.id, true],
      [b.id, true],
    ]);
    expect([...report.perTask]).toEqual([
      [a.id, { n: 3, c: 2 }],
      [b.id, { n: 2, c: 1 }],
    ]);
  });

  it('runs an EvalPlus "solution" as the whole program, without the prompt before it', async () => {
    const problem = humaneval[0] as Problem;
    const programs: string[] = [];
    const sandbox: Sandbox = {
      run: async (program) => {
        programs.push(program);
        return { status: 'passed', durationMs: 1, stdout: '' };
      },
      close: async () => {},
    };
    const path = samplesFile([JSON.stringify({ task_id: problem.id, solution: 'def has_close_elements(numbers, threshold):\n    return False\n' })]);
    const { results } = await score(path, { sandbox });
    expect(programs[0]?.startsWith('def has_close_elements(numbers, threshold):\n    return False\n\n')).toBe(true);
    expect(programs[0]).not.toContain(problem.prompt);
    expect(Object.keys(results[0] ?? {})).toEqual(['task_id', 'solution', 'result', 'passed']);
  });

  it('stops at a results file that cannot be written (a full disk), with the reason and what was written, and scores no more', async () => {
    const path = samplesFile(humaneval.slice(0, 40).map((p) => sample(p.id, 'x')));
    // The run's own .partial file is /dev/full, where every write fails with ENOSPC.
    symlinkSync('/dev/full', `${path}_results.jsonl.${process.pid}.partial`);
    const sandbox = scriptedSandbox();
    const failure = await score(path, { sandbox }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResultsWriteError);
    expect(failure).toMatchObject({ written: 0, cause: expect.objectContaining({ code: 'ENOSPC' }) });
    // Nothing written, so nothing of the run is kept, and the reading stopped soon after.
    expect(existsSync(`${path}_results.jsonl`)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(sandbox.runs).toBeLessThan(40);
  });

  it('keeps, after the sandbox breaks, the results of the samples before the one that broke it, even those finishing after it', async () => {
    // Line 1 is still running when line 2 breaks the sandbox; line 1's result must still be written.
    const path = samplesFile([sample('HumanEval/0', '    SLOW300\n'), sample('HumanEval/1', 'BREAK'), sample('HumanEval/2', 'x')]);
    const sandbox = scriptedSandbox();
    const breaking: Sandbox = {
      run: (program, options) => (program.includes('BREAK') ? Promise.reject(new Error('the worker died')) : sandbox.run(program, options)),
      close: () => sandbox.close(),
    };
    await expect(score(path, { sandbox: breaking, concurrency: 3 })).rejects.toThrow('the worker died');
    expect(readResults(`${path}_results.jsonl`).map((r) => r['task_id'])).toEqual(['HumanEval/0']);
  });

  it('keeps what was scored when interrupted', async () => {
    const lines = humaneval.slice(0, 40).map((p, i) => sample(p.id, i < 10 ? 'x' : '    SLOW1000\n'));
    const path = samplesFile(lines);
    const controller = new AbortController();
    const { report, results } = await score(path, {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 10) controller.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(results.map((r) => r['task_id'])).toEqual(humaneval.slice(0, 10).map((p) => p.id));
    expect(report.written).toBe(10);
  });

  it('counts, after an interruption, the results written, not those scored but held back behind a line still running', async () => {
    // Line 1 is slow; lines 2-4 finish first and wait for it, so none of them may be counted as written.
    const path = samplesFile([sample('HumanEval/0', '    SLOW500\n'), sample('HumanEval/1', 'x'), sample('HumanEval/2', 'x'), sample('HumanEval/3', 'x')]);
    const controller = new AbortController();
    const { report, resultsPath } = await score(path, {
      concurrency: 4,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 3) controller.abort();
      },
    });
    expect(report).toMatchObject({ interrupted: true, passed: 3, written: 0 });
    // Not an empty file, which would have replaced an earlier run's results with nothing.
    expect(existsSync(resultsPath)).toBe(false);
  });
});

describe('resuming an interrupted run (--resume)', () => {
  /** Checks `path` against its results file, as the command does before anything runs. */
  const check = (path: string) =>
    checkSamplesFile({ samplesPath: path, benchmark: 'humaneval', problems: humaneval, resume: { resultsPath: `${path}_results.jsonl`, samplesName: 'samples.jsonl' } });

  /** Scores `path`, keeping what its results file holds, as `score --resume` does. */
  async function resume(path: string, overrides: Partial<ScoreFileOptions> = {}) {
    const { kept } = await check(path);
    const sandbox = scriptedSandbox();
    const scored = await score(path, { sandbox, resume: { keptResults: kept?.results ?? 0, samplesName: 'samples.jsonl' }, ...overrides });
    return { ...scored, runs: sandbox.runs, kept };
  }

  /** A samples file of a blank line, a bad line, passes and failures, and its uninterrupted results. */
  async function scoredOnce(lines = [sample('HumanEval/0', 'x', { model: 'm1' }), '', sample('HumanEval/1', 'FAIL'), 'not json', sample('HumanEval/2', 'x'), sample('HumanEval/0', 'FAIL'), sample('HumanEval/3', 'x')]) {
    const path = samplesFile(lines);
    const whole = await score(path);
    return { path, whole, text: readFileSync(`${path}_results.jsonl`, 'utf8') };
  }

  const firstLines = (text: string, count: number) => text.split('\n').slice(0, count).map((line) => `${line}\n`).join('');

  it('keeps the results already written, runs only the samples after them, and ends with the file one uninterrupted run writes', async () => {
    const { path, whole, text } = await scoredOnce();
    writeFileSync(`${path}_results.jsonl`, firstLines(text, 2));
    const { report, runs, kept, errors } = await resume(path);
    // Samples on lines 1 and 3 were kept: lines 1-3 (a blank one among them) are done before the run.
    expect(kept).toMatchObject({ results: 2, throughLine: 3, passed: 1, failed: 1 });
    expect(runs).toBe(3);
    expect(readFileSync(`${path}_results.jsonl`, 'utf8')).toBe(text);
    // The totals count the whole file, the kept results and the new ones.
    expect(report).toMatchObject({ passed: whole.report.passed, failed: whole.report.failed, badLines: 1, kept: 2, written: 5, interrupted: false });
    expect([...report.perTask]).toEqual([...whole.report.perTask]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^line 4: not valid JSON/)]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('resumes a gzipped samples file, whose results are plain JSONL beside it', async () => {
    const path = join(dir, 'resume.jsonl.gz');
    writeFileSync(path, gzipSync([sample('HumanEval/0', 'x'), sample('HumanEval/1', 'FAIL'), sample('HumanEval/2', 'x'), ''].join('\n')));
    await score(path);
    const text = readFileSync(`${path}_results.jsonl`, 'utf8');
    writeFileSync(`${path}_results.jsonl`, firstLines(text, 1));
    const { runs, report } = await resume(path);
    expect(runs).toBe(2);
    expect(readFileSync(`${path}_results.jsonl`, 'utf8')).toBe(text);
    expect(report).toMatchObject({ passed: 2, failed: 1 });
  });

  it('says a complete results file is complete: as many results as samples, counted', async () => {
    const { path, whole } = await scoredOnce();
    const { kept, summary } = await check(path);
    expect(kept?.results).toBe(summary.samples);
    expect(kept).toMatchObject({ passed: whole.report.passed, failed: whole.report.failed });
    expect([...(kept?.perTask ?? [])]).toEqual([...whole.report.perTask]);
    expect(summary.badLines).toBe(1);
  });

  it('refuses, naming the line, results that are not this samples file\'s', async () => {
    const { path, text } = await scoredOnce();
    const [first = '', second = ''] = text.split('\n');
    const results = `${path}_results.jsonl`;
    const edited = (line: string, change: (fields: Record<string, unknown>) => void) => {
      const fields = JSON.parse(line) as Record<string, unknown>;
      change(fields);
      return JSON.stringify(fields);
    };
    const cases: [string, string[], RegExp][] = [
      // Followed by another line, so not one a killed run left cut short (see below).
      ['a line that is not JSON', [first, '{"task_id": "HumanEval/1", "compl', second], /line 2 is not JSON \(.*\), so it is not a result `score` wrote\./],
      ['another task', [first, edited(second, (f) => (f['task_id'] = 'HumanEval/7'))], /line 2 is the result of task_id "HumanEval\/7", but the sample in its place, line 3 of samples\.jsonl, is "HumanEval\/1": these results are not this samples file's\./],
      ['another completion', [edited(first, (f) => (f['completion'] = 'y'))], /line 1 has another "completion" than the sample in its place \(line 1 of samples\.jsonl, HumanEval\/0\): the samples file changed since it was scored\./],
      ['a field of the sample missing', [edited(first, (f) => delete f['model'])], /line 1 has no "model", which the sample in its place \(line 1 of samples\.jsonl, HumanEval\/0\) has\./],
      ['a field the sample has not', [first, edited(second, (f) => (f['model'] = 'm2'))], /line 2 has a "model" field, which the sample in its place \(line 3 of samples\.jsonl, HumanEval\/1\) has not\./],
      ['no verdict', [edited(first, (f) => delete f['passed'])], /line 1 has no "result" text and "passed" true or false/],
      ['more results than samples', [...text.trimEnd().split('\n'), first], /holds more results than samples\.jsonl has samples \(5\): line 6 is the result of no sample\./],
    ];
    for (const [name, lines, message] of cases) {
      writeFileSync(results, lines.map((line) => `${line}\n`).join(''));
      const failure = await check(path).catch((error: unknown) => error);
      expect(failure, name).toBeInstanceOf(InputError);
      expect((failure as Error).message, name).toMatch(message);
      expect((failure as Error).message, name).toMatch(new RegExp(`^${results.replace(/[.]/g, '\\.')} `));
      expect((failure as Error).message, name).toMatch(/Run without --resume to score every sample again/);
    }
  });

  it('takes a last line that is not JSON for one a killed run cut short, scores its sample again, and skips blank lines', async () => {
    const { path, text } = await scoredOnce();
    const [first = '', second = '', third = ''] = text.split('\n');
    const results = `${path}_results.jsonl`;
    // A run killed while writing its third result; then the file edited by hand, a blank line in it and one after.
    writeFileSync(results, `${first}\n\n${second}\n${third.slice(0, 25)}`);
    const { kept, runs, report } = await resume(path);
    expect(kept).toMatchObject({ results: 2, cutLine: 4 });
    expect(runs).toBe(3);
    expect(readFileSync(results, 'utf8')).toBe(text);
    expect(report).toMatchObject({ kept: 2, interrupted: false });

    writeFileSync(results, `${first}\n${second}\n\n`);
    expect((await check(path)).kept).toMatchObject({ results: 2, cutLine: null });
    // Saved again by an editor as "UTF-8 with BOM".
    writeFileSync(results, `\uFEFF${first}\n${second}\n`);
    expect((await check(path)).kept).toMatchObject({ results: 2, cutLine: null });
  });

  it('keeps a sample\'s own "result" and "passed" fields out of the comparison, as scoring replaces them', async () => {
    const { path, text } = await scoredOnce([sample('HumanEval/0', 'x', { passed: 'unknown', result: null }), sample('HumanEval/1', 'FAIL')]);
    writeFileSync(`${path}_results.jsonl`, firstLines(text, 1));
    const { runs } = await resume(path);
    expect(runs).toBe(1);
    expect(readFileSync(`${path}_results.jsonl`, 'utf8')).toBe(text);
  });

  it('stopped again after a new result, keeps the earlier results and the new ones, as one prefix', async () => {
    const lines = humaneval.slice(0, 12).map((p, i) => sample(p.id, i < 6 ? 'x' : '    SLOW300\n'));
    const { path, text } = await scoredOnce(lines);
    writeFileSync(`${path}_results.jsonl`, firstLines(text, 4));
    const controller = new AbortController();
    const { report, results } = await resume(path, {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 7) controller.abort();
      },
    });
    expect(report).toMatchObject({ interrupted: true, kept: 4, written: 7 });
    expect(results.map((r) => r['task_id'])).toEqual(humaneval.slice(0, 7).map((p) => p.id));
    expect(readFileSync(`${path}_results.jsonl`, 'utf8')).toBe(firstLines(text, 7));
  });

  it('stopped again before a new result, even halfway through the kept ones, leaves the results file as it was', async () => {
    const lines = [sample('HumanEval/0', 'x'), sample('HumanEval/1', 'x'), 'not json', sample('HumanEval/2', 'x'), sample('HumanEval/3', 'x'), sample('HumanEval/4', '    SLOW300\n')];
    const { path, text } = await scoredOnce(lines);
    const earlier = firstLines(text, 4);
    writeFileSync(`${path}_results.jsonl`, earlier);
    const nothingRuns: Sandbox = { run: () => Promise.reject(new Error('a kept sample was run')), close: async () => {} };
    for (const stop of ['at the bad line, two results copied', 'once the four are copied'] as const) {
      const controller = new AbortController();
      const { report } = await resume(path, {
        sandbox: nothingRuns,
        signal: controller.signal,
        onLineError: () => void (stop === 'at the bad line, two results copied' && controller.abort()),
        onProgress: () => void (stop === 'once the four are copied' && controller.abort()),
      });
      expect(report, stop).toMatchObject({ interrupted: true, written: 0 });
      expect(readFileSync(`${path}_results.jsonl`, 'utf8'), stop).toBe(earlier);
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
