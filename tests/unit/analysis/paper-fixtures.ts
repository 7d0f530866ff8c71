/**
 * Result files over a whole benchmark with scripted pass counts, for the "beside the paper"
 * tests: built through the project's own builder, nothing run.
 */
import type { Outcome } from '../../../src/core/harness/outcome.ts';
import type { ExecuteStep } from '../../../src/core/pipeline/trajectory.ts';
import { buildResultFile } from '../../../src/core/results/result-file-build.ts';
import type { ResultFile, ResultUnit } from '../../../src/core/results/result-file.ts';
import type { StudyArm, StudyConfig } from '../../../src/core/study/config.ts';
import { environment } from '../results/result-file-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';

export const HUMANEVAL_IDS = Array.from({ length: 164 }, (_, i) => `HumanEval/${i}`);

const PASSED: Outcome = { kind: 'passed', durationMs: 3 };
const FAILED: Outcome = {
  kind: 'failed',
  durationMs: 3,
  category: 'AssertionError',
  errorType: 'AssertionError',
  message: '',
  traceback: 'AssertionError',
  failingAssert: 'assert candidate(1) == 2',
  studyErrorType: null,
};

/** A finished study whose arm `id` passes the first passes[id][r] problems in repeat r. */
export function resultFile(arms: StudyArm[], passes: Record<string, number[]>, overrides: Partial<StudyConfig> = {}): Promise<ResultFile> {
  const repeats = Math.max(...Object.values(passes).map((p) => p.length));
  const config: StudyConfig = { ...studyConfig(), id: 'paper-check', problemIds: HUMANEVAL_IDS, arms, repeats, ...overrides };
  const units: ResultUnit[] = [];
  for (const arm of arms) {
    passes[arm.id]!.forEach((count, repeat) => {
      config.problemIds.forEach((problemId, i) => {
        const outcome: Outcome = i < count ? PASSED : FAILED;
        // The one execution the verdict comes from: import refuses a verdict no step ran.
        const execution: ExecuteStep = {
          index: 0,
          nodeId: 'final.executor',
          stage: null,
          iteration: 0,
          startedAt: 0,
          endedAt: 3,
          kind: 'execute',
          attempt: 0,
          final: true,
          code: '',
          mode: config.mode,
          limits: { timeoutMs: 10_000, maxOutputChars: 1_000_000 },
          outcome,
        };
        units.push({
          armId: arm.id,
          repeat,
          problemId,
          status: 'finished',
          trajectory: { problemId, pipelineId: arm.pipeline.id, repeat, mode: config.mode, steps: [execution], verdict: outcome, passed: i < count, finalCode: '', stopReason: 'completed' },
        });
      });
    });
  }
  return buildResultFile(config, units, environment());
}

