import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import { refinerMessages, analyzerMessages } from '../../../src/core/pipeline/messages.ts';
import { llamaSelfRefine, resamplePipeline } from '../../../src/core/pipeline/presets.ts';
import type { ExecuteStep } from '../../../src/core/pipeline/trajectory.ts';
import { demoRecording } from '../../../src/core/presenter/shipped-recordings.ts';
import { proseAndCode, readBriefing, unfence } from '../../../src/core/presenter/feedback-sections.ts';
import { buildScenes, headline, recordedTaskOf, maxAttempts, verdictExplanation, type ExecutionScene, type RefinementScene, type Scene, type VerdictScene } from '../../../src/core/presenter/scenes.ts';
import { readStrip } from '../../../src/core/presenter/strip.ts';
import { EMPTY_TAPE, stepKindOfNode, type Tape } from '../../../src/core/presenter/tape.ts';
import { assertStatements, testCode, testVerdicts } from '../../../src/core/presenter/test-verdicts.ts';
import { failingCodeLine, tracebackLines } from '../../../src/core/presenter/traceback-lines.ts';
import { sceneDetail } from '../../../src/ui/presenter/scene-heading.ts';
import { loadTestProblem } from '../../support/datasets.ts';

const executions = (id: 'name-error' | 'syntax-error' | 'assertion-error') =>
  demoRecording(id).trajectory.steps.filter((s): s is ExecuteStep => s.kind === 'execute');

describe('test verdicts', () => {
  it('mark the asserts before a failing one as passed, the failing one as failed and the rest as not run', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/26');
    const tests = testCode(problem);
    expect(tests.asserts.map((a) => a.text.trim())).toEqual([
      'assert candidate([]) == []',
      'assert candidate([1, 2, 3, 4]) == [1, 2, 3, 4]',
      'assert candidate([1, 2, 3, 2, 4, 3, 5]) == [1, 4, 5]',
    ]);
    const [first, , second] = executions('assertion-error');
    expect(testVerdicts(tests, first!.outcome)).toEqual({ verdicts: ['passed', 'passed', 'failed'], stoppedAt: 2, beforeTests: false });
    // The third version keeps only the repeated numbers, so it already fails the second assert.
    expect(testVerdicts(tests, second!.outcome).verdicts).toEqual(['passed', 'failed', 'not-run']);
  });

  it('mark the assert whose call raised, for an error inside the code under test', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const [failed, passed] = executions('name-error');
    const result = testVerdicts(testCode(problem), failed!.outcome);
    expect(result.verdicts).toEqual(['raised', 'not-run', 'not-run', 'not-run', 'not-run', 'not-run', 'not-run']);
    expect(testVerdicts(testCode(problem), passed!.outcome).verdicts.every((v) => v === 'passed')).toBe(true);
  });

  it('say that no test ran when the code did not compile', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/16');
    const result = testVerdicts(testCode(problem), executions('syntax-error')[0]!.outcome);
    expect(result.beforeTests).toBe(true);
    expect(new Set(result.verdicts)).toEqual(new Set(['not-run']));
  });

  it('do not guess where a timed-out program stopped', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const timedOut: Outcome = { kind: 'timed-out', durationMs: 10_000, limitMs: 10_000, studyErrorType: null };
    expect(new Set(testVerdicts(testCode(problem), timedOut).verdicts)).toEqual(new Set(['unknown']));
  });

  it('do not guess where a program stopped that failed without a traceback: a flood of output, a MemoryError Python could not trace', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const tests = testCode(problem);
    const message = 'The program wrote more than 1000000 characters to stdout and stderr.';
    // The sandbox stops a flood wherever it is, here in the function the first test called.
    const flood: Outcome = { kind: 'failed', durationMs: 900, category: 'OutputLimit', errorType: 'OutputLimit', message, traceback: `OutputLimit: ${message}`, failingAssert: null, studyErrorType: null };
    const flooded = testVerdicts(tests, flood);
    expect(flooded).toEqual({ verdicts: Array.from({ length: 7 }, () => 'unknown'), stoppedAt: null, beforeTests: false });
    expect(headline(flood, flooded)).toBe(`OutputLimit: ${message}`);
    const memory: Outcome = { ...flood, category: 'MemoryError', errorType: 'MemoryError', message: '', traceback: 'MemoryError' };
    expect(new Set(testVerdicts(tests, memory).verdicts)).toEqual(new Set(['unknown']));
    const crash: Outcome = { ...flood, category: 'Crash', errorType: 'Crash', message: 'The worker running the program was lost.', traceback: '' };
    expect(new Set(testVerdicts(tests, crash).verdicts)).toEqual(new Set(['unknown']));
    // A traceback that shows the candidate failing while it was defined does place it: before the tests.
    const atDefinition: Outcome = {
      ...flood,
      category: 'MemoryError',
      errorType: 'MemoryError',
      message: '',
      traceback: 'Traceback (most recent call last):\n  File "program.py", line 3, in <module>\n    TABLE = [0] * 10**12\nMemoryError',
    };
    const defined = testVerdicts(tests, atDefinition);
    expect(defined.beforeTests).toBe(true);
    expect(headline(atDefinition, defined)).toBe('MemoryError (before any test ran)');
  });

  it('keep an assert that spans several lines as one statement', () => {
    const lines = ['def check(candidate):', '    assert candidate([', '        1, 2,', '    ]) == 3', '    assert True'];
    expect(assertStatements(lines).map((a) => [a.firstLine, a.lastLine])).toEqual([
      [1, 3],
      [4, 4],
    ]);
  });

  it('read MBPP asserts from its test list', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    expect(testCode(problem).asserts).toHaveLength(problem.testList.length);
  });
});

