/**
 * Hand-made trajectories for the analysis tests: a verdict list such as
 * `['NameError', 'AssertionError', 'pass']` becomes the steps a refine pipeline records
 * (generate, execute, refine, execute, …), with one code version per verdict.
 */
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import type { ExecuteStep, ModelStep, Step, Trajectory } from '../../../src/core/pipeline/trajectory.ts';

/** 'pass', 'timeout', 'bare-assert' (AssertionError the study logged as None), or an exception name. */
export type Verdict = string;

export function outcomeOf(verdict: Verdict): Outcome {
  if (verdict === 'pass') return { kind: 'passed', durationMs: 2 };
  if (verdict === 'timeout') return { kind: 'timed-out', durationMs: 10_000, limitMs: 10_000, studyErrorType: null };
  const bare = verdict === 'bare-assert';
  const errorType = bare ? 'AssertionError' : verdict;
  return {
    kind: 'failed',
    durationMs: 3,
    category: errorType === 'NameError' || errorType === 'AssertionError' || errorType === 'TypeError' ? errorType : 'other',
    errorType,
    message: bare ? '' : `${errorType} raised`,
    traceback: `Traceback (most recent call last):\n  File "<candidate>", line 2, in f\n${errorType}: boom`,
    failingAssert: errorType === 'AssertionError' ? 'assert f(1) == 2' : null,
    studyErrorType: bare ? null : errorType,
  };
}

function modelStep(index: number, kind: ModelStep['kind'], code: string, iteration: number): ModelStep {
  return {
    index,
    nodeId: kind === 'generate' ? 'generator' : 'stage1.refiner',
    stage: kind === 'generate' ? null : 1,
    iteration,
    startedAt: index,
    endedAt: index + 1,
    kind,
    modelKey: 'llama3.2:3b',
    modelId: 'Llama-3.2-3B-Instruct-q4f16_1-MLC',
    temperature: 0.3,
    maxTokens: 512,
    promptId: null,
    messages: [
      { role: 'system', content: `You are the ${kind} node.` },
      { role: 'user', content: `Problem text for ${kind} ${iteration}` },
    ],
    reply: `\`\`\`python\n${code}\`\`\``,
    finishReason: 'stop',
    code,
    extraction: 'fenced-block',
    usage: { promptTokens: 10, completionTokens: 20, timeToFirstTokenMs: 5, decodeTokensPerSecond: 30, totalMs: 50 },
  };
}

/** The code of version k: a line that changes each time, so diffs have something to show. */
export function versionCode(problemId: string, k: number): string {
  return `def f(x):\n    # ${problemId} version ${k}\n    return x + ${k}\n`;
}

export function trajectory(problemId: string, verdicts: readonly Verdict[], options: { repeat?: number; timeCap?: boolean } = {}): Trajectory {
  const steps: Step[] = [];
  verdicts.forEach((verdict, k) => {
    const code = versionCode(problemId, k);
    steps.push(modelStep(steps.length, k === 0 ? 'generate' : 'refine', code, k));
    const execute: ExecuteStep = {
      index: steps.length,
      nodeId: k === verdicts.length - 1 ? 'final.executor' : 'stage1.executor',
      stage: k === verdicts.length - 1 ? null : 1,
      iteration: k === verdicts.length - 1 ? 0 : k + 1,
      startedAt: steps.length,
      endedAt: steps.length + 1,
      kind: 'execute',
      attempt: k,
      final: k === verdicts.length - 1,
      code,
      mode: 'study',
      limits: { timeoutMs: 10_000, maxOutputChars: 1_000_000 },
      outcome: outcomeOf(verdict),
    };
    steps.push(execute);
  });
  const last = steps[steps.length - 1] as ExecuteStep | undefined;
  const stopReason = options.timeCap ? 'time-cap' : verdicts[verdicts.length - 1] === 'pass' && verdicts.length < 4 ? 'early-stop' : 'completed';
  return {
    problemId,
    pipelineId: 'test-pipeline',
    repeat: options.repeat ?? 0,
    mode: 'study',
    steps,
    verdict: last?.outcome ?? null,
    passed: !options.timeCap && last?.outcome.kind === 'passed',
    finalCode: last?.code ?? null,
    stopReason,
  };
}
