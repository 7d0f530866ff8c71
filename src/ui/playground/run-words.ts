/**
 * What the Playground says about a run in words: the one sentence a screen reader hears, the
 * line shown while a run is in flight, and what the "Printed output" part says.
 */
import { VERDICT_LABELS } from '../scoring/verdict-rows.ts';
import type { PlaygroundRun } from './playground.svelte.ts';
import { messageForEditor } from './traceback-lines.ts';

export interface RunState {
  running: boolean;
  /** The problem the run in flight is for: the user may have opened another one since. */
  runningProblemId: string | null;
  stopped: boolean;
  run: PlaygroundRun | null;
  /** The problem open now. */
  problemId: string | null;
  /** The problem whose run ended while this one was open (Playground.finishedElsewhere). */
  finishedElsewhere?: string | null;
  /** The run waits for Python to start (a first visit downloads it). */
  startingPython?: boolean;
}

/**
 * One sentence, not the whole result (traceback and printed output included), which a live
 * region around it read out at every run.
 */
export function runAnnouncement(state: RunState): string {
  if (state.running) return runningLine(state);
  if (state.stopped) return 'Stopped: no verdict.';
  const run = state.run;
  if (run && run.problemId !== state.problemId) {
    const elsewhere = finishedElsewhereLine(state);
    return elsewhere ? `${elsewhere} Open ${run.problemId} to see the result.` : '';
  }
  if (!run) return '';
  const outcome = run.outcome;
  const verdict = `${run.problemId}: ${VERDICT_LABELS[outcome.kind]}.`;
  if (outcome.kind !== 'failed') return verdict;
  const message = messageForEditor(outcome.message, outcome.traceback, run.lines);
  return `${verdict} ${endSentence(`${outcome.errorType}${message ? `: ${message}` : ''}`)}`;
}

/** A run that ended while another problem was open: said there, or its verdict went unheard. */
export function finishedElsewhereLine(state: Pick<RunState, 'run' | 'finishedElsewhere'>): string | null {
  const run = state.run;
  if (!run || !state.finishedElsewhere || run.problemId !== state.finishedElsewhere) return null;
  return `The tests of ${run.problemId} finished: ${VERDICT_LABELS[run.outcome.kind]}.`;
}

/** While a run is in flight; it names its problem when another one is open now, whose tests are not the ones running. */
export function runningLine(state: Pick<RunState, 'runningProblemId' | 'problemId' | 'startingPython'>): string {
  // "Running the tests…" for the two minutes a slow first visit took to download Python (audit R180-5).
  if (state.startingPython) return 'Starting Python (a first visit downloads about 20 MB)…';
  const elsewhere = state.runningProblemId !== null && state.runningProblemId !== state.problemId;
  return elsewhere ? `Running the tests of ${state.runningProblemId}, the problem open when Run was pressed…` : 'Running the tests…';
}

/**
 * The sandbox keeps what the program wrote to stdout only: what went to stderr (warnings,
 * logging, `print(…, file=sys.stderr)`) is counted against the output limit and dropped. So the
 * page must not say "Nothing was printed" to someone whose program printed there.
 */
export const PRINTED_OUTPUT_HEADING = 'Printed output (stdout)';

export const NOTHING_PRINTED = 'Nothing was printed to stdout. What goes to stderr (warnings, logging, print(…, file=sys.stderr)) is not kept.';

/** A full stop after the text, unless CPython's message ends a sentence itself ("… instead of '='?", "… stderr."). */
function endSentence(text: string): string {
  return /[.?!…]$/.test(text) ? text : `${text}.`;
}

/**
 * Said under the printed output of a standard-mode run whose code has a main guard: standard mode
 * runs a program as openai/human-eval does, `exec(program, {})`, where `__name__` is 'builtins', so
 * the guard's block never ran. Its prints missing, the user would otherwise take it for a fault.
 */
export function mainGuardNote(run: Pick<PlaygroundRun, 'mode' | 'code'>): string | null {
  if (run.mode !== 'standard' || !/__name__\s*==\s*["']__main__["']|["']__main__["']\s*==\s*__name__/.test(run.code)) return null;
  return 'Standard mode runs the program as openai/human-eval does, exec(program, {}): its if __name__ == "__main__": block does not run, so nothing in it ran or printed. Study mode runs it as a script, where it does.';
}
