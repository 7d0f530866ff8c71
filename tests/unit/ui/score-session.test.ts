import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { Sandbox } from '../../../src/core/ports.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { fileLines, streamLines } from '../../../src/ui/scoring/file-lines.ts';
import { DAMAGED_GZIP, LISTED_LINE_ERRORS } from '../../../src/core/results/samples.ts';
import { ScoreSession, type ScoreSettings } from '../../../src/ui/scoring/score-session.svelte.ts';
import { loadTestProblems } from '../../support/datasets.ts';

/** Passes every program except those containing BROKEN, which raise a NameError. */
function fakeSandbox(delayMs = 0): Sandbox & { runs: number } {
  const sandbox = {
    runs: 0,
    async run(program: string): Promise<RunResult> {
      sandbox.runs++;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!program.includes('BROKEN')) return { status: 'passed', durationMs: 1, stdout: '' };
      return {
        status: 'error',
        durationMs: 1,
        stdout: '',
        errorType: 'NameError',
        message: "name 'BROKEN' is not defined",
        traceback: "Traceback (most recent call last):\n  File \"program.py\", line 12, in <module>\nNameError: name 'BROKEN' is not defined\n",
      };
    },
    close: async () => undefined,
  };
  return sandbox;
}

const settings: ScoreSettings = { benchmark: 'humaneval', mode: 'standard', workers: 2 };

