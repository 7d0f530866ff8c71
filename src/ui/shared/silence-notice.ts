/**
 * A run panel's "no word from the model for …": the model-silence watch (model-silence.ts) read a
 * few times a second while a run runs, its figure handed to the panel's state. Silence counts only
 * while running: a pause, or the pausing before it, is no model's. The Study and Search pages
 * share it.
 */
import { SILENT_AFTER_MS, watchModelSilence } from '../../core/study/model-silence.ts';

export interface SilenceNotice {
  /** A model said something (or a reply came another way): the silence ends, and its figure goes. */
  heard(): void;
  /** The run is over: no more readings, and no figure. */
  stop(): void;
}

/**
 * `now`: the ports' clock, which leaves out time the laptop slept (awake-clock.ts): that silence
 * was nobody's. `show` receives whole seconds of silence once it has lasted `afterMs`, else null.
 */
export function startSilenceNotice(
  now: () => number,
  running: () => boolean,
  show: (silentSeconds: number | null) => void,
  afterMs = SILENT_AFTER_MS,
): SilenceNotice {
  const watch = watchModelSilence(now, afterMs);
  const timer = setInterval(() => {
    if (!running()) watch.heard();
    show(watch.silentSeconds());
  }, Math.min(1000, afterMs / 4));
  return {
    heard() {
      watch.heard();
      show(null);
    },
    stop() {
      clearInterval(timer);
      show(null);
    },
  };
}
