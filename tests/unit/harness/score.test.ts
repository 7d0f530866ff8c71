import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { scoreCompletion } from '../../../src/core/harness/score.ts';
import type { Sandbox, SandboxLimits } from '../../../src/core/ports.ts';
import { loadTestProblem } from '../../support/datasets.ts';

/** A sandbox that answers from a script and remembers what it was asked to run. */
function scriptedSandbox(answer: (program: string) => RunResult) {
  const calls: { program: string; limits: SandboxLimits }[] = [];
  const sandbox: Sandbox = {
    run: async (program, limits) => {
      calls.push({ program, limits });
      return answer(program);
    },
    close: async () => {},
  };
  return { sandbox, calls };
}

describe('scoreCompletion', () => {
  it('runs the assembled program with the default limits and returns verdict, program and limits', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    const { sandbox, calls } = scriptedSandbox(() => ({ status: 'passed', durationMs: 4, stdout: '' }));
    const scored = await scoreCompletion(problem, problem.canonicalSolution, 'standard', sandbox);
    expect(scored.outcome).toEqual({ kind: 'passed', durationMs: 4 });
    expect(calls).toEqual([{ program: scored.program.text, limits: { timeoutMs: 3000, maxOutputChars: 1_000_000 } }]);
    expect(scored.limits).toEqual(calls[0]?.limits);
  });

  it('reads a failure against the program it ran', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    const { sandbox } = scriptedSandbox(() => ({
      status: 'error',
      durationMs: 4,
      stdout: '',
      errorType: 'AssertionError',
      message: '',
      traceback: 'Traceback (most recent call last):\n  File "program.py", line 4, in <module>\nAssertionError\n',
    }));
    const scored = await scoreCompletion(problem, 'def similar_elements(a, b):\n  return ()', 'study', sandbox, { timeoutMs: 50, maxOutputChars: 10 });
    expect(scored.outcome).toMatchObject({ kind: 'failed', failingAssert: problem.testList[0] });
    expect(scored.limits).toEqual({ timeoutMs: 50, maxOutputChars: 10 });
  });
});
