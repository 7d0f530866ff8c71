import type { Problem } from '../benchmarks/problem.ts';
import type { Sandbox, SandboxLimits } from '../ports.ts';
import { assembleProgram, type AssembledProgram } from './assemble-program.ts';
import { limitsFor } from './limits.ts';
import { runAsFor } from './run-as.ts';
import type { HarnessMode, Outcome } from './outcome.ts';
import { toOutcome } from './to-outcome.ts';

export interface ScoredCompletion {
  outcome: Outcome;
  program: AssembledProgram;
  limits: SandboxLimits;
}

/**
 * Runs one candidate against its problem's tests and returns the verdict, the exact program and
 * the limits used (all three belong in a result record). Rejects only if the sandbox is broken.
 */
export async function scoreCompletion(
  problem: Problem,
  completion: string,
  mode: HarnessMode,
  sandbox: Sandbox,
  limits: SandboxLimits = limitsFor(problem, mode),
  layout: { wholeProgram?: boolean } = {},
): Promise<ScoredCompletion> {
  const program = assembleProgram(problem, completion, mode, layout);
  const run = await sandbox.run(program.text, limits, { runAs: runAsFor(mode) });
  return { outcome: toOutcome(run, program), program, limits };
}
