/**
 * What the Scoring page says of its run in words: the sentence a screen reader is told as the run
 * starts and ends, and the line naming where a run that can be continued stopped.
 */

/** `interrupted`: a kept run read back that was still scoring when its tab went away (reloaded, crashed, closed). */
export type ScorePhase = 'idle' | 'reading' | 'scoring' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface AnnouncedRun {
  phase: ScorePhase;
  name: string;
  total: number;
  done: number;
  cancelling: boolean;
  /** How many samples had verdicts when Continue was pressed; null for a run scored from its start. */
  continuedFrom: number | null;
  /** A kept run on show that another tab scores now: the page follows it and cannot continue it. */
  elsewhere: boolean;
  /** "5 passed, 2 failed". */
  summaryLine: string;
  /** pass@k, once every sample is scored. */
  passAtKLine: string | null;
}

const n = (value: number) => value.toLocaleString('en');
const samples = (count: number) => `${n(count)} sample${count === 1 ? '' : 's'}`;

/**
 * One sentence when the run starts and one when it ends, never the counts as they tick (they
 * change four times a second; the progress bar has them). A failure is announced by its own alert.
 */
export function scoreAnnouncement(run: AnnouncedRun): string {
  // Without the counts: they move on every few seconds as the page follows that tab.
  if (run.elsewhere) return `Scoring of ${run.name} goes on in another tab: this page follows it.`;
  switch (run.phase) {
    case 'idle':
    case 'failed':
      return '';
    case 'reading':
      return `Reading ${run.name}…`;
    case 'scoring':
      if (run.cancelling) return 'Cancelling: letting the samples already running finish…';
      // A continued run scores only what is left: saying the whole count would overstate it.
      if (run.continuedFrom !== null) return `Continuing ${run.name}: scoring the ${samples(run.total - run.continuedFrom)} left of ${n(run.total)}…`;
      return `Scoring ${samples(run.total)} of ${run.name}…`;
    case 'done':
      // The pass@k line (several samples per task) is the run's headline figure on the page: say it too.
      return `Scored ${run.name}: ${run.summaryLine}.${run.passAtKLine ? ` ${run.passAtKLine}.` : ''}`;
    case 'cancelled':
      return `Cancelled after ${n(run.done)} of ${n(run.total)} samples: ${run.summaryLine}.`;
    case 'interrupted':
      return `${whereStopped(run)}.`;
    default: {
      const never: never = run.phase;
      return never;
    }
  }
}

/** "Scoring of X.jsonl was interrupted at 812 of 1,183 samples", for a run the page can continue. */
export function whereStopped(run: Pick<AnnouncedRun, 'phase' | 'name' | 'done' | 'total' | 'elsewhere'>): string {
  if (run.elsewhere) return `Scoring of ${run.name} goes on in another tab: ${n(run.done)} of ${n(run.total)} samples scored so far`;
  return `Scoring of ${run.name} ${howStopped(run.phase)} at ${n(run.done)} of ${n(run.total)} samples`;
}

/** How a run with samples left came to stop: "was cancelled", "stopped" (Python failed), "was interrupted" (its tab went away). */
export function howStopped(phase: ScorePhase): string {
  return phase === 'cancelled' ? 'was cancelled' : phase === 'failed' ? 'stopped' : 'was interrupted';
}

/**
 * What follows the line of `whereStopped` and the run's settings on the panel of a run that can be
 * continued: what stopped it, and what Continue will do. A run stopped before its first verdict
 * has none to speak of; Python that failed may never have started (a blocked download) or broken
 * on the way, and the failure's own alert says which.
 */
export function stoppedDetail(run: Pick<AnnouncedRun, 'phase' | 'done' | 'elsewhere'>): string {
  if (run.elsewhere) {
    return run.done > 0 ? '. The verdicts that tab has kept are below, brought up to date every few seconds.' : '. Its verdicts show below once that tab keeps them.';
  }
  const why = run.phase === 'interrupted' ? ': the tab was reloaded or closed while it ran' : run.phase === 'failed' ? ': Python could not start or stopped working (why is said below)' : '';
  const kept = run.done > 0 ? ' The verdicts kept are below; Continue scores only the samples left' : ' Continue scores every sample';
  return `${why}.${kept}${run.phase === 'failed' ? ', starting Python afresh' : ''}, with these settings whatever the form above says.`;
}
