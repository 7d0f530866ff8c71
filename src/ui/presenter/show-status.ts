/** The words after the phase in the strip under the stage: what the show is doing, or what the keys do now. */
import type { PresenterShow } from './show.ts';

type ShowState = Pick<PresenterShow, 'preparing' | 'playing' | 'finished' | 'speed'>;

export function showStatus(show: ShowState | null): string {
  if (!show) return '';
  if (show.preparing !== null) return show.preparing;
  if (show.speed === 'step') {
    // → and Space do nothing more on the last scene: the speaker needs the key that does something.
    return show.finished ? 'the end: R starts again, ← goes back' : 'step by step: →';
  }
  return !show.playing && !show.finished ? 'paused' : '';
}

/**
 * Whether the scene on stage says the strip's phase itself (a run of the tests, the verdict), so the
 * strip keeps it to itself: the latest scene, not one a live run was looked back from, nor a failure.
 */
export function phaseOnStage(show: Pick<PresenterShow, 'strip' | 'showingError' | 'shownIndex' | 'scenes'> | null): boolean {
  return show !== null && show.strip.sceneSays && !show.showingError && show.shownIndex === show.scenes.length - 1;
}