describe('scoring a samples file', () => {
  it('reports bad lines by number, scores the rest, and writes results in input order', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    const lines = [
      JSON.stringify({ task_id: 'HumanEval/0', completion: '    return True\n', model: 'm' }),
      '{not json',
      JSON.stringify({ task_id: 'HumanEval/1', completion: '    return BROKEN\n' }),
      JSON.stringify({ task_id: 'HumanEval/999', completion: '' }),
      '',
      JSON.stringify({ task_id: 'HumanEval/2', completion: '    return 0.5\n' }),
    ];
    await session.scoreLines('samples.jsonl', lines, problems, settings);

    expect(session.phase).toBe('done');
    expect(session.lineErrors.map((e) => e.line)).toEqual([2, 4]);
    expect(session.lineErrors[0]?.message).toContain('not valid JSON');
    expect(session.total).toBe(3);
    expect(session.done).toBe(3);
    expect(session.passed).toBe(2);
    expect(session.summaryLine).toBe('2 passed, 1 failed');
    expect(session.rows.map((r) => r.taskId).sort()).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/2']);

    const results = session.resultsFile();
    expect(results.fileName).toBe('samples.jsonl_results.jsonl');
    expect(session.resultsName).toBe('samples.jsonl_results.jsonl');
    expect(session.partial).toBe(false);
    expect(session.unscoredTasks()).toEqual([]);
    const written = results.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.map((r) => r['task_id'])).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/2']);
    expect(written[0]).toMatchObject({ model: 'm', passed: true, result: 'passed' });
    expect(written[1]).toMatchObject({ passed: false, result: "failed: NameError: name 'BROKEN' is not defined" });
  });

  it('says clearly when a file holds nothing to score', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    await session.scoreLines('empty.jsonl', ['', '  '], problems, settings);
    expect(session.phase).toBe('failed');
    expect(session.failure).toContain('empty');
  });

  it('keeps the first bad lines and counts the rest, so a long wrong file is refused at once', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    // A CSV picked by mistake: every line bad. Keeping (and re-copying) every message took minutes at 2 million lines.
    const lines = Array.from({ length: 100_000 }, (_, i) => `row ${i},junk`);
    await session.scoreLines('export.csv', lines, problems, settings);
    expect(session.phase).toBe('failed');
    expect(session.failure).toContain('100000 bad lines');
    expect(session.lineErrorCount).toBe(100_000);
    expect(session.lineErrors).toHaveLength(LISTED_LINE_ERRORS);
    expect(session.lineErrors.map((e) => e.line).slice(0, 3)).toEqual([1, 2, 3]);

    // The next file starts from no bad lines.
    await session.scoreLines('samples.jsonl', [JSON.stringify({ task_id: 'HumanEval/0', completion: '    return True\n' })], problems, settings);
    expect(session.lineErrorCount).toBe(0);
    expect(session.lineErrors).toEqual([]);
    // About 2 s on a quiet machine, past 5 s on a busy one; the quadratic copy it guards against took minutes.
  }, 30_000);

  it('scores every canonical solution', async () => {
    const problems = await loadTestProblems('mbpp');
    const sandbox = fakeSandbox();
    const session = new ScoreSession(new SandboxHolder(async () => sandbox));
    await session.scoreCanonical(problems, { ...settings, benchmark: 'mbpp' });
    expect(session.phase).toBe('done');
    expect(sandbox.runs).toBe(427);
    expect(session.passed).toBe(427);
    expect(session.resultsFile().fileName).toBe('canonical-mbpp.jsonl_results.jsonl');
  });

  it('scores whole reference answers in study mode, where no prompt precedes the code', async () => {
    const problems = (await loadTestProblems('humaneval')).slice(0, 3);
    const programs: string[] = [];
    const sandbox: Sandbox = {
      run: async (program) => {
        programs.push(program);
        return { status: 'passed', durationMs: 1, stdout: '' };
      },
      close: async () => undefined,
    };
    const session = new ScoreSession(new SandboxHolder(async () => sandbox));
    await session.scoreCanonical(problems, { ...settings, mode: 'study', workers: 1 });
    // A bare body (the samples-file completion) at the top of a program is an IndentationError.
    expect(programs.map((program, i) => program.startsWith(' ') || !program.includes(`def ${problems[i]!.entryPoint}(`))).toEqual([false, false, false]);
    const written = session.resultsFile().text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(written[0]?.['completion']).toContain(`def ${problems[0]!.entryPoint}(`);
  });

  it('says Python is starting, and keeps the start-up out of the pace and the time taken', async () => {
    const problems = (await loadTestProblems('humaneval')).slice(0, 5);
    const startUpMs = 400;
    const session = new ScoreSession(
      new SandboxHolder(async () => {
        await new Promise((resolve) => setTimeout(resolve, startUpMs));
        return fakeSandbox();
      }),
    );
    const run = session.scoreCanonical(problems, settings);
    expect(session.starting).toBe(true);
    await run;
    expect(session.starting).toBe(false);
    expect(session.done).toBe(5);
    // Five instant runs: the time taken is the scoring's, far below the start-up's.
    expect(session.elapsedMs).toBeLessThan(startUpMs);
  });

  it('stops early on cancel and keeps what was scored', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox(2)));
    const run = session.scoreCanonical(problems, settings);
    await new Promise((resolve) => setTimeout(resolve, 20));
    session.cancel();
    await run;
    expect(session.phase).toBe('cancelled');
    expect(session.done).toBeGreaterThan(0);
    expect(session.done).toBeLessThan(164);
    expect(session.resultsFile().text.trimEnd().split('\n')).toHaveLength(session.done);
    // Named as partial, not as the whole file; the page can say which tasks it lacks.
    expect(session.partial).toBe(true);
    expect(session.resultsFile().fileName).toBe(`canonical-humaneval.jsonl_results.partial-${session.done}-of-164.jsonl`);
    expect(session.resultsName).toBe(session.resultsFile().fileName);
    const lacking = session.unscoredTasks();
    expect(lacking).toHaveLength(164 - session.done);
    const scored = new Set(session.rows.map((row) => row.taskId));
    for (const { taskId } of lacking) expect(scored.has(taskId)).toBe(false);
  });

  it('refuses a line over a million characters as the command line does, numbered and not scored', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    const long = JSON.stringify({ task_id: 'HumanEval/0', completion: `    return True\n#${'x'.repeat(1_000_000)}\n` });
    const lines = [long, JSON.stringify({ task_id: 'HumanEval/1', completion: '    return []\n' })];
    await session.scoreLines('samples.jsonl', lines, problems, settings);
    expect(session.lineErrors.map((e) => e.message)).toEqual([
      `line 1: longer than 1,000,000 characters (${long.length.toLocaleString('en-US')}); not read.`,
    ]);
    expect(session.total).toBe(1);
    expect(session.summaryLine).toBe('1 passed, 0 failed');
  });

  it('says it is cancelling while the samples already running finish', async () => {
    const problems = await loadTestProblems('humaneval');
    // Slow runs, as samples that loop until their time limit are.
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox(200)));
    const run = session.scoreCanonical(problems, settings);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.cancelling).toBe(false);
    session.cancel();
    expect(session.phase).toBe('scoring');
    expect(session.cancelling).toBe(true);
    expect(session.announcement).toMatch(/^Cancelling/);
    await run;
    expect(session.phase).toBe('cancelled');
    expect(session.cancelling).toBe(false);
    expect(session.announcement).toMatch(/^Cancelled after/);
  });

  it('on Stop now while cancelling, ends the samples still running with their workers and scores none of them', async () => {
    const problems = await loadTestProblems('humaneval');
    // Like the real pool: a run hangs (a loop waiting out its limit) until its worker is ended, then resolves as worker-lost.
    const hanging: (() => void)[] = [];
    let closed = 0;
    const sandbox: Sandbox = {
      run: (program) =>
        program.includes('BROKEN')
          ? new Promise<RunResult>((resolve) => hanging.push(() => resolve({ status: 'crashed', durationMs: 9, cause: 'worker-lost', detail: 'the sandbox was closed' })))
          : Promise.resolve({ status: 'passed', durationMs: 1, stdout: '' }),
      close: async () => {
        closed++;
        for (const lose of hanging.splice(0)) lose();
      },
    };
    const session = new ScoreSession(new SandboxHolder(async () => sandbox));
    const lines = ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3', 'HumanEval/4'].map((id, i) =>
      JSON.stringify({ task_id: id, completion: i < 1 ? '    return True\n' : '    BROKEN\n' }),
    );
    const run = session.scoreLines('loops.jsonl', lines, problems, settings);
    while (hanging.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    session.cancel();
    session.stopNow();
    await run;
    expect(closed).toBe(1);
    expect(session.phase).toBe('cancelled');
    expect(session.failure).toBeNull();
    expect(session.done).toBe(1);
    expect(session.rows.map((row) => row.outcome.kind)).toEqual(['passed']);
    expect(session.resultsFile().text.trimEnd().split('\n')).toHaveLength(1);
    expect(session.announcement).toBe('Cancelled after 1 of 5 samples: 1 passed, 0 failed.');
  });

  it('tells a screen reader when the run starts and ends, not every count as it ticks', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox(5)));
    const heard = new Set<string>();
    const listen = setInterval(() => heard.add(session.announcement), 2);
    await session.scoreCanonical(problems.slice(0, 120), settings);
    clearInterval(listen);
    heard.add(session.announcement);
    expect(session.done).toBe(120);
    expect([...heard].filter(Boolean)).toEqual(['Scoring 120 samples of canonical-humaneval.jsonl…', 'Scored canonical-humaneval.jsonl: 120 passed, 0 failed. pass@1 1.0000 (120 tasks, 1 sample each).']);
  });

  it('gives a screen reader a large file’s counts with thousands separators, as the page shows them', async () => {
    const problems = await loadTestProblems('humaneval');
    const lines = Array.from({ length: 1200 }, (_, i) => {
      const problem = problems[i % problems.length]!;
      return JSON.stringify({ task_id: problem.id, completion: problem.canonicalSolution });
    });
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox(2)));
    const run = session.scoreLines('big.jsonl', lines, problems, settings);
    while (session.phase !== 'scoring') await new Promise((resolve) => setTimeout(resolve, 2));
    expect(session.announcement).toBe('Scoring 1,200 samples of big.jsonl…');
    session.cancel();
    await run;
    expect(session.announcement).toMatch(/^Cancelled after \d+ of 1,200 samples: /);
  });

  it('frees the Python workers when the page is left: at once when idle, after the run when one is in flight', async () => {
    const problems = await loadTestProblems('humaneval');
    let closed = 0;
    const session = new ScoreSession(new SandboxHolder(async () => ({ ...fakeSandbox(2), close: async () => void closed++ })));
    const run = session.scoreCanonical(problems.slice(0, 20), settings);
    await new Promise((resolve) => setTimeout(resolve, 10));
    session.release();
    expect(closed).toBe(0);
    await run;
    // The run went on while the page was away, and its verdicts stay for when it comes back.
    expect(session.phase).toBe('done');
    expect(session.done).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(1);

    await session.scoreCanonical(problems.slice(0, 3), settings);
    session.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(2);
    expect(session.rows).toHaveLength(3);
  });

  it('frees the workers of an earlier run when the page is left while reading a file with nothing to score', async () => {
    const problems = await loadTestProblems('humaneval');
    let closed = 0;
    const session = new ScoreSession(new SandboxHolder(async () => ({ ...fakeSandbox(), close: async () => void closed++ })));
    await session.scoreCanonical(problems.slice(0, 2), settings);
    async function* slowBlankLines() {
      yield '';
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield '';
    }
    const reading = session.scoreLines('blank.jsonl', slowBlankLines(), problems, settings);
    session.release();
    expect(closed).toBe(0);
    await reading;
    expect(session.phase).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(1);
  });

  it('stops with the reason when the sandbox cannot start', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => Promise.reject(new Error('Pyodide failed to load'))));
    await session.scoreCanonical(problems, settings);
    expect(session.phase).toBe('failed');
    expect(session.failure).toBe('Pyodide failed to load');
    expect(session.done).toBe(0);
  });
});

