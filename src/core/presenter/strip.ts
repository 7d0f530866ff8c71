/** The running strip under the stage: what is happening, which version of the code, how fast, how long. */
import type { Pipeline } from '../pipeline/genome.ts';
import type { ModelStep } from '../pipeline/trajectory.ts';
import { codeVersions, maxAttempts } from './scenes.ts';
import type { Tape } from './tape.ts';

export interface StripReading {
  phase: string;
  /** The loop's own counter: refinement iteration (0 while the first draft is written), sample, or round. */
  counter: { label: 'Iteration' | 'Sample' | 'Round'; value: number; max: number };
  /** Version of the code being written or judged (1 = the first generation); 0 before it starts. */
  version: number;
  maxVersions: number;
  /** Decode speed of the reply streaming now, else of the last reply; null when unknown. */
  tokensPerSecond: number | null;
  /** Completion tokens of every reply so far, the one streaming included. */
  tokens: number;
  elapsedMs: number;
}

/** `stopped`: the run ended on an error (an endpoint gone) before its verdict; the stage says so, and the strip with it. */
export function readStrip(tape: Tape, pipeline: Pipeline, stopped = false): StripReading {
  const modelSteps = tape.steps.filter((s): s is ModelStep => s.kind !== 'execute');
  const last = modelSteps[modelSteps.length - 1];
  const pending = tape.pending;
  const tokens = modelSteps.reduce((n, s) => n + s.usage.completionTokens, 0) + (pending?.kind === 'model' ? pending.tokens : 0);
  const lastSpeed = last && last.usage.decodeTokensPerSecond > 0 ? last.usage.decodeTokensPerSecond : null;
  const version = codeVersions(tape);
  return {
    phase: stopped ? 'The run stopped' : phaseOf(tape),
    counter: counterOf(pipeline, version),
    version,
    maxVersions: maxAttempts(pipeline),
    tokensPerSecond: pending?.kind === 'model' ? pending.tokensPerSecond : lastSpeed,
    tokens,
    elapsedMs: tape.elapsedMs,
  };
}

function counterOf(pipeline: Pipeline, version: number): StripReading['counter'] {
  const max = maxAttempts(pipeline);
  switch (pipeline.kind) {
    case 'refine':
      return { label: 'Iteration', value: Math.max(0, version - 1), max: max - 1 };
    case 'resample':
      return { label: 'Sample', value: version, max };
    case 'text-only':
      return { label: 'Round', value: Math.max(0, version - 1), max: pipeline.rounds };
    default: {
      const never: never = pipeline;
      throw new Error(`Unknown pipeline ${JSON.stringify(never)}.`);
    }
  }
}

function phaseOf(tape: Tape): string {
  if (tape.end) {
    if (tape.end.passed) return 'Passed';
    return tape.end.stopReason === 'time-cap' ? 'Time cap reached: failed' : 'Budget spent: failed';
  }
  const pending = tape.pending;
  if (pending?.kind === 'execute') return 'Running the tests';
  if (pending?.kind === 'model') {
    if (!pending.streaming) return 'Reading the feedback';
    switch (pending.stepKind) {
      case 'generate':
      case 'plan':
        return 'Writing code';
      case 'refine':
      case 'revise':
        return 'Rewriting the code';
      case 'analyze':
        return 'Diagnosing';
      case 'critique':
        return 'Reviewing';
      default: {
        const never: never = pending.stepKind;
        return String(never);
      }
    }
  }
  const last = tape.steps[tape.steps.length - 1];
  if (!last) return 'The problem';
  if (last.kind === 'execute') return tape.ticked !== null ? 'Running the tests' : last.outcome.kind === 'passed' ? 'Tests passed' : 'Tests failed';
  return 'Reply complete';
}
