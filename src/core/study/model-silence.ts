/**
 * How long no model has said a word (a token, a reply stored) during a study. A study's estimate
 * of time left is made only as units end, so an endpoint that holds a request for minutes (a
 * server loading a model, a queue in front of it) left "about 10 s left" showing all that while;
 * past a threshold the page and the command line say how long the silence has lasted instead.
 * An execution is no word from a model: a unit running code it was given before says nothing
 * of whether the model still answers. Nor is it a silence: while no call is at a model (every unit
 * in flight runs code, or waits to be tried again) nobody is being asked, so a watch counts only
 * while a call or a load is in hand (`listenToModel` counts them).
 */
import type { LanguageModel } from '../ports.ts';

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

/**
 * `model`, telling `heard` of every piece it streams, text or reasoning (a thinking model reasons
 * for minutes), and `asking` of each call (or load) it is given and of its end, so that a watch
 * counts silence only while a model has something in hand. Code that runs longer than the
 * threshold (Mbpp/123's canonical solution, 47 s in a browser on a laptop 6× slower than the
 * machine its 48-s floor was measured on) otherwise read "no word from the model" with none asked.
 */
export function listenToModel(model: LanguageModel, heard: () => void, asking: (delta: 1 | -1) => void): LanguageModel {
  const prepare = model.prepare?.bind(model);
  const asked = async <T>(work: () => Promise<T>): Promise<T> => {
    asking(1);
    try {
      return await work();
    } finally {
      asking(-1);
    }
  };
  return {
    id: model.id,
    chat: (messages, options, call) =>
      asked(() =>
        model.chat(messages, options, {
          ...call,
          onToken: (delta) => {
            heard();
            call?.onToken?.(delta);
          },
          onReasoning: () => {
            heard();
            call?.onReasoning?.();
          },
        }),
      ),
    ...(prepare ? { prepare: (signal, request) => asked(() => prepare(signal, request)) } : {}),
  };
}

/** What a page or the command line needs of its models' silence: their calls counted, their words heard. */
export interface ListenedModels {
  /** Whether a model has a call (or a load) in hand now: silence counts only then. */
  inHand(): boolean;
  /** `model`, listened to (listenToModel) and its calls counted with every other model's. */
  listen(model: LanguageModel): LanguageModel;
}

/**
 * Counts the calls every model of a run has in hand, for `listenToModel`. A first call after none
 * is heard: the silence is counted from it, not from the last word before it.
 */
export function listenToModels(heard: () => void): ListenedModels {
  let atModel = 0;
  const asking = (delta: 1 | -1): void => {
    if (delta === 1 && atModel === 0) heard();
    atModel += delta;
  };
  return { inHand: () => atModel > 0, listen: (model) => listenToModel(model, heard, asking) };
}