describe('reading a picked file line by line', () => {
  it('joins lines split across chunks and keeps a last line without a newline', async () => {
    const bytes = new TextEncoder().encode('{"a":1}\n{"b":"é"}\r\n\nlast');
    const stream = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const lines: string[] = [];
    for await (const line of streamLines(stream)) lines.push('text' in line ? line.text : '(too long)');
    // CRLF is one line end, as a lone CR is (utf8-lines.ts); split across chunks or not.
    expect(lines).toEqual(['{"a":1}', '{"b":"é"}', '', 'last']);
  });
});

describe('reading a picked samples file', () => {
  const text = '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n{"task_id": "HumanEval/1", "completion": ""}\n';

  async function linesOf(file: Blob): Promise<string[]> {
    const lines: string[] = [];
    for await (const line of fileLines(file)) lines.push('text' in line ? line.text : '(too long)');
    return lines;
  }

  it('reads a plain file as it is', async () => {
    expect(await linesOf(new Blob([text]))).toEqual(text.trimEnd().split('\n'));
  });

  it('decompresses a gzipped one (samples.jsonl.gz, as openai/human-eval reads), whatever its name', async () => {
    expect(await linesOf(new Blob([gzipSync(text)]))).toEqual(text.trimEnd().split('\n'));
  });

  it('says a gzip file is cut short instead of scoring its bytes as lines', async () => {
    const cut = gzipSync(text.repeat(50)).subarray(0, 60);
    // The command line's words after the file's path (score-file.test.ts), not the engine's own reason.
    await expect(linesOf(new Blob([cut]))).rejects.toThrow(`This file ${DAMAGED_GZIP}`);
  });

  it('scores the samples of a gzipped file', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    await session.scoreLines('samples.jsonl.gz', fileLines(new Blob([gzipSync(text)])), problems, settings);
    expect(session.lineErrors).toEqual([]);
    expect(session.summaryLine).toBe('2 passed, 0 failed');
    expect(session.resultsFile().fileName).toBe('samples.jsonl.gz_results.jsonl');
  });
});

