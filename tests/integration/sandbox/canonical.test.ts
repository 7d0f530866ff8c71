/**
 * Every canonical solution passes in the Pyodide sandbox (standard mode, per-task limits), and
 * none of them leaves its worker unclean: a sound sandbox neither fails correct code nor has to
 * throw interpreters away for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalCompletion } from '../../../src/core/benchmarks/canonical.ts';
import type { BenchmarkId, Problem } from '../../../src/core/benchmarks/problem.ts';
import { assembleProgram } from '../../../src/core/harness/assemble-program.ts';
import { limitsFor } from '../../../src/core/harness/limits.ts';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';
import { loadTestProblems } from '../../support/datasets.ts';

let sandbox: PooledSandbox;

beforeAll(async () => {
  sandbox = await createNodeSandbox({ workers: 2 });
});

afterAll(async () => {
  await sandbox?.close();
});

async function scoreCanonical(benchmark: BenchmarkId): Promise<Array<[Problem, RunResult]>> {
  const problems = await loadTestProblems(benchmark);
  return Promise.all(
    problems.map(async (problem) => {
      const program = assembleProgram(problem, canonicalCompletion(problem), 'standard');
      return [problem, await sandbox.run(program.text, limitsFor(problem, 'standard'))] as [Problem, RunResult];
    }),
  );
}

function failures(results: Array<[Problem, RunResult]>): string[] {
  return results
    .filter(([, result]) => result.status !== 'passed')
    .map(([problem, result]) => `${problem.id}: ${JSON.stringify(result).slice(0, 300)}`);
}

describe('canonical solutions in the sandbox', () => {
  it('passes all 164 HumanEval problems', async () => {
    const results = await scoreCanonical('humaneval');
    expect(results).toHaveLength(164);
    expect(failures(results)).toEqual([]);
  });

  it('passes all 427 sanitized MBPP problems', async () => {
    const results = await scoreCanonical('mbpp');
    expect(results).toHaveLength(427);
    expect(failures(results)).toEqual([]);
  });

  it('never had to replace a worker for a correct program', () => {
    expect(sandbox.stats().respawnReasons).toEqual({});
  });
});
