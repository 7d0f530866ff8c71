import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { Sandbox, SandboxLimits } from '../../../src/core/ports.ts';
import { KEPT_STDOUT_CHARS } from '../../../src/sandbox/output-capture.ts';
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';
import { PLAYGROUND_DRAFT_KEY, PlaygroundDraftStore } from '../../../src/ui/playground/playground-drafts.ts';
import { Playground, referenceCode, requestedProblem, searchProblems, startingCode } from '../../../src/ui/playground/playground.svelte.ts';
import { runningLine } from '../../../src/ui/playground/run-words.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { loadTestProblem, loadTestProblems } from '../../support/datasets.ts';

/** A sandbox that records what it was asked to run and answers from a script. */
function recordingSandbox(answer: (program: string) => RunResult) {
  const runs: { program: string; limits: SandboxLimits }[] = [];
  let closed = 0;
  const sandbox: Sandbox = {
    run: async (program, limits) => {
      runs.push({ program, limits });
      return answer(program);
    },
    close: async () => void closed++,
  };
  return { runs, sandbox, closedCount: () => closed };
}

const nameError: RunResult = {
  status: 'error',
  durationMs: 4,
  stdout: 'checking\n',
  errorType: 'NameError',
  message: "name 'undefined_helper' is not defined",
  traceback:
    'Traceback (most recent call last):\n  File "program.py", line 20, in <module>\n  File "program.py", line 14, in has_close_elements\nNameError: name \'undefined_helper\' is not defined\n',
};