describe('traceback lines', () => {
  it('highlight the innermost source line and the exception', () => {
    const outcome = executions('name-error')[0]!.outcome;
    if (outcome.kind !== 'failed') throw new Error('expected a failure');
    const lines = tracebackLines(outcome.traceback);
    expect(lines.filter((l) => l.highlight).map((l) => l.text.trim())).toEqual([
      'for a, b in itertools.combinations(numbers, 2):',
      '^^^^^^^^^',
      "NameError: name 'itertools' is not defined. Did you forget to import 'itertools'?",
    ]);
    expect(lines[0]).toMatchObject({ role: 'header', highlight: false });
  });

  it('find the line of the candidate where the error happened', async () => {
    const nameError = executions('name-error')[0]!;
    const syntaxError = executions('syntax-error')[0]!;
    const assertion = executions('assertion-error')[0]!;
    const tb = (s: ExecuteStep) => (s.outcome.kind === 'failed' ? s.outcome.traceback : '');
    const he0 = await loadTestProblem('humaneval', 'HumanEval/0');
    const he16 = await loadTestProblem('humaneval', 'HumanEval/16');
    const he26 = await loadTestProblem('humaneval', 'HumanEval/26');
    expect(nameError.code.split('\n')[failingCodeLine(tb(nameError), he0, nameError.code, 'study')!]).toContain('itertools.combinations');
    expect(syntaxError.code.split('\n')[failingCodeLine(tb(syntaxError), he16, syntaxError.code, 'study')!]).toMatch(/^This function/);
    // A wrong answer fails in the tests, not in the candidate's code.
    expect(failingCodeLine(tb(assertion), he26, assertion.code, 'study')).toBeNull();
  });
});

