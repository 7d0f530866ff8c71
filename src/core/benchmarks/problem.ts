/** The two benchmarks of the study. */
export type BenchmarkId = 'humaneval' | 'mbpp';

/**
 * One benchmark task, in a shape shared by HumanEval and MBPP. Parsers keep the upstream
 * fields verbatim so that program assembly matches the official harnesses byte for byte.
 */
export interface Problem {
  benchmark: BenchmarkId;
  /** Canonical id: `HumanEval/0` or `Mbpp/2` (EvalPlus spelling). */
  id: string;
  /** The number in the id: 0..163 for HumanEval, the upstream task_id for MBPP. */
  number: number;
  /** HumanEval: the function signature and docstring. MBPP: the one-line task text. */
  prompt: string;
  /** Name of the function the tests call. */
  entryPoint: string;
  /** HumanEval: the body that completes `prompt`. MBPP: a whole program. */
  canonicalSolution: string;
  /** HumanEval: the `check(candidate)` test code. MBPP: the asserts joined by newlines. */
  test: string;
  /** MBPP only: import lines the tests need (may be empty). */
  testImports: string[];
  /** MBPP only: the assert lines. HumanEval: empty. */
  testList: string[];
  /** MBPP tasks that MBPP+ v0.2.0 removed as broken; still scored, but flagged in reports. */
  knownBroken: boolean;
}