describe('pass@k of a scored file', () => {
  it('gives the command line’s pass@k once every sample of a several-samples-per-task file is scored, and none for a cancelled run', async () => {
    const problems = await loadTestProblems('humaneval');
    const session = new ScoreSession(new SandboxHolder(async () => fakeSandbox()));
    // HumanEval/0: 10 samples, 4 pass; HumanEval/1: 10 samples, all pass.
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => JSON.stringify({ task_id: 'HumanEval/0', completion: i < 4 ? '    return True\n' : '    return BROKEN\n' })),
      ...Array.from({ length: 10 }, () => JSON.stringify({ task_id: 'HumanEval/1', completion: '    return []\n' })),
    ];
    await session.scoreLines('multi.jsonl', lines, problems, settings);
    expect(session.phase).toBe('done');
    expect(session.passAtKLine).toBe('pass@1 0.7000, pass@10 1.0000 (2 tasks, 10 samples each)');
    // The end-of-run announcement says what the page shows, pass@k included.
    expect(session.announcement).toBe('Scored multi.jsonl: 14 passed, 6 failed. pass@1 0.7000, pass@10 1.0000 (2 tasks, 10 samples each).');

    const slow = new ScoreSession(new SandboxHolder(async () => fakeSandbox(2)));
    const run = slow.scoreLines('multi.jsonl', [...lines, ...lines, ...lines], problems, settings);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(slow.passAtKLine).toBeNull();
    slow.cancel();
    await run;
    expect(slow.phase).toBe('cancelled');
    expect(slow.done).toBeGreaterThan(0);
    expect(slow.passAtKLine).toBeNull();
    expect(slow.announcement).not.toMatch(/pass@/);
  });
});