describe("the refiner's briefing", () => {
  it('reads back the task, the code, what happened, the failing test and the instruction', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/26');
    const failed = executions('assertion-error')[0]!;
    const briefing = readBriefing(refinerMessages(problem, failed.code, failed.outcome, null, 'You repair code.', failed.mode));
    expect(briefing.role).toBe('You repair code.');
    expect(briefing.parts.map((p) => p.kind)).toEqual(['task', 'code', 'error', 'failing-test']);
    expect(briefing.parts[0]!.body).toContain('remove all elements that occur more than once');
    expect(unfence(briefing.parts[1]!.body)).toBe(failed.code);
    // The demo ran in study mode: the study listed the assert line and the AssertionError line.
    expect(briefing.parts[3]!.body).toBe('assert candidate([1, 2, 3, 2, 4, 3, 5]) == [1, 4, 5]\nAssertionError');
    expect(briefing.instruction).toMatch(/^Write the corrected code/);
  });

  it("shows an analyzer's diagnosis as the reviewer's part", async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/26');
    const failed = executions('assertion-error')[0]!;
    const briefing = readBriefing(refinerMessages(problem, failed.code, failed.outcome, 'It keeps one copy of each duplicate.', 'Fix it.', failed.mode));
    expect(briefing.parts.map((p) => p.kind)).toEqual(['task', 'code', 'error', 'failing-test', 'review']);
    expect(briefing.parts[4]!.body).toBe('It keeps one copy of each duplicate.');
    // The demo ran in study mode, where the request comes before the diagnosis, as the study's runner put them.
    expect(briefing.instruction).toMatch(/^Write the corrected code/);
    expect(briefing.parts[3]!.body).toBe('assert candidate([1, 2, 3, 2, 4, 3, 5]) == [1, 4, 5]\nAssertionError');
    expect(readBriefing(analyzerMessages(problem, failed.code, failed.outcome, 'Diagnose.', failed.mode)).instruction).toMatch(/^Write the corrected code/);
    const standard = readBriefing(refinerMessages(problem, failed.code, failed.outcome, 'It keeps one copy of each duplicate.', 'Fix it.', 'standard'));
    expect(standard.parts.map((p) => p.kind)).toEqual(['task', 'code', 'error', 'failing-test', 'review']);
    expect(standard.instruction).toMatch(/^Write the corrected code/);
    expect(readBriefing(analyzerMessages(problem, failed.code, failed.outcome, 'Diagnose.', 'standard')).instruction).toMatch(/^Explain what is wrong/);
  });

  it("keeps a diagnosis with headings and code of its own whole, as the reviewer's part, and the request out of the failing test", async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/26');
    const failed = executions('assertion-error')[0]!;
    // A study-mode analyzer is asked for the corrected code, so its reply often holds some, under a line of its own.
    const analysis = 'It keeps one copy of each duplicate.\n\nExplanation:\nCount first.\n\nHere is the corrected code:\n\n```python\ndef remove_duplicates(numbers):\n    return []\n```';
    for (const mode of ['study', 'standard'] as const) {
      const briefing = readBriefing(refinerMessages(problem, failed.code, failed.outcome, analysis, 'Fix it.', mode));
      expect(briefing.parts.map((p) => p.kind)).toEqual(['task', 'code', 'error', 'failing-test', 'review']);
      expect(briefing.parts[4]!.body).toBe(analysis);
      expect(unfence(briefing.parts[1]!.body)).toBe(failed.code);
      expect(briefing.parts[3]!.body).not.toContain('Write the corrected code');
      expect(briefing.instruction).toMatch(/^Write the corrected code/);
    }
    // Its code shows as code, its words as words.
    expect(proseAndCode(analysis)).toEqual([
      { kind: 'prose', text: 'It keeps one copy of each duplicate.\n\nExplanation:\nCount first.\n\nHere is the corrected code:' },
      { kind: 'code', text: 'def remove_duplicates(numbers):\n    return []' },
    ]);
    expect(proseAndCode('No code.\n\n```\nx = 1')).toEqual([{ kind: 'prose', text: 'No code.' }, { kind: 'code', text: 'x = 1' }]);
    // A diagnosis whose last paragraph happens to start like a request stays the diagnosis's.
    const study = readBriefing(refinerMessages(problem, failed.code, failed.outcome, 'It keeps one copy.\n\nReturn only the unique ones.', 'Fix it.', 'study'));
    expect(study.parts[4]!.body).toBe('It keeps one copy.\n\nReturn only the unique ones.');
    expect(study.instruction).toMatch(/^Write the corrected code/);
    // The text-only reviser reads the critic's notes the same way.
    const reviser = readBriefing([
      { role: 'system', content: 's' },
      { role: 'user', content: "Task:\ndo it\n\nCurrent code:\n```python\nx\n```\n\nReviewer's notes:\nProblems:\n- wrong\n\nCorrected code:\n```python\ny\n```\n\nWrite the revised code. Reply with the complete function only." },
    ]);
    expect(reviser.parts.map((p) => p.kind)).toEqual(['task', 'code', 'review']);
    expect(reviser.instruction).toMatch(/^Write the revised code/);
  });

  it("keeps MBPP's tests in the task, not among the feedback", async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    const failed = executions('assertion-error')[0]!;
    for (const mode of ['study', 'standard'] as const) {
      const briefing = readBriefing(refinerMessages(problem, 'def f(): pass', failed.outcome, null, 'Fix it.', mode));
      expect(briefing.parts.map((p) => p.kind)).toEqual(['task', 'code', 'error', 'failing-test']);
      expect(briefing.parts[0]!.body).toContain(`Your code must pass these tests:\n${problem.testList[0]}`);
      expect(briefing.instruction).toMatch(/^Write the corrected code/);
    }
  });

  it('does not take an indented heading inside a docstring for a part', () => {
    const briefing = readBriefing([
      { role: 'system', content: 's' },
      { role: 'user', content: 'Task:\ndef f():\n    """Do it.\n\n    Examples:\n    >>> f()\n    """\n\nFailing test:\nassert f()\n\nWrite the corrected code.' },
    ]);
    expect(briefing.parts.map((p) => p.heading)).toEqual(['Task', 'Failing test']);
  });
});

