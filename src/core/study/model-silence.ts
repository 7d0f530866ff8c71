/**
 * How long no model has said a word (a token, a reply stored) during a study. A study's estimate
 * of time left is made only as units end, so an endpoint that holds a request for minutes (a
 * server loading a model, a queue in front of it) left "about 10 s left" showing all that while;
 * past a threshold the page and the command line say how long the silence has lasted instead.
 * An execution is no word from a model: a unit running code it was given before says nothing
 * of whether the model still answers.
 */
export interface ModelSilence {
  /** A model said something: the silence ends. */
  heard(): void;
  /** Whole seconds of silence once it has lasted `afterMs`, else null. */
  silentSeconds(): number | null;
}

export const SILENT_AFTER_MS = 30_000;

/** `now` is a monotonic clock; give one that leaves out time asleep (awake-clock.ts) where there is one. */
export function watchModelSilence(now: () => number, afterMs = SILENT_AFTER_MS): ModelSilence {
  let lastHeardAt = now();
  return {
    heard() {
      lastHeardAt = now();
    },
    silentSeconds() {
      const silentMs = now() - lastHeardAt;
      return silentMs >= afterMs ? Math.floor(silentMs / 1000) : null;
    },
  };
}
