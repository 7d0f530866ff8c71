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
  /** How long the reply streaming now has sent nothing (past a few seconds); null while it flows, or with none. */
  silentMs?: number | null;
  /** Completion tokens of every reply so far, the one streaming included. */
  tokens: number;
  elapsedMs: number;
  /**
   * The phase is one the tape's last scene says itself, in more words: a run of the tests (its
   * banner) or the verdict. With that scene on stage, the strip does not say it too (`spokenStrip`).
   */
  sceneSays: boolean;
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
    // Stopped, the stage shows the failure instead (an alert of its own).
    sceneSays: !stopped && sceneSaysPhase(tape),
  };
}

/**
 * What a screen reader hears of the strip: its phase and `status`, but only the status while the
 * scene on stage says the phase itself (`phaseOnStage`: its banner's "✗ NameError … (in test 1 of 7)"
 * then "Tests failed" 350 ms later was the same news twice). A status that changes meanwhile
 * ("paused", "the end: R starts again…") is still said; clearing the region says nothing.
 */
function spokenStrip(phase: string, status: string, phaseOnStage: boolean): string {
  if (phaseOnStage) return status;
  return status ? `${phase} · ${status}` : phase;
}

/**
 * `spokenStrip` over time, for the strip's live region: while the scene on stage says the phase,
 * a status that has not changed keeps the text the region already holds. Dropping the phase from
 * "Writing code · step by step: →" left "step by step: →", a new text, and a screen reader said the
 * reminder again after every run of the tests (and "paused" again while paused). Same inputs, same
 * text, so it can be asked as often as the page likes.
 */
export class StripVoice {
  #text = '';
  #status: string | null = null;

  say(phase: string, status: string, phaseOnStage: boolean): string {
    const text = phaseOnStage && status === this.#status ? this.#text : spokenStrip(phase, status, phaseOnStage);
    this.#text = text;
    this.#status = status;
    return text;
  }
}

/** Whether `phaseOf` reads the phase from a run of the tests or the end: the scenes (last) that say it. */
function sceneSaysPhase(tape: Tape): boolean {
  if (tape.end) return true;
  if (tape.pending) return tape.pending.kind === 'execute';
  return tape.steps[tape.steps.length - 1]?.kind === 'execute';
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
