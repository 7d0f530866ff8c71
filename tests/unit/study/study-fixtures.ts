/**
 * A small study with a known truth: five problems, a model scripted per problem and a sandbox
 * that judges code by markers, so every arm's pass counts are known before the study runs.
 *
 * - 900 is right at once; 901 starts with a NameError and 902 with a SyntaxError, both fixed by
 *   a refiner once the traceback shows the error; 903 is never fixed; 904 is wrong in repeat 0
 *   and right in repeat 1.
 * - So solo and text-only (no execution feedback reaches the model) pass 1 then 2; self-refine
 *   passes 3 then 4.
 */
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { PROGRAM_FILENAME } from '../../../src/core/harness/to-outcome.ts';
import { perProblemModel, type ScriptedCall, type ScriptedModel } from '../../../src/core/llm/scripted-model.ts';
import { llamaSelfRefine, llamaSolo, textOnlyPipeline } from '../../../src/core/pipeline/presets.ts';
import type { StudyConfig } from '../../../src/core/study/config.ts';
import { createStudyConfig, type StudyDraft } from '../../../src/core/study/create-config.ts';
import { assertionRun, fakeSandbox, type FakeSandbox } from '../pipeline/fake-sandbox.ts';

export const PROBLEMS: Problem[] = [900, 901, 902, 903, 904].map((number) => ({
  benchmark: 'humaneval',
  id: `HumanEval/${number}`,
  number,
  prompt: `def f${number}():\n    """Return ${number}."""\n`,
  entryPoint: `f${number}`,
  canonicalSolution: `    return ${number}\n`,
  test: `def check(candidate):\n    assert candidate() == ${number}\n`,
  testImports: [],
  testList: [],
  knownBroken: false,
}));

type Marker = 'right' | 'name-error' | 'syntax-error' | 'wrong';

function initialMarker(problemId: string, repeat: number): Marker {
  switch (problemId) {
    case 'HumanEval/900':
      return 'right';
    case 'HumanEval/901':
      return 'name-error';
    case 'HumanEval/902':
      return 'syntax-error';
    case 'HumanEval/904':
      return repeat === 0 ? 'wrong' : 'right';
    default:
      return 'wrong';
  }
}

const FIXABLE = new Set(['HumanEval/901', 'HumanEval/902']);

export function codeReply(problemId: string, marker: Marker): string {
  const n = problemId.split('/')[1];
  return `Here it is:\n\`\`\`python\ndef f${n}():\n    # ${marker}\n    return ${marker === 'right' ? n : -1}\n\`\`\``;
}

/** The scripted truth as a model's answer to one call. */
export function truthAnswer(call: ScriptedCall): string {
  const problemId = call.context?.problemId ?? '';
  const repeat = call.context?.repeat ?? 0;
  const nodeId = call.context?.nodeId ?? '';
  const user = call.messages.find((m) => m.role === 'user')?.content ?? '';
  if (nodeId === 'critic') return 'The code looks plausible to me.';
  if (nodeId.endsWith('refiner') || nodeId === 'reviser') {
    // A refiner fixes the error once the traceback shows it; a reviser never sees one.
    const seesError = /NameError|SyntaxError/.test(user);
    return codeReply(problemId, FIXABLE.has(problemId) && seesError ? 'right' : initialMarker(problemId, repeat));
  }
  return codeReply(problemId, initialMarker(problemId, repeat));
}

export function truthModel(): ScriptedModel {
  return perProblemModel(truthAnswer);
}

/** Judges a program by the marker its code carries. */
export function judgeProgram(program: string): RunResult {
  if (program.includes('# right')) return { status: 'passed', durationMs: 5, stdout: '' };
  if (program.includes('# name-error')) return pythonError('NameError', "name 'List' is not defined");
  if (program.includes('# syntax-error')) return pythonError('SyntaxError', 'invalid syntax');
  return assertionRun(program);
}

function pythonError(errorType: string, message: string): RunResult {
  return {
    status: 'error',
    durationMs: 5,
    stdout: '',
    errorType,
    message,
    traceback: ['Traceback (most recent call last):', `  File "${PROGRAM_FILENAME}", line 2, in <module>`, `${errorType}: ${message}`].join('\n'),
  };
}

export function truthSandbox(): FakeSandbox {
  return fakeSandbox(judgeProgram);
}

/** Passed per repeat for each arm of `studyConfig()`. */
export const TRUTH: Record<string, number[]> = { solo: [1, 2], refine: [3, 4], 'text-only': [1, 2] };

export function studyDraft(): StudyDraft {
  return {
    name: 'Feedback against no feedback',
    benchmark: 'humaneval',
    selection: { kind: 'all' },
    arms: [
      { id: 'solo', label: 'llama solo', pipeline: llamaSolo, forcedIterations: false },
      { id: 'refine', label: 'llama self-refine', pipeline: llamaSelfRefine, forcedIterations: false },
      { id: 'text-only', label: 'llama text-only', pipeline: textOnlyPipeline('llama3.2:3b'), forcedIterations: false },
    ],
    repeats: 2,
    mode: 'study',
    models: { 'llama3.2:3b': { engine: 'webllm', id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC', quantization: 'q4f16_1' } },
  };
}

export function studyConfig(draft: StudyDraft = studyDraft()): StudyConfig {
  return createStudyConfig(draft, {
    id: 'study-test',
    created: '2026-05-01T10:00:00.000Z',
    problems: PROBLEMS,
    datasetSha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
  });
}