describe('scenes', () => {
  const kinds = (scenes: Scene[]) => scenes.map((s) => s.kind);

  it('tell a whole trajectory as problem, generation, run, then briefing, refinement and run per iteration, then the verdict', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/26');
    const trajectory = demoRecording('assertion-error').trajectory;
    const tape: Tape = { steps: trajectory.steps, pending: null, ticked: null, end: { passed: false, stopReason: 'completed' }, elapsedMs: 0 };
    const scenes = buildScenes({ problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study', tape });
    expect(kinds(scenes)).toEqual([
      'problem',
      'generation',
      'execution',
      ...Array.from({ length: 3 }, () => ['briefing', 'refinement', 'execution']).flat(),
      'verdict',
    ]);
    expect(scenes.map((s) => ('label' in s ? s.label : s.kind))).toContain('Refinement 3');
    const verdict = scenes[scenes.length - 1]!;
    expect(verdict).toMatchObject({ kind: 'verdict', pipelineKind: 'refine', passed: false, attempts: 4, maxAttempts: 4, firstPassed: null });
  });

  it('credit execution feedback in the verdict only where a model was shown it', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const trajectory = demoRecording('name-error').trajectory;
    const scenes = buildScenes({ problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study', tape: { ...EMPTY_TAPE, steps: trajectory.steps, end: { passed: true, stopReason: 'early-stop' } } });
    const verdict = scenes[scenes.length - 1] as VerdictScene;
    expect(verdict).toMatchObject({ pipelineKind: 'refine', attempts: 2, firstPassed: 2 });
    expect(verdictExplanation(verdict)).toBe('Execution feedback fixed it: version 2 of at most 4 passed every test.');
    const base: VerdictScene = { kind: 'verdict', id: 'verdict', pipelineKind: 'refine', passed: true, stopReason: 'completed', attempts: 4, maxAttempts: 4, firstPassed: 1, finalCode: 'x' };
    // Forced iterations: the first version passed and was refined three times more.
    expect(verdictExplanation(base)).not.toMatch(/feedback fixed/);
    // …and a later refinement can break it: the verdict is the last version's.
    expect(verdictExplanation({ ...base, passed: false })).toBe('Version 1 passed, but a later refinement broke it: the last version fails.');
    // The text-only control shows no model an execution result, and runs the code once.
    const textOnly = verdictExplanation({ ...base, pipelineKind: 'text-only', attempts: 2, maxAttempts: 2, firstPassed: 2 });
    expect(textOnly).not.toMatch(/feedback fixed|version 2 of/);
    expect(textOnly).toMatch(/no model was shown an execution result/);
    expect(verdictExplanation({ ...base, pipelineKind: 'text-only', passed: false, attempts: 2, maxAttempts: 2, firstPassed: null })).toMatch(/^The final revision failed/);
    expect(verdictExplanation({ ...base, pipelineKind: 'resample', attempts: 3, firstPassed: 3 })).toMatch(/^Sample 3 of at most 4 passed: a fresh try, not a fix/);
    expect(verdictExplanation({ ...base, pipelineKind: 'text-only', passed: false, stopReason: 'time-cap', firstPassed: null })).toMatch(/time cap/);
  });

  it('show a refinement as a diff against the code before it', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const trajectory = demoRecording('name-error').trajectory;
    const scenes = buildScenes({ problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study', tape: { ...EMPTY_TAPE, steps: trajectory.steps } });
    const refinement = scenes.find((s): s is RefinementScene => s.kind === 'refinement')!;
    expect(refinement.diff?.lines.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['import itertools']);
    expect(refinement.diff?.removed).toBe(0);
  });

  it('show an execution with its failing line and headline once its verdicts have ticked in', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const steps = demoRecording('name-error').trajectory.steps.slice(0, 2);
    const at = (ticked: number | null) =>
      buildScenes({ problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study', tape: { ...EMPTY_TAPE, steps, ticked } }).at(-1) as ExecutionScene;
    expect(at(0)).toMatchObject({ kind: 'execution', ticked: 0, settled: false });
    const settled = at(null);
    expect(settled).toMatchObject({ settled: true, failingLine: 4 });
    expect(settled.headline).toBe("NameError: name 'itertools' is not defined (in test 1 of 7)");
  });

  it('show what a refiner is told before its reply starts, then the reply as it streams', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const [generated, executed, refined] = demoRecording('name-error').trajectory.steps;
    if (refined?.kind === 'execute' || !refined) throw new Error('expected a refine step');
    const pending = {
      kind: 'model' as const,
      stepKind: refined.kind,
      nodeId: refined.nodeId,
      stage: 1,
      iteration: 1,
      modelId: 'm',
      messages: refined.messages,
      text: '',
      streaming: false,
      tokensPerSecond: null,
      tokens: 0,
    };
    const input = { problem, problemId: problem.id, pipeline: llamaSelfRefine, mode: 'study' as const };
    const briefingOnly = buildScenes({ ...input, tape: { ...EMPTY_TAPE, steps: [generated!, executed!], pending } });
    expect(kinds(briefingOnly).slice(-1)).toEqual(['briefing']);
    // Asked, with no token back yet (a live endpoint can take a minute): the heading says it waits.
    const asked = buildScenes({ ...input, tape: { ...EMPTY_TAPE, steps: [generated!, executed!], pending: { ...pending, streaming: true } } });
    expect(asked.at(-1)).toMatchObject({ kind: 'refinement', streaming: true, reply: '' });
    expect(sceneDetail(asked.at(-1)!)).toBe('m · waiting for its first token');
    const streaming = buildScenes({ ...input, tape: { ...EMPTY_TAPE, steps: [generated!, executed!], pending: { ...pending, streaming: true, text: '```python\nimport iter' } } });
    expect(streaming.at(-1)).toMatchObject({ kind: 'refinement', streaming: true, diff: null, reply: '```python\nimport iter' });
    expect(sceneDetail(streaming.at(-1)!)).toBe('m · streaming');
    // The run stopped mid-reply (the endpoint went silent): the reply stays as far as it came, cut off.
    const cutOff = buildScenes({ ...input, tape: { ...EMPTY_TAPE, steps: [generated!, executed!], pending: { ...pending, streaming: true, text: '```python\nimport iter', cutOff: true } } });
    expect(cutOff.at(-1)).toMatchObject({ kind: 'refinement', streaming: false, cutOff: true, diff: null, reply: '```python\nimport iter' });
    expect(sceneDetail(cutOff.at(-1)!)).toBe('m · cut off: the run stopped before the reply was finished');
  });

  it("say whether the model was sent the tests: MBPP's, not HumanEval's", async () => {
    const tape = { ...EMPTY_TAPE, steps: [] };
    for (const [benchmark, id, shown] of [['mbpp', 'Mbpp/2', true], ['humaneval', 'HumanEval/0', false]] as const) {
      const problem = await loadTestProblem(benchmark, id);
      const [first] = buildScenes({ problem, problemId: id, pipeline: llamaSelfRefine, mode: 'study', tape });
      expect(first).toMatchObject({ kind: 'problem', testsShownToModel: shown });
    }
  });

  it('show the task from the recorded message when the benchmark file is not at hand', () => {
    const trajectory = demoRecording('syntax-error').trajectory;
    const [problemScene] = buildScenes({ problem: null, problemId: 'HumanEval/16', pipeline: llamaSelfRefine, mode: 'study', tape: { ...EMPTY_TAPE, steps: trajectory.steps } });
    expect(problemScene).toMatchObject({ kind: 'problem', tests: null });
    expect(problemScene?.kind === 'problem' && problemScene.statement).toContain('def count_distinct_characters');
  });

  it('show the recorded task on the first scene of a replay without the benchmark file, before any step has played (audit R203-3)', () => {
    const trajectory = demoRecording('name-error').trajectory;
    // The problem is on stage: the tape holds no step yet, and the box stood empty.
    const input = { problem: null, problemId: 'HumanEval/0', pipeline: llamaSelfRefine, mode: 'study' as const, tape: EMPTY_TAPE };
    const [bare] = buildScenes({ ...input, recordedTask: recordedTaskOf(trajectory.steps) });
    expect(bare?.kind === 'problem' && bare.statement).toContain('def has_close_elements');
    expect(buildScenes(input)[0]).toMatchObject({ kind: 'problem', statement: '' });
  });

  it('count the budget in versions of the code', () => {
    expect(maxAttempts(llamaSelfRefine)).toBe(4);
    expect(maxAttempts(resamplePipeline('llama3.2:3b', 4))).toBe(4);
    expect(stepKindOfNode('stage2.analyzer')).toBe('analyze');
  });
});

describe('the running strip', () => {
  it('shows the version of the code, the decode speed and the tokens so far', () => {
    const trajectory = demoRecording('name-error').trajectory;
    const strip = readStrip({ ...EMPTY_TAPE, steps: trajectory.steps, end: { passed: true, stopReason: 'early-stop' }, elapsedMs: 1234 }, llamaSelfRefine);
    expect(strip).toMatchObject({ phase: 'Passed', version: 2, maxVersions: 4, tokensPerSecond: 28, elapsedMs: 1234 });
    expect(strip.counter).toEqual({ label: 'Iteration', value: 1, max: 3 });
    expect(strip.tokens).toBe(trajectory.steps.reduce((n, s) => n + (s.kind === 'execute' ? 0 : s.usage.completionTokens), 0));
  });
});
