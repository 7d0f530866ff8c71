/**
 * One corpus of programs scored by both runners: the Pyodide sandbox (through the harness, as
 * the app scores) and the CPython reference runner, with byte-identical program text and the
 * same per-task limits. Shared by the agreement test and the throughput bench.
 */
import type { Problem } from '../src/core/benchmarks/problem.ts';
import { assembleProgram, type AssembledProgram } from '../src/core/harness/assemble-program.ts';
import { limitsFor, SLOW_TASK_TIMEOUT_MS } from '../src/core/harness/limits.ts';
import type { Outcome } from '../src/core/harness/outcome.ts';
import { runAsFor } from '../src/core/harness/run-as.ts';
import { toOutcome } from '../src/core/harness/to-outcome.ts';
import type { Sandbox, SandboxLimits } from '../src/core/ports.ts';
import { generateBrokenVariants, type BrokenVariant } from '../tests/support/broken-variants.ts';
import { runReference, type ReferenceVerdict } from './reference-runner.ts';

export interface CorpusItem {
  key: string;
  /** `canonical`, or the variant's kind of break. */
  kind: string;
  problem: Problem;
  program: AssembledProgram;
  limits: SandboxLimits;
}

/** What both runners are compared on: the verdict, and the error type when it failed. */
export interface Verdict {
  verdict: ReferenceVerdict;
  /** Exception class name, `OutputLimit` or `Crash`; '' unless failed. */
  errorType: string;
}

export function canonicalItems(problems: readonly Problem[]): CorpusItem[] {
  return problems.map((problem) => item(`${problem.id}#canonical`, 'canonical', problem, problem.canonicalSolution));
}

/**
 * The broken corpus, from every task except the calibrated slow ones. Their limit sits just
 * above the canonical solution's Pyodide time, so a mutant that does a little more work passes
 * in CPython and times out in Pyodide: a verdict about interpreter speed, not about the sandbox.
 */
export function brokenItems(problems: readonly Problem[]): CorpusItem[] {
  const usable = problems.filter((problem) => SLOW_TASK_TIMEOUT_MS[problem.id] === undefined);
  return variantItems(usable, generateBrokenVariants(usable));
}

export function variantItems(problems: readonly Problem[], variants: readonly BrokenVariant[]): CorpusItem[] {
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  return variants.map((variant) => {
    const problem = byId.get(variant.taskId);
    if (!problem) throw new Error(`Variant ${variant.key} names an unknown task.`);
    return item(variant.key, variant.kind, problem, variant.completion);
  });
}

function item(key: string, kind: string, problem: Problem, completion: string): CorpusItem {
  return { key, kind, problem, program: assembleProgram(problem, completion, 'standard'), limits: limitsFor(problem, 'standard') };
}

export function verdictOf(outcome: Outcome): Verdict {
  switch (outcome.kind) {
    case 'passed':
      return { verdict: 'passed', errorType: '' };
    case 'timed-out':
      return { verdict: 'timeout', errorType: '' };
    case 'failed':
      return { verdict: 'failed', errorType: outcome.errorType };
    default: {
      const never: never = outcome;
      throw new Error(`Unknown outcome ${JSON.stringify(never)}.`);
    }
  }
}

/** Runs every item in the sandbox, at most `concurrency` at a time (the pool queues the rest). */
export async function scoreWithSandbox(items: readonly CorpusItem[], sandbox: Sandbox, concurrency: number): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const { key, program, limits } = items[i] as CorpusItem;
      verdicts.set(key, verdictOf(toOutcome(await sandbox.run(program.text, limits, { runAs: runAsFor(program.mode) }), program)));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return verdicts;
}

export async function scoreWithReference(items: readonly CorpusItem[], workers: number): Promise<Map<string, Verdict>> {
  const results = await runReference(
    items.map(({ key, program, limits }) => ({ key, program: program.text, timeoutS: limits.timeoutMs / 1000, runAs: runAsFor(program.mode) })),
    // Every item of a corpus shares the default output cap; pass it so both sides use one number.
    { workers, maxOutputChars: items[0]?.limits.maxOutputChars },
  );
  return new Map([...results].map(([key, result]) => [key, { verdict: result.verdict, errorType: result.verdict === 'failed' ? result.errorType : '' }]));
}