describe('the playground', () => {
  it('starts a HumanEval problem from its prompt and runs prompt + code + tests in standard mode', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const fake = recordingSandbox(() => nameError);
    const playground = new Playground(new SandboxHolder(async () => fake.sandbox));
    playground.select(problem);
    expect(playground.code).toBe(problem.prompt.trimStart());

    playground.code = `${problem.prompt}    return undefined_helper(numbers)\n`;
    await playground.execute();

    expect(fake.runs).toHaveLength(1);
    expect(fake.runs[0]?.program.startsWith(problem.prompt + playground.code)).toBe(true);
    expect(fake.runs[0]?.program).toContain(`check(${problem.entryPoint})`);
    expect(fake.runs[0]?.limits.timeoutMs).toBe(3000);
    expect(playground.run?.outcome.kind).toBe('failed');
    expect(playground.run?.outcome.kind === 'failed' && playground.run.outcome.category).toBe('NameError');
    expect(playground.run?.stdout).toBe('checking\n');
  });

  it('says Python is starting while the first run waits for it, and not on later runs', async () => {
    // "Running the tests…" stood for the two minutes a slow first visit took to download Python (audit R180-5).
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const fake = recordingSandbox(() => ({ status: 'passed', durationMs: 3, stdout: '' }));
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    const playground = new Playground(new SandboxHolder(async () => (await started, fake.sandbox)));
    playground.select(problem);
    const first = playground.execute();
    expect(playground.startingPython).toBe(true);
    expect(runningLine({ runningProblemId: problem.id, problemId: problem.id, startingPython: playground.startingPython })).toMatch(/^Starting Python/);
    start();
    await first;
    expect(playground.startingPython).toBe(false);
    const second = playground.execute();
    expect(playground.startingPython).toBe(false);
    await second;
    expect(fake.runs).toHaveLength(2);
  });

  it('in study mode runs the code without the prompt, with the study timeout', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const fake = recordingSandbox(() => ({ status: 'passed', durationMs: 3, stdout: '' }));
    const playground = new Playground(new SandboxHolder(async () => fake.sandbox));
    playground.select(problem);
    playground.mode = 'study';
    playground.loadReference();
    await playground.execute();
    expect(fake.runs[0]?.program.startsWith(playground.code)).toBe(true);
    expect(fake.runs[0]?.limits.timeoutMs).toBe(10_000);
    expect(playground.run?.outcome.kind).toBe('passed');
  });

  it('keeps edits per problem when switching back and forth', async () => {
    const [first, second] = await Promise.all([loadTestProblem('mbpp', 'Mbpp/2'), loadTestProblem('mbpp', 'Mbpp/3')]);
    const playground = new Playground(new SandboxHolder(async () => recordingSandbox(() => nameError).sandbox));
    playground.select(first);
    expect(playground.code).toBe('');
    playground.code = 'def similar_elements(a, b):\n    pass\n';
    playground.select(second);
    playground.select(first);
    expect(playground.code).toBe('def similar_elements(a, b):\n    pass\n');
  });

  it('remembers the problem last open in each benchmark, for switching benchmarks and back', async () => {
    const [humaneval, mbpp] = await Promise.all([loadTestProblem('humaneval', 'HumanEval/2'), loadTestProblem('mbpp', 'Mbpp/3')]);
    const playground = new Playground(new SandboxHolder(async () => recordingSandbox(() => nameError).sandbox));
    expect(playground.lastOpen('humaneval')).toBeUndefined();
    playground.select(humaneval);
    playground.select(mbpp);
    expect(playground.lastOpen('humaneval')).toBe('HumanEval/2');
    expect(playground.lastOpen('mbpp')).toBe('Mbpp/3');
  });

  it('offers back the code that Start over or the reference solution replaced, until it is edited or the problem changes', async () => {
    const [problem, other] = await Promise.all([loadTestProblem('humaneval', 'HumanEval/2'), loadTestProblem('mbpp', 'Mbpp/3')]);
    const playground = new Playground(new SandboxHolder(async () => recordingSandbox(() => nameError).sandbox));
    playground.select(problem);
    const mine = `${startingCode(problem)}    return number - int(number)\n`;
    playground.code = mine;

    playground.resetCode();
    expect(playground.code).toBe(startingCode(problem));
    expect(playground.undoableReplacement?.what).toBe('the starting code');
    playground.undoReplacement();
    expect(playground.code).toBe(mine);
    expect(playground.undoableReplacement).toBeNull();

    // The page puts the code in through the editor, so Ctrl+Z there works too.
    const put: string[] = [];
    playground.loadReference((code) => put.push((playground.code = code)));
    expect(playground.undoableReplacement?.what).toBe('the reference solution');
    playground.undoReplacement((code) => put.push((playground.code = code)));
    expect(put).toEqual([referenceCode(problem), mine]);

    // An edit after it, or another problem, and Undo would take away more than the replacement.
    playground.resetCode();
    playground.code += '# new start\n';
    expect(playground.undoableReplacement).toBeNull();
    playground.loadReference();
    playground.select(other);
    playground.select(problem);
    expect(playground.undoableReplacement).toBeNull();
    // Start over on code that is already the start replaces nothing, so there is nothing to undo.
    playground.resetCode();
    playground.resetCode();
    expect(playground.undoableReplacement?.before).toBe(referenceCode(problem));
  });

  it('says when a result no longer describes the code in the editor or the chosen mode', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const playground = new Playground(new SandboxHolder(async () => recordingSandbox(() => ({ status: 'passed', durationMs: 1, stdout: '' })).sandbox));
    playground.select(problem);
    playground.loadReference();
    await playground.execute();
    expect(playground.run?.outcome.kind).toBe('passed');
    expect(playground.runIsStale).toBe(false);

    playground.code += 'print(1 / 0)\n';
    expect(playground.runIsStale).toBe(true);
    await playground.execute();
    expect(playground.runIsStale).toBe(false);

    playground.mode = 'study';
    expect(playground.runIsStale).toBe(true);
  });

  it('marks printed output the sandbox says it cut short, and not output that only fills what it keeps', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    let result: RunResult = { status: 'passed', durationMs: 1, stdout: 'x'.repeat(KEPT_STDOUT_CHARS), stdoutTruncated: true };
    const playground = new Playground(new SandboxHolder(async () => recordingSandbox(() => result).sandbox));
    playground.select(problem);
    await playground.execute();
    expect(playground.run?.stdoutCut).toBe(true);
    // Exactly as many characters as are kept, all of them printed: nothing was cut.
    result = { status: 'passed', durationMs: 1, stdout: 'x'.repeat(KEPT_STDOUT_CHARS) };
    await playground.execute();
    expect(playground.run?.stdoutCut).toBe(false);
  });

  it('says when the sandbox cannot start, without inventing a verdict', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const playground = new Playground(new SandboxHolder(async () => Promise.reject(new Error('Pyodide could not load'))));
    playground.select(problem);
    await playground.execute();
    expect(playground.run).toBeNull();
    expect(playground.sandboxError).toBe('Pyodide could not load');
    expect(playground.running).toBe(false);
  });

  it('stops a run in flight by ending its worker: no verdict, and the next run gets a fresh worker', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    let made = 0;
    // Like the real pool: a run hangs until its worker is ended, then resolves as worker-lost.
    const factory = async (): Promise<Sandbox> => {
      const n = ++made;
      let lose: (() => void) | null = null;
      return {
        run: () =>
          n === 1
            ? new Promise<RunResult>((resolve) => (lose = () => resolve({ status: 'crashed', durationMs: 5, cause: 'worker-lost', detail: 'the sandbox was closed' })))
            : Promise.resolve({ status: 'passed', durationMs: 1, stdout: '' }),
        close: async () => lose?.(),
      };
    };
    const playground = new Playground(new SandboxHolder(factory));
    playground.select(problem);
    playground.code = 'def similar_elements(a, b):\n    while True: pass\n';
    const running = playground.execute();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(playground.running).toBe(true);
    playground.stop();
    // At once, not when the worker is gone (Python may still be starting).
    expect(playground.running).toBe(false);
    expect(playground.stopped).toBe(true);
    await running;
    expect(playground.stopped).toBe(true);
    expect(playground.run).toBeNull();
    expect(playground.sandboxError).toBeNull();

    await playground.execute();
    expect(made).toBe(2);
    expect(playground.stopped).toBe(false);
    expect(playground.run?.outcome.kind).toBe('passed');
  });

  it('stops at once while Python is still starting, and Run straight after starts a fresh worker', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    let made = 0;
    const passing: Sandbox = { run: async () => ({ status: 'passed', durationMs: 1, stdout: '' }), close: async () => {} };
    // The first worker never finishes starting (a cold start on a slow machine).
    const factory = (): Promise<Sandbox> => (++made === 1 ? new Promise<Sandbox>(() => {}) : Promise.resolve(passing));
    const playground = new Playground(new SandboxHolder(factory));
    playground.select(problem);
    void playground.execute();
    playground.stop();
    expect(playground.running).toBe(false);
    await playground.execute();
    expect(made).toBe(2);
    expect(playground.run?.outcome.kind).toBe('passed');
  });

  it('frees its workers when closed', async () => {
    const fake = recordingSandbox(() => nameError);
    const playground = new Playground(new SandboxHolder(async () => fake.sandbox));
    playground.warmUp();
    await playground.close();
    expect(fake.closedCount()).toBe(1);
  });
});

