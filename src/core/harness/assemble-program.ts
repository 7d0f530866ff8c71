/**
 * Turns a candidate (a samples-file completion or a model's extracted code) into the one Python
 * program the sandbox runs, in either of two layouts. The layouts are copied byte for byte from
 * the harnesses they stand for, because line numbers in tracebacks, and in a few cases the
 * verdict itself, depend on them.
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { HarnessMode } from './outcome.ts';

export interface AssembledProgram {
  text: string;
  mode: HarnessMode;
  /** 1-based line of `text` where the candidate begins. */
  candidateFirstLine: number;
  /** 1-based line holding the candidate's last character; below candidateFirstLine for an empty candidate. */
  candidateLastLine: number;
  /** 1-based line where the test code (imports, check function, asserts) begins; it runs to the end of `text`. */
  testFirstLine: number;
}

/**
 * `standard`: as the reference harnesses build it.
 *   HumanEval (openai/human-eval `execution.py`): prompt + completion + "\n" + test + "\n" + "check(entry_point)".
 *   The prompt supplies imports and helpers, so the completion is normally a function body; a
 *   chat model's whole function also works, since it simply redefines the prompt's stub.
 *   MBPP (sanitized, as peers score it with asserts): code + "\n" + test_imports + "\n" + test_list,
 *   lists joined by "\n"; the completion is a whole program.
 *
 * `study`: as the paper's runner did (feedback-over-form `code_executor.py`: code + "\n\n" +
 *   test_code + "\n", with test_code = test + "\ncheck(entry_point)\n" for HumanEval and
 *   [imports + "\n\n"] + asserts + "\n" for MBPP). No prompt is prepended: that is the source of
 *   the study's NameErrors (no `from typing import List`), and it means HumanEval/32, 38 and 50,
 *   whose tests call helpers defined only in the prompt, cannot pass with a faithful answer.
 *   That is reproduced on purpose, not fixed.
 *
 * `wholeProgram`: the candidate is a complete program (EvalPlus's `solution` field, which its
 *   evaluator runs as it is instead of prompt + completion), so no prompt goes before it. Only
 *   standard-mode HumanEval puts anything there; every other layout is unchanged.
 */
export function assembleProgram(problem: Problem, completion: string, mode: HarnessMode, options: { wholeProgram?: boolean } = {}): AssembledProgram {
  const [layoutBefore, tests] = layout(problem, mode);
  const before = options.wholeProgram ? '' : layoutBefore;
  const separator = mode === 'standard' ? '\n' : '\n\n';
  const text = before + completion + separator + tests;
  const candidateStart = before.length;
  const candidateEnd = candidateStart + completion.length;
  const candidateFirstLine = lineAt(text, candidateStart);
  return {
    text,
    mode,
    candidateFirstLine,
    candidateLastLine: completion.length > 0 ? lineAt(text, candidateEnd - 1) : candidateFirstLine - 1,
    testFirstLine: lineAt(text, candidateEnd + separator.length),
  };
}

/** What goes before the candidate, and the test code after the separator. */
function layout(problem: Problem, mode: HarnessMode): [before: string, tests: string] {
  if (problem.benchmark === 'humaneval') {
    return mode === 'standard'
      ? [problem.prompt, `${problem.test}\ncheck(${problem.entryPoint})`]
      : ['', `${problem.test}\ncheck(${problem.entryPoint})\n\n`];
  }
  const imports = problem.testImports.join('\n');
  const asserts = problem.testList.join('\n');
  return mode === 'standard' ? ['', `${imports}\n${asserts}`] : ['', `${imports ? `${imports}\n\n` : ''}${asserts}\n\n`];
}

/** 1-based line of the character at `offset`; a newline belongs to the line it ends. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