describe('problem search', () => {
  it('finds problems by id, number or function name', async () => {
    const problems = await loadTestProblems('humaneval');
    expect(searchProblems(problems, 'below_zero').map((p) => p.id)).toEqual(['HumanEval/3']);
    expect(searchProblems(problems, '3')[0]?.id).toBe('HumanEval/3');
    expect(searchProblems(problems, 'humaneval/16')[0]?.id).toBe('HumanEval/16');
    expect(searchProblems(problems, '')).toHaveLength(164);
  });

  it('frees the Python worker when the page is left, after a run in flight, and keeps the edits', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    let finish: (result: RunResult) => void = () => undefined;
    let closed = 0;
    const sandbox: Sandbox = {
      run: () => new Promise<RunResult>((resolve) => (finish = resolve)),
      close: async () => void closed++,
    };
    const playground = new Playground(new SandboxHolder(async () => sandbox));
    playground.select(problem);
    playground.code = 'def has_close_elements(numbers, threshold):\n    return False\n';
    const run = playground.execute();
    await new Promise((resolve) => setTimeout(resolve, 0));
    playground.leave();
    expect(closed).toBe(0);
    finish({ status: 'passed', durationMs: 1, stdout: '' });
    await run;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toBe(1);
    expect(playground.run?.outcome.kind).toBe('passed');
    expect(playground.sandboxError).toBeNull();
    expect(playground.code).toContain('return False');
  });

  it('reads the problem a link asks for as a task id, and says when there is no such problem', async () => {
    const mbpp = await loadTestProblems('mbpp');
    for (const raw of ['Mbpp/2', 'MBPP/2', '2', ' 2 ']) expect(requestedProblem(mbpp, 'mbpp', raw)).toMatchObject({ id: 'Mbpp/2' });
    expect(requestedProblem(mbpp, 'mbpp', 'Mbpp/1')).toBe('missing');
    expect(requestedProblem(mbpp, 'mbpp', 'HumanEval/2')).toBe('missing');
    expect(requestedProblem(mbpp, 'mbpp', null)).toBeNull();
  });
});

describe('the playground’s edits across a reload', () => {
  function memoryStorage(): SettingsStorage & { items: Map<string, string> } {
    const items = new Map<string, string>();
    return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
  }
  const noSandbox = () => new SandboxHolder(async () => Promise.reject(new Error('not used')));

  it('gives back, problem by problem, the code typed before the reload, and keeps nothing for code left as it started', async () => {
    const [zero, one, two] = await Promise.all(['HumanEval/0', 'HumanEval/1', 'HumanEval/2'].map((id) => loadTestProblem('humaneval', id)));
    const storage = memoryStorage();
    const before = new Playground(noSandbox());
    const kept = before.keepDrafts(new PlaygroundDraftStore(storage));
    before.select(zero!);
    before.code = 'def has_close_elements(numbers, threshold):\n    return True\n';
    before.select(one!);
    before.select(two!);
    before.code = 'def truncate_number(number):\n    return number % 1.0\n';
    // What the page's watch does after each edit (it needs a browser's effects to run).
    kept.save();
    expect(Object.keys(JSON.parse(storage.items.get(PLAYGROUND_DRAFT_KEY) ?? '{}').code).sort()).toEqual(['HumanEval/0', 'HumanEval/2']);

    const after = new Playground(noSandbox());
    after.keepDrafts(new PlaygroundDraftStore(storage));
    after.select(two!);
    expect(after.code).toBe('def truncate_number(number):\n    return number % 1.0\n');
    after.select(one!);
    expect(after.code).toBe(startingCode(one!));
    after.select(zero!);
    expect(after.code).toContain('return True');
  });

  it('drops a stored draft it cannot read (another build’s, hand-edited) instead of putting it in the editor', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const storage = memoryStorage();
    storage.setItem(PLAYGROUND_DRAFT_KEY, JSON.stringify({ code: { 'HumanEval/0': 42 } }));
    const playground = new Playground(noSandbox());
    playground.keepDrafts(new PlaygroundDraftStore(storage));
    playground.select(problem);
    expect(playground.code).toBe(startingCode(problem));
    expect(storage.items.has(PLAYGROUND_DRAFT_KEY)).toBe(false);
  });
});
